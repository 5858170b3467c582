'use strict';

/*
 * Issue 10 §4, the Mesh map: reached from the sidebar and from the Data
 * products page, it draws the example product in the lane of its domain,
 * linked to its page, coloured by health, with the lineage edge from its
 * upstream product; picking the domain keeps only that lane (in the URL).
 */

const { check, log, sidebarLink } = require('../harness/scenario');
const exampleProduct = require('./example-product');

const HEALTHS = ['ok', 'breaching', 'no-data', 'no-slos', 'unknown'];

module.exports = {
  name: 'mesh-map',
  description:
    'the Mesh map shows the example product in its domain, with health and a lineage edge',
  needs: [exampleProduct],
  async run({ page, baseUrl, outputOf }) {
    const expected = outputOf(exampleProduct);
    const ref = `dataproduct:default/${expected.name}`;
    const domain = String(expected.entity.spec?.domain ?? '').replace(
      /^(domain:)?(default\/)?/i,
      '',
    );
    const upstream = expected.upstream[0].toLocaleLowerCase('en-US');

    await check(
      'the Data products page links to the Mesh map, and so does the sidebar',
      async () => {
        await page.goto(`${baseUrl}/data-products`);
        await page
          .getByRole('link', { name: 'Mesh map', exact: true })
          .first()
          .click();
        await page.waitForURL(/\/data-products\/mesh-map$/);
        await page.getByTestId('mesh-map').waitFor({ timeout: 60000 });
        await page.goto(`${baseUrl}/catalog`);
        await sidebarLink(page, 'Mesh map').click();
        await page.waitForURL(/\/data-products\/mesh-map$/);
      },
    );

    const node = page
      .getByRole('region', { name: `Domain ${domain}`, exact: true })
      .locator(`[data-testid="mesh-node"][data-ref="${ref}"]`);

    await check(
      `${expected.name} is drawn in the ${domain} lane, linked to its page, with a health colour`,
      async () => {
        await node.waitFor({ timeout: 60000 });
        const link = node.getByRole('link', {
          name: expected.title,
          exact: true,
        });
        const href = await link.getAttribute('href');
        if (!href?.endsWith(`/catalog/default/dataproduct/${expected.name}`)) {
          throw new Error(`the node links to ${href}`);
        }
        const health = await node.getAttribute('data-health');
        if (!HEALTHS.includes(health)) {
          throw new Error(`the node's health is '${health}'`);
        }
        const label = (await node.innerText()).split('\n').pop();
        await page
          .getByRole('list', { name: 'Health colours' })
          .getByText(label, { exact: true })
          .waitFor();
        log(`${expected.name}: ${health} (${label})`);
      },
    );

    await check(
      `a lineage edge runs from ${upstream} to ${expected.name}`,
      async () => {
        const edge = page.locator(
          `[data-testid="mesh-edge"][data-from="${upstream}"][data-to="${ref}"]`,
        );
        if ((await edge.count()) !== 1) {
          const all = await page
            .getByTestId('mesh-edge')
            .evaluateAll(es =>
              es.map(e => `${e.dataset.from} -> ${e.dataset.to}`),
            );
          throw new Error(`edges drawn: ${all.join(', ')}`);
        }
        log(await page.getByTestId('mesh-summary').innerText());
      },
    );

    await check(
      `picking ${domain} keeps only its lane, in the URL`,
      async () => {
        await page
          .getByRole('group', { name: 'Domains' })
          .getByRole('checkbox', { name: new RegExp(`^${domain} \\(\\d+\\)$`) })
          .check();
        await page.waitForURL(new RegExp(`[?&]domain=${domain}(&|$)`));
        await node.waitFor();
        const lanes = await page.getByTestId('mesh-domain').count();
        if (lanes !== 1) throw new Error(`${lanes} lanes are drawn`);
      },
    );
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
