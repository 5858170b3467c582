import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { DATA_PRODUCT_KIND } from '@datamesh/plugin-data-mesh-common';
import { fleetKey } from '../../fleet/joinFleet';
import { type ContentsIndex, productContents } from './marketplaceModel';

/**
 * The datasets and columns of every product, for the column search and the
 * personal-data facet. A request of its own, beside the page's light one:
 * datasets are most of a product's bytes (1.3–2.8 kB of JSON each for the
 * examples, against ~0.6 kB for everything else the page shows), so the
 * list shows at once and column matches join when this has loaded.
 */
export function useProductContents() {
  const catalogApi = useApi(catalogApiRef);
  return useAsync(async (): Promise<ContentsIndex> => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: DATA_PRODUCT_KIND },
      fields: ['kind', 'metadata.namespace', 'metadata.name', 'spec.datasets'],
    });
    return new Map(
      items.map(entity => [
        fleetKey(stringifyEntityRef(entity)),
        productContents(entity),
      ]),
    );
  }, [catalogApi]);
}
