import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDataProduct } from '../filters';

/**
 * The composed data product overview (every card in one grid, as legacy apps
 * mount it at `/`). Disabled by default: in this system the catalog owns the
 * Overview tab at `/` for every kind and our cards join it. To use this
 * layout instead, enable it with `config.path: /` and exclude DataProduct
 * from `entity-content:catalog/overview` through its `filter` config; two
 * contents on one path would otherwise clash.
 *
 * @alpha
 */
export const dataProductOverviewContent = EntityContentBlueprint.make({
  name: 'overview',
  disabled: true,
  params: {
    path: '/data-product',
    title: 'Overview',
    group: 'overview',
    filter: isDataProduct,
    loader: () =>
      import('../../components/DataProductOverview').then(m => (
        <m.DataProductOverview />
      )),
  },
});
