import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { fleetKey } from '../../fleet/joinFleet';
import type { ReadersIndex } from './marketplaceModel';

/**
 * How many teams and data products read each product, from the access
 * registry: one request for the whole page (an aggregate the backend counts
 * in SQL), so the list shows without it and the counts join when it has
 * loaded.
 */
export function useProductReaders() {
  const dataMeshApi = useApi(dataMeshApiRef);
  return useAsync(async (): Promise<ReadersIndex> => {
    const { items } = await dataMeshApi.listProductReaders();
    return new Map(
      items.map(i => [
        fleetKey(i.product),
        { teams: i.teams, products: i.products },
      ]),
    );
  }, [dataMeshApi]);
}
