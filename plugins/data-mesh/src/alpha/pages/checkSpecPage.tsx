import { Content } from '@backstage/core-components';
import { PageBlueprint } from '@backstage/frontend-plugin-api';
import PlaylistAddCheckIcon from '@material-ui/icons/PlaylistAddCheck';
import { checkSpecRouteRef } from '../routes';

/** "Check a spec": what the catalog would make of a pasted or linked spec. @alpha */
export const checkSpecPage = PageBlueprint.make({
  name: 'check-spec',
  params: {
    path: '/data-products/check-spec',
    title: 'Check a spec',
    icon: <PlaylistAddCheckIcon fontSize="inherit" />,
    routeRef: checkSpecRouteRef,
    loader: () =>
      import('../../components/specProblems/CheckSpec').then(m => (
        <Content>
          <m.CheckSpec />
        </Content>
      )),
  },
});
