import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { fleetKey } from '../../fleet/joinFleet';
import type { LastUpdateIndex } from './marketplaceModel';

/**
 * When each product's spec last changed, from the Changes timeline: one
 * request for the whole page, beside the catalog's and the fleet's, so the
 * list shows without it and the dates join when it has loaded.
 */
export function useLastUpdates() {
  const dataMeshApi = useApi(dataMeshApiRef);
  return useAsync(async (): Promise<LastUpdateIndex> => {
    const { items } = await dataMeshApi.listLastProductChanges();
    return new Map(
      items.map(i => [fleetKey(i.product), Date.parse(i.ingestedAt)]),
    );
  }, [dataMeshApi]);
}
