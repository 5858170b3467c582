'use strict';

/*
 * Access drift repaired from the Access tab. After access-request, the
 * grant is taken away in the warehouse by hand, as a DBA might: with the
 * backend paused (PGlite allows one process), the request role is revoked
 * from the requester's team role, whose read of the product's output table
 * is then refused. With the backend back, the owner Aisha Khan finds the
 * missing grant in the "Access drift" panel and repairs it; the analyst
 * Sofia Alvarez, the consumer, sees the drift but no Repair button. Paused
 * once more, the warehouse lets the team role read the table again.
 */

const {
  asExampleUsers,
  check,
  countAs,
  holds,
  log,
  pgIdent,
  readableTables,
  selectAs,
  withWarehouse,
} = require('../harness/scenario');
const accessRequest = require('./access-request');

const OWNER = 'Aisha Khan';
const CONSUMER = 'Sofia Alvarez';
const REPAIR_PATH =
  /\/api\/data-mesh\/products\/[^/]+\/[^/]+\/access-drift\/repair$/;

/** The first output table the request role reads (through the product's consumer role). */
async function tableOf(db, requestRole) {
  const [first] = await readableTables(db, requestRole);
  if (!first) throw new Error(`${requestRole} may read no table`);
  return first;
}

/** The product's Access tab, loaded, and its Access drift panel. */
async function accessDriftPanel(page, baseUrl, product) {
  await page.goto(`${baseUrl}/catalog/default/dataproduct/${product}/access`);
  const panel = page.getByTestId('access-drift-panel');
  await panel.waitFor({ timeout: 60000 });
  return panel;
}

/**
 * The panel lists the revoked grant as missing, and nothing else, among
 * the product's active requests (`active`: how many the API lists; other
 * scenarios, e.g. the created product's input, may hold grants too).
 */
async function showsMissing(panel, request, active) {
  await panel
    .getByText(
      `1 missing, 0 unmanaged, of ${active} active request${
        active === 1 ? '' : 's'
      }`,
      { exact: true },
    )
    .waitFor();
  const finding = panel.getByTestId('infra-access-missing');
  await finding.getByText('Missing', { exact: true }).waitFor();
  const message = await finding.innerText();
  const expected = `access request ${request.id}: ${request.grantee} no longer holds ${request.role}`;
  if (!message.includes(expected)) {
    throw new Error(`the finding says "${message}", not "${expected}"`);
  }
  log(`drift listed: ${message.replace(/\s+/g, ' ')}`);
}

module.exports = {
  name: 'access-repair',
  description: `a grant revoked by hand shows as Access drift; ${OWNER} repairs it, ${CONSUMER} may not`,
  needs: [accessRequest],
  backend: 'pausable',
  async run({ page: guestPage, baseUrl, dirs, outputOf, pauseBackend, api }) {
    const request = outputOf(accessRequest);
    // the product's active requests, of which this scenario revokes one by hand
    const active = (
      await api(
        `/api/data-mesh/access-requests?product=${encodeURIComponent(
          request.product,
        )}&state=active`,
      )
    ).items.length;
    const product = request.product.replace(/^dataproduct:default\//i, '');
    const table = await check(
      `warehouse: revoke ${request.role} from ${request.grantee} by hand; ${request.grantee}'s read is refused`,
      () =>
        pauseBackend(() =>
          withWarehouse(dirs.warehouse, async db => {
            const name = await tableOf(db, request.role);
            await countAs(db, request.grantee, name);
            await db.exec(
              `REVOKE ${pgIdent(request.role)} FROM ${pgIdent(
                request.grantee,
              )}`,
            );
            const after = await selectAs(
              db,
              request.grantee,
              `SELECT 1 FROM ${name}`,
            );
            if (!after.refused) {
              throw new Error(`${request.grantee} still reads ${name}`);
            }
            log(`${request.grantee} reading ${name}: ${after.refused.message}`);
            return name;
          }),
        ),
    );

    const browser = guestPage.context().browser();
    await asExampleUsers(browser, baseUrl, 'access-repair-user', async as => {
      await check(
        `${CONSUMER} (the consumer) sees the drift on ${product}'s Access tab but no Repair button`,
        async () => {
          const panel = await accessDriftPanel(
            await as(CONSUMER),
            baseUrl,
            product,
          );
          await showsMissing(panel, request, active);
          await panel.getByTestId('access-drift-owners-only').waitFor();
          const buttons = await panel
            .getByRole('button', { name: 'Repair access' })
            .count();
          if (buttons !== 0) {
            throw new Error(`${CONSUMER} sees ${buttons} Repair buttons`);
          }
        },
      );

      const owner = await as(OWNER);
      const panel = await check(
        `${OWNER} (the owner) finds the missing grant in the Access drift panel`,
        async () => {
          const found = await accessDriftPanel(owner, baseUrl, product);
          await showsMissing(found, request, active);
          return found;
        },
      );
      await check(
        `${OWNER} clicks Repair access and the panel is in sync`,
        async () => {
          const [response] = await Promise.all([
            owner.waitForResponse(
              r =>
                r.request().method() === 'POST' &&
                REPAIR_PATH.test(new URL(r.url()).pathname),
            ),
            panel.getByRole('button', { name: 'Repair access' }).click(),
          ]);
          if (!response.ok()) {
            throw new Error(
              `repair refused: ${response.status()} ${await response.text()}`,
            );
          }
          const repaired = await response.json();
          const sent = repaired.applied.flatMap(s => s.sql);
          if (
            repaired.error ||
            !sent.some(s => /^GRANT\b/i.test(s) && s.includes(request.role))
          ) {
            throw new Error(`repair answered ${JSON.stringify(repaired)}`);
          }
          await panel
            .getByTestId('access-drift-repaired')
            .getByText(/^Sent \d+ statements?: .*\bGRANT\b/)
            .waitFor();
          await panel
            .getByText(
              `The warehouse grants the ${active} active access request${
                active === 1 ? '' : 's'
              } as approved, and nothing else.`,
            )
            .waitFor();
          if (
            await panel.getByRole('button', { name: 'Repair access' }).count()
          ) {
            throw new Error('Repair access is still offered');
          }
          log(`repair sent: ${sent.join('; ')}`);
          // a fresh assessment, not only the repair's answer
          const reloaded = await accessDriftPanel(owner, baseUrl, product);
          await reloaded
            .getByText(
              `The warehouse grants the ${active} active access request${
                active === 1 ? '' : 's'
              } as approved, and nothing else.`,
            )
            .waitFor();
        },
      );
    });

    await check(
      `warehouse: ${request.grantee} holds ${request.role} again and reads ${table}`,
      () =>
        pauseBackend(() =>
          withWarehouse(dirs.warehouse, async db => {
            if (!(await holds(db, request.role, request.grantee))) {
              throw new Error(
                `${request.grantee} does not hold ${request.role}`,
              );
            }
            const rows = await countAs(db, request.grantee, table);
            log(`${request.grantee} reads ${table}: ${rows} rows`);
          }),
        ),
    );
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
