'use strict';

/*
 * An example data product's page shows what the catalog API says it has:
 * its output ports, its upstream products' health on its input ports (as
 * the SLO API says), how many read it (as the access registry counts),
 * and its upstream and downstream products in the lineage graph.
 */

const { check, graphNodeRefs, log, waitFor } = require('../harness/scenario');
const exampleProduct = require('./example-product');

module.exports = {
  name: 'product-page',
  description:
    'an example product page: output ports, inputs with their health, lineage',
  needs: [exampleProduct],
  async run({ page, baseUrl, cardTitled, outputOf, api }) {
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
      "input ports show each upstream product's SLO health, as the SLO API says",
      async () => {
        const statusOf = async ref =>
          (await api('/api/data-mesh/slos')).items.find(
            i => i.entityRef.toLowerCase() === ref.toLowerCase(),
          )?.status;
        const card = cardTitled('Input ports');
        await card.waitFor();
        for (const ref of expected.upstream) {
          const name = ref.replace(/^dataproduct:default\//, '');
          const chip = card
            .getByRole('row')
            .filter({ has: page.locator(`a[href$="/dataproduct/${name}"]`) })
            .locator('[data-testid^="slo-status-"]');
          await chip.waitFor();
          const shown = (await chip.getAttribute('data-testid')).replace(
            'slo-status-',
            '',
          );
          // asked after the page: a collection between the two may move it
          if (shown !== (await statusOf(ref))) {
            throw new Error(
              `${ref}: the card shows ${shown}, the SLO API says ${await statusOf(
                ref,
              )}`,
            );
          }
          log(`input ${ref}: ${shown}`);
        }
      },
    );

    await check(
      'the About card says how many teams and data products read it, as the access registry counts them',
      async () => {
        const [counts] = (
          await api(`/api/data-mesh/access/readers?product=${expected.name}`)
        ).items;
        const parts = [
          counts?.teams &&
            `${counts.teams} ${counts.teams === 1 ? 'team' : 'teams'}`,
          counts?.products &&
            `${counts.products} data ${
              counts.products === 1 ? 'product' : 'products'
            }`,
        ].filter(Boolean);
        const wanted = parts.length ? parts.join(', ') : 'Nobody reads it yet';
        await page
          .getByTestId('about-readers')
          .getByText(wanted, { exact: true })
          .waitFor();
        log(`readers: ${wanted}`);
      },
    );

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
