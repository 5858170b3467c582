import { Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { type DataMeshApi, dataMeshApiRef } from '../api';
import {
  type DataProductHealth,
  type FleetIndex,
  healthOf,
  indexFleet,
} from './joinFleet';

// Every row of a catalog page shares one fleet request (and so does a page
// rendered again within the TTL): never one request per row.
const FLEET_TTL_MS = 30_000;
const sharedFleets = new WeakMap<
  DataMeshApi,
  { at: number; fleet: Promise<FleetIndex> }
>();

function sharedFleet(api: DataMeshApi): Promise<FleetIndex> {
  const cached = sharedFleets.get(api);
  if (cached && Date.now() - cached.at < FLEET_TTL_MS) return cached.fleet;
  const fleet = api.getSloFleet().then(f => indexFleet(f.items));
  // a failed request is not remembered, so the next render asks again
  fleet.catch(() => sharedFleets.delete(api));
  sharedFleets.set(api, { at: Date.now(), fleet });
  return fleet;
}

/**
 * The SLO fleet by product, shared by every row on screen (one request
 * within the TTL): for rows that only know a product's ref.
 */
export function useSharedFleet() {
  const api = useApi(dataMeshApiRef);
  return useAsync(() => sharedFleet(api), [api]);
}

/**
 * The health of one catalog row, for tables whose rows render on their
 * own (the catalog's): all rows on screen share one fleet request.
 * `health` is there at once (whether the entity declares SLOs is in its
 * spec); its `status` once the fleet has loaded.
 */
export function useFleetHealth(entity: Entity): {
  health: DataProductHealth;
  loading: boolean;
  error?: Error;
} {
  const { value, loading, error } = useSharedFleet();
  return { health: healthOf(entity, value), loading, error };
}
