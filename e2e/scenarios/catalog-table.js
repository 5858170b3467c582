'use strict';

/*
 * The catalog's table of data products, reached from the sidebar: the
 * DataProduct columns (domain, type, certified, SLO health) and the example
 * product listed. The Data products page (the marketplace) finds the
 * example product by one of its column names, which only the column index
 * (the datasets as the catalog serves them) can match.
 */

const { check, sidebarLink } = require('../harness/scenario');
const exampleProduct = require('./example-product');

module.exports = {
  name: 'catalog-table',
  description: 'the sidebar and the catalog table of data products',
  needs: [exampleProduct],
  async run({ page, baseUrl, outputOf }) {
    const expected = outputOf(exampleProduct);

    await check('sidebar links to the Data products page', async () => {
      await sidebarLink(page, 'Data products').waitFor();
    });

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
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
