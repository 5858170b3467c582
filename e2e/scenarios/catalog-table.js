'use strict';

/*
 * The catalog's table of data products, reached from the sidebar: the
 * DataProduct columns (domain, type, certified, SLO health) and the example
 * product listed.
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
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
