'use strict';

/*
 * The catalog's table of data products, reached from the sidebar: the
 * DataProduct columns (domain, type, certified, SLO health) and the example
 * product listed. The Data products page (the marketplace) finds the
 * example product by one of its column names, which only the column index
 * (the datasets as the catalog serves them) can match, and sorted by last
 * update shows when the product's spec last changed (the Changes timeline),
 * sorted by most read each product's readers as the access registry counts
 * them.
 */

const { check, log, sidebarLink, waitFor } = require('../harness/scenario');
const exampleProduct = require('./example-product');

module.exports = {
  name: 'catalog-table',
  description: 'the sidebar and the catalog table of data products',
  needs: [exampleProduct],
  async run({ page, baseUrl, outputOf, api: apiGet }) {
    const expected = outputOf(exampleProduct);

    await check('sidebar links to the Data products page', async () => {
      await sidebarLink(page, 'Data products').waitFor();
    });

    await check(
      'sidebar: the data mesh pages together, first, and no label cut short',
      async () => {
        const links = await page
          .getByRole('navigation', { name: 'sidebar nav' })
          .getByRole('link')
          .evaluateAll(anchors =>
            anchors.map(a => ({
              text: a.innerText.trim(),
              // the sidebar cuts a label too long for it with an ellipsis
              cut: [a, ...a.querySelectorAll('*')].some(
                el =>
                  getComputedStyle(el).textOverflow === 'ellipsis' &&
                  el.scrollWidth > el.clientWidth,
              ),
            })),
          );
        const cut = links.filter(l => l.cut).map(l => l.text);
        if (cut.length) {
          throw new Error(`labels cut short: ${cut.join(', ')}`);
        }
        const first = [
          'Home',
          'Catalog',
          'Data products',
          'My products',
          'Mesh map',
          'My access',
          'Spec problems',
          'Check a spec',
          'Create',
          'Register',
        ];
        // the Spec problems item may carry a count badge after its label
        const texts = links.map(l => l.text.split('\n')[0]);
        const start = texts.indexOf('Home');
        const order = texts.slice(start, start + first.length);
        if (order.join('|') !== first.join('|')) {
          throw new Error(`sidebar order: ${texts.join(', ')}`);
        }
      },
    );

    await check(
      'catalog lists data products with domain, type, certified and health columns',
      async () => {
        await page.goto(
          `${baseUrl}/catalog?filters%5Bkind%5D=dataproduct&filters%5Buser%5D=all`,
        );
        const table = page.locator('table').filter({
          has: page.getByRole('columnheader', { name: 'Certified' }),
        });
        for (const header of ['Domain', 'Type', 'Certified', 'Health']) {
          await table
            .getByRole('columnheader', { name: header })
            .first()
            .waitFor();
        }
        await table
          .getByText(expected.title, { exact: true })
          .first()
          .waitFor();
      },
    );

    // a column of the product's first dataset, as the catalog serves it
    // (the catalog form: each dataset's name, the rest as JSON text)
    const dataset = (expected.entity.spec?.datasets ?? []).map(d =>
      d.json ? { ...JSON.parse(d.json), name: d.name } : d,
    )[0];
    const column = dataset?.columns?.find(c => c.name.includes('_'))?.name;

    await check(
      `the Data products page finds ${expected.name} by its column ${column}, with the search in the URL`,
      async () => {
        if (!column)
          throw new Error(`${expected.name} has no column to search`);
        await page.goto(`${baseUrl}/data-products`);
        const box = page.getByRole('textbox', { name: 'Search data products' });
        await box.fill(column);
        await page
          .getByRole('link', { name: expected.title, exact: true })
          .first()
          .waitFor();
        const url = new URL(page.url());
        if (url.searchParams.get('q') !== column) {
          throw new Error(`the URL keeps q=${url.searchParams.get('q')}`);
        }
        // the same search as cards, from the URL alone
        await page.goto(
          `${baseUrl}/data-products?q=${encodeURIComponent(column)}&view=cards`,
        );
        await page
          .getByTestId('product-card')
          .filter({ hasText: expected.title })
          .first()
          .waitFor();
      },
    );

    await check(
      `sorted by last update, ${expected.name} shows when its spec last changed, as a table row and a card`,
      async () => {
        // the Changes timeline records a product when the catalog processes
        // it, or at its next cycle (every minute)
        const row = () =>
          page.getByRole('row').filter({
            has: page.getByRole('link', { name: expected.title, exact: true }),
          });
        const when = await waitFor(
          `a last update on ${expected.name}'s row`,
          async () => {
            await page.goto(`${baseUrl}/data-products?sort=updated`);
            const cell = row().first().getByTestId('last-update');
            await cell.waitFor({ timeout: 10000 });
            return cell.textContent();
          },
          120000,
          5000,
        );
        if (!/( ago|just now)$/.test(when)) {
          throw new Error(`last update reads "${when}"`);
        }
        const select = page.getByRole('button', { name: /Sort by/ });
        const label = await select.textContent();
        if (!label.includes('Last update')) {
          throw new Error(`the sort shows "${label}"`);
        }
        await page.goto(`${baseUrl}/data-products?sort=updated&view=cards`);
        const card = page
          .getByTestId('product-card')
          .filter({ hasText: expected.title })
          .first();
        const updated = await card.getByTestId('last-update').textContent();
        if (!/^Updated (.* ago|just now)$/.test(updated)) {
          throw new Error(`the card reads "${updated}"`);
        }
      },
    );

    await check(
      `sorted by most read, the Data products page counts each product's readers as the access registry does, ${expected.name} among the read`,
      async () => {
        const counts = new Map(
          (await apiGet('/api/data-mesh/access/readers')).items.map(i => [
            i.product,
            i.teams + i.products,
          ]),
        );
        if (!counts.get(`dataproduct:default/${expected.name}`)) {
          throw new Error(`the registry counts no reader of ${expected.name}`);
        }
        await page.goto(`${baseUrl}/data-products?sort=readers`);
        await page.getByTestId('readers').first().waitFor();
        const rows = await page
          .getByRole('row')
          .filter({ has: page.getByTestId('readers') })
          .evaluateAll(trs =>
            trs.map(tr => ({
              href: tr.querySelector('a').getAttribute('href'),
              readers: Number(
                tr.querySelector('[data-testid="readers"]').textContent,
              ),
            })),
          );
        let previous = Infinity;
        for (const { href, readers } of rows) {
          const [, namespace, name] = /\/catalog\/([^/]+)\/dataproduct\/([^/?#]+)/.exec(
            href,
          );
          const ref = `dataproduct:${namespace}/${name}`.toLowerCase();
          if (readers !== (counts.get(ref) ?? 0)) {
            throw new Error(
              `${ref} shows ${readers} readers, the registry counts ${
                counts.get(ref) ?? 0
              }`,
            );
          }
          if (readers > previous) {
            throw new Error(`${ref} (${readers}) after a product read less`);
          }
          previous = readers;
        }
        log(
          `${rows.length} rows, most read first: ${rows[0].href} (${rows[0].readers})`,
        );
      },
    );
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
