import { Content } from '@backstage/core-components';
import { PageBlueprint } from '@backstage/frontend-plugin-api';
import StorageIcon from '@material-ui/icons/Storage';
import { rootRouteRef } from '../routes';

/** "Data products" page with its nav item. @alpha */
export const dataProductsPage = PageBlueprint.make({
  params: {
    path: '/data-products',
    title: 'Data products',
    icon: <StorageIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('../../components/DataProductsTable').then(m => (
        <Content>
          <m.DataProductsTable />
        </Content>
      )),
  },
});
