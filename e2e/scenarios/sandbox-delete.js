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
 * and finds both on the product's audit trail (Changes tab). While a
 * pipeline holds a third branch (its claim in the portal, as `datamesh
 * sandbox create --report-to` takes it), the card says so with the run
 * linked, and her New sandbox… of that branch is refused in its words.
 */

const path = require('node:path');
const {
  asExampleUsers,
  check,
  datamesh,
  fetchJson,
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
// a third branch, which a pipeline holds while she tries it
const BRANCH_CI = `${BRANCH}-ci`;
const SUFFIX_CI = BRANCH_CI.replace(/[^a-z0-9]+/g, '_');
const RUN = 'https://github.example.com/example/ehr-encounters/actions/runs/1';
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
        `${CONSUMER} (a consumer) sees the sandbox on the Infrastructure card, when the platform deletes it (in 30 days), with no Delete button`,
        async () => {
          const section = await sandboxesOnCard(await as(CONSUMER), baseUrl);
          await section
            .getByText(/Its owners delete a merged branch’s here/)
            .waitFor();
          // app-config.yaml: dataMesh.sandboxes.expireAfter 30d
          await section
            .getByText(/^on \d{1,2} \w{3} \(in (29d 23h|30d)\)$/)
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
        `${OWNER} keeps the sandbox of ${BRANCH_UI} past its expiry (Keep), and the card says when the platform now deletes it`,
        async () => {
          const section = owner.getByTestId('infra-sandboxes');
          const [response] = await Promise.all([
            owner.waitForResponse(
              r =>
                r.request().method() === 'POST' &&
                new URL(r.url()).pathname ===
                  `/api/data-mesh/products/default/${PRODUCT}/sandboxes/${SUFFIX_UI}/keep`,
            ),
            section
              .getByRole('button', {
                name: `Keep the sandbox of ${SUFFIX_UI}`,
              })
              .click(),
          ]);
          if (response.status() !== 200) {
            throw new Error(
              `keeping refused: ${response.status()} ${await response.text()}`,
            );
          }
          const kept = await response.json();
          await section
            .getByTestId('sandbox-deleted')
            .getByText(
              `Kept the sandbox of ${SUFFIX_UI}: the platform deletes it on`,
              { exact: false },
            )
            .waitFor();
          log(`kept until ${kept.expiresAt}`);
        },
      );

      await check(
        `while a pipeline holds ${BRANCH_CI}, the card says it is being made by the datamesh CLI (run linked) and ${OWNER}'s New sandbox… of it is refused`,
        async () => {
          const productPage = `${baseUrl}/catalog/default/dataproduct/${PRODUCT}`;
          // her token, as her tab sends it: the pipeline's claim is the API's
          const [request] = await Promise.all([
            owner.waitForRequest(r =>
              new URL(r.url()).pathname.startsWith('/api/data-mesh/'),
            ),
            owner.goto(productPage),
          ]);
          const { authorization } = await request.allHeaders();
          const claims = `${baseUrl}/api/data-mesh/products/default/${PRODUCT}/sandbox-claims`;
          const claim = await fetchJson(claims, {
            method: 'POST',
            headers: { authorization, 'content-type': 'application/json' },
            body: JSON.stringify({
              branch: BRANCH_CI,
              change: 'create',
              source: 'cli',
              reference: RUN,
            }),
          });
          try {
            await owner.goto(productPage);
            const section = owner.getByTestId('infra-sandboxes');
            const going = section
              .getByTestId('sandbox-in-progress')
              .filter({ hasText: SUFFIX_CI });
            await going
              .getByText(/being made by the datamesh CLI/)
              .waitFor({ timeout: 60000 });
            const href = await going
              .getByRole('link', { name: /CI run/ })
              .getAttribute('href');
            if (href !== RUN) throw new Error(`the run links ${href}`);
            await section.getByRole('button', { name: 'New sandbox…' }).click();
            const dialog = owner.getByRole('dialog');
            await dialog.locator('#new-sandbox-branch').fill(BRANCH_CI);
            const [response] = await Promise.all([
              owner.waitForResponse(
                r =>
                  r.request().method() === 'POST' &&
                  new URL(r.url()).pathname ===
                    `/api/data-mesh/products/default/${PRODUCT}/sandboxes`,
              ),
              dialog.getByRole('button', { name: 'Make sandbox' }).click(),
            ]);
            if (response.status() !== 409) {
              throw new Error(
                `creation answered ${response.status()} ${await response.text()}`,
              );
            }
            await dialog
              .getByText(
                `the sandbox of ${SUFFIX_CI} of dataproduct:default/${PRODUCT} is being made by the datamesh CLI`,
                { exact: false },
              )
              .waitFor();
            await dialog.getByRole('button', { name: 'Cancel' }).click();
          } finally {
            await fetch(`${claims}/${encodeURIComponent(claim.id)}`, {
              method: 'DELETE',
              headers: { authorization },
            });
          }
        },
      );

      await check(
        `${OWNER} finds them on the audit trail of ${PRODUCT} (Changes tab), newest first, as hers`,
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
          await entries
            .filter({
              hasText: `Kept the sandbox of branch ${SUFFIX_UI} past its expiry`,
            })
            .filter({ hasText: OWNER })
            .waitFor();
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
