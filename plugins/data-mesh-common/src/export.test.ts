import { readFileSync } from 'fs';
import { join } from 'path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { stringify } from 'yaml';
import odps110 from './schema/standards/odps-json-schema-v1.1.0.json';
import odcs310 from './schema/standards/odcs-json-schema-v3.1.0.json';
import { SourceDocument } from './issues';
import { DataProductEntityV1alpha1 } from './model';
import { ANNOTATION_SPEC_FORMAT, validateDataProductEntity } from './entity';
import { readDataProductSpec } from './read';
import { ANNOTATION_ODPS_ID, readOdps } from './formats/odps';
import { readOam } from './formats/oam';
import { toEntityDocument, toOamSpec, toOdps } from './export';

// The official schemas, compiled here rather than through the package's own
// validation code, so an export is judged by the standard alone.
const ajv = new Ajv2019({
  allErrors: true,
  strict: true,
  strictRequired: false,
});
addFormats(ajv);
const validateOdps = ajv.compile(odps110);
const validateOdcs = ajv.compile(odcs310);

function expectValidOdps(document: unknown) {
  validateOdps(document);
  expect(validateOdps.errors ?? []).toEqual([]);
}
function expectValidOdcs(document: unknown) {
  validateOdcs(document);
  expect(validateOdcs.errors ?? []).toEqual([]);
}

/** Exports as YAML text and reads the text back, as a user's files would be. */
function readBack(exported: ReturnType<typeof toOdps>) {
  const source = new SourceDocument(
    stringify(exported.product),
    'product.odps.yaml',
  );
  const contracts = exported.contracts.map(
    c => new SourceDocument(stringify(c.contract), `${c.dataset}.odcs.yaml`),
  );
  const entity = readOdps(source, { contracts });
  return {
    entity,
    issues: [source, ...contracts].flatMap(d => d.issues),
  };
}

function withoutAnnotations(entity: DataProductEntityV1alpha1 | undefined) {
  if (!entity) return entity;
  const { annotations: _ignored, ...metadata } = entity.metadata;
  return { ...entity, metadata };
}

/** Every field of the model that ODPS + ODCS can carry. */
const patientVisits: DataProductEntityV1alpha1 = {
  apiVersion: 'datamesh.dev/v1alpha1',
  kind: 'DataProduct',
  metadata: {
    name: 'patient-visits',
    namespace: 'clinical',
    title: 'Patient Visits',
    description: 'Every outpatient and inpatient visit, one row per visit.',
    tags: ['visits', 'clinical'],
    links: [
      { url: 'https://chat.example.org/channels/clinical-data', title: 'Chat' },
      { url: 'https://wiki.example.org/patient-visits' },
    ],
  },
  spec: {
    type: 'aggregate',
    lifecycle: 'production',
    owner: 'group:clinical/clinical-data',
    domain: 'domain:default/clinical-care',
    certified: true,
    datasets: [
      {
        name: 'visits',
        title: 'Patient visits',
        description: 'One row per visit.',
        table: 'clinical_prod.patient_visits.visits',
        columns: [
          {
            name: 'visit_id',
            type: 'varchar(36)',
            description: 'Visit key.',
            primaryKey: true,
            required: true,
            quality: [
              {
                name: 'unique-visits',
                metric: 'duplicateValues',
                mustBe: 0,
                severity: 'error',
              },
            ],
          },
          {
            name: 'patient_id',
            type: 'varchar(36)',
            classification: 'restricted',
            pii: true,
            criticalDataElement: true,
            tags: ['join-key'],
          },
          { name: 'admitted_at', type: 'timestamp' },
          {
            name: 'ward',
            type: 'String',
            classification: 'internal',
            required: false,
            quality: [
              {
                metric: 'invalidValues',
                validValues: ['A', 'B', 1],
                mustBeLessThan: 1,
                unit: 'percent',
              },
              { type: 'text', description: 'Wards are named by the hospital.' },
            ],
          },
          {
            name: 'cost',
            type: 'numeric(10,2)',
            classification: 'confidential',
          },
        ],
        quality: [{ metric: 'rowCount', mustBeGreaterThan: 0 }],
      },
      {
        // served by no port: an internal dataset still gets its contract
        name: 'wards',
        columns: [
          { name: 'ward', type: 'text' },
          { name: 'beds', type: 'integer' },
        ],
      },
    ],
    inputPorts: [
      {
        name: 'patients',
        description: 'Patients master data.',
        type: 'data-product',
        dataProduct: 'dataproduct:default/patients',
        outputPort: 'patients-sql',
        personalDataInClear: true,
      },
      {
        name: 'ehr-feed',
        title: 'EHR feed (nightly)',
        type: 'dataset',
        source: 'EHR extract, table visits',
      },
      {
        name: 'bed-api',
        title: 'Bed API',
        type: 'api',
        source: 'https://beds.example.org/api',
      },
    ],
    outputPorts: [
      {
        name: 'visits-sql',
        title: 'Visits over SQL',
        description: 'SQL access to the visits table.',
        type: 'sql',
        dataset: 'visits',
        url: 'postgresql://warehouse.example.org:5432/clinical_prod',
        instructions: 'Request the consumer role in the portal.',
      },
      { name: 'visits-files', type: 'file' },
    ],
    slos: [
      {
        name: 'visits-fresh',
        title: 'Visits are refreshed daily',
        dimension: 'freshness',
        objective: 'Visits of yesterday are available by 06:00.',
        dataset: 'visits',
        maxAge: '24h',
        target: 0.9,
        window: '20d',
        slice: '1d',
        indicator: {
          name: 'Daily refresh over 20 days',
          description: 'Share of days on which the visits were fresh.',
        },
      },
      {
        name: 'wards-complete',
        dimension: 'completeness',
        objective: 'Every ward is listed.',
        dataset: 'wards',
        tolerance: 0.05,
      },
      {
        name: 'visits-available',
        dimension: 'availability',
        objective: 'The visits table answers queries.',
      },
    ],
    dataSharingAgreement: {
      purpose: 'Care-pathway analytics.',
      usage: 'Aggregate reporting only.',
      limitations: 'Visits before 2019 are missing.',
      approval: 'The owner approves within two working days.',
      termination: "Access ends with the consumer's project.",
      instructions: 'Request access on the product page.',
    },
    infrastructure: {
      stage: 'prod',
      platform: 'postgres',
      warehouse: 'clinical_wh',
      database: 'clinical_prod',
      schema: 'patient_visits',
      roles: {
        consumer: 'clinical_patient_visits_consumer',
        service: 'clinical_patient_visits_service',
        owner: 'clinical_patient_visits_owner',
      },
    },
  },
};

describe('toOdps', () => {
  it('writes an ODPS v1.1.0 product and ODCS v3.1.0 contracts that pass the official schemas', () => {
    expect(validateDataProductEntity(patientVisits)).toEqual([]);
    const exported = toOdps(patientVisits);

    expectValidOdps(exported.product);
    expect(exported.contracts.map(c => c.dataset)).toEqual(['visits', 'wards']);
    for (const { contract } of exported.contracts) expectValidOdcs(contract);

    expect(exported.product).toMatchObject({
      apiVersion: 'v1.1.0',
      kind: 'DataProduct',
      id: 'dataproduct:clinical/patient-visits',
      name: 'Patient Visits',
      status: 'active',
      domain: 'clinical-care',
      type: 'aggregate',
      team: { name: 'clinical-data' },
      outputPorts: [
        {
          name: 'Visits over SQL',
          type: 'sql',
          contractId: 'dataproduct:clinical/patient-visits/visits',
        },
        { name: 'visits-files', type: 'file' },
      ],
    });
    const visits = exported.contracts[0].contract as any;
    expect(visits.id).toBe('dataproduct:clinical/patient-visits/visits');
    expect(visits.schema[0].properties[1]).toEqual({
      name: 'patient_id',
      logicalType: 'string',
      physicalType: 'varchar(36)',
      classification: 'restricted',
      criticalDataElement: true,
      tags: ['join-key', 'pii'],
    });
    // the freshness promise is also written the way ODCS tools read it
    expect(visits.slaProperties).toEqual([
      {
        property: 'latency',
        value: 24,
        unit: 'h',
        element: 'visits',
        description: 'Visits of yesterday are available by 06:00.',
      },
    ]);
  });

  it('reads back into the same entity (entity → ODPS/ODCS → entity)', () => {
    const { entity, issues } = readBack(toOdps(patientVisits));
    expect(issues).toEqual([]);
    expect(entity).toEqual({
      ...patientVisits,
      metadata: {
        ...patientVisits.metadata,
        annotations: {
          [ANNOTATION_ODPS_ID]: 'dataproduct:clinical/patient-visits',
        },
      },
    });
  });

  it('keeps ids stable: the product keeps its ODPS id, and exports repeat exactly', () => {
    const first = toOdps(patientVisits);
    const { entity } = readBack(first);
    const second = toOdps(entity!);
    expect(second).toEqual(first);

    const withId: DataProductEntityV1alpha1 = {
      ...patientVisits,
      metadata: {
        ...patientVisits.metadata,
        annotations: {
          [ANNOTATION_ODPS_ID]: 'fbe8d147-28db-4f1d-bedf-a3fe9f458427',
        },
      },
    };
    const exported = toOdps(withId);
    expect(exported.product.id).toBe('fbe8d147-28db-4f1d-bedf-a3fe9f458427');
    expect(exported.contracts.map(c => (c.contract as any).id)).toEqual([
      'fbe8d147-28db-4f1d-bedf-a3fe9f458427/visits',
      'fbe8d147-28db-4f1d-bedf-a3fe9f458427/wards',
    ]);
  });

  it('writes a user owner as the team member with role owner', () => {
    const exported = toOdps({
      ...patientVisits,
      spec: {
        ...patientVisits.spec,
        owner: 'user:default/ada',
        lifecycle: 'experimental',
      },
    });
    expectValidOdps(exported.product);
    expect(exported.product.team).toEqual({
      members: [{ username: 'ada', role: 'owner' }],
    });
    expect(exported.product.status).toBe('draft');
    const { entity } = readBack(exported);
    expect(entity?.spec.owner).toBe('user:default/ada');
    expect(entity?.spec.lifecycle).toBe('experimental');
  });

  it('leaves out empty values, since ODPS requires a value for every customProperty', () => {
    const exported = toOdps({
      ...patientVisits,
      metadata: { name: 'bare', tags: [], links: [] },
      spec: {
        type: 'source-aligned',
        lifecycle: 'production',
        owner: 'group:default/team',
        domain: 'domain:default/clinical-care',
        certified: false,
        slos: [],
        infrastructure: { roles: {} },
        dataSharingAgreement: {},
      },
    });
    expectValidOdps(exported.product);
    expect(exported.product).toEqual({
      apiVersion: 'v1.1.0',
      kind: 'DataProduct',
      id: 'dataproduct:default/bare',
      name: 'bare',
      status: 'active',
      domain: 'clinical-care',
      type: 'sourceAligned',
      customProperties: [
        { property: 'owner', value: 'group:default/team' },
        { property: 'certified', value: false },
      ],
      team: { name: 'team' },
    });
    expect(exported.contracts).toEqual([]);
  });

  it('round-trips the official ODPS example (ODPS → entity → ODPS → entity)', () => {
    const source = new SourceDocument(
      readFileSync(
        join(
          __dirname,
          'formats/__fixtures__/example-customer-data-product.odps.yaml',
        ),
        'utf8',
      ),
    );
    const entity = readOdps(source, {})!;
    const exported = toOdps(entity);
    expectValidOdps(exported.product);
    expect(exported.product.id).toBe('fbe8d147-28db-4f1d-bedf-a3fe9f458427');
    const back = readBack(exported);
    expect(back.issues).toEqual([]);
    expect(back.entity).toEqual(entity);
  });
});

/** What the OAM format can hold: no namespace, links, provisioned names (only the stage), and titles that derive to names. */
const patientVisitsOam: DataProductEntityV1alpha1 = {
  ...patientVisits,
  metadata: {
    name: 'patient-visits',
    title: 'Patient Visits',
    description: patientVisits.metadata.description,
    tags: ['visits', 'clinical'],
  },
  spec: {
    ...patientVisits.spec,
    owner: 'group:default/clinical-data',
    inputPorts: [
      patientVisits.spec.inputPorts![0],
      {
        name: 'ehr-feed',
        title: 'EHR feed',
        type: 'dataset',
        source: 'EHR extract',
      },
      {
        name: 'bed-api',
        title: 'Bed API',
        type: 'api',
        source: 'https://beds.example.org/api',
      },
    ],
    outputPorts: [
      { ...patientVisits.spec.outputPorts![0], title: 'Visits SQL' },
      { name: 'visits-files', type: 'file', dataset: 'wards' },
    ],
    slos: [
      { ...patientVisits.spec.slos![0], title: 'Visits fresh' },
      ...patientVisits.spec.slos!.slice(1),
    ],
    infrastructure: { stage: 'prod' },
  },
};

describe('toOamSpec', () => {
  it("writes the seed article's shape: components with { value } properties", () => {
    const oam = toOamSpec(patientVisitsOam) as any;
    expect(oam.apiVersion).toBe('core.oam.dev/v1beta1');
    expect(oam.kind).toBe('DataProduct');
    expect(oam.components.map((c: any) => c.type)).toEqual([
      'domain',
      'data-product',
      'data-set',
      'data-set',
      'output-port',
      'output-port',
      'input-port',
      'input-port',
      'input-port',
      'service-level-asset',
      'service-level-asset',
      'service-level-asset',
      'service-level-indicator',
      'data-sharing-agreement',
    ]);
    expect(oam.components[1]).toEqual({
      name: 'Patient Visits',
      type: 'data-product',
      properties: {
        definition: { value: patientVisits.metadata.description },
        data_product_owner: { value: 'group:default/clinical-data' },
        data_product_type: { value: 'Aggregate' },
        certified: { value: 'Yes' },
        lifecycle: { value: 'production' },
        stage: { value: 'prod' },
        tags: { value: ['visits', 'clinical'] },
      },
    });
    expect(oam.components[12]).toEqual({
      name: 'Daily refresh over 20 days',
      type: 'service-level-indicator',
      properties: {
        description: { value: 'Share of days on which the visits were fresh.' },
        service_level_name: { value: 'Visits fresh' },
      },
    });
  });

  it('reads back into the same entity (entity → OAM → entity)', () => {
    expect(validateDataProductEntity(patientVisitsOam)).toEqual([]);
    const source = new SourceDocument(
      stringify(toOamSpec(patientVisitsOam)),
      'data_product_spec.yml',
    );
    const entity = readOam(source);
    expect(source.issues).toEqual([]);
    expect(entity).toEqual(patientVisitsOam);
  });
});

describe('OAM → entity → ODPS → entity, through readDataProductSpec', () => {
  it('preserves everything ODPS can carry', () => {
    const oam = readDataProductSpec(
      readFileSync(
        join(__dirname, 'formats/__fixtures__/patients.data_product_spec.yml'),
        'utf8',
      ),
      { file: 'data_product_spec.yml' },
    );
    expect(oam.issues).toEqual([]);
    expect(oam.format).toBe('oam');
    const fromOam = oam.entity;
    // the OAM spec is rich enough for the round trip to mean something
    expect(fromOam?.spec).toMatchObject({
      type: 'consumer-aligned',
      certified: true,
      datasets: [{ name: 'admissions', title: 'Dataset of DP admissions' }],
      outputPorts: [
        {
          name: 'jdbc-port-of-dp-admissions',
          type: 'jdbc',
          dataset: 'admissions',
        },
      ],
      inputPorts: [
        {
          name: 'input-from-adt-feed',
          type: 'dataset',
          source: 'ADT message store',
        },
        {
          name: 'input-from-dp-patients',
          type: 'data-product',
          dataProduct: 'dataproduct:default/patients',
          outputPort: 'jdbc-port-of-dp-patients',
        },
      ],
      slos: [
        {
          name: 'data-is-refreshed-daily',
          title: 'Data is refreshed daily',
          maxAge: '24h',
          window: '20d',
          target: 0.8,
          indicator: {
            name: 'Daily data refresh indicator over 20-day rolling period',
          },
        },
      ],
      dataSharingAgreement: { usage: 'Ward capacity planning.' },
    });
    expect(fromOam?.spec.datasets?.[0].columns.find(c => c.pii)?.name).toBe(
      'patient_name',
    );

    const exported = toOdps(fromOam!);
    expectValidOdps(exported.product);
    for (const { contract } of exported.contracts) expectValidOdcs(contract);
    const back = readDataProductSpec(stringify(exported.product), {
      file: 'patient-admissions.odps.yaml',
      contracts: exported.contracts.map(c => ({
        text: stringify(c.contract),
        file: `${c.dataset}.odcs.yaml`,
      })),
    });
    expect(back.issues).toEqual([]);
    expect(back.format).toBe('odps');
    // annotations say where each came from (format, ODPS id); the rest is equal
    expect(back.entity?.metadata.annotations).toEqual({
      [ANNOTATION_SPEC_FORMAT]: 'odps',
      [ANNOTATION_ODPS_ID]: 'dataproduct:default/patient-admissions',
    });
    expect(withoutAnnotations(back.entity)).toEqual(
      withoutAnnotations(fromOam),
    );
  });
});

describe('toEntityDocument', () => {
  it('drops what the catalog adds and keeps what the author wrote', () => {
    const stored = {
      ...patientVisits,
      metadata: {
        ...patientVisits.metadata,
        uid: '9b3f…',
        etag: 'abc',
        annotations: {
          'backstage.io/managed-by-location': 'url:https://example.org/x.yaml',
          'backstage.io/managed-by-origin-location':
            'url:https://example.org/x.yaml',
          'backstage.io/view-url': 'https://example.org/x.yaml',
          'backstage.io/edit-url': 'https://example.org/x.yaml',
          'backstage.io/source-location': 'url:https://example.org/',
          'datamesh.dev/spec-format': 'odps',
          [ANNOTATION_ODPS_ID]: 'fbe8d147',
        },
      },
      relations: [
        { type: 'ownedBy', targetRef: 'group:clinical/clinical-data' },
      ],
      status: { items: [] },
    } as DataProductEntityV1alpha1;

    const document = toEntityDocument(stored);
    expect(document).toEqual({
      ...patientVisits,
      metadata: {
        ...patientVisits.metadata,
        annotations: { [ANNOTATION_ODPS_ID]: 'fbe8d147' },
      },
    });
    // a copy: changing it leaves the catalog's entity alone
    document.spec.datasets![0].columns[0].name = 'changed';
    expect(stored.spec.datasets![0].columns[0].name).toBe('visit_id');
    expect(toEntityDocument(patientVisits)).toEqual(patientVisits);
  });
});
