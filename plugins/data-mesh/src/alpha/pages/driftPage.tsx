import { Content } from '@backstage/core-components';
import { PageBlueprint } from '@backstage/frontend-plugin-api';
import CompareArrowsIcon from '@material-ui/icons/CompareArrows';
import { driftRouteRef } from '../routes';

/**
 * "Infrastructure drift": declared versus actual warehouse objects of every
 * data product, for the platform team, with a nav item. @alpha
 */
export const driftPage = PageBlueprint.make({
  name: 'drift',
  params: {
    path: '/data-products/drift',
    title: 'Infrastructure drift',
    icon: <CompareArrowsIcon fontSize="inherit" />,
    routeRef: driftRouteRef,
    loader: () =>
      import('../../components/infra/InfrastructureDrift').then(m => (
        <Content>
          <m.InfrastructureDrift />
        </Content>
      )),
  },
});
