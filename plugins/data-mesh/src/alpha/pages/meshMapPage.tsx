import { Content } from '@backstage/core-components';
import { PageBlueprint } from '@backstage/frontend-plugin-api';
import BubbleChartIcon from '@material-ui/icons/BubbleChart';
import { meshMapRouteRef } from '../routes';

/** "Mesh map": every product by domain, with lineage and health, with a nav item. @alpha */
export const meshMapPage = PageBlueprint.make({
  name: 'mesh-map',
  params: {
    path: '/data-products/mesh-map',
    title: 'Mesh map',
    icon: <BubbleChartIcon fontSize="inherit" />,
    routeRef: meshMapRouteRef,
    loader: () =>
      import('../../components/meshMap/MeshMap').then(m => (
        <Content>
          <m.MeshMap />
        </Content>
      )),
  },
});
