import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { fleetKey } from '../../fleet/joinFleet';
import type { QualityIndex } from '../marketplace/marketplaceModel';

/**
 * Where every product's data-quality checks stand, from the portal's
 * latest results: one request for the whole page (the backend keeps one
 * summary row per product), so the list shows without it and the quality
 * joins when it has loaded. `skip`: nothing to ask (nothing is owned).
 */
export function useProductQuality(options: { skip?: boolean } = {}) {
  const dataMeshApi = useApi(dataMeshApiRef);
  return useAsync(async (): Promise<QualityIndex | undefined> => {
    if (options.skip) return undefined;
    const { items } = await dataMeshApi.listProductsQuality();
    return new Map(items.map(i => [fleetKey(i.product), i]));
  }, [dataMeshApi, options.skip]);
}
