/*
 * The example organisation in /examples is what a newcomer sees first, and
 * the catalog loads it on every start. These tests read every example with
 * the same reader the catalog uses and check that the mesh it describes
 * hangs together: no issues at all (not even warnings), lineage edges that
 * land on real products and ports, owners and domains that exist, and a
 * Location that lists every spec file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  KindValidator,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  parseEntityRef,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { formatIssue } from './issues';
import {
  ReadResult,
  SpecFormat,
  isContractFile,
  isDataProductSpecFile,
} from './read';
import { type SpecFileSyncIO, readSpecFiles } from './specFiles';
import { DataProductEntityV1alpha1 } from './model';

const EXAMPLES = path.resolve(__dirname, '../../../examples');
const PRODUCTS = path.join(EXAMPLES, 'data-products');

/** Native entity files are ordinary catalog-info.yaml files, not spec files. */
const isNativeEntityFile = (name: string) => name === 'catalog-info.yaml';

/** The examples as the catalog's Location sees them: paths relative to examples/. */
const exampleFiles: SpecFileSyncIO = {
  readText: file => fs.readFileSync(path.join(EXAMPLES, file), 'utf8'),
  listSiblings: file =>
    fs
      .readdirSync(path.join(EXAMPLES, path.dirname(file)))
      .map(name => path.join(path.dirname(file), name)),
};

interface Example {
  dir: string;
  /** Relative to examples/, as the Location lists it. */
  file: string;
  result: ReadResult;
  entity: DataProductEntityV1alpha1;
  contracts: string[];
}

function readExamples(): Example[] {
  return fs
    .readdirSync(PRODUCTS, { withFileTypes: true })
    .filter(d => d.isDirectory())
    .map(d => {
      const dir = path.join(PRODUCTS, d.name);
      const names = fs.readdirSync(dir).sort();
      const specs = names.filter(
        n => isDataProductSpecFile(n) || isNativeEntityFile(n),
      );
      if (specs.length !== 1) {
        throw new Error(
          `${d.name}: expected exactly one spec file, found ${
            specs.join(', ') || 'none'
          }`,
        );
      }
      const contracts = names.filter(isContractFile);
      const file = path.relative(EXAMPLES, path.join(dir, specs[0]));
      const result = readSpecFiles(file, exampleFiles);
      // every contract in a product's directory is one readSpecFiles used
      expect(result.contractFiles.map(c => path.basename(c))).toEqual(
        contracts,
      );
      return {
        dir: d.name,
        file,
        result,
        entity: result.entity!,
        contracts,
      };
    });
}

function readEntities(file: string): any[] {
  return parseAllDocuments(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'))
    .map(doc => doc.toJS())
    .filter(Boolean);
}

const refOf = (
  kind: string,
  e: { metadata: { name: string; namespace?: string } },
) =>
  stringifyEntityRef({
    kind,
    namespace: e.metadata.namespace ?? 'default',
    name: e.metadata.name,
  });

describe('the example organisation', () => {
  const examples = readExamples();
  const byRef = new Map(
    examples
      .filter(x => x.entity)
      .map(x => [refOf('dataproduct', x.entity), x.entity]),
  );

  it.each(examples.map(x => [x.file, x] as const))(
    '%s reads without a single issue',
    (_file, x) => {
      expect(x.result.issues.map(formatIssue)).toEqual([]);
      expect(x.entity).toBeDefined();
      // the directory is named after the product, so people can find it
      expect(x.entity.metadata.name).toBe(x.dir);
    },
  );

  it('has at least eight products in all three formats and all three types', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
    const formats = new Set<SpecFormat | undefined>(
      examples.map(x => x.result.format),
    );
    expect([...formats].sort()).toEqual(['entity', 'oam', 'odps']);
    const types = new Set(examples.map(x => x.entity?.spec.type));
    expect([...types].sort()).toEqual([
      'aggregate',
      'consumer-aligned',
      'source-aligned',
    ]);
  });

  it('uses both places an OAM spec can list its components, and both ODPS versions', () => {
    const oam = examples.filter(x => x.result.format === 'oam');
    const raw = oam.map(x => readEntities(x.file)[0]);
    expect(raw.some(d => Array.isArray(d.components))).toBe(true);
    expect(raw.some(d => Array.isArray(d.spec?.components))).toBe(true);
    const odps = examples.filter(x => x.result.format === 'odps');
    const versions = new Set(odps.map(x => readEntities(x.file)[0].apiVersion));
    expect([...versions].sort()).toEqual(['v1.0.0', 'v1.1.0']);
  });

  it('uses every ODCS contract for a dataset the product serves', () => {
    for (const x of examples) {
      for (const c of x.contracts) {
        const contract = readEntities(path.join('data-products', x.dir, c))[0];
        const served = (x.entity.spec.outputPorts ?? []).map(p => p.dataset);
        for (const schema of contract.schema ?? []) {
          expect({
            contract: c,
            dataset: schema.name,
            served: served.includes(schema.name),
          }).toEqual({ contract: c, dataset: schema.name, served: true });
        }
      }
    }
  });

  it('forms lineage that lands on existing products and output ports', () => {
    const edges: string[] = [];
    for (const x of examples) {
      for (const port of x.entity.spec.inputPorts ?? []) {
        if (port.type !== 'data-product') continue;
        const upstream = byRef.get(port.dataProduct!);
        expect({
          port: `${x.dir}/${port.name}`,
          upstream: port.dataProduct,
          found: !!upstream,
        }).toEqual({
          port: `${x.dir}/${port.name}`,
          upstream: port.dataProduct,
          found: true,
        });
        const ports = (upstream!.spec.outputPorts ?? []).map(p => p.name);
        expect({
          port: `${x.dir}/${port.name}`,
          outputPort: port.outputPort,
          ports,
        }).toEqual({
          port: `${x.dir}/${port.name}`,
          outputPort: port.outputPort,
          ports: expect.arrayContaining([port.outputPort]),
        });
        edges.push(`${upstream!.metadata.name} -> ${x.entity.metadata.name}`);
      }
    }
    // the chains the README draws
    expect(edges).toEqual(
      expect.arrayContaining([
        'ehr-encounters -> patient-encounter-history',
        'patient-registry -> patient-encounter-history',
        'lab-results -> patient-encounter-history',
        'patient-encounter-history -> readmission-features',
        'readmission-features -> readmission-risk-dashboard',
        'claims-transactions -> claims-by-provider',
        'claims-by-provider -> monthly-claims-report',
        'claims-by-provider -> population-health-insights',
        'patient-encounter-history -> population-health-insights',
      ]),
    );
  });

  it('respects the product types along the lineage', () => {
    const consumed = new Set<string>();
    const shapes = examples.map(x => {
      const upstream = (x.entity.spec.inputPorts ?? []).filter(
        p => p.type === 'data-product',
      );
      upstream.forEach(p => consumed.add(p.dataProduct!));
      return {
        product: x.dir,
        type: x.entity.spec.type,
        readsOtherProducts: upstream.length > 0,
        hasInputs: (x.entity.spec.inputPorts?.length ?? 0) > 0,
      };
    });
    // source-aligned products read operational systems, not other products;
    // every other product builds on at least one upstream product
    expect(shapes).toEqual(
      shapes.map(s => ({
        ...s,
        readsOtherProducts: s.type !== 'source-aligned',
        hasInputs: true,
      })),
    );
    // nobody builds on a consumer-aligned product, and every other product has a consumer
    for (const x of examples) {
      const ref = refOf('dataproduct', x.entity);
      expect({ product: x.dir, consumed: consumed.has(ref) }).toEqual({
        product: x.dir,
        consumed: x.entity.spec.type !== 'consumer-aligned',
      });
    }
  });

  it('classifies personal data and promises service levels', () => {
    const directIdentifiers =
      /^(nhs_number|mrn|date_of_birth|patient_date_of_birth|given_name|family_name|postcode|patient_display_name|payer_member_id)$/;
    let piiColumns = 0;
    const identifying: Array<{
      column: string;
      pii?: boolean;
      classification?: string;
    }> = [];
    for (const x of examples) {
      for (const d of x.entity.spec.datasets ?? []) {
        for (const c of d.columns) {
          if (c.pii) piiColumns++;
          if (directIdentifiers.test(c.name)) {
            identifying.push({
              column: `${x.dir}.${d.name}.${c.name}`,
              pii: c.pii,
              classification: c.classification,
            });
          }
        }
      }
      const dimensions = new Set(
        (x.entity.spec.slos ?? []).map(s => s.dimension),
      );
      expect({ product: x.dir, slos: dimensions.size > 0 }).toEqual({
        product: x.dir,
        slos: true,
      });
      expect({
        product: x.dir,
        ports: (x.entity.spec.outputPorts ?? []).every(p => !!p.url),
      }).toEqual({ product: x.dir, ports: true });
    }
    expect(identifying.length).toBeGreaterThan(0);
    expect(identifying).toEqual(
      identifying.map(i => ({ ...i, pii: true, classification: 'restricted' })),
    );
    expect(piiColumns).toBeGreaterThanOrEqual(15);
    const all = new Set(
      examples.flatMap(x => (x.entity.spec.slos ?? []).map(s => s.dimension)),
    );
    expect([...all].sort()).toEqual([
      'availability',
      'completeness',
      'freshness',
    ]);
  });

  it('shows port access policies in OAM and in ODPS with the ODCS roles', () => {
    const port = (dir: string, name: string) =>
      examples
        .find(x => x.dir === dir)
        ?.entity.spec.outputPorts?.find(p => p.name === name)?.access;
    expect(
      port('monthly-claims-report', 'jdbc-port-of-dp-monthly-claims-report'),
    ).toEqual({
      approval: 'auto',
      autoApprove: 'same-domain',
      defaultDuration: '90d',
      maxDuration: '365d',
      pii: 'deny',
    });
    expect(port('lab-results', 'lab-results-jdbc')).toEqual({
      approval: 'owner',
      defaultDuration: '30d',
      maxDuration: '180d',
      pii: 'owner',
      roles: [
        {
          role: 'LAB_RESULTS_CONSUMER',
          access: 'read',
          firstLevelApprovers: 'Clinical Care Data product owner',
          secondLevelApprovers: 'group:information-governance',
        },
      ],
    });
  });

  it('holds only entities the catalog accepts in org.yaml, domains.yaml and the Locations', async () => {
    // the catalog's default policies and the kinds' own validators, as the
    // catalog backend applies them when it ingests these files
    const policy = EntityPolicies.allOf([
      new SchemaValidEntityPolicy(),
      new DefaultNamespaceEntityPolicy(),
      new NoForeignRootFieldsEntityPolicy(),
      new FieldFormatEntityPolicy(),
    ]);
    const validators: Record<string, KindValidator> = {
      Group: groupEntityV1alpha1Validator,
      User: userEntityV1alpha1Validator,
      Domain: domainEntityV1alpha1Validator,
      System: systemEntityV1alpha1Validator,
      Location: locationEntityV1alpha1Validator,
    };
    const files = ['org.yaml', 'domains.yaml', 'locations.yaml', 'all.yaml'];
    const entities = files.flatMap(f => readEntities(f));
    expect(entities.length).toBeGreaterThan(15);
    for (const entity of entities) {
      const label = `${entity.kind}:${entity.metadata?.name}`;
      await expect(
        policy.enforce(structuredClone(entity)).then(() => label),
      ).resolves.toBe(label);
      expect(validators[entity.kind]).toBeDefined();
      await expect(
        validators[entity.kind].check(entity).then(ok => [label, ok]),
      ).resolves.toEqual([label, true]);
    }
    const names = entities.map(e => refOf(e.kind, e));
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('names owners, domains and members that exist in org.yaml and domains.yaml', () => {
    const org = readEntities('org.yaml');
    const domains = readEntities('domains.yaml');
    const groups = new Set(
      org.filter(e => e.kind === 'Group').map(e => refOf('group', e)),
    );
    const known = new Set([
      ...groups,
      ...org.filter(e => e.kind === 'User').map(e => refOf('user', e)),
      ...domains.filter(e => e.kind === 'Domain').map(e => refOf('domain', e)),
    ]);
    const refs = (e: any, field: string, kind: string) =>
      [e.spec?.[field]]
        .flat()
        .filter(Boolean)
        .map((r: string) =>
          stringifyEntityRef(
            parseEntityRef(r, {
              defaultKind: kind,
              defaultNamespace: e.metadata.namespace ?? 'default',
            }),
          ),
        );
    const wanted = [
      ...examples.flatMap(x => [x.entity.spec.owner, x.entity.spec.domain]),
      ...org.flatMap(e => [
        ...refs(e, 'memberOf', 'group'),
        ...refs(e, 'parent', 'group'),
        ...refs(e, 'children', 'group'),
      ]),
      ...domains.flatMap(e => [
        ...refs(e, 'owner', 'group'),
        ...refs(e, 'domain', 'domain'),
      ]),
    ];
    expect(wanted.filter(r => !known.has(r))).toEqual([]);
    expect(new Set(examples.map(x => x.entity.spec.domain)).size).toBe(3);
    // the guest sign-in provider's default identity resolves to a catalog user
    expect(known.has('user:development/guest')).toBe(true);
  });

  it('lists every spec file, and nothing else, in the Location the catalog loads', () => {
    const [location] = readEntities('locations.yaml');
    expect(location.kind).toBe('Location');
    const targets = (location.spec.targets as string[]).map(t =>
      path.normalize(t),
    );
    expect(targets.sort()).toEqual(examples.map(x => x.file).sort());
    const [all] = readEntities('all.yaml');
    for (const target of all.spec.targets as string[]) {
      expect(fs.existsSync(path.join(EXAMPLES, target))).toBe(true);
    }
    expect(
      (all.spec.targets as string[]).map(t => path.normalize(t)).sort(),
    ).toEqual(['domains.yaml', 'locations.yaml', 'org.yaml']);
  });

  it('says in every file that it is example data', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ya?ml|md)$/.test(e.name)) files.push(p);
      }
    };
    walk(EXAMPLES);
    expect(files.length).toBeGreaterThan(examples.length);
    const unlabelled = files.filter(
      f =>
        !fs
          .readFileSync(f, 'utf8')
          .split('\n')
          .slice(0, 3)
          .join('\n')
          .includes('EXAMPLE DATA'),
    );
    expect(unlabelled.map(f => path.relative(EXAMPLES, f))).toEqual([]);
  });
});
