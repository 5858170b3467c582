import { Content } from '@backstage/core-components';
import { PageBlueprint } from '@backstage/frontend-plugin-api';
import VpnKeyIcon from '@material-ui/icons/VpnKey';
import { myAccessPageRouteRef } from '../routes';

/** "My access": the user's access requests with state and expiry, with a nav item. @alpha */
export const myAccessPage = PageBlueprint.make({
  name: 'my-access',
  params: {
    path: '/data-products/my-access',
    title: 'My access',
    icon: <VpnKeyIcon fontSize="inherit" />,
    routeRef: myAccessPageRouteRef,
    loader: () =>
      import('../../components/access/MyAccess').then(m => (
        <Content>
          <m.MyAccess />
        </Content>
      )),
  },
});
