/*
 * Writers from the canonical entity to the three spec formats.
 *
 * Each writer produces what its reader reads back into the same entity:
 * - toOdps: ODPS v1.1.0 + one ODCS v3.1.0 contract per dataset; what the
 *   standards have no field for travels in `customProperties` under the
 *   names readOdps understands (ODPS_CUSTOM_PROPERTIES);
 * - toOamSpec: the seed article's OAM data_product_spec.yml;
 * - toEntityDocument: the native entity, without what the catalog adds.
 *
 * The writers are pure and never fail: the entity is assumed valid (it came
 * from a reader or the catalog).
 */
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { ANNOTATION_SPEC_FORMAT } from './entity';
import { ANNOTATION_ODPS_ID } from './formats/odps';
import { deriveIdentifier } from './values';
import type { IdentifierKind } from './identifiers';
import type {
  DataProductEntityV1alpha1,
  DataProductType,
  Dataset,
  DatasetColumn,
  ServiceLevelObjective,
} from './model';

type Obj = Record<string, unknown>;

/** The result of {@link toOdps}. @public */
export interface OdpsExport {
  /** The ODPS v1.1.0 product document. */
  product: Record<string, unknown>;
  /** One ODCS v3.1.0 contract per dataset, in the order of `spec.datasets`. */
  contracts: { dataset: string; contract: Record<string, unknown> }[];
}

/** ODPS status for a Backstage lifecycle (the reverse of readOdps' mapping). */
const STATUS_BY_LIFECYCLE: Record<string, string> = {
  experimental: 'draft',
  production: 'active',
  deprecated: 'deprecated',
  retired: 'retired',
};

/** ODPS 1.1's own spelling of the three archetypes. */
const ODPS_TYPE: Record<DataProductType, string> = {
  'source-aligned': 'sourceAligned',
  aggregate: 'aggregate',
  'consumer-aligned': 'consumerAligned',
};

/** The seed article's spelling of the three archetypes. */
const OAM_TYPE: Record<DataProductType, string> = {
  'source-aligned': 'Source Aligned',
  aggregate: 'Aggregate',
  'consumer-aligned': 'Consumer Aligned',
};

const ODCS_LOGICAL_TYPES = [
  'string',
  'date',
  'timestamp',
  'time',
  'number',
  'integer',
  'object',
  'array',
  'boolean',
];

function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    (Array.isArray(value) && value.length === 0) ||
    (value !== null &&
      typeof value === 'object' &&
      Object.keys(value as Obj).length === 0)
  );
}

/** Drops undefined values, empty lists and empty objects, recursively. */
function compact<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map(compact).filter(v => v !== undefined) as T;
  }
  if (value !== null && typeof value === 'object') {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value as Obj)) {
      const c = compact(v);
      if (!isEmpty(c)) out[k] = c;
    }
    return out as T;
  }
  return value;
}

function clone<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/**
 * How to write a named element so that its reader gets `name` and `title`
 * back: the title alone when it derives to the name, otherwise the title
 * plus the name as an explicit identifier.
 */
function displayName(
  name: string,
  title: string | undefined,
  what: IdentifierKind,
): { display: string; identifier?: string } {
  if (!title) return { display: name };
  return deriveIdentifier(title, what).identifier === name
    ? { display: title }
    : { display: title, identifier: name };
}

/** ODPS customProperties; entries without a value are left out, as the standard requires a value. */
function customProperties(
  entries: [string, unknown][],
): { property: string; value: unknown }[] | undefined {
  const out = entries
    .map(([property, value]) => ({ property, value: compact(clone(value)) }))
    .filter(({ value }) => !isEmpty(value));
  return out.length ? out : undefined;
}

function refName(ref: string, defaultKind: string) {
  return parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' });
}

/** ODCS logical type for a column type as the author wrote it, when clear. */
function logicalType(type: string): string | undefined {
  const t = type.trim().toLowerCase();
  if (ODCS_LOGICAL_TYPES.includes(t)) return t;
  const base = t.replace(/\s*\(.*$/, '');
  if (/^(n?varchar|n?char|character( varying)?|text|string|uuid)$/.test(base)) {
    return 'string';
  }
  if (/^(int|integer|bigint|smallint|tinyint|byteint|int[248])$/.test(base)) {
    return 'integer';
  }
  if (
    /^(numeric|decimal|number|float[48]?|double( precision)?|real)$/.test(base)
  ) {
    return 'number';
  }
  if (/^(bool|boolean)$/.test(base)) return 'boolean';
  if (base === 'date') return 'date';
  if (/^(timestamp|datetime|timestamp_[a-z]{2,3}|timestamptz)/.test(base)) {
    return 'timestamp';
  }
  if (/^time(tz)?$/.test(base)) return 'time';
  return undefined;
}

function odcsProperty(column: DatasetColumn): Obj {
  const logical = logicalType(column.type);
  const isLogical = ODCS_LOGICAL_TYPES.includes(column.type);
  // `pii` is written as the tag ODCS users already use for it; readOdps
  // turns the tag back into the flag.
  const tags = [...(column.tags ?? []), ...(column.pii ? ['pii'] : [])];
  return compact({
    name: column.name,
    logicalType: logical,
    // The author's own type wins on the way back (physicalType before logicalType).
    physicalType: isLogical ? undefined : column.type,
    description: column.description,
    classification: column.classification,
    primaryKey: column.primaryKey,
    required: column.required,
    tags,
  });
}

/** `24h` → `{ value: 24, unit: 'h' }` for an ODCS SLA property. */
function slaValue(duration: string): { value: number; unit: string } {
  const m = /^(\d+)([mhdw])$/.exec(duration)!;
  return { value: Number(m[1]), unit: m[2] };
}

function odcsSlaProperties(
  dataset: Dataset,
  slos: ServiceLevelObjective[],
  firstDataset: string | undefined,
): Obj[] {
  return slos
    .filter(
      slo =>
        slo.dimension === 'freshness' &&
        slo.maxAge &&
        (slo.dataset ?? firstDataset) === dataset.name,
    )
    .map(slo => ({
      property: 'latency',
      ...slaValue(slo.maxAge!),
      element: dataset.name,
      description: slo.objective,
    }));
}

/**
 * Writes the entity as an ODPS v1.1.0 product and one ODCS v3.1.0 contract
 * per dataset. Both validate against the official JSON Schemas, and
 * readOdps reads them back into the same entity (apart from what the
 * formats cannot hold: links' icons and types, and annotations other than
 * the product's ODPS id).
 *
 * Ids are stable: the product keeps the ODPS id it was read with
 * (annotation `datamesh.dev/odps-id`), else its entity ref; a contract's id
 * is `<product id>/<dataset>`.
 * @public
 */
export function toOdps(entity: DataProductEntityV1alpha1): OdpsExport {
  const { metadata, spec } = entity;
  const namespace = metadata.namespace ?? 'default';
  const productId =
    metadata.annotations?.[ANNOTATION_ODPS_ID] ??
    stringifyEntityRef({ kind: 'dataproduct', namespace, name: metadata.name });
  const status =
    STATUS_BY_LIFECYCLE[spec.lifecycle] ?? spec.lifecycle ?? 'draft';
  const domainRef = refName(spec.domain, 'domain');
  const domain =
    domainRef.namespace === 'default'
      ? domainRef.name
      : stringifyEntityRef(domainRef);
  const ownerRef = refName(spec.owner, 'group');
  const ownerKind = ownerRef.kind.toLowerCase();
  const team =
    ownerKind === 'group'
      ? { name: ownerRef.name }
      : { members: [{ username: ownerRef.name, role: 'owner' }] };
  const contractId = (dataset: string) => `${productId}/${dataset}`;
  const productName = displayName(metadata.name, metadata.title, 'product');
  const dsa = spec.dataSharingAgreement ?? {};
  const { usage, limitations, ...agreementRest } = dsa;

  const product = compact({
    apiVersion: 'v1.1.0',
    kind: 'DataProduct',
    id: productId,
    name: productName.display,
    status,
    domain,
    type: ODPS_TYPE[spec.type],
    description: {
      purpose: metadata.description,
      usage,
      limitations,
    },
    tags: metadata.tags,
    customProperties: customProperties([
      ['identifier', productName.identifier],
      ['namespace', namespace === 'default' ? undefined : namespace],
      ['owner', spec.owner],
      ['certified', spec.certified],
      ['slos', spec.slos?.length ? spec.slos : undefined],
      [
        'dataSharingAgreement',
        Object.keys(agreementRest).length ? agreementRest : undefined,
      ],
      ['infrastructure', spec.infrastructure],
    ]),
    inputPorts: (spec.inputPorts ?? []).map(port => {
      const n = displayName(port.name, port.title, 'port');
      return {
        name: n.display,
        customProperties: customProperties([
          ['identifier', n.identifier],
          ['type', port.type],
          ['dataProduct', port.dataProduct],
          ['outputPort', port.outputPort],
          ['source', port.source],
          ['description', port.description],
        ]),
      };
    }),
    outputPorts: (spec.outputPorts ?? []).map(port => {
      const n = displayName(port.name, port.title, 'port');
      return {
        name: n.display,
        description: port.description,
        type: port.type,
        contractId: port.dataset ? contractId(port.dataset) : undefined,
        customProperties: customProperties([
          ['identifier', n.identifier],
          ['url', port.url],
          ['instructions', port.instructions],
        ]),
      };
    }),
    // ODPS support channels need an absolute URI; relative links stay behind.
    support: (metadata.links ?? [])
      .filter(link => /^[a-z][a-z0-9+.-]*:/i.test(link.url))
      .map(link => ({ channel: link.title ?? link.url, url: link.url })),
    team,
  });

  const firstDataset = spec.datasets?.[0]?.name;
  const contracts = (spec.datasets ?? []).map(dataset => ({
    dataset: dataset.name,
    contract: compact({
      apiVersion: 'v3.1.0',
      kind: 'DataContract',
      id: contractId(dataset.name),
      name: dataset.title ?? dataset.name,
      version: '1.0.0',
      status,
      domain,
      schema: [
        {
          name: dataset.name,
          physicalName: dataset.table,
          physicalType: 'table',
          businessName: dataset.title,
          description: dataset.description,
          logicalType: 'object',
          properties: dataset.columns.map(odcsProperty),
        },
      ],
      slaProperties: odcsSlaProperties(dataset, spec.slos ?? [], firstDataset),
      team,
    }) as Record<string, unknown>,
  }));

  return { product: product as Record<string, unknown>, contracts };
}

/** Percentage as the seed writes it: 0.8 → `80%`. */
function percent(fraction: number): string {
  return `${Math.round(fraction * 1e7) / 1e5}%`;
}

/**
 * Writes the entity as the seed article's OAM `data_product_spec.yml`:
 * `apiVersion: core.oam.dev/v1beta1`, `kind: DataProduct` and a list of
 * typed `components:`, every property wrapped as `{ value: ... }` like the
 * article does. The OAM reader reads it back into the same entity; the
 * format has no place for links, annotations, a namespace other than
 * `default`, infrastructure, or a title that does not derive to the name.
 * @public
 */
export function toOamSpec(entity: DataProductEntityV1alpha1): object {
  const { metadata, spec } = entity;
  const v = (value: unknown) =>
    value === undefined ? undefined : { value: clone(value) };
  // The OAM reader keeps a component name that is an identifier, and
  // otherwise derives one and keeps the name as the title.
  const oamName = (
    name: string,
    title: string | undefined,
    what: IdentifierKind,
  ) =>
    title && deriveIdentifier(title, what).identifier === name ? title : name;

  const components: Obj[] = [];
  components.push({
    name: refName(spec.domain, 'domain').name,
    type: 'domain',
  });
  components.push({
    name: oamName(metadata.name, metadata.title, 'product'),
    type: 'data-product',
    properties: {
      definition: v(metadata.description),
      data_product_owner: v(spec.owner),
      data_product_type: v(OAM_TYPE[spec.type]),
      certified: v(spec.certified ? 'Yes' : 'No'),
      lifecycle: v(spec.lifecycle),
      stage: v(spec.infrastructure?.stage),
      tags: v(metadata.tags),
    },
  });
  for (const dataset of spec.datasets ?? []) {
    // A data set named by its title is identified by its table's last part.
    const tableName = dataset.table?.split('.').pop();
    const byTable =
      dataset.title &&
      tableName &&
      deriveIdentifier(tableName, 'dataset').identifier === dataset.name;
    components.push({
      name:
        byTable &&
        deriveIdentifier(dataset.title!, 'dataset').error === undefined
          ? dataset.title
          : oamName(dataset.name, dataset.title, 'dataset'),
      type: 'data-set',
      properties: {
        description: v(dataset.description),
        table_name: v(dataset.table),
        columns: v(
          dataset.columns.map(c =>
            compact({
              name: c.name,
              type: c.type,
              description: c.description,
              classification: c.classification,
              pii: c.pii,
              primaryKey: c.primaryKey,
              required: c.required,
              tags: c.tags,
            }),
          ),
        ),
      },
    });
  }
  for (const port of spec.outputPorts ?? []) {
    components.push({
      name: oamName(port.name, port.title, 'port'),
      type: 'output-port',
      properties: {
        description: v(port.description),
        port_type: v(port.type),
        dataset: v(port.dataset),
        url: v(port.url),
        instructions: v(port.instructions),
      },
    });
  }
  for (const port of spec.inputPorts ?? []) {
    components.push({
      name: oamName(port.name, port.title, 'port'),
      type: 'input-port',
      properties: {
        description: v(port.description),
        port_type: v(port.type),
        source: v(port.source),
        associated_data_product: v(port.dataProduct),
        associated_output_port: v(port.outputPort),
      },
    });
  }
  const slos = spec.slos ?? [];
  const sloNames = new Map<ServiceLevelObjective, string>();
  for (const slo of slos) {
    const name = oamName(slo.name, slo.title, 'slo');
    sloNames.set(slo, name);
    components.push({
      name,
      type: 'service-level-asset',
      properties: {
        description: v(slo.objective),
        dimension: v(slo.dimension),
        dataset: v(slo.dataset),
        target: v(slo.target === undefined ? undefined : percent(slo.target)),
        window: v(slo.window),
        slice: v(slo.slice),
        max_age: v(slo.maxAge),
        tolerance: v(
          slo.tolerance === undefined ? undefined : percent(slo.tolerance),
        ),
      },
    });
  }
  for (const slo of slos) {
    if (!slo.indicator) continue;
    components.push({
      name: slo.indicator.name,
      type: 'service-level-indicator',
      properties: {
        description: v(slo.indicator.description),
        service_level_name: v(sloNames.get(slo)),
      },
    });
  }
  if (spec.dataSharingAgreement) {
    const dsa = spec.dataSharingAgreement;
    components.push({
      name: `Data sharing agreement of ${metadata.title ?? metadata.name}`,
      type: 'data-sharing-agreement',
      properties: {
        instructions: v(dsa.instructions),
        purpose: v(dsa.purpose),
        usage: v(dsa.usage),
        limitations: v(dsa.limitations),
        approval: v(dsa.approval),
        termination: v(dsa.termination),
      },
    });
  }
  return compact({
    apiVersion: 'core.oam.dev/v1beta1',
    kind: 'DataProduct',
    components,
  });
}

// Fields the catalog adds to a stored entity; none belongs in a spec file.
const CATALOG_METADATA = ['uid', 'etag', 'generation', 'resourceVersion'];
const CATALOG_ANNOTATION =
  /^backstage\.io\/(managed-by-location|managed-by-origin-location|view-url|edit-url|source-location|orphan)$/;

/**
 * The native entity YAML document for an entity as the catalog returns it:
 * without relations, status, the catalog's bookkeeping metadata and
 * annotations, or the annotation naming the format it was read from.
 * @public
 */
export function toEntityDocument(
  entity: DataProductEntityV1alpha1,
): DataProductEntityV1alpha1 {
  const metadata = clone(entity.metadata) as Obj;
  for (const key of CATALOG_METADATA) delete metadata[key];
  const annotations = metadata.annotations as
    | Record<string, string>
    | undefined;
  if (annotations) {
    for (const key of Object.keys(annotations)) {
      if (CATALOG_ANNOTATION.test(key) || key === ANNOTATION_SPEC_FORMAT) {
        delete annotations[key];
      }
    }
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
  }
  return {
    apiVersion: entity.apiVersion,
    kind: entity.kind,
    metadata: metadata as DataProductEntityV1alpha1['metadata'],
    spec: clone(entity.spec),
  };
}
