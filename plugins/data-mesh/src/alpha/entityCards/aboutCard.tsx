import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDataProduct } from '../filters';

/** About card: the sidebar ("info") of the catalog overview. @alpha */
export const dataProductAboutCard = EntityCardBlueprint.make({
  name: 'about',
  params: {
    type: 'info',
    filter: isDataProduct,
    loader: () =>
      import('../../components/DataProductAboutCard').then(m => (
        <m.DataProductAboutCard />
      )),
  },
});
