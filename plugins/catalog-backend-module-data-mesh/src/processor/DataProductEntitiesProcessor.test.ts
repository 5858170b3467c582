import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  CatalogProcessorResult,
  CatalogService,
} from '@backstage/plugin-catalog-node';
import {
  type DataProductEntityV1alpha1,
  fromCatalogForm,
  toCatalogForm,
} from '@datamesh/plugin-data-mesh-common';
import { DataProductEntitiesProcessor } from './DataProductEntitiesProcessor';
import { handOver } from './handOver';

const location = { type: 'file', target: '/specs/cohorts.yaml' };

function product(name: string, spec: Record<string, unknown>): Entity {
  return {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name, namespace: 'research' },
    spec: {
      type: 'consumer-aligned',
      lifecycle: 'production',
      owner: 'analytics',
      domain: 'population-health',
      certified: false,
      ...spec,
    },
  };
}

const cohorts = product('cohorts', {
  inputPorts: [
    { name: 'source', type: 'dataset', source: 'a file drop' },
    {
      name: 'admissions',
      type: 'data-product',
      dataProduct: 'admissions',
      outputPort: 'sql',
    },
    {
      name: 'patients',
      type: 'data-product',
      dataProduct: 'dataproduct:default/patients',
      outputPort: 'jdbc2',
    },
    {
      name: 'patients-again',
      type: 'data-product',
      dataProduct: 'dataproduct:default/patients',
      outputPort: 'jdbc',
    },
    {
      name: 'lab',
      type: 'data-product',
      dataProduct: 'lab',
      outputPort: 'sql',
    },
  ],
});

/** An in-memory catalog answering the one call the processor makes. */
class InMemoryCatalog {
  calls: string[][] = [];
  constructor(
    private readonly entities: Entity[],
    private readonly failWith?: Error,
  ) {}
  async getEntitiesByRefs(request: { entityRefs: string[] }) {
    this.calls.push(request.entityRefs);
    if (this.failWith) throw this.failWith;
    return {
      items: request.entityRefs.map(ref =>
        this.entities.find(
          e =>
            `${e.kind.toLowerCase()}:${e.metadata.namespace}/${
              e.metadata.name
            }` === ref,
        ),
      ),
    };
  }
}

const upstreams = [
  product('admissions', { outputPorts: [{ name: 'sql', type: 'sql' }] }),
  {
    ...product('patients', {
      outputPorts: [
        { name: 'jdbc', type: 'jdbc' },
        { name: 'api', type: 'api' },
      ],
    }),
    metadata: { name: 'patients', namespace: 'default' },
  },
  // lab is not in the catalog (yet)
];

async function run(processor: DataProductEntitiesProcessor, entity: Entity) {
  const results: CatalogProcessorResult[] = [];
  const returned = await processor.postProcessEntity(entity, location, r =>
    results.push(r),
  );
  const relations = results.flatMap(r =>
    r.type === 'relation'
      ? [
          `${r.relation.source.kind}:${r.relation.source.namespace}/${r.relation.source.name} ${r.relation.type} ${r.relation.target.kind}:${r.relation.target.namespace}/${r.relation.target.name}`,
        ]
      : [],
  );
  const errors = results.flatMap(r =>
    r.type === 'error' ? [r.error.message] : [],
  );
  return { returned, relations, errors };
}

describe('DataProductEntitiesProcessor', () => {
  const logger = mockServices.logger.mock();
  const auth = mockServices.auth();
  /** A processor that checks upstream ports against this catalog. */
  const checkingPorts = (catalog = new InMemoryCatalog(upstreams)) => ({
    catalog,
    processor: new DataProductEntitiesProcessor({
      logger,
      upstreamPorts: { catalog: catalog as unknown as CatalogService, auth },
    }),
  });

  it('emits both directions of ownership, domain and each upstream product once', async () => {
    const processor = new DataProductEntitiesProcessor({ logger });
    const { returned, relations, errors } = await run(processor, cohorts);
    expect(fromCatalogForm(returned)).toEqual({
      ...cohorts,
      metadata: {
        ...cohorts.metadata,
        annotations: { 'datamesh.dev/spec-format': 'entity' },
      },
    });
    expect(errors).toEqual([]);
    expect(relations).toEqual([
      'DataProduct:research/cohorts ownedBy Group:research/analytics',
      'Group:research/analytics ownerOf DataProduct:research/cohorts',
      'DataProduct:research/cohorts partOf Domain:research/population-health',
      'Domain:research/population-health hasPart DataProduct:research/cohorts',
      'DataProduct:research/cohorts dependsOn DataProduct:research/admissions',
      'DataProduct:research/admissions dependencyOf DataProduct:research/cohorts',
      'DataProduct:research/cohorts dependsOn dataproduct:default/patients',
      'dataproduct:default/patients dependencyOf DataProduct:research/cohorts',
      'DataProduct:research/cohorts dependsOn DataProduct:research/lab',
      'DataProduct:research/lab dependencyOf DataProduct:research/cohorts',
    ]);
  });

  it('checks upstream output ports with one batched lookup', async () => {
    const { catalog, processor } = checkingPorts();
    const { errors } = await run(processor, cohorts);
    expect(catalog.calls).toEqual([
      [
        'dataproduct:research/admissions',
        'dataproduct:default/patients',
        'dataproduct:research/lab',
      ],
    ]);
    // admissions matches, patients-again matches, lab is missing: no error for those.
    expect(errors).toEqual([
      "spec.inputPorts[2].outputPort: dataproduct:default/patients has no output port 'jdbc2' (its ports: jdbc, api)",
    ]);
  });

  it('shares one request between entities processed at the same time', async () => {
    const { catalog, processor } = checkingPorts();
    const second = product('cohorts-2', {
      inputPorts: [
        {
          name: 'patients',
          type: 'data-product',
          dataProduct: 'dataproduct:default/patients',
          outputPort: 'api',
        },
        {
          name: 'more',
          type: 'data-product',
          dataProduct: 'more',
          outputPort: 'sql',
        },
      ],
    });
    const [a, b] = await Promise.all([
      run(processor, cohorts),
      run(processor, second),
    ]);
    expect(catalog.calls).toEqual([
      [
        'dataproduct:research/admissions',
        'dataproduct:default/patients',
        'dataproduct:research/lab',
        'dataproduct:research/more',
      ],
    ]);
    expect(a.errors).toEqual([
      expect.stringContaining("no output port 'jdbc2'"),
    ]);
    expect(b.errors).toEqual([]);
  });

  it('does not look anything up when the check is switched off or nothing consumes a product', async () => {
    const off = new DataProductEntitiesProcessor({ logger });
    expect((await run(off, cohorts)).errors).toEqual([]);

    const { catalog, processor: on } = checkingPorts();
    await run(
      on,
      product('source', { inputPorts: [{ name: 'pas', type: 'dataset' }] }),
    );
    expect(catalog.calls).toEqual([]);
  });

  it('treats a failing lookup as unknown, not as an error of the product', async () => {
    const { processor } = checkingPorts(
      new InMemoryCatalog(upstreams, new Error('connection refused')),
    );
    const { errors, relations } = await run(processor, cohorts);
    expect(errors).toEqual([]);
    expect(relations).toHaveLength(10);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('connection refused'),
    );
  });

  it('checks consumers against the ports of products it accepted, without asking the catalog for them', async () => {
    // the catalog still has admissions' stitched copy with port 'sql'
    const { catalog, processor } = checkingPorts();
    // admissions was just changed: its port is now 'sql-v2'
    const admissions = product('admissions', {
      outputPorts: [{ name: 'sql-v2', type: 'sql' }],
    });
    expect((await run(processor, admissions)).errors).toEqual([]);

    const { errors } = await run(processor, cohorts);
    expect(catalog.calls).toEqual([
      ['dataproduct:default/patients', 'dataproduct:research/lab'],
    ]);
    expect(errors).toEqual([
      "spec.inputPorts[1].outputPort: dataproduct:research/admissions has no output port 'sql' (its ports: sql-v2)",
      "spec.inputPorts[2].outputPort: dataproduct:default/patients has no output port 'jdbc2' (its ports: jdbc, api)",
    ]);
  });

  it('does not remember a product whose processing failed, as the catalog keeps its previous version', async () => {
    const { catalog, processor } = checkingPorts();
    const broken = product('admissions', {
      owner: 'not a ref: at all',
      outputPorts: [{ name: 'sql-v2', type: 'sql' }],
    });
    expect((await run(processor, broken)).errors).not.toEqual([]);

    const { errors } = await run(processor, cohorts);
    // admissions came from the catalog, with its accepted port 'sql'
    expect(catalog.calls[0]).toContain('dataproduct:research/admissions');
    expect(errors).toEqual([expect.stringContaining("no output port 'jdbc2'")]);
  });

  it('leaves other kinds alone and validates the DataProduct kind', async () => {
    const processor = new DataProductEntitiesProcessor({ logger });
    const component: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'portal', namespace: 'research' },
      spec: { type: 'website', lifecycle: 'production', owner: 'analytics' },
    };
    expect((await run(processor, component)).relations).toEqual([]);
    await expect(processor.validateEntityKind(component)).resolves.toBe(false);
    await expect(processor.validateEntityKind(cohorts)).resolves.toBe(true);
    await expect(
      processor.validateEntityKind(product('bad', { type: 'vibes' })),
    ).rejects.toThrow(/type/);
  });
});

describe('DataProductEntitiesProcessor on natively written entities', () => {
  it('applies the identifier rules the spec readers apply', async () => {
    const processor = new DataProductEntitiesProcessor({
      logger: mockServices.logger.mock(),
    });
    const entity = product('reserved', {
      datasets: [{ name: 'select', columns: [{ name: 'id', type: 'string' }] }],
    });
    // The JSON schema alone lets a reserved word through ...
    await expect(processor.validateEntityKind(entity)).resolves.toBe(true);
    // ... the processor does not.
    const { errors } = await run(processor, entity);
    expect(errors).toEqual([
      expect.stringMatching(/^spec\.datasets\[0\]\.name: .*select.*/),
    ]);
  });
});

/** As the spec readers emit a product: annotated with the spec's format. */
function asRead(entity: Entity): DataProductEntityV1alpha1 {
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: { 'datamesh.dev/spec-format': 'oam' },
    },
  } as unknown as DataProductEntityV1alpha1;
}

describe('DataProductEntitiesProcessor storing the catalog form', () => {
  const columns = [
    { name: 'cohort_id', type: 'varchar(36)', primaryKey: true },
    { name: 'birth_year', type: 'integer', pii: true },
  ];
  const full = product('cohorts', {
    datasets: [{ name: 'cohorts', table: 'RESEARCH.COHORTS', columns }],
    inputPorts: [{ name: 'source', type: 'dataset', source: 'a file drop' }],
    outputPorts: [{ name: 'sql', type: 'sql', dataset: 'cohorts' }],
    slos: [
      {
        name: 'fresh',
        dimension: 'freshness',
        objective: 'Refreshed daily',
        maxAge: '24h',
      },
    ],
    dataSharingAgreement: { purpose: 'Research' },
    infrastructure: { stage: 'prod' },
  });

  it('returns the catalog form by default, which reads back as the canonical entity', async () => {
    const processor = new DataProductEntitiesProcessor({
      logger: mockServices.logger.mock(),
    });
    const { returned, errors } = await run(processor, full);
    expect(errors).toEqual([]);
    expect(returned.spec).toEqual({
      type: 'consumer-aligned',
      lifecycle: 'production',
      owner: 'analytics',
      domain: 'population-health',
      certified: false,
      datasets: [
        {
          name: 'cohorts',
          json: JSON.stringify({ table: 'RESEARCH.COHORTS', columns }),
        },
      ],
      inputPorts: JSON.stringify(full.spec!.inputPorts),
      outputPorts: [
        {
          name: 'sql',
          json: JSON.stringify({ type: 'sql', dataset: 'cohorts' }),
        },
      ],
      slos: JSON.stringify(full.spec!.slos),
      dataSharingAgreement: '{"purpose":"Research"}',
      infrastructure: '{"stage":"prod"}',
    });
    expect(fromCatalogForm(returned).spec).toEqual(full.spec);
  });

  it('keeps the canonical entity with storeNestedAsJson: false', async () => {
    const processor = new DataProductEntitiesProcessor({
      logger: mockServices.logger.mock(),
      storeNestedAsJson: false,
    });
    const { returned } = await run(processor, full);
    expect(returned.spec).toEqual(full.spec);
    // what the spec readers hand over is stored canonical too
    const fromReader = handOver(asRead(full));
    await expect(processor.validateEntityKind(fromReader)).resolves.toBe(true);
    expect((await run(processor, fromReader)).returned.spec).toEqual(full.spec);
  });

  it('validates, relates and stores what the spec readers hand over as the canonical entity', async () => {
    const processor = new DataProductEntitiesProcessor({
      logger: mockServices.logger.mock(),
    });
    // as a hand-over arrives from another replica or from before a restart:
    // without a seal of this process, so checked as written
    const unsealed = (entity: Entity): Entity => {
      const { sealed: _, ...spec } = entity.spec!;
      return { ...entity, spec };
    };
    const read = {
      ...asRead(full),
      spec: {
        ...full.spec,
        inputPorts: [
          {
            name: 'up',
            type: 'data-product',
            dataProduct: 'admissions',
            outputPort: 'sql',
          },
        ],
        // a problem only the canonical entity shows: a dataset the port lacks
        outputPorts: [{ name: 'sql', type: 'sql', dataset: 'visits' }],
      },
    } as DataProductEntityV1alpha1;
    const fromReader = unsealed(handOver(read));
    expect(fromReader.spec).toEqual({
      type: 'consumer-aligned',
      lifecycle: 'production',
      owner: 'analytics',
      domain: 'population-health',
      certified: false,
      deflated: expect.any(String),
    });
    await expect(processor.validateEntityKind(fromReader)).resolves.toBe(true);
    const { returned, errors, relations } = await run(processor, fromReader);
    expect(errors).toEqual([
      expect.stringMatching(/^spec\.outputPorts\[0\]\.dataset: .*visits/),
    ]);
    expect(relations).toContain(
      'DataProduct:research/cohorts dependsOn DataProduct:research/admissions',
    );
    // stored in the readable catalog form
    expect(returned.spec).toEqual(toCatalogForm(read).spec);

    // a native entity is checked as written: neither the hand-over nor the
    // catalog form is a way to write one, and a string where the kind wants
    // a list is told so by the schema
    await expect(
      processor.validateEntityKind({
        ...handOver(full as DataProductEntityV1alpha1),
        metadata: full.metadata,
      }),
    ).rejects.toThrow(/deflated/);
    await expect(
      processor.validateEntityKind(
        toCatalogForm(full as DataProductEntityV1alpha1),
      ),
    ).rejects.toThrow(/datasets/);
    await expect(
      processor.validateEntityKind(
        product('typo', { slos: 'refreshed daily' }),
      ),
    ).rejects.toThrow(/slos/);
  });

  it('does not check a sealed hand-over again, and checks one changed since it was read', async () => {
    const processor = new DataProductEntitiesProcessor({
      logger: mockServices.logger.mock(),
    });
    const valid = handOver(asRead(full));
    await expect(processor.validateEntityKind(valid)).resolves.toBe(true);
    expect((await run(processor, valid)).errors).toEqual([]);

    // Only the reader seals, and only what it checked; so a seal is the
    // proof the processor trusts: a product sealed with a problem in it
    // (which the reader never hands over) is not checked a second time ...
    const flawed = {
      ...asRead(full),
      spec: {
        ...full.spec,
        outputPorts: [{ name: 'sql', type: 'sql', dataset: 'visits' }],
      },
    } as DataProductEntityV1alpha1;
    expect((await run(processor, handOver(flawed))).errors).toEqual([]);

    // ... while a sealed hand-over changed afterwards is checked as written:
    // the flawed product's parts under another name, and a name no
    // warehouse may take
    const { sealed } = handOver(flawed).spec as { sealed: string };
    const relabelled: Entity = {
      ...handOver({
        ...flawed,
        metadata: { ...flawed.metadata, name: 'cohorts-v2' },
      }),
    };
    relabelled.spec = { ...relabelled.spec, sealed };
    expect((await run(processor, relabelled)).errors).toEqual([
      expect.stringMatching(/^spec\.outputPorts\[0\]\.dataset: .*visits/),
    ]);
    const renamed: Entity = {
      ...valid,
      metadata: { ...valid.metadata, name: 'select' },
    };
    expect((await run(processor, renamed)).errors).toEqual([
      expect.stringMatching(/^metadata\.name: /),
    ]);
  });
});
