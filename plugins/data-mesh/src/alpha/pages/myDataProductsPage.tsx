import { Content } from '@backstage/core-components';
import { PageBlueprint } from '@backstage/frontend-plugin-api';
import AssignmentIndIcon from '@material-ui/icons/AssignmentInd';
import { mineRouteRef } from '../routes';

/** "My data products": the owners' SLO dashboard, with a nav item. @alpha */
export const myDataProductsPage = PageBlueprint.make({
  name: 'mine',
  params: {
    path: '/data-products/mine',
    title: 'My data products',
    icon: <AssignmentIndIcon fontSize="inherit" />,
    routeRef: mineRouteRef,
    loader: () =>
      import('../../components/slo/MyDataProducts').then(m => (
        <Content>
          <m.MyDataProducts />
        </Content>
      )),
  },
});
