import {
  Sidebar,
  SidebarDivider,
  SidebarGroup,
  SidebarScrollWrapper,
  SidebarSpace,
} from '@backstage/core-components';
import { NavContentBlueprint } from '@backstage/plugin-app-react';
import { SidebarLogo } from './SidebarLogo';
import MenuIcon from '@material-ui/icons/Menu';
import SearchIcon from '@material-ui/icons/Search';
import { SidebarSearchModal } from '@backstage/plugin-search';
import { UserSettingsSignInAvatar } from '@backstage/plugin-user-settings';
import { NotificationsSidebarItem } from '@backstage/plugin-notifications';
import { SpecProblemsSidebarItem } from '@datamesh/plugin-data-mesh';
import { devToolsAdministerPermission } from '@backstage/plugin-devtools-common';
import { RequirePermission } from '@backstage/plugin-permission-react';
import { NavItem } from './NavItem';

/**
 * Sidebar labels for pages whose titles are too long for the sidebar's width
 * (they would be cut to "My data produ…"); the pages keep their titles.
 */
const SHORT_LABELS: Record<string, string> = {
  'page:data-mesh/mine': 'My products',
  'page:catalog-import': 'Register',
  'page:data-mesh/drift': 'Drift',
};

/**
 * The portal's sidebar. Pages contributed by plugins appear as nav items; the
 * ones a data mesh user needs most are placed first, the rest follow by title.
 */
export const SidebarContent = NavContentBlueprint.make({
  params: {
    component: ({ navItems }) => {
      // every item's path, so that on a page with an item of its own only
      // that item lights up, not also one whose path is a prefix of it
      const allHrefs = navItems
        .clone()
        .rest()
        .map(item => item.href);
      const nav = navItems.withComponent(item =>
        // with the number of failing spec files as a badge
        item.node.spec.id === 'page:data-mesh/spec-problems' ? (
          <SpecProblemsSidebarItem to={item.href} text={item.title} />
        ) : (
          <NavItem
            icon={() => item.icon}
            href={item.href}
            allHrefs={allHrefs}
            text={SHORT_LABELS[item.node.spec.id] ?? item.title}
          />
        ),
      );

      // Rendered by dedicated components below instead of as plain links.
      nav.take('page:search');
      nav.take('page:notifications');
      // platform admins only (the permission policy); others are refused
      // its contents anyway, so the link would lead nowhere
      const devTools = nav.take('page:devtools');

      return (
        <Sidebar>
          <SidebarLogo />
          <SidebarGroup label="Search" icon={<SearchIcon />} to="/search">
            <SidebarSearchModal />
          </SidebarGroup>
          <SidebarDivider />
          <SidebarGroup label="Menu" icon={<MenuIcon />}>
            {nav.take('page:home')}
            {nav.take('page:catalog')}
            {nav.take('page:data-mesh')}
            {nav.take('page:data-mesh/mine')}
            {nav.take('page:data-mesh/mesh-map')}
            {nav.take('page:data-mesh/my-access')}
            {nav.take('page:data-mesh/spec-problems')}
            {nav.take('page:data-mesh/check-spec')}
            {nav.take('page:scaffolder')}
            {nav.take('page:catalog-import')}
            <SidebarDivider />
            <SidebarScrollWrapper>
              {nav.rest({ sortBy: 'title' })}
            </SidebarScrollWrapper>
          </SidebarGroup>
          <SidebarSpace />
          <SidebarDivider />
          <NotificationsSidebarItem />
          <RequirePermission
            permission={devToolsAdministerPermission}
            errorPage={<></>}
          >
            {devTools}
          </RequirePermission>
          <SidebarDivider />
          <SidebarGroup
            label="Settings"
            icon={<UserSettingsSignInAvatar />}
            to="/settings"
          >
            {nav.take('page:user-settings')}
          </SidebarGroup>
        </Sidebar>
      );
    },
  },
});
