'use strict';

/*
 * Data-quality checks on the product page. The example specs declare ODCS
 * quality checks: ehr-encounters a row count and unique encounter ids,
 * claims-transactions a row count, unique claim lines, provider codes
 * by pattern, known claim statuses (a warning that fails: its pipeline
 * exports its own codes) and a sql check of the team's own (no negative
 * bills), which only its pipeline runs.
 * Sofia Alvarez (a consumer) sees ehr-encounters' checks on its Data
 * quality card with no way to measure them; Aisha Khan (its owner)
 * measures them now and the card shows both passing, counted on the
 * example tables; Priya Raman (the platform team) measures
 * claims-transactions' and sees the status check failing as a warning,
 * the others passing, the sql check not run by the portal. Then
 * claims-transactions' pipeline measures them with the real `datamesh
 * quality --sql --report-to` (on a copy of the embedded warehouse: PGlite
 * opens in one process at a time): the card says its results came from
 * the pipeline and links the run, the sql check passes with the query's
 * number, and the Data products page lists the product under "Warnings
 * only".
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  asExampleUsers,
  check,
  datamesh,
  log,
  ROOT,
} = require('../harness/scenario');

const CONSUMER = 'Sofia Alvarez';
const OWNER = 'Aisha Khan';
const ADMIN = 'Priya Raman';
const RUN =
  'https://github.example.com/example/claims-transactions/actions/runs/7';

/** A product page's Data quality card, loaded. */
async function qualityCard(page, baseUrl, product) {
  await page.goto(`${baseUrl}/catalog/default/dataproduct/${product}`);
  const table = page.getByRole('table', { name: 'Data-quality checks' });
  await table.waitFor({ timeout: 60000 });
  return table;
}

/** Measure now until the card shows `summary` (the example tables may still be loading). */
async function measureUntil(page, baseUrl, product, summary) {
  const deadline = Date.now() + 120000;
  for (;;) {
    await qualityCard(page, baseUrl, product);
    await page.getByRole('button', { name: 'Measure now' }).click();
    try {
      await page.getByText(summary).waitFor({ timeout: 20000 });
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
  }
}

/** Each row of the card: status chip, where, check (first line). */
async function rowsOf(table) {
  return table.evaluate(t =>
    [...t.querySelectorAll('tbody tr')].map(r =>
      [...r.querySelectorAll('td')]
        .slice(0, 3)
        .map(td => td.innerText.split('\n')[0].trim()),
    ),
  );
}

module.exports = {
  name: 'data-quality',
  description: `${OWNER} measures ehr-encounters' data-quality checks now, ${CONSUMER} only reads them; claims-transactions fails a warning, also in its pipeline's report`,
  backend: 'pausable',
  async run({ page: guestPage, baseUrl, dirs, pauseBackend }) {
    const browser = guestPage.context().browser();
    await asExampleUsers(browser, baseUrl, 'data-quality-user', async as => {
      await check(
        `${CONSUMER} (a consumer) sees ehr-encounters' checks on its Data quality card, with no Measure now`,
        async () => {
          const page = await as(CONSUMER);
          const table = await qualityCard(page, baseUrl, 'ehr-encounters');
          const rows = await rowsOf(table);
          const checks = rows.map(r => `${r[1]}: ${r[2]}`).sort();
          const expected = [
            'encounters.encounter_id: duplicate values must be 0',
            'encounters: rows must be more than 100',
          ];
          if (JSON.stringify(checks) !== JSON.stringify(expected)) {
            throw new Error(`the card lists ${JSON.stringify(rows)}`);
          }
          const buttons = await page
            .getByRole('button', { name: 'Measure now' })
            .count();
          if (buttons !== 0) throw new Error(`${CONSUMER} may measure`);
        },
      );

      await check(
        `${OWNER} (the owner) measures them now: both pass on the example table`,
        async () => {
          const page = await as(OWNER);
          await measureUntil(
            page,
            baseUrl,
            'ehr-encounters',
            /^2 checks: 0 failing, 2 passing · measured /,
          );
          const table = page.getByRole('table', {
            name: 'Data-quality checks',
          });
          await table
            .getByText(/^\d[\d,]* rows; rows must be more than 100/)
            .waitFor();
          await table
            .getByText(
              /^0 duplicate values \(0 % of \d[\d,]* rows\); duplicate values must be 0/,
            )
            .waitFor();
        },
      );

      await check(
        `${ADMIN} (the platform team) measures claims-transactions': the claim status check fails as a warning, first on the card`,
        async () => {
          const page = await as(ADMIN);
          await measureUntil(
            page,
            baseUrl,
            'claims-transactions',
            /^5 checks: 1 failing, 3 passing · measured /,
          );
          const table = page.getByRole('table', {
            name: 'Data-quality checks',
          });
          await table
            .getByText(
              /^\d[\d,]* invalid values \(100 % of \d[\d,]* rows\); invalid values \(percent of rows\) must be less than 1 %/,
            )
            .waitFor();
          const rows = await rowsOf(table);
          if (
            rows[0][0] !== 'Failing (warning)' ||
            rows[0][1] !== 'claim_lines.claim_status' ||
            !rows.some(
              r =>
                r[0] === 'Passing' &&
                r[1] === 'claim_lines.provider_org_code' &&
                r[2] ===
                  'invalid values (not matching ^[A-Z0-9]{3,6}$) must be 0',
            ) ||
            !rows.some(
              r =>
                r[0] === 'Not run' &&
                r[1] === 'claim_lines.billed_amount' &&
                r[2] === "the query's result must be 0",
            )
          ) {
            throw new Error(`the card lists ${JSON.stringify(rows)}`);
          }
        },
      );

      await check(
        `claims-transactions' pipeline reports its counts and its own sql check (datamesh quality --sql --report-to): the card links the run, the Data products page lists it under Warnings only`,
        async () => {
          const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-quality-'));
          try {
            await pauseBackend(async () =>
              fs.cpSync(dirs.warehouse, copy, { recursive: true }),
            );
            const page = await as(ADMIN);
            const productPage = `${baseUrl}/catalog/default/dataproduct/claims-transactions`;
            // her token, as her tab sends it, stands in for the CI secret
            const [request] = await Promise.all([
              page.waitForRequest(r =>
                new URL(r.url()).pathname.startsWith('/api/data-mesh/'),
              ),
              page.goto(productPage),
            ]);
            const { authorization } = await request.allHeaders();
            const out = datamesh(
              copy,
              'quality',
              path.join(
                ROOT,
                'examples/data-products/claims-transactions/claims-transactions.odps.yaml',
              ),
              '--sql',
              '--report-to',
              `${baseUrl}/api/data-mesh`,
              '--report-reference',
              RUN,
              {
                env: {
                  DATAMESH_PORTAL_TOKEN: authorization.replace(/^Bearer /, ''),
                },
              },
            );
            log(out.trim().split('\n').slice(-2).join(' | '));
            if (!/reported to the portal: 5 of 5 results/.test(out)) {
              throw new Error(`the pipeline printed: ${out}`);
            }
            const table = await qualityCard(
              page,
              baseUrl,
              'claims-transactions',
            );
            const status = table
              .getByRole('row')
              .filter({ hasText: 'claim_lines.claim_status' });
            await status.getByText(/by the pipeline/).waitFor();
            const href = await status
              .getByRole('link', { name: /^CI run/ })
              .getAttribute('href');
            if (href !== RUN) throw new Error(`the run links to ${href}`);
            const own = table
              .getByRole('row')
              .filter({ hasText: 'claim_lines.billed_amount' });
            await own
              .getByText("the query returned 0; the query's result must be 0")
              .waitFor();
            await own.getByText(/by the pipeline/).waitFor();
            await own
              .getByText('A claim line never bills a negative amount.')
              .waitFor();

            await page.goto(`${baseUrl}/data-products?quality=Warnings+only`);
            const row = page
              .getByRole('row')
              .filter({ hasText: /claims.transactions/i });
            await row
              .getByText('Quality: 1 warning')
              .waitFor({ timeout: 60000 });
          } finally {
            fs.rmSync(copy, { recursive: true, force: true });
          }
        },
      );
    });
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
