import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import {
  DATA_PRODUCT_KIND,
  type SloFleetItem,
} from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../api';
import { type DataProductHealth, joinFleet } from './joinFleet';

/** Which DataProducts to load and which catalog fields of them. */
export interface DataProductFleetQuery {
  /**
   * Only the products of these owners (catalog `relations.ownedBy`, fleet
   * `owner`). Absent: every product; empty: none, and nothing is requested.
   */
  owners?: string[];
  /** Catalog fields the caller shows; the join adds the ones it needs. */
  fields: string[];
}

export interface DataProductFleet {
  /** The catalog's products with their health, in the catalog's order. */
  products: DataProductHealth[];
  /** Fleet rows of products the catalog did not return. */
  uncatalogued: SloFleetItem[];
  /** The catalog could not be read: `products` is empty. */
  catalogError?: Error;
  /** The SLO fleet could not be read: no product has a status. */
  fleetError?: Error;
}

const JOIN_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'spec.slos',
];

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

/**
 * The DataProducts of the catalog joined with the SLO fleet. Both are
 * requested at once, one request each for all products; either failing is
 * reported beside what the other returned rather than thrown, so the
 * caller decides what is still worth showing.
 */
export function useDataProductFleet(query: DataProductFleetQuery) {
  const catalogApi = useApi(catalogApiRef);
  const dataMeshApi = useApi(dataMeshApiRef);
  const { owners, fields } = query;
  // callers pass a fresh object each render: reload when its content changes
  const queryKey = JSON.stringify([owners ?? null, fields]);
  return useAsync(async (): Promise<DataProductFleet> => {
    if (owners?.length === 0) return { products: [], uncatalogued: [] };
    const [catalog, fleet] = await Promise.allSettled([
      catalogApi.getEntities({
        filter: {
          kind: DATA_PRODUCT_KIND,
          ...(owners ? { 'relations.ownedBy': owners } : {}),
        },
        fields: [...new Set([...fields, ...JOIN_FIELDS])],
      }),
      owners ? dataMeshApi.getSloFleet({ owners }) : dataMeshApi.getSloFleet(),
    ]);
    return {
      ...joinFleet(
        catalog.status === 'fulfilled' ? catalog.value.items : [],
        fleet.status === 'fulfilled' ? fleet.value.items : undefined,
      ),
      ...(catalog.status === 'rejected'
        ? { catalogError: asError(catalog.reason) }
        : {}),
      ...(fleet.status === 'rejected'
        ? { fleetError: asError(fleet.reason) }
        : {}),
    };
  }, [catalogApi, dataMeshApi, queryKey]);
}
