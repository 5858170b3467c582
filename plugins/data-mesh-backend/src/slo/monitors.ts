/*
 * DataProduct entities → monitor definitions, pure.
 *
 * A monitor is one objective of one product, plus the table it watches.
 * Objectives that cannot be monitored (a dataset that does not exist, a
 * table name that is not an identifier, a window that is not a whole number
 * of slices) still become monitors, carrying the problem, so that the SLO tab
 * says why nothing is measured instead of showing nothing.
 */
import { createHash } from 'node:crypto';
import {
  type Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  type DataProductEntityV1alpha1,
  DATA_PRODUCT_API_VERSION,
  DATA_PRODUCT_KIND,
  type SloDefaults,
  type SloDimension,
  resolveObjective,
} from '@datamesh/plugin-data-mesh-common';
import {
  type PlatformConfig,
  datasetTables,
} from '@datamesh/plugin-data-mesh-node';

/** The warehouse table a monitor watches, in logical (lowercase) names. @public */
export interface MonitoredTable {
  database: string;
  schema: string;
  table: string;
}

/** @public */
export interface MonitorDefinition {
  /** `dataproduct:<namespace>/<name>`, lowercase. */
  entityRef: string;
  namespace: string;
  name: string;
  productTitle?: string;
  /** Owner entity ref, e.g. `group:default/sales-data`. */
  owner?: string;
  /** Domain entity ref, e.g. `domain:default/sales`. */
  domain?: string;
  sloName: string;
  title?: string;
  dimension: SloDimension;
  objective: string;
  dataset?: string;
  target: number;
  window: string;
  slice: string;
  windowMs: number;
  sliceMs: number;
  maxAgeMs?: number;
  tolerance?: number;
  table?: MonitoredTable;
  /** Why the objective cannot be monitored; then nothing is collected for it. */
  problem?: string;
}

/** @public */
export interface MonitorDerivationOptions {
  platform: PlatformConfig;
  defaults: SloDefaults;
  /** Collection interval, when known, to reject slices shorter than it. */
  collectionIntervalMs?: number;
}

/** Kind and apiVersion of a DataProduct, checked without the full schema (entities come from the catalog, already validated). @public */
export function isDataProduct(
  entity: Entity,
): entity is DataProductEntityV1alpha1 {
  return (
    entity.kind?.toLowerCase() === DATA_PRODUCT_KIND.toLowerCase() &&
    entity.apiVersion === DATA_PRODUCT_API_VERSION
  );
}

/** `dataproduct:<namespace>/<name>` in lowercase, the key monitors are stored under. @public */
export function productRef(namespace: string, name: string): string {
  return `dataproduct:${namespace}/${name}`.toLowerCase();
}

/** The key an entity's monitors are stored under. @public */
export function productRefOf(entity: Entity): string {
  return productRef(
    entity.metadata.namespace ?? 'default',
    entity.metadata.name,
  );
}

function normalizeRef(
  ref: unknown,
  defaultKind: string,
  defaultNamespace: string,
): string | undefined {
  if (typeof ref !== 'string' || ref === '') return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultKind, defaultNamespace }),
    ).toLowerCase();
  } catch {
    return undefined;
  }
}

/** Fingerprint of what the engine stores about a monitor, to update only what changed. @public */
export function definitionHash(d: MonitorDefinition): string {
  return createHash('sha256').update(JSON.stringify(d)).digest('hex');
}

/** The owner of a product as a full, lower-case entity ref (`group:<ns>/<name>` when written short). @public */
export function ownerRefOf(entity: Entity): string | undefined {
  return normalizeRef(
    (entity.spec as { owner?: unknown } | undefined)?.owner,
    'group',
    (entity.metadata.namespace ?? 'default').toLowerCase(),
  );
}

/**
 * The monitors of one DataProduct: one per objective in `spec.slos`. The
 * table is the dataset's `table` when the spec names it (a missing database
 * or schema part is taken from the provisioned names); otherwise the table
 * the provisioning engine's naming gives: the product's output schema in its
 * domain database, the dataset's name as table.
 * @public
 */
export function monitorsFromEntity(
  entity: DataProductEntityV1alpha1,
  options: MonitorDerivationOptions,
): MonitorDefinition[] {
  const namespace = (entity.metadata.namespace ?? 'default').toLowerCase();
  const name = entity.metadata.name.toLowerCase();
  const spec = entity.spec ?? ({} as DataProductEntityV1alpha1['spec']);
  const slos = Array.isArray(spec.slos) ? spec.slos : [];
  if (slos.length === 0) return [];
  const datasets = Array.isArray(spec.datasets) ? spec.datasets : [];

  const tables = datasetTables(entity, options.platform).tables;

  const base = {
    entityRef: productRef(namespace, name),
    namespace,
    name,
    ...(entity.metadata.title ? { productTitle: entity.metadata.title } : {}),
    ...(normalizeRef(spec.owner, 'group', namespace)
      ? { owner: normalizeRef(spec.owner, 'group', namespace) }
      : {}),
    ...(normalizeRef(spec.domain, 'domain', namespace)
      ? { domain: normalizeRef(spec.domain, 'domain', namespace) }
      : {}),
  };

  return slos.map(slo => {
    const resolved = resolveObjective(slo, {
      defaults: options.defaults,
      collectionIntervalMs: options.collectionIntervalMs,
    });
    const o = resolved.objective;
    const problems = [...resolved.problems];
    const datasetName = slo.dataset ?? datasets[0]?.name;
    const dataset = datasets.find(d => d.name === datasetName);
    let table: MonitoredTable | undefined;
    if (!datasetName) {
      problems.push('the product has no dataset to monitor');
    } else if (!dataset) {
      problems.push(
        `dataset '${datasetName}' is not one of the product's datasets`,
      );
    } else {
      const found = tables.get(dataset.name)!;
      if ('problem' in found) problems.push(found.problem);
      else table = found;
    }
    const definition: MonitorDefinition = {
      ...base,
      sloName: slo.name,
      ...(slo.title ? { title: slo.title } : {}),
      dimension: slo.dimension,
      objective: slo.objective,
      ...(datasetName ? { dataset: datasetName } : {}),
      target: o?.target ?? slo.target ?? options.defaults.target,
      window: o?.window ?? slo.window ?? options.defaults.window,
      slice: o?.slice ?? slo.slice ?? options.defaults.slice,
      // an unresolvable objective still needs numbers for its row; it is
      // never evaluated (the problem keeps it at no-data)
      windowMs: o?.windowMs ?? 0,
      sliceMs: o?.sliceMs ?? 0,
      ...(o?.maxAgeMs !== undefined ? { maxAgeMs: o.maxAgeMs } : {}),
      ...(slo.dimension === 'completeness'
        ? {
            tolerance:
              o?.tolerance ?? slo.tolerance ?? options.defaults.tolerance,
          }
        : {}),
      ...(table ? { table } : {}),
      ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
    };
    return definition;
  });
}
