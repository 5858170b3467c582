'use strict';

/*
 * A grant made by hand before the portal, adopted. With the backend paused
 * (PGlite allows one process), a DBA gives the Information Governance
 * team's role the patient-registry personal-data role, as teams did before
 * the portal; the team reads the product's table in clear. The
 * unexplained-grants watch tells the owners: Aisha Khan's notification
 * leads her to the Access tab, whose drift panel names the team reading
 * personal data in clear outside any request; Grace Osei of information
 * governance (the portal's auditors) finds it on the Compliance page's
 * register of personal data read in clear. Aisha records it with "Record as
 * agreed access…": the dialog comes filled in with the team, personal data
 * on, and where the grant came from; the register then lists it as held
 * through that request, and Sofia Alvarez, who neither owns nor audits it,
 * does not see it there. The panel then shows the hand-made grant covered by the
 * recorded request; the repair with "Also revoke" drops it, and the
 * warehouse shows the team reading through the request's role only.
 */

const {
  asExampleUsers,
  check,
  countAs,
  holds,
  log,
  pgIdent,
  readableTables,
  waitFor,
  withWarehouse,
} = require('../harness/scenario');

const OWNER = 'Aisha Khan';
const PRODUCT = 'patient-registry';
const TEAM = {
  label: 'Team: Information Governance',
  name: 'Information Governance',
  ref: 'group:default/information-governance',
  // the portal's default team role naming (dataMesh.access.naming.teamRole)
  role: 'team_information_governance',
};
const PURPOSE = 'Data protection audits of the registry';
// the unexplained-grants watch's notice (every 10 s in the e2e backend's config)
const NOTICE = `${TEAM.name} reads personal data of Patient Registry outside any access request`;
const AUDITOR = 'Grace Osei';
const OTHER = 'Sofia Alvarez';
const RECORD_PATH = /\/api\/data-mesh\/access-requests\/record$/;
const REPAIR_PATH =
  /\/api\/data-mesh\/products\/[^/]+\/[^/]+\/access-drift\/repair$/;

/** The product's personal-data role, found by the marker the provisioning comments it with. */
async function personalDataRoleOf(db, product) {
  const { rows } = await db.query(
    `select rolname from pg_roles
      where shobj_description(oid, 'pg_authid') = $1
        and rolname like '%\\_consumer\\_pii'`,
    [`datamesh:dataproduct:default/${product}`],
  );
  if (rows.length !== 1) {
    throw new Error(
      `${product} has ${rows.length} personal-data roles: ${JSON.stringify(
        rows,
      )}`,
    );
  }
  return rows[0].rolname;
}

/** The Compliance page's register row of the team reading the product, through `through`. */
async function registerRow(page, baseUrl, through) {
  await page.goto(`${baseUrl}/data-products/compliance`);
  return page
    .getByTestId('personal-data-row')
    .filter({ hasText: 'Patient Registry' })
    .filter({ hasText: TEAM.name })
    .filter({ hasText: through });
}

module.exports = {
  name: 'hand-made-grant',
  description: `a grant made by hand shows who reads through it; ${OWNER} records it as agreed access and the repair drops the hand-made grant`,
  backend: 'pausable',
  async run({ page: guestPage, baseUrl, dirs, pauseBackend }) {
    const { piiRole, table } = await check(
      `warehouse: ${TEAM.role} is given ${PRODUCT}'s personal-data role by hand and reads it in clear`,
      () =>
        pauseBackend(() =>
          withWarehouse(dirs.warehouse, async db => {
            const role = await personalDataRoleOf(db, PRODUCT);
            const { rows } = await db.query(
              'select 1 from pg_roles where rolname = $1',
              [TEAM.role],
            );
            if (!rows.length)
              await db.exec(`CREATE ROLE ${pgIdent(TEAM.role)}`);
            if (await holds(db, role, TEAM.role)) {
              throw new Error(`${TEAM.role} holds ${role} already`);
            }
            await db.exec(`GRANT ${pgIdent(role)} TO ${pgIdent(TEAM.role)}`);
            const [first] = await readableTables(db, role);
            if (!first) throw new Error(`${role} may read no table`);
            log(
              `${TEAM.role} reads ${first}: ${await countAs(
                db,
                TEAM.role,
                first,
              )} rows`,
            );
            return { piiRole: role, table: first };
          }),
        ),
    );

    const browser = guestPage.context().browser();
    const recorded = await asExampleUsers(
      browser,
      baseUrl,
      'hand-made-grant-user',
      async as => {
        const owner = await as(OWNER);
        const panel = owner.getByTestId('access-drift-panel');
        const finding = panel
          .getByTestId('infra-access-unmanaged')
          .filter({ hasText: TEAM.role });
        const reader = finding.getByTestId('infra-access-reader');

        const homeLine = owner.getByTestId('needs-you-hand-made-grants');

        await check(
          `${OWNER} is told on her notifications page, and its link opens ${PRODUCT}'s Access tab`,
          async () => {
            const notice = owner.getByText(NOTICE, { exact: true }).first();
            await waitFor(
              `"${NOTICE}" on ${OWNER}'s notifications`,
              async () => {
                await owner.goto(`${baseUrl}/notifications`);
                await notice.waitFor({ timeout: 5000 });
                return true;
              },
              // the watch runs every 10 s; after the pause, its claim from
              // the stopped backend may hold it for up to 30 s more
              90000,
              2000,
            );
            await notice.click();
            await owner.waitForURL(
              url =>
                url.pathname ===
                `/catalog/default/dataproduct/${PRODUCT}/access`,
            );
          },
        );

        await check(
          `${OWNER} finds the grant on ${PRODUCT}'s Access drift panel, named as ${TEAM.name} reading personal data in clear outside any request`,
          async () => {
            await reader.waitFor({ timeout: 60000 });
            // the team's link shows its title once the catalog answered
            const expected = `${TEAM.name} reads it (personal data in clear) outside any request.`;
            let text = '';
            await waitFor(
              `the finding to say "${expected}"`,
              async () => {
                text = (await reader.innerText()).replace(/\s+/g, ' ').trim();
                return text === expected;
              },
              10000,
              250,
            ).catch(() => {
              throw new Error(`the finding says "${text}", not "${expected}"`);
            });
            // when the scheduled check found it
            await finding
              .getByTestId('infra-access-found')
              .getByText(
                /^ ?Found by the scheduled check (just now|\d+m ago)\.$/,
              )
              .waitFor();
            log(`${(await finding.innerText()).replace(/\s+/g, ' ')}`);
          },
        );

        await check(
          `${AUDITOR} (information governance, the auditors) is told too, and finds it on the Compliance page's register of personal data read in clear`,
          async () => {
            const auditor = await as(AUDITOR);
            await auditor.goto(`${baseUrl}/notifications`);
            await auditor
              .getByText(NOTICE, { exact: true })
              .first()
              .waitFor({ timeout: 30000 });
            await (
              await registerRow(auditor, baseUrl, 'a grant made by hand')
            ).waitFor({ timeout: 30000 });
          },
        );

        await check(
          `${OWNER}'s home page lists it under "What needs you", linked to ${PRODUCT}'s Access tab`,
          async () => {
            await owner.goto(baseUrl);
            await homeLine
              .getByText(
                "1 grant made by hand reads your teams' products outside any access request: record or revoke it",
              )
              .waitFor();
            const href = await homeLine.locator('a').getAttribute('href');
            if (href !== `/catalog/default/dataproduct/${PRODUCT}/access`) {
              throw new Error(`the line links to ${href}`);
            }
            await homeLine.locator('a').click();
            await reader.waitFor();
          },
        );

        const request = await check(
          `${OWNER} records it with "Record as agreed access…": team, personal data on and origin filled in`,
          async () => {
            await finding
              .getByRole('button', { name: 'Record as agreed access…' })
              .click();
            const dialog = owner.getByRole('dialog');
            const consumer = dialog.getByLabel('Consumer');
            await waitFor(
              'the consumer filled in',
              async () => (await consumer.inputValue()) === TEAM.label,
              10000,
              200,
            );
            const pii = dialog.getByRole('checkbox', {
              name: /Personal-data columns in clear/,
            });
            if (!(await pii.isChecked())) {
              throw new Error('personal data in clear is not ticked');
            }
            const origin = await dialog
              .getByLabel('Where it was agreed (optional)')
              .inputValue();
            if (
              origin !==
              `granted by hand in the warehouse: ${TEAM.role} held ${piiRole}`
            ) {
              throw new Error(`where it was agreed: "${origin}"`);
            }
            await dialog.getByLabel(/^Purpose/).fill(PURPOSE);
            const [response] = await Promise.all([
              owner.waitForResponse(
                r =>
                  r.request().method() === 'POST' &&
                  RECORD_PATH.test(new URL(r.url()).pathname),
              ),
              dialog.getByRole('button', { name: 'Record access' }).click(),
            ]);
            if (!response.ok()) {
              throw new Error(
                `recording refused: ${response.status()} ${await response.text()}`,
              );
            }
            const body = await response.json();
            if (
              body.state !== 'active' ||
              body.consumer !== TEAM.ref ||
              body.grantee !== TEAM.role ||
              body.pii !== true
            ) {
              throw new Error(`recorded as ${JSON.stringify(body)}`);
            }
            await dialog.getByTestId('access-recorded').waitFor();
            await dialog.getByRole('button', { name: 'Close' }).click();
            log(`${body.id}: ${body.role} granted to ${body.grantee}`);
            return body;
          },
        );

        await check(
          `the panel shows the hand-made grant covered by the recorded request; the repair drops it`,
          async () => {
            await reader
              .getByText(`Also granted through access request ${request.id}`, {
                exact: false,
              })
              .waitFor();
            if (
              await finding
                .getByRole('button', { name: 'Record as agreed access…' })
                .count()
            ) {
              throw new Error('recording is still offered');
            }
            await panel
              .getByRole('checkbox', { name: 'revoke unmanaged grants' })
              .check();
            const [response] = await Promise.all([
              owner.waitForResponse(
                r =>
                  r.request().method() === 'POST' &&
                  REPAIR_PATH.test(new URL(r.url()).pathname),
              ),
              panel.getByRole('button', { name: 'Repair access' }).click(),
            ]);
            const repaired = await response.json();
            const sent = (repaired.applied ?? []).flatMap(s => s.sql);
            const revoke = `REVOKE ${pgIdent(piiRole)} FROM ${pgIdent(
              TEAM.role,
            )}`;
            if (!response.ok() || repaired.error || !sent.includes(revoke)) {
              throw new Error(`repair answered ${JSON.stringify(repaired)}`);
            }
            await panel.getByText(/as approved, and nothing else\.$/).waitFor();
            log(`repair sent: ${sent.join('; ')}`);
          },
        );

        await check(
          `the register lists ${TEAM.name} reading through the recorded request for ${AUDITOR}, not for ${OTHER}`,
          async () => {
            const auditor = await as(AUDITOR);
            await (
              await registerRow(
                auditor,
                baseUrl,
                `access request ${request.id}`,
              )
            ).waitFor({ timeout: 30000 });
            const other = await as(OTHER);
            await other.goto(`${baseUrl}/data-products/compliance`);
            await other.getByTestId('personal-data-register').waitFor();
            await other
              .getByTestId('personal-data-register')
              .locator('table, [data-testid="personal-data-none"]')
              .first()
              .waitFor();
            // (the example mesh's own reads in clear may be hers to see)
            const seen = await other
              .getByTestId('personal-data-row')
              .filter({ hasText: 'Patient Registry' })
              .filter({ hasText: TEAM.name })
              .count();
            if (seen)
              throw new Error(
                `${OTHER} sees ${seen} rows of ${TEAM.name} reading ${PRODUCT}`,
              );
          },
        );

        await check(
          `after the next scheduled check, "What needs you" no longer lists it`,
          () =>
            waitFor(
              'the line to go',
              async () => {
                await owner.goto(baseUrl);
                await owner.getByTestId('data-mesh-needs-you').waitFor();
                return (await homeLine.count()) === 0;
              },
              60000,
              3000,
            ),
        );
        return request;
      },
    );

    await check(
      `warehouse: ${TEAM.role} no longer holds ${piiRole} by hand and reads ${table} through ${recorded.role}`,
      () =>
        pauseBackend(() =>
          withWarehouse(dirs.warehouse, async db => {
            if (await holds(db, piiRole, TEAM.role)) {
              throw new Error(`${TEAM.role} still holds ${piiRole}`);
            }
            if (!(await holds(db, recorded.role, TEAM.role))) {
              throw new Error(`${TEAM.role} does not hold ${recorded.role}`);
            }
            log(
              `${TEAM.role} reads ${table}: ${await countAs(
                db,
                TEAM.role,
                table,
              )} rows`,
            );
          }),
        ),
    );
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
