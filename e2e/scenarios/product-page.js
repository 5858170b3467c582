'use strict';

/*
 * An example data product's page shows what the catalog API says it has:
 * its output ports, and its upstream and downstream products in the lineage
 * graph.
 */

const { check, graphNodeRefs, waitFor } = require('../harness/scenario');
const exampleProduct = require('./example-product');

module.exports = {
  name: 'product-page',
  description: 'an example product page: output ports and lineage',
  needs: [exampleProduct],
  async run({ page, baseUrl, cardTitled, outputOf }) {
    const expected = outputOf(exampleProduct);

    await check(`data product page opens (${expected.title})`, async () => {
      // The guest session is remembered, so a full navigation stays signed in.
      await page.goto(
        `${baseUrl}/catalog/default/dataproduct/${expected.name}`,
      );
      await page
        .getByRole('heading', { name: expected.title, exact: true })
        .first()
        .waitFor();
    });

    await check('output ports are shown', async () => {
      const card = cardTitled('Output ports');
      await card.waitFor();
      for (const portName of expected.outputPorts) {
        await card.getByText(portName, { exact: true }).first().waitFor();
      }
    });

    await check(
      'lineage graph shows upstream and downstream products',
      async () => {
        // Scoped to the Lineage card: the catalog's generic Relations graph on
        // the same page shows these products too.
        const card = cardTitled('Lineage', page.locator('svg'));
        await card.waitFor();
        const wanted = [
          `dataproduct:default/${expected.name}`,
          ...expected.upstream,
          ...expected.downstream,
        ];
        await waitFor(
          `graph nodes ${wanted.join(', ')}`,
          async () => {
            const shown = await graphNodeRefs(card);
            const missing = wanted.filter(ref => !shown.includes(ref));
            if (missing.length) {
              throw new Error(
                `missing ${missing.join(', ')}; shown ${shown.join(', ')}`,
              );
            }
            return true;
          },
          30000,
          500,
        );
      },
    );
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
