'use strict';

/*
 * Access agreed before the portal. The example mesh recorded the reads
 * along its lineage as access: ehr-encounters' Access tab lists the example
 * products that read it, active, as the access API says; the Input ports
 * card of one of them shows its own access to each input active, with the
 * port names whole, and Sofia Alvarez's My access lists her team's
 * products' reads with every word whole; the input that reads the patient
 * registry's personal data in clear (as its spec says) is granted them, and
 * Grace Osei finds it in the Compliance register. Then the owner Aisha Khan records an agreement made
 * elsewhere (Record existing access…): Finance & Claims Data reads
 * lab-results; the table shows it active, and the API has it approved by
 * her and granted in the warehouse.
 */

const {
  asExampleUsers,
  check,
  countAs,
  log,
  readableTables,
  waitFor,
  withWarehouse,
} = require('../harness/scenario');

const OWNER = 'Aisha Khan';
// of Population Health Analytics, whose products read the clinical ones
const ANALYST = 'Sofia Alvarez';
// of Information Governance, who keeps the register of personal data read in clear
const AUDITOR = 'Grace Osei';
const READ = 'ehr-encounters';
const READER = 'patient-encounter-history';
// reads the registry's pseudonymised port, personal data masked
const MASKED_READER = 'readmission-features';
const RECORDED_ON = 'lab-results';
const CONSUMER = {
  label: 'Team: Finance & Claims Data',
  ref: 'group:default/finance-claims-data',
};
// unique per run, so the row and the history entry found are this run's
const WHERE = `e2e ticket ${Date.now()}`;
const PURPOSE = 'Claims reconciliation against lab activity';

const recordedByExamples = r =>
  r.history.some(
    h =>
      h.action === 'approve' &&
      /^recorded: .*example data/.test(h.comment ?? ''),
  );

/**
 * The words of one word (5 letters or more) in `page`'s tables that are
 * cut over lines: the theme's table cells broke words anywhere ("EXTEN D",
 * "mask ed"). Only the words' own line boxes count, not chips' or buttons'.
 */
function cutWords(page) {
  return page.locator('table td').evaluateAll(cells =>
    cells.flatMap(cell => {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      const cut = [];
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const word = node.textContent.trim();
        if (!/^[A-Za-z]{5,}$/.test(word)) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const tops = new Set(
          [...range.getClientRects()].map(r => Math.round(r.top)),
        );
        if (tops.size > 1) cut.push(word);
      }
      return cut;
    }),
  );
}

module.exports = {
  name: 'recorded-access',
  description: `the example lineage's reads are recorded access; ${OWNER} records an agreement made elsewhere on ${RECORDED_ON}`,
  backend: 'pausable',
  async run({ page: guestPage, baseUrl, api, dirs, pauseBackend }) {
    const browser = guestPage.context().browser();
    await asExampleUsers(browser, baseUrl, 'recorded-access-user', async as => {
      const owner = await as(OWNER);

      await check(
        `${READ}'s Access tab lists the example products that read it, active, as the API says`,
        async () => {
          const { items } = await api(
            `/api/data-mesh/access-requests?product=${READ}`,
          );
          const readers = items.filter(
            r => recordedByExamples(r) && r.state === 'active',
          );
          if (readers.length < 2) {
            throw new Error(
              `the API lists ${readers.length} recorded readers of ${READ}`,
            );
          }
          await owner.goto(
            `${baseUrl}/catalog/default/dataproduct/${READ}/access`,
          );
          for (const reader of readers) {
            const name = reader.consumer.replace(/^dataproduct:default\//, '');
            await owner
              .getByRole('row')
              .filter({ hasText: name })
              .filter({ has: owner.getByTestId('access-state-active') })
              .first()
              .waitFor();
            log(`${name} reads ${READ} (${reader.outputPort}): active`);
          }
        },
      );

      await check(
        `${ANALYST}'s My access lists her team's products' reads, no word cut over lines`,
        async () => {
          const analyst = await as(ANALYST);
          await analyst.goto(`${baseUrl}/data-products/my-access`);
          const rows = analyst
            .getByRole('row')
            .filter({ has: analyst.getByTestId('access-state-active') });
          await rows.first().waitFor();
          const cut = await cutWords(analyst);
          if (cut.length) {
            throw new Error(`cut over lines: ${[...new Set(cut)].join(', ')}`);
          }
          log(`${await rows.count()} active rows, words whole`);
        },
      );

      await check(
        `${READER}'s Input ports card shows its access to each input active, names whole`,
        async () => {
          await owner.goto(`${baseUrl}/catalog/default/dataproduct/${READER}`);
          const rows = owner.locator('[data-testid^="input-port-"]');
          await rows.first().waitFor();
          const count = await rows.count();
          for (let i = 0; i < count; i++) {
            const row = rows.nth(i);
            await row.getByText('Active', { exact: true }).waitFor();
            // a one-word name on one line: the theme's cells broke words anywhere
            const name = row.locator('td').first().locator('strong');
            const text = (await name.innerText()).trim();
            if (/^\w+$/.test(text)) {
              const lines = await name.evaluate(
                el => el.getClientRects().length,
              );
              if (lines !== 1) {
                throw new Error(`the name ${text} is cut over ${lines} lines`);
              }
            }
          }
          log(`${count} inputs, each active`);
          // its spec reads the registry's personal data in clear, and the
          // recorded access gives them so: no "masked" warning
          const patients = owner.getByTestId('input-port-patients');
          await patients.getByText('Personal data in clear').waitFor();
          if (await patients.getByText(/Personal data masked/).count()) {
            throw new Error('the patients input reads personal data masked');
          }
        },
      );

      await check(
        `warehouse: ${READER}'s pipeline reads the registry's patients in clear; ${MASKED_READER}'s reads them masked only`,
        async () => {
          const { items } = await api(
            `/api/data-mesh/access-requests?product=patient-registry`,
          );
          const granteeOf = consumer => {
            const request = items.find(
              r =>
                r.consumer === `dataproduct:default/${consumer}` &&
                r.state === 'active',
            );
            if (!request) throw new Error(`${consumer} holds no access`);
            return request.grantee;
          };
          const [inClear, masked] = [
            granteeOf(READER),
            granteeOf(MASKED_READER),
          ];
          await pauseBackend(() =>
            withWarehouse(dirs.warehouse, async db => {
              const clearTable = t => /_output"?\.patients$/.test(t);
              const maskedTable = t => /_masked"?\.patients$/.test(t);
              const table = (await readableTables(db, inClear)).find(
                clearTable,
              );
              if (!table)
                throw new Error(`${inClear} cannot read the clear table`);
              const n = await countAs(db, inClear, table);
              const readable = await readableTables(db, masked);
              if (readable.some(clearTable) || !readable.some(maskedTable)) {
                throw new Error(
                  `${masked} reads ${readable.join(
                    ', ',
                  )}: not the masked view only`,
                );
              }
              log(
                `${inClear} reads ${n} rows of ${table}; ${masked} the masked view`,
              );
            }),
          );
        },
      );

      await check(
        `${AUDITOR}'s Compliance register lists ${READER} reading Patient Registry's personal data in clear, for the purpose its spec gives`,
        async () => {
          const auditor = await as(AUDITOR);
          await auditor.goto(`${baseUrl}/data-products/compliance`);
          const row = auditor
            .getByTestId('personal-data-row')
            .filter({ hasText: 'Patient Registry' })
            .filter({ hasText: READER })
            .filter({ hasText: 'Date of birth, sex and postcode district' });
          await row.waitFor();
          // by its name: the product has no title, and no "dataproduct:" either
          if (await row.getByText(/dataproduct:/).count()) {
            throw new Error(`the row names the kind: ${await row.innerText()}`);
          }
          log((await row.innerText()).replace(/\s+/g, ' '));
        },
      );

      await check(
        `${OWNER} records that ${CONSUMER.label} reads ${RECORDED_ON} (Record existing access…), granted at once`,
        async () => {
          await owner.goto(
            `${baseUrl}/catalog/default/dataproduct/${RECORDED_ON}/access`,
          );
          await owner
            .getByRole('button', { name: 'Record existing access…' })
            .click();
          const dialog = owner.getByRole('dialog');
          await dialog.getByLabel('Consumer').fill('Finance');
          await owner
            .getByRole('option', { name: CONSUMER.label, exact: true })
            .click();
          await dialog.getByLabel(/^Purpose/).fill(PURPOSE);
          await dialog.getByLabel('Where it was agreed (optional)').fill(WHERE);
          await dialog.getByRole('button', { name: 'Record access' }).click();
          const done = dialog.getByTestId('access-recorded');
          await done.getByText(`Recorded for ${CONSUMER.label}`).waitFor();
          await done.getByTestId('access-state-active').waitFor();
          await dialog.getByRole('button', { name: 'Close' }).click();
          await owner
            .getByRole('row')
            .filter({ hasText: PURPOSE })
            .filter({ has: owner.getByTestId('access-state-active') })
            .waitFor();

          const recorded = await waitFor(
            'the recorded request in the API',
            async () =>
              (
                await api(
                  `/api/data-mesh/access-requests?product=${RECORDED_ON}`,
                )
              ).items.find(r =>
                r.history.some(h => (h.comment ?? '').includes(WHERE)),
              ),
            10000,
            500,
          );
          const grant = recorded.history.find(h => h.action === 'grant');
          if (
            recorded.state !== 'active' ||
            recorded.consumer !== CONSUMER.ref ||
            recorded.decidedBy !== 'user:default/aisha.khan' ||
            !grant?.statements?.length
          ) {
            throw new Error(`recorded as ${JSON.stringify(recorded)}`);
          }
          log(
            `${recorded.id}: ${recorded.role} granted to ${recorded.grantee} until ${recorded.expiresAt}`,
          );
        },
      );
    });
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
