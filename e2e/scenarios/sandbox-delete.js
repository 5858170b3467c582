'use strict';

/*
 * A feature branch's sandbox deleted from the product page. With the
 * backend paused (PGlite allows one process), the product repo's pipeline
 * makes a sandbox of ehr-encounters with the real `datamesh sandbox create`
 * on the portal's warehouse. With the backend back, the consumer Sofia
 * Alvarez sees it on the Infrastructure card without a Delete button; the
 * owner Aisha Khan deletes it after confirming, the card says what was
 * dropped, and a fresh look at the warehouse lists no sandbox of the branch.
 * Then she makes a sandbox for another branch from the card (New sandbox…),
 * and finds both on the product's audit trail (Changes tab).
 */

const path = require('node:path');
const {
  asExampleUsers,
  check,
  datamesh,
  log,
  ROOT,
} = require('../harness/scenario');

const PRODUCT = 'ehr-encounters';
const OWNER = 'Aisha Khan';
const CONSUMER = 'Sofia Alvarez';
// unique per run (a kept state directory may hold an earlier run's), and
// short: PGlite's schema names carry the database and the product too
const BRANCH = `e2e/${Date.now().toString(36).slice(-4)}`;
const SUFFIX = BRANCH.replace(/[^a-z0-9]+/g, '_');
// a second branch, whose sandbox the owner makes from the card
const BRANCH_UI = `${BRANCH}-ui`;
const SUFFIX_UI = BRANCH_UI.replace(/[^a-z0-9]+/g, '_');
const DELETE_PATH = new RegExp(
  `/api/data-mesh/products/default/${PRODUCT}/sandboxes/${SUFFIX}$`,
);

/** The product page's Infrastructure card, loaded, and its sandboxes section. */
async function sandboxesOnCard(page, baseUrl) {
  await page.goto(`${baseUrl}/catalog/default/dataproduct/${PRODUCT}`);
  const section = page.getByTestId('infra-sandboxes');
  await section.waitFor({ timeout: 60000 });
  await section.getByText(SUFFIX, { exact: true }).waitFor();
  return section;
}

module.exports = {
  name: 'sandbox-delete',
  description: `a branch's sandbox made by the CLI shows on ${PRODUCT}'s page; ${OWNER} deletes it, ${CONSUMER} may not`,
  backend: 'pausable',
  async run({ page: guestPage, baseUrl, api, dirs, pauseBackend }) {
    const spec = path.join(
      ROOT,
      'examples/data-products',
      PRODUCT,
      'data_product_spec.yml',
    );
    await check(
      `the pipeline of ${PRODUCT} makes a sandbox for ${BRANCH} (datamesh sandbox create)`,
      () =>
        pauseBackend(async () => {
          const out = datamesh(
            dirs.warehouse,
            'sandbox',
            'create',
            spec,
            '--branch',
            BRANCH,
            '--layers',
            'raw,output',
          );
          log(out.trim().split('\n').slice(-3).join(' | '));
        }),
    );

    const browser = guestPage.context().browser();
    await asExampleUsers(browser, baseUrl, 'sandbox-delete-user', async as => {
      await check(
        `${CONSUMER} (a consumer) sees the sandbox on the Infrastructure card, with no Delete button`,
        async () => {
          const section = await sandboxesOnCard(await as(CONSUMER), baseUrl);
          await section
            .getByText(/Its owners delete a merged branch’s here/)
            .waitFor();
          const buttons = await section.getByRole('button').count();
          if (buttons !== 0) {
            throw new Error(`${CONSUMER} sees ${buttons} buttons`);
          }
        },
      );

      const owner = await as(OWNER);
      await check(
        `${OWNER} (the owner) deletes the sandbox after confirming`,
        async () => {
          const section = await sandboxesOnCard(owner, baseUrl);
          await section
            .getByRole('button', { name: `Delete the sandbox of ${SUFFIX}` })
            .click();
          const dialog = owner.getByRole('dialog');
          await dialog
            .getByRole('heading', {
              name: `Delete the sandbox of ${SUFFIX}?`,
            })
            .waitFor();
          const listed = await dialog.getByRole('listitem').allInnerTexts();
          if (listed.length !== 2) {
            throw new Error(`the dialog lists ${JSON.stringify(listed)}`);
          }
          const [response] = await Promise.all([
            owner.waitForResponse(
              r =>
                r.request().method() === 'DELETE' &&
                DELETE_PATH.test(new URL(r.url()).pathname),
            ),
            dialog.getByRole('button', { name: 'Delete sandbox' }).click(),
          ]);
          if (!response.ok()) {
            throw new Error(
              `deletion refused: ${response.status()} ${await response.text()}`,
            );
          }
          const deleted = await response.json();
          if (deleted.dropped.length !== 2) {
            throw new Error(`deletion answered ${JSON.stringify(deleted)}`);
          }
          await section
            .getByTestId('sandbox-deleted')
            .getByText(`Dropped the sandbox of ${SUFFIX} (2 schemas).`)
            .waitFor();
          await dialog.waitFor({ state: 'detached' });
          log(`dropped: ${deleted.dropped.map(d => d.qualified).join(', ')}`);
        },
      );

      await check(
        `${OWNER} makes a sandbox for ${BRANCH_UI} from the card (New sandbox…), and the card lists it`,
        async () => {
          await owner.goto(`${baseUrl}/catalog/default/dataproduct/${PRODUCT}`);
          const section = owner.getByTestId('infra-sandboxes');
          await section
            .getByRole('button', { name: 'New sandbox…' })
            .click({ timeout: 60000 });
          const dialog = owner.getByRole('dialog');
          await dialog.locator('#new-sandbox-branch').fill(BRANCH_UI);
          const [response] = await Promise.all([
            owner.waitForResponse(
              r =>
                r.request().method() === 'POST' &&
                new URL(r.url()).pathname ===
                  `/api/data-mesh/products/default/${PRODUCT}/sandboxes`,
            ),
            dialog.getByRole('button', { name: 'Make sandbox' }).click(),
          ]);
          if (response.status() !== 201) {
            throw new Error(
              `creation refused: ${response.status()} ${await response.text()}`,
            );
          }
          const made = await response.json();
          await section
            .getByTestId('sandbox-deleted')
            .getByText(`Made the sandbox of ${SUFFIX_UI}:`, { exact: false })
            .waitFor();
          await section.getByText(SUFFIX_UI, { exact: true }).waitFor();
          log(
            `made (${made.method}): ${made.schemas
              .map(m => `${m.qualified} (${m.tables} tables)`)
              .join(', ')}`,
          );
        },
      );

      await check(
        `${OWNER} finds both on the audit trail of ${PRODUCT} (Changes tab), newest first, as hers`,
        async () => {
          await owner.goto(
            `${baseUrl}/catalog/default/dataproduct/${PRODUCT}/changes`,
          );
          const entries = owner.getByTestId('audit-entry');
          await entries.first().waitFor({ timeout: 60000 });
          const made = entries
            .filter({ hasText: `Made the sandbox of branch ${SUFFIX_UI}` })
            .filter({ hasText: OWNER });
          const deleted = entries
            .filter({
              hasText: `Deleted the sandbox of branch ${SUFFIX}: 2 schemas dropped`,
            })
            .filter({ hasText: OWNER });
          await made.waitFor();
          await deleted.waitFor();
          const texts = await entries.allTextContents();
          const at = text => texts.findIndex(t => t.includes(text));
          if (
            at(`sandbox of branch ${SUFFIX_UI}`) >
            at(`sandbox of branch ${SUFFIX}:`)
          ) {
            throw new Error(`not newest first: ${JSON.stringify(texts)}`);
          }
          // the schemas it made, on request
          await made.getByRole('button', { name: /^Show \d+ lines?$/ }).click();
          await made
            .getByTestId('audit-entry-lines')
            .getByText(`_sbx_${SUFFIX_UI}`, { exact: false })
            .first()
            .waitFor();
        },
      );
    });

    await check(
      `the warehouse, looked at afresh, has no sandbox of ${SUFFIX} left`,
      async () => {
        const infra = await api(
          `/api/data-mesh/products/default/${PRODUCT}/infrastructure`,
        );
        const left = (infra.sandboxes ?? []).filter(s => s.branch === SUFFIX);
        if (left.length) {
          throw new Error(`still listed: ${JSON.stringify(left)}`);
        }
      },
    );
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
