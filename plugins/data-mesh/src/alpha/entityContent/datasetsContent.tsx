import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDataProduct } from '../filters';

/** "Datasets" tab: tables and column schemas with PII and classification. @alpha */
export const dataProductDatasetsContent = EntityContentBlueprint.make({
  name: 'datasets',
  params: {
    path: '/datasets',
    title: 'Datasets',
    filter: isDataProduct,
    loader: () =>
      import('../../components/DatasetsCard').then(m => <m.DatasetsCard />),
  },
});
