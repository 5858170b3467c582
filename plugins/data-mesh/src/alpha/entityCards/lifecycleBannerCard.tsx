import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDataProduct } from '../filters';

/** Deprecation banner, first of the overview's content cards (empty for a live product). @alpha */
export const dataProductLifecycleBannerCard = EntityCardBlueprint.make({
  name: 'lifecycle-banner',
  params: {
    type: 'content',
    filter: isDataProduct,
    loader: () =>
      import('../../components/lifecycle/DataProductLifecycleBanner').then(
        m => <m.DataProductLifecycleBanner />,
      ),
  },
});
