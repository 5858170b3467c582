/*
 * Writer of ODPS v1.1.0 + one ODCS v3.1.0 contract per dataset for a
 * canonical entity. What the standards have no field for travels in
 * `customProperties` under the names readOdps understands
 * (ODPS_CUSTOM_PROPERTIES), so readOdps reads it back into the same entity.
 */
import { qualityCheckToOdcs } from '../../quality/checks';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type {
  DataProductEntityV1alpha1,
  DataProductType,
  Dataset,
  DatasetColumn,
  OutputPort,
  PortAccessRole,
  ServiceLevelObjective,
} from '../../model';
import {
  type Obj,
  clone,
  compact,
  displayName,
  isEmpty,
  refName,
} from '../writing';
import { durationParts } from '../../values';
import { ANNOTATION_ODPS_ID } from './versions';
import { ANNOTATION_SPEC_VERSION } from '../../changes/version';

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

/** ODPS customProperties; entries without a value are left out, as the standard requires a value. */
function customProperties(
  entries: [string, unknown][],
): { property: string; value: unknown }[] | undefined {
  const out = entries
    .map(([property, value]) => ({ property, value: compact(clone(value)) }))
    .filter(({ value }) => !isEmpty(value));
  return out.length ? out : undefined;
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
    criticalDataElement: column.criticalDataElement,
    tags,
    quality: column.quality?.map(qualityCheckToOdcs),
  });
}

/** `24h` → `{ value: 24, unit: 'h' }` for an ODCS SLA property. */
function slaValue(duration: string): { value: number; unit: string } {
  // the entity holds canonical durations only (the kind's schema says so)
  const { amount, unit } = durationParts(duration)!;
  return { value: amount, unit };
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

function rolesKey(roles: PortAccessRole[] | undefined): string {
  return JSON.stringify(
    (roles ?? []).map(r => [
      r.role,
      r.access,
      r.description,
      r.firstLevelApprovers,
      r.secondLevelApprovers,
    ]),
  );
}

/**
 * ODCS `roles[]` per dataset: the roles of the ports serving it, when they
 * all list the same ones (readOdps gives a contract's roles to every port
 * with its contractId). Otherwise each port keeps its own in its `access`.
 */
function contractRoles(ports: OutputPort[]): Map<string, PortAccessRole[]> {
  const byDataset = new Map<string, OutputPort[]>();
  for (const port of ports) {
    if (port.dataset) {
      byDataset.set(port.dataset, [
        ...(byDataset.get(port.dataset) ?? []),
        port,
      ]);
    }
  }
  const out = new Map<string, PortAccessRole[]>();
  for (const [dataset, serving] of byDataset) {
    const roles = serving[0].access?.roles;
    const key = rolesKey(roles);
    if (roles?.length && serving.every(p => rolesKey(p.access?.roles) === key))
      out.set(dataset, roles);
  }
  return out;
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
  const rolesByDataset = contractRoles(spec.outputPorts ?? []);
  const { usage, limitations, ...agreementRest } = dsa;

  const product = compact({
    apiVersion: 'v1.1.0',
    kind: 'DataProduct',
    id: productId,
    name: productName.display,
    version: metadata.annotations?.[ANNOTATION_SPEC_VERSION],
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
          ['personalDataInClear', port.personalDataInClear || undefined],
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
          [
            'access',
            port.dataset && rolesByDataset.has(port.dataset)
              ? { ...port.access, roles: undefined }
              : port.access,
          ],
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
          quality: dataset.quality?.map(qualityCheckToOdcs),
        },
      ],
      slaProperties: odcsSlaProperties(dataset, spec.slos ?? [], firstDataset),
      roles: clone(rolesByDataset.get(dataset.name)),
      team,
    }) as Record<string, unknown>,
  }));

  return { product: product as Record<string, unknown>, contracts };
}
