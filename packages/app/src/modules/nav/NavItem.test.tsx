import { SidebarOpenStateProvider } from '@backstage/core-components';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import StorageIcon from '@material-ui/icons/Storage';
import { NavItem, yieldsToDeeperItem } from './NavItem';

const hrefs = [
  '/',
  '/catalog',
  '/data-products',
  '/data-products/my-access',
  '/data-products/mine',
];

describe('yieldsToDeeperItem', () => {
  it('gives way only under a longer item path that the page is under', () => {
    expect(
      yieldsToDeeperItem('/data-products', hrefs, '/data-products/my-access'),
    ).toBe(true);
    expect(
      yieldsToDeeperItem('/data-products', hrefs, '/data-products/mine/x'),
    ).toBe(true);
    // its own page, and a page under it without an item of its own
    expect(yieldsToDeeperItem('/data-products', hrefs, '/data-products')).toBe(
      false,
    );
    expect(
      yieldsToDeeperItem('/data-products', hrefs, '/data-products/compliance'),
    ).toBe(false);
    // a path that only shares a prefix of characters is not under it
    expect(
      yieldsToDeeperItem('/data-products', hrefs, '/data-products-old'),
    ).toBe(false);
    expect(
      yieldsToDeeperItem(
        '/data-products/my-access',
        hrefs,
        '/data-products/my-access',
      ),
    ).toBe(false);
    // home is a prefix of every path
    expect(yieldsToDeeperItem('/', hrefs, '/catalog/default')).toBe(true);
    expect(yieldsToDeeperItem('/', hrefs, '/')).toBe(false);
  });
});

describe('NavItem', () => {
  async function renderAt(path: string) {
    renderInTestApp(
      <SidebarOpenStateProvider value={{ isOpen: true, setOpen: () => {} }}>
        {hrefs.slice(2).map(href => (
          <NavItem
            key={href}
            href={href}
            allHrefs={hrefs}
            text={href}
            icon={StorageIcon}
          />
        ))}
      </SidebarOpenStateProvider>,
      { initialRouteEntries: [path] },
    );
    return (await screen.findAllByRole('link'))
      .filter(link => link.getAttribute('aria-current') === 'page')
      .map(link => link.getAttribute('href'));
  }

  it('lights up only the deepest item on a page that has one', async () => {
    expect(await renderAt('/data-products/my-access')).toEqual([
      '/data-products/my-access',
    ]);
  });

  it('lights up the parent item on its own page and on pages without an item', async () => {
    expect(await renderAt('/data-products')).toEqual(['/data-products']);
  });

  it('lights up the parent item on pages under it without an item', async () => {
    expect(await renderAt('/data-products/compliance')).toEqual([
      '/data-products',
    ]);
  });
});
