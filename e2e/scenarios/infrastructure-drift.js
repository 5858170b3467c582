'use strict';

/*
 * The platform team's drift page. With the backend paused (PGlite allows one
 * process), a DBA revokes the service role's grants on the created product's
 * output schema by hand (not an example product's: the example module
 * provisions those again on every start). Reached from the sidebar, Infrastructure drift lists
 * the product as drifted; the Drift chip filters the table to the drifted
 * products, and the product's row opens to the plan that re-grants it. The
 * product's pipeline repairs it with the real `datamesh apply`, and the page,
 * checked again, has it in sync.
 */

const path = require('node:path');
const {
  check,
  datamesh,
  log,
  sidebarLink,
  withWarehouse,
} = require('../harness/scenario');

const createDataProduct = require('./create-data-product');

/** The table row of `product` on the drift page. */
function productRow(page, product) {
  return page.getByRole('row').filter({
    has: page.locator(`a[href$="/dataproduct/${product}"]`),
  });
}

module.exports = {
  name: 'infrastructure-drift',
  description: `a grant of the created product revoked by hand shows on Infrastructure drift, with its plan; datamesh apply repairs it`,
  needs: [createDataProduct],
  backend: 'pausable',
  async run({ page, baseUrl, api, dirs, outputOf, pauseBackend }) {
    const created = outputOf(createDataProduct);
    const PRODUCT = created.product;
    // the spec the Create flow committed: the product's pipeline applies it
    const SPEC = path.join(created.repoPath, 'data_product_spec.yml');
    const infra = `/api/data-mesh/products/default/${PRODUCT}/infrastructure`;
    const { names, status } = await check(
      `${PRODUCT} is in sync before`,
      async () => {
        const body = await api(infra);
        if (body.status !== 'in-sync') {
          throw new Error(`${PRODUCT} is ${body.status}: ${body.drift.lines}`);
        }
        return { names: body.declared.names, status: body.status };
      },
    );
    const schema = names.schemas.output.qualified;
    // the role the product's pipeline builds the output layer with
    const service = names.roles.service.qualified;
    log(`${PRODUCT}: ${status}; revoking ${schema} from ${service}`);
    await check(
      `warehouse: revoke usage and create on ${schema} from ${service} by hand`,
      () =>
        pauseBackend(() =>
          withWarehouse(dirs.warehouse, async db => {
            await db.exec(`REVOKE ALL ON SCHEMA ${schema} FROM ${service}`);
            // granted directly: the role also holds others that use it
            const { rows } = await db.query(
              `select count(*)::int as n
                 from pg_namespace s, aclexplode(s.nspacl) a
                 join pg_roles r on r.oid = a.grantee
                where s.nspname = $1 and r.rolname = $2`,
              [schema.slice(1, -1), names.roles.service.name],
            );
            if (rows[0].n) throw new Error(`${service} still holds ${schema}`);
          }),
        ),
    );

    await check(
      `Infrastructure drift, from the sidebar, lists ${PRODUCT} as drifted with the plan that re-grants it`,
      async () => {
        await page.goto(baseUrl);
        await sidebarLink(page, 'Drift').click();
        await page.waitForURL(/\/data-products\/drift$/);
        await page.getByTestId('drift-summary').waitFor({ timeout: 60000 });
        const drift = page.getByRole('button', { name: /^Drift: \d+$/ });
        await drift.click();
        if ((await drift.getAttribute('aria-pressed')) !== 'true') {
          throw new Error('the Drift chip does not filter');
        }
        // only drifted products are left
        const statuses = await page
          .getByRole('row')
          .locator('[data-testid^="infra-status-"]')
          .evaluateAll(els => els.map(e => e.dataset.testid));
        if (
          !statuses.length ||
          statuses.some(s => s !== 'infra-status-drift')
        ) {
          throw new Error(`rows after filtering: ${statuses.join(', ')}`);
        }
        const row = productRow(page, PRODUCT);
        await row.getByTestId('infra-status-drift').waitFor();
        await row.getByRole('button', { name: /^Detail panel visib/ }).click();
        const plan = await page.getByLabel('Repair plan').innerText();
        const regrant = plan
          .split('\n')
          .find(l => l.startsWith('+ grant') && l.includes(service));
        if (!regrant || !regrant.includes(schema)) {
          throw new Error(`the plan does not re-grant ${schema}:\n${plan}`);
        }
        log(`plan: ${regrant}`);
      },
    );

    await check(`the pipeline repairs ${PRODUCT} (datamesh apply)`, () =>
      pauseBackend(async () => {
        const out = datamesh(dirs.warehouse, 'apply', SPEC);
        log(out.trim().split('\n').slice(-2).join(' | '));
      }),
    );

    await check(
      `checked again, Infrastructure drift has ${PRODUCT} in sync`,
      async () => {
        await page.goto(`${baseUrl}/data-products/drift`);
        await page.getByTestId('drift-summary').waitFor({ timeout: 60000 });
        await productRow(page, PRODUCT)
          .getByTestId('infra-status-in-sync')
          .waitFor();
      },
    );
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
