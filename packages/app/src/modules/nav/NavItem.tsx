import { SidebarItem } from '@backstage/core-components';
import type { IconComponent } from '@backstage/core-plugin-api';
import { useLocation } from 'react-router-dom';

/**
 * Whether a nav item may light up only on its own path. Backstage's sidebar
 * highlights an item on its path and every path under it, so on
 * `/data-products/my-access` both "Data products" and "My access" would
 * light up. An item gives way where the current page is under another
 * item's longer path; elsewhere under its path (e.g. a page without a nav
 * item of its own) it still lights up.
 */
export function yieldsToDeeperItem(
  href: string,
  allHrefs: readonly string[],
  pathname: string,
): boolean {
  const under = (path: string, base: string) =>
    path === base || path.startsWith(base.endsWith('/') ? base : `${base}/`);
  return allHrefs.some(
    other =>
      other.length > href.length &&
      under(other, href) &&
      under(pathname, other),
  );
}

/** A sidebar link that lights up only where no deeper nav item does. */
export function NavItem(props: {
  href: string;
  allHrefs: readonly string[];
  text: string;
  icon: IconComponent;
}) {
  const { pathname } = useLocation();
  return (
    <SidebarItem
      icon={props.icon}
      to={props.href}
      text={props.text}
      end={yieldsToDeeperItem(props.href, props.allHrefs, pathname)}
    />
  );
}
