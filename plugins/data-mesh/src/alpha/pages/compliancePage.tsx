import { Content } from '@backstage/core-components';
import { PageBlueprint } from '@backstage/frontend-plugin-api';
import PolicyIcon from '@material-ui/icons/Policy';
import { complianceRouteRef } from '../routes';

/** "Compliance": governance compliance per domain, with a nav item. @alpha */
export const compliancePage = PageBlueprint.make({
  name: 'compliance',
  params: {
    path: '/data-products/compliance',
    title: 'Compliance',
    icon: <PolicyIcon fontSize="inherit" />,
    routeRef: complianceRouteRef,
    loader: () =>
      import('../../components/governance/CompliancePage').then(m => (
        <Content>
          <m.Compliance />
        </Content>
      )),
  },
});
