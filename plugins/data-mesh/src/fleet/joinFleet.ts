import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  fromCatalogForm,
  type SloFleetItem,
  type SloStatus,
} from '@datamesh/plugin-data-mesh-common';

/**
 * A catalog DataProduct joined with its row of the SLO fleet: what every
 * health display (catalog column, data products table, owners' dashboard)
 * shows, derived by one rule.
 */
export interface DataProductHealth {
  /** The lower-case entity ref: the join key between catalog and fleet. */
  key: string;
  entity: Entity;
  /** The entity's spec declares objectives. */
  declaresSlos: boolean;
  /** Its fleet row; absent when the engine has no monitors for it, or the fleet is unknown. */
  slo?: SloFleetItem;
  /**
   * Its worst objective. `no-data` also when it declares objectives the
   * engine has no monitors for yet; absent when it declares none or the
   * fleet is unknown (still loading, or failed).
   */
  status?: SloStatus;
}

/** The fleet rows by join key. */
export type FleetIndex = ReadonlyMap<string, SloFleetItem>;

// Entity refs are case-insensitive; the catalog and the engine may spell
// the same product differently.
export function fleetKey(entityRef: string): string {
  return entityRef.toLocaleLowerCase('en-US');
}

export function indexFleet(items: SloFleetItem[]): FleetIndex {
  return new Map(items.map(item => [fleetKey(item.entityRef), item]));
}

/** One entity's health; `fleet` undefined: the fleet is not known. */
export function healthOf(
  entity: Entity,
  fleet: FleetIndex | undefined,
): DataProductHealth {
  const key = fleetKey(stringifyEntityRef(entity));
  const declared = (
    fromCatalogForm(entity).spec as { slos?: unknown[] } | undefined
  )?.slos;
  const declaresSlos = (declared?.length ?? 0) > 0;
  const slo = fleet?.get(key);
  let status = slo?.status;
  // declared but not in the fleet: the monitors are not created yet
  if (!status && fleet && declaresSlos) status = 'no-data';
  return { key, entity, declaresSlos, ...(slo ? { slo } : {}), status };
}

/**
 * Catalog entities joined with the fleet (undefined: unknown), in the
 * catalog's order; `uncatalogued` are the fleet rows of products the
 * catalog did not return.
 */
export function joinFleet(
  entities: Entity[],
  fleetItems: SloFleetItem[] | undefined,
): { products: DataProductHealth[]; uncatalogued: SloFleetItem[] } {
  const fleet = fleetItems && indexFleet(fleetItems);
  const products = entities.map(entity => healthOf(entity, fleet));
  const catalogued = new Set(products.map(p => p.key));
  const uncatalogued = [...(fleet?.entries() ?? [])]
    .filter(([key]) => !catalogued.has(key))
    .map(([, item]) => item);
  return { products, uncatalogued };
}
