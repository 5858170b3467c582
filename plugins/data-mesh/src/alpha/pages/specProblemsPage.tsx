import { Content } from '@backstage/core-components';
import { PageBlueprint } from '@backstage/frontend-plugin-api';
import ErrorOutlineIcon from '@material-ui/icons/ErrorOutline';
import { specProblemsRouteRef } from '../routes';

/**
 * "Spec problems": failing spec files with their located problems. Its nav
 * item is drawn by the app's sidebar as SpecProblemsSidebarItem (count badge).
 * @alpha
 */
export const specProblemsPage = PageBlueprint.make({
  name: 'spec-problems',
  params: {
    path: '/data-products/spec-problems',
    title: 'Spec problems',
    icon: <ErrorOutlineIcon fontSize="inherit" />,
    routeRef: specProblemsRouteRef,
    loader: () =>
      import('../../components/specProblems/SpecProblems').then(m => (
        <Content>
          <m.SpecProblems />
        </Content>
      )),
  },
});
