import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SidebarContent } from './Sidebar';
import { signInPage } from './SignInPage';

/** App-level overrides: the sidebar and the guest sign-in page. */
export const navModule = createFrontendModule({
  pluginId: 'app',
  extensions: [SidebarContent, signInPage],
});
