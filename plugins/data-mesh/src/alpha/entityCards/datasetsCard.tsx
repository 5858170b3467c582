import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDataProduct } from '../filters';

/**
 * Datasets on the overview: a consumer deciding whether to use a product
 * needs the schema and its PII tags next to the ports, not a click away. The
 * Datasets tab (`dataProductDatasetsContent`) shows the same tables
 * full-width for wide schemas.
 *
 * @alpha
 */
export const dataProductDatasetsCard = EntityCardBlueprint.make({
  name: 'datasets',
  params: {
    type: 'content',
    filter: isDataProduct,
    loader: () =>
      import('../../components/DatasetsCard').then(m => <m.DatasetsCard />),
  },
});
