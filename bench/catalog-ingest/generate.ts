/*
 * Generates the benchmark's input: N data product spec files and N plain
 * Component entities, each in a directory of its own, plus the org entities
 * they point at (groups, domains, systems) and one Location file per set.
 *
 * Products are built as canonical entities and written with the project's
 * own writers (toOamSpec, toOdps, toEntityDocument), then read back with
 * readDataProductSpec, so every file is one the catalog module accepts and
 * any drift between writers and readers shows up here instead of as a
 * "faster" run that silently ingested fewer products.
 */
import {
  DataProductEntityV1alpha1,
  Dataset,
  DatasetColumn,
  formatIssue,
  InputPort,
  OutputPort,
  readDataProductSpec,
  ServiceLevelObjective,
  toEntityDocument,
  toOamSpec,
  toOdps,
} from '@datamesh/plugin-data-mesh-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse, stringify } from 'yaml';

/** Formats in the mix, with the file each is written to. */
export type ProductFormat = 'oam' | 'odps' | 'entity';

/**
 * The mix: mostly the seed article's OAM data_product_spec.yml, some Bitol
 * ODPS products with ODCS contracts beside them, and some native entities in
 * an ordinary catalog-info.yaml (read by the catalog's own reader; only
 * validated and related by the module).
 */
export const FORMAT_MIX: Record<ProductFormat, number> = {
  oam: 0.8,
  odps: 0.1,
  entity: 0.1,
};

export const DOMAINS = [
  'clinical-care',
  'patient-admin',
  'finance-claims',
  'population-health',
];
export const GROUPS = [
  'clinical-care-data',
  'patient-admin-data',
  'finance-claims-data',
  'population-health-analytics',
  'lab-informatics',
  'pharmacy-data',
];
/** One system per domain, for the components. */
export const SYSTEMS = DOMAINS.map(d => `${d}-platform`);

const TOPICS = [
  'encounters',
  'admissions',
  'lab-results',
  'prescriptions',
  'referrals',
  'appointments',
  'claims',
  'payments',
  'diagnoses',
  'vitals',
  'imaging',
  'discharges',
];

const COLUMN_TEMPLATES: Omit<DatasetColumn, 'name'>[] = [
  { type: 'varchar(36)', classification: 'internal' },
  { type: 'varchar(12)', classification: 'restricted', pii: true },
  { type: 'timestamp_ntz', classification: 'confidential' },
  { type: 'date', classification: 'restricted', pii: true },
  { type: 'number(12,2)', classification: 'internal' },
  { type: 'varchar(8)', classification: 'internal' },
  { type: 'boolean', classification: 'public' },
  { type: 'integer', classification: 'confidential' },
];
const COLUMN_WORDS = [
  'code',
  'status',
  'amount',
  'recorded_at',
  'ward',
  'specialty',
  'source',
  'category',
  'value',
  'unit',
  'site',
  'method',
];

/** A small deterministic PRNG (mulberry32), so every run ingests the same files. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the generator promises the catalog will end up with. */
export interface Expected {
  /** Entity refs of the generated entities (products or components). */
  refs: string[];
  /**
   * For each generated entity ref, its relations as `type target` strings,
   * sorted: what the stitched entity must carry.
   */
  relations: Map<string, string[]>;
  /** Relations expected on the org entities, keyed by their ref. */
  orgRelations: Map<string, string[]>;
  /** Files written per format (products) or 'component'. */
  files: Record<string, number>;
  /** Bytes written (spec files and contracts). */
  bytes: number;
  /**
   * Time spent reading the files back while generating, per format:
   * readDataProductSpec (all of it: YAML, reader, checks) against a plain
   * yaml parse of the same text. Single-threaded and outside the catalog, so
   * it shows what the module's reading itself costs.
   */
  readMs: Record<string, { files: number; read: number; yaml: number }>;
}

export interface GeneratedSet {
  /** Absolute path of the Location file that lists every file of the set. */
  locationFile: string;
  expected: Expected;
}

function formatFor(i: number): ProductFormat {
  // Interleaved rather than in blocks, so each format is spread over the run.
  const slot = i % 10;
  if (slot < FORMAT_MIX.oam * 10) return 'oam';
  if (slot < (FORMAT_MIX.oam + FORMAT_MIX.odps) * 10) return 'odps';
  return 'entity';
}

function productName(i: number): string {
  return `${TOPICS[i % TOPICS.length]}-${String(i).padStart(5, '0')}`;
}

function columnsFor(rand: () => number, dataset: string): DatasetColumn[] {
  const count = 6 + Math.floor(rand() * 7); // 6..12, like the examples
  const columns: DatasetColumn[] = [
    {
      name: `${dataset.replace(/-/g, '_')}_key`,
      type: 'varchar(36)',
      classification: 'internal',
      primaryKey: true,
      required: true,
      description: 'Business key of the row.',
    },
  ];
  for (let c = 1; c < count; c++) {
    const template =
      COLUMN_TEMPLATES[Math.floor(rand() * COLUMN_TEMPLATES.length)];
    columns.push({
      name: `${COLUMN_WORDS[c % COLUMN_WORDS.length]}_${c}`,
      ...template,
      ...(template.pii ? { tags: ['quasi-identifier'] } : {}),
      ...(rand() < 0.5 ? { description: `Column ${c} of ${dataset}.` } : {}),
    });
  }
  return columns;
}

/** The canonical entity of product i; upstreams are earlier products. */
function buildProduct(
  i: number,
  n: number,
  rand: () => number,
  products: DataProductEntityV1alpha1[],
): DataProductEntityV1alpha1 {
  const name = productName(i);
  const domain = DOMAINS[i % DOMAINS.length];
  const owner = GROUPS[i % GROUPS.length];
  // The first 40% are source-aligned (fed by systems), then aggregates and
  // consumer-aligned products that read one or two earlier products.
  const type =
    i < Math.max(1, Math.floor(n * 0.4))
      ? 'source-aligned'
      : i < Math.floor(n * 0.8)
      ? 'aggregate'
      : 'consumer-aligned';

  const datasetCount = rand() < 0.35 ? 2 : 1;
  const datasets: Dataset[] = [];
  const outputPorts: OutputPort[] = [];
  for (let d = 0; d < datasetCount; d++) {
    const ds = d === 0 ? name.split('-').slice(0, -1).join('_') : 'summary';
    datasets.push({
      name: ds,
      description: `Dataset ${ds} of ${name}.`,
      table: `EH_${domain.replace(/-/g, '_').toUpperCase()}_PROD.${name
        .replace(/-/g, '_')
        .toUpperCase()}.${ds.toUpperCase()}`,
      columns: columnsFor(rand, ds),
    });
    outputPorts.push({
      name: `sql-${ds.replace(/_/g, '-')}`,
      type: 'sql',
      dataset: ds,
      description: `SQL access to ${ds}.`,
      url: `jdbc:snowflake://example-health.snowflake.example.org/?db=EH_${domain
        .replace(/-/g, '_')
        .toUpperCase()}_PROD`,
    });
  }

  const inputPorts: InputPort[] = [];
  if (type === 'source-aligned') {
    inputPorts.push({
      name: 'source-feed',
      type: 'dataset',
      description: 'Landed from the operational system.',
      source: `${TOPICS[i % TOPICS.length]} system (CDC stream)`,
    });
  } else {
    const wanted = rand() < 0.4 ? 2 : 1;
    const used = new Set<number>();
    for (let k = 0; k < wanted; k++) {
      let j = Math.floor(rand() * i);
      while (used.has(j) && used.size < i) j = (j + 1) % i;
      if (used.has(j)) break;
      used.add(j);
      const upstream = products[j];
      const ports = upstream.spec.outputPorts ?? [];
      const port = ports[Math.floor(rand() * ports.length)];
      inputPorts.push({
        name: `from-${upstream.metadata.name}`,
        type: 'data-product',
        description: `Reads ${port.name} of ${upstream.metadata.name}.`,
        dataProduct: `dataproduct:default/${upstream.metadata.name}`,
        outputPort: port.name,
      });
    }
  }

  const main = datasets[0].name;
  const slos: ServiceLevelObjective[] = [
    {
      name: 'refreshed-daily',
      title: 'Refreshed daily',
      dimension: 'freshness',
      objective: 'Data is refreshed at least once every day.',
      dataset: main,
      maxAge: '24h',
      target: 0.8,
      window: '20d',
      indicator: {
        name: 'Daily refresh indicator over 20 days',
        description: 'Share of days in the window with a refresh.',
      },
    },
    {
      name: 'available-hourly',
      title: 'Available hourly',
      dimension: 'availability',
      objective: 'The tables answer queries every hour.',
      dataset: main,
      slice: '1h',
      target: 0.99,
      window: '20d',
    },
  ];
  if (rand() < 0.5) {
    slos.push({
      name: 'volume-complete',
      title: 'Volume complete',
      dimension: 'completeness',
      objective: 'No refresh loses more than five percent of the rows.',
      dataset: main,
      tolerance: 0.05,
      target: 0.9,
      window: '20d',
    });
  }

  return {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: {
      name,
      description: `Generated benchmark product ${i} (${type}) of the ${domain} domain.`,
      tags: [TOPICS[i % TOPICS.length], 'bench'],
    },
    spec: {
      type,
      lifecycle: 'production',
      owner: `group:default/${owner}`,
      domain: `domain:default/${domain}`,
      certified: rand() < 0.5,
      datasets,
      inputPorts,
      outputPorts,
      slos,
      dataSharingAgreement: {
        purpose: 'Operational reporting and approved analytics.',
        usage: 'Named services only; no export outside the platform.',
        approval: 'The product owner approves within 2 working days.',
        termination: 'Access lapses after 12 months unless renewed.',
      },
    },
  };
}

async function writeFile(file: string, text: string): Promise<number> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
  return Buffer.byteLength(text);
}

const HEADER =
  '# Generated by bench/catalog-ingest (benchmark data, not real).\n';

function locationDocument(name: string, targets: string[]): string {
  return (
    HEADER +
    stringify({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Location',
      metadata: { name },
      spec: { type: 'file', targets },
    })
  );
}

function addRelation(
  map: Map<string, string[]>,
  source: string,
  relation: string,
) {
  const list = map.get(source) ?? [];
  list.push(relation);
  map.set(source, list);
}

function sortAll(map: Map<string, string[]>) {
  for (const list of map.values()) list.sort();
}

/** Writes the org entities every set refers to. Returns the file path. */
export async function generateOrg(dir: string): Promise<string> {
  const docs: object[] = [];
  for (const g of GROUPS) {
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: g },
      spec: { type: 'team', children: [] },
    });
  }
  DOMAINS.forEach((d, i) => {
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Domain',
      metadata: { name: d },
      spec: { owner: `group:default/${GROUPS[i % GROUPS.length]}` },
    });
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: SYSTEMS[i] },
      spec: {
        owner: `group:default/${GROUPS[i % GROUPS.length]}`,
        domain: `domain:default/${d}`,
      },
    });
  });
  const file = path.join(dir, 'org.yaml');
  await writeFile(file, HEADER + docs.map(d => stringify(d)).join('---\n'));
  return file;
}

/**
 * Writes n product spec files under `dir/products` and the Location file
 * `dir/products-location.yaml` listing them.
 */
export async function generateProducts(
  dir: string,
  n: number,
  options: {
    seed?: number;
    /**
     * Write every product in this one format instead of the mix. `entity`
     * is the diagnostic control: the same products as native entities in
     * catalog-info.yaml, read by the catalog's own reader, which separates
     * the cost of reading spec files from the cost of the entities.
     */
    only?: ProductFormat;
  } = {},
): Promise<GeneratedSet> {
  const seed = options.seed ?? 42;
  const setName = options.only ? `products-${options.only}` : 'products';
  const rand = prng(seed);
  const products: DataProductEntityV1alpha1[] = [];
  for (let i = 0; i < n; i++) products.push(buildProduct(i, n, rand, products));

  const expected: Expected = {
    refs: [],
    relations: new Map(),
    orgRelations: new Map(),
    files: { oam: 0, odps: 0, entity: 0, contracts: 0 },
    bytes: 0,
    readMs: {},
  };
  const targets: string[] = [];
  for (let i = 0; i < n; i++) {
    const entity = products[i];
    const name = entity.metadata.name;
    const productDir = path.join(dir, setName, name);
    const format = options.only ?? formatFor(i);
    let file: string;
    let contracts: { text: string; file: string }[] = [];
    if (format === 'oam') {
      file = path.join(productDir, 'data_product_spec.yml');
      expected.bytes += await writeFile(
        file,
        HEADER + stringify(toOamSpec(entity)),
      );
    } else if (format === 'odps') {
      const odps = toOdps(entity);
      file = path.join(productDir, `${name}.odps.yaml`);
      expected.bytes += await writeFile(file, HEADER + stringify(odps.product));
      for (const c of odps.contracts) {
        const contractFile = path.join(productDir, `${c.dataset}.odcs.yaml`);
        const text = HEADER + stringify(c.contract);
        expected.bytes += await writeFile(contractFile, text);
        contracts.push({ text, file: contractFile });
        expected.files.contracts += 1;
      }
    } else {
      file = path.join(productDir, 'catalog-info.yaml');
      expected.bytes += await writeFile(
        file,
        HEADER + stringify(toEntityDocument(entity)),
      );
    }
    expected.files[format] += 1;
    targets.push(`./${path.relative(dir, file).split(path.sep).join('/')}`);

    // The file must read back into the same product, or the run would
    // measure something other than N valid products.
    const text = await fs.readFile(file, 'utf8');
    const tRead = performance.now();
    const read = readDataProductSpec(text, {
      file,
      ...(format === 'odps' ? { contracts } : {}),
    });
    const tYaml = performance.now();
    parse(text);
    const tEnd = performance.now();
    const cost = (expected.readMs[format] ??= { files: 0, read: 0, yaml: 0 });
    cost.files += 1;
    cost.read += tYaml - tRead;
    cost.yaml += tEnd - tYaml;
    const errors = read.issues.filter(x => x.severity === 'error');
    if (!read.entity || errors.length || read.entity.metadata.name !== name) {
      throw new Error(
        `generated ${file} does not read back: ${errors
          .map(formatIssue)
          .join('; ')}`,
      );
    }
    contracts = [];

    const ref = `dataproduct:default/${name}`;
    expected.refs.push(ref);
    const ownerRef = entity.spec.owner;
    const domainRef = entity.spec.domain;
    addRelation(expected.relations, ref, `ownedBy ${ownerRef}`);
    addRelation(expected.relations, ref, `partOf ${domainRef}`);
    addRelation(expected.orgRelations, ownerRef, `ownerOf ${ref}`);
    addRelation(expected.orgRelations, domainRef, `hasPart ${ref}`);
    for (const port of entity.spec.inputPorts ?? []) {
      if (port.type !== 'data-product') continue;
      addRelation(expected.relations, ref, `dependsOn ${port.dataProduct}`);
      addRelation(expected.relations, port.dataProduct!, `dependencyOf ${ref}`);
    }
  }
  sortAll(expected.relations);
  sortAll(expected.orgRelations);

  const locationFile = path.join(dir, `${setName}-location.yaml`);
  await writeFile(locationFile, locationDocument(`bench-${setName}`, targets));
  return { locationFile, expected };
}

/**
 * Writes n plain Component entities, each its own catalog-info.yaml with an
 * owner and a system, and `dir/components-location.yaml` listing them.
 *
 * With `linkedLike`, component i also has `spec.dependsOn` on component j
 * wherever product i reads product j through an input port: the same
 * dependency graph, so the catalog makes the same `dependsOn` /
 * `dependencyOf` relations and re-stitches upstreams just as often. That
 * separates what the lineage graph costs any kind from what the DataProduct
 * kind costs (`components-linked` in run.ts).
 */
export async function generateComponents(
  dir: string,
  n: number,
  options: { linkedLike?: GeneratedSet } = {},
): Promise<GeneratedSet> {
  const setName = options.linkedLike ? 'components-linked' : 'components';
  const upstreamsOf = options.linkedLike
    ? upstreamIndices(options.linkedLike)
    : undefined;
  const expected: Expected = {
    refs: [],
    relations: new Map(),
    orgRelations: new Map(),
    files: { component: 0 },
    bytes: 0,
    readMs: {},
  };
  const targets: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = componentName(i);
    const owner = `group:default/${GROUPS[i % GROUPS.length]}`;
    const system = `system:default/${SYSTEMS[i % SYSTEMS.length]}`;
    const dependsOn = (upstreamsOf?.[i] ?? []).map(
      j => `component:default/${componentName(j)}`,
    );
    const file = path.join(dir, setName, name, 'catalog-info.yaml');
    const text =
      HEADER +
      stringify({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name,
          description: `Generated benchmark service ${i}.`,
          tags: [TOPICS[i % TOPICS.length], 'bench'],
        },
        spec: {
          type: 'service',
          lifecycle: 'production',
          owner,
          system,
          ...(dependsOn.length ? { dependsOn } : {}),
        },
      });
    expected.bytes += await writeFile(file, text);
    const tYaml = performance.now();
    parse(text);
    const cost = (expected.readMs.component ??= { files: 0, read: 0, yaml: 0 });
    cost.files += 1;
    cost.yaml += performance.now() - tYaml;
    expected.files.component += 1;
    targets.push(`./${path.relative(dir, file).split(path.sep).join('/')}`);
    const ref = `component:default/${name}`;
    expected.refs.push(ref);
    addRelation(expected.relations, ref, `ownedBy ${owner}`);
    addRelation(expected.relations, ref, `partOf ${system}`);
    addRelation(expected.orgRelations, owner, `ownerOf ${ref}`);
    addRelation(expected.orgRelations, system, `hasPart ${ref}`);
    for (const upstream of dependsOn) {
      addRelation(expected.relations, ref, `dependsOn ${upstream}`);
      addRelation(expected.relations, upstream, `dependencyOf ${ref}`);
    }
  }
  sortAll(expected.relations);
  sortAll(expected.orgRelations);
  const locationFile = path.join(dir, `${setName}-location.yaml`);
  await writeFile(locationFile, locationDocument(`bench-${setName}`, targets));
  return { locationFile, expected };
}

function componentName(i: number): string {
  return `${TOPICS[i % TOPICS.length]}-svc-${String(i).padStart(5, '0')}`;
}

/** For each product (by index), the indices of the products it depends on. */
function upstreamIndices(products: GeneratedSet): number[][] {
  const index = new Map(products.expected.refs.map((ref, i) => [ref, i]));
  return products.expected.refs.map(ref =>
    (products.expected.relations.get(ref) ?? [])
      .filter(r => r.startsWith('dependsOn '))
      .map(r => index.get(r.slice('dependsOn '.length))!),
  );
}
