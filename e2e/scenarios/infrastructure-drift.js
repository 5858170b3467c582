'use strict';

/*
 * The platform team's drift page. With the backend paused (PGlite allows one
 * process), a DBA revokes the service role's grants on the created product's
 * output schema by hand (not an example product's: the example module
 * provisions those again on every start). Reached from the sidebar, Infrastructure drift lists
 * the product as drifted; the Drift chip filters the table to the drifted
 * products, and the product's row opens to the plan that re-grants it. The
 * guest, a member of the owning team, follows the row to the product's
 * page and clicks Repair on its Infrastructure card; the card, and the drift
 * page checked again, have it in sync. The grants are revoked once more, as
 * in an incident, and the drift page's "Repair or provision" applies the
 * plans of every drifted product in one go.
 */

const {
  check,
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
  description: `a grant of the created product revoked by hand shows on Infrastructure drift, with its plan; its owner repairs it from the product page`,
  needs: [createDataProduct],
  backend: 'pausable',
  async run({ page, baseUrl, api, dirs, outputOf, pauseBackend }) {
    const created = outputOf(createDataProduct);
    const PRODUCT = created.product;
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
    const revokeByHand = () =>
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
      );
    await check(
      `warehouse: revoke usage and create on ${schema} from ${service} by hand`,
      revokeByHand,
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

    await check(
      `an owner follows the row to ${PRODUCT}'s page and repairs it from the Infrastructure card`,
      async () => {
        await productRow(page, PRODUCT)
          .locator(`a[href$="/dataproduct/${PRODUCT}"]`)
          .click();
        await page.waitForURL(new RegExp(`/dataproduct/${PRODUCT}$`));
        const card = page.getByTestId('infra-apply');
        await card.waitFor({ timeout: 60000 });
        const [response] = await Promise.all([
          page.waitForResponse(
            r =>
              r.request().method() === 'POST' &&
              new URL(r.url()).pathname.endsWith(
                `/products/default/${PRODUCT}/infrastructure/apply`,
              ),
          ),
          card.getByRole('button', { name: 'Repair' }).click(),
        ]);
        if (!response.ok()) {
          throw new Error(
            `apply refused: ${response.status()} ${await response.text()}`,
          );
        }
        const applied = await response.json();
        const sent = applied.applied.flatMap(s => s.sql);
        if (applied.error || !sent.some(s => /^GRANT\b/i.test(s))) {
          throw new Error(`apply answered ${JSON.stringify(applied)}`);
        }
        log(`sent: ${sent.join('; ')}`);
        await page
          .getByTestId('infra-applied')
          .getByText(/^Applied 1 change\./)
          .waitFor();
        await page.getByTestId('infra-status-in-sync').first().waitFor();
      },
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

    await check(
      `warehouse: the same grants revoked by hand again, after an incident`,
      revokeByHand,
    );
    await check(
      `the drift page's "Repair or provision" has the backend apply the plans of the drifted products, ${PRODUCT}'s among them; the page says how the run ended and checks again`,
      async () => {
        await page.goto(`${baseUrl}/data-products/drift`);
        await page.getByTestId('drift-summary').waitFor({ timeout: 60000 });
        await page.getByRole('button', { name: /^Drift: \d+$/ }).click();
        await productRow(page, PRODUCT)
          .getByTestId('infra-status-drift')
          .waitFor();
        await page
          .getByRole('button', { name: /^Repair or provision \d+…$/ })
          .click();
        const dialog = page.getByRole('dialog');
        await dialog.getByText(/^You may apply \d+ of them/).waitFor();
        await dialog
          .getByRole('button', { name: /^Apply \d+ plans?$/ })
          .click();
        // the backend applies them one after the other: waiting, then done
        const outcome = await dialog
          .getByTestId(`repair-outcome-dataproduct:default/${PRODUCT}`)
          .filter({ hasText: /^(Applied|Nothing|Not applied)/ })
          .innerText({ timeout: 60000 });
        if (!/^Applied 1 change\./.test(outcome)) {
          throw new Error(`${PRODUCT}: ${outcome}`);
        }
        log(`${PRODUCT}: ${outcome}`);
        await dialog.getByRole('button', { name: 'Close' }).click();
        // the page follows the run to its end and says what it came to
        const last = await page
          .getByTestId('latest-repair-run')
          .filter({ hasText: /^The last repair run/ })
          .innerText({ timeout: 60000 });
        log(`drift page: ${last.split('\n')[0]}`);
        // checked again: the product is in sync
        await page.getByRole('button', { name: /^In sync: \d+$/ }).click();
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
