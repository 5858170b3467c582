'use strict';

/*
 * Issue 8's access flow, each person in a fresh browser context signed in
 * through the dev-only example-users picker: the analyst Sofia Alvarez
 * requests access to an output port of the example product for her team,
 * Aisha Khan (Clinical Care Data, its owner) finds it under "What needs
 * you" on the home page and approves it in the inbox on My data products,
 * and Sofia's My access page shows it Active with its expiry.
 * That the warehouse answered is read from the request the page loads: the
 * state `active` is set only once the warehouse confirmed the grant, and its
 * history holds the GRANT statements sent. Sofia then opens "How to read
 * it", on My access and on the port, and so does her teammate James
 * Whitfield on the port (access-warehouse then reads the
 * warehouse itself once the backend has stopped, with those statements).
 * James then asks to extend the team's access, and Aisha approves it;
 * Sofia withdraws a second request she made by mistake.
 */

const {
  asExampleUsers,
  check,
  log,
  requestAccess,
  waitFor,
} = require('../harness/scenario');

const PRODUCT = 'ehr-encounters';
const REQUESTER = {
  name: 'Sofia Alvarez',
  team: 'Population Health Analytics',
};
const APPROVER = { name: 'Aisha Khan' };
// Sofia's teammate: reads with what she asked for the team
const TEAMMATE = { name: 'James Whitfield' };
// Unique per run, so the rows of this request are found among others.
const PURPOSE = `Readmission risk model training (e2e ${Date.now()})`;
// A second request, made by mistake for the team's product instead of the
// team (the team's own request is open: asking for it again is refused),
// and withdrawn.
const MISTAKE = `Asked by mistake (e2e ${Date.now()})`;
const MISTAKEN_CONSUMER = /^Data product: Population Health Insights/;
// The grant is applied by the backend after the approval; leave room for a
// loaded machine.
const ACTIVE_DEADLINE_MS = 90000;

/** Same format as the Expires column (plugins/data-mesh …/access/rules.ts). */
const expiryText = iso =>
  new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(iso));

async function approveInInbox(page, baseUrl, request) {
  // as an owner comes to it: from the home page's "What needs you"
  await page.goto(`${baseUrl}/`);
  const decide = page.getByTestId('needs-you-decide');
  await decide.getByText(/for your decision/).waitFor({ timeout: 60000 });
  log(`Aisha's home page: ${await decide.textContent()}`);
  await decide.getByRole('link').click();
  await page.waitForURL(/\/data-products\/mine/);
  const inbox = page
    .locator('.MuiPaper-root')
    .filter({ hasText: /^Access requests to decide/ })
    .filter({ hasText: PURPOSE })
    .last();
  await inbox.getByText(PURPOSE).waitFor({ timeout: 60000 });
  await inbox
    .getByRole('button', { name: `Approve request ${request.id}` })
    .click();
  const dialog = page.getByRole('dialog');
  await dialog
    .locator('#access-action-comment')
    .fill('Approved for the readmission model (e2e)');
  await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

/**
 * Sofia's My access page, reloaded until the request's row is Active; the
 * request as the page loaded it.
 */
async function myAccessShowsActive(page, baseUrl, request) {
  return waitFor(
    `request ${request.id} to be Active on My access`,
    async () => {
      const [response] = await Promise.all([
        page.waitForResponse(
          r =>
            /\/api\/data-mesh\/access-requests$/.test(
              new URL(r.url()).pathname,
            ) && new URL(r.url()).searchParams.get('ours') === 'true',
        ),
        page.goto(`${baseUrl}/data-products/my-access`),
      ]);
      const loaded = (await response.json()).items.find(
        r => r.id === request.id,
      );
      if (loaded?.state !== 'active') {
        throw new Error(`state ${loaded?.state}`);
      }
      const row = page.getByRole('row').filter({ hasText: PURPOSE });
      await row
        .getByText('Active', { exact: true })
        .waitFor({ timeout: 15000 });
      if (!loaded.expiresAt) throw new Error('active without an expiry');
      await row.getByText(expiryText(loaded.expiresAt)).waitFor();
      return loaded;
    },
    ACTIVE_DEADLINE_MS,
    3000,
  );
}

/**
 * Sofia opens the active request on My access to "How to read it", and the
 * product's port shows it too: the statements to copy, as the page shows
 * them (access-warehouse runs them as given).
 */
async function howToReadIt(page, baseUrl, request) {
  await page.goto(`${baseUrl}/data-products/my-access`);
  const row = page.getByRole('row').filter({ hasText: PURPOSE });
  await row.getByRole('button').first().click();
  const onMyAccess = page.getByTestId(`access-connection-${request.id}`);
  const sql = await onMyAccess
    .getByTestId('access-connection-sql')
    .textContent({ timeout: 15000 });
  if (!sql.includes(`SET ROLE "${request.grantee}";`)) {
    throw new Error(`no SET ROLE of ${request.grantee}: ${sql}`);
  }
  const onPortSql = await portHowToReadIt(page, baseUrl, request);
  if (onPortSql !== sql) {
    throw new Error(`the port shows other statements: ${onPortSql}`);
  }
  log(`how to read it:\n  ${sql.split('\n').join('\n  ')}`);
  return sql;
}

/** The request on the product's port, opened to "How to read it"; its statements. */
async function portHowToReadIt(page, baseUrl, request) {
  await page.goto(`${baseUrl}/catalog/default/dataproduct/${PRODUCT}`);
  const onPort = page.getByTestId(`my-port-access-${request.id}`);
  await onPort.getByText('Active', { exact: true }).waitFor();
  await onPort.getByRole('button', { name: 'How to read it' }).click();
  return onPort
    .getByTestId('access-connection-sql')
    .textContent({ timeout: 15000 });
}

/**
 * On My access, one of a request's buttons confirmed in its dialog with a
 * comment; the request as the backend answered, and its row.
 */
async function actOnMyAccess(page, baseUrl, o) {
  await page.goto(`${baseUrl}/data-products/my-access`);
  const row = page.getByRole('row').filter({ hasText: o.purpose });
  await row
    .getByRole('button', { name: `${o.button} request ${o.request.id}` })
    .click();
  const dialog = page.getByRole('dialog');
  if (o.days) await dialog.locator('#access-extend-days').fill(o.days);
  await dialog.locator('#access-action-comment').fill(o.comment);
  const [response] = await Promise.all([
    page.waitForResponse(
      r =>
        r.request().method() === 'POST' &&
        new URL(r.url()).pathname.endsWith(`/${o.request.id}/${o.action}`),
    ),
    dialog.getByRole('button', { name: o.confirm }).click(),
  ]);
  if (!response.ok()) {
    throw new Error(
      `${o.action} refused: ${response.status()} ${await response.text()}`,
    );
  }
  await dialog.waitFor({ state: 'detached' });
  return { answer: await response.json(), row };
}

/**
 * A teammate of the requester asks, on My access, for 30 more days of the
 * team's access (it outlives the person who asked for it); the request as
 * the backend answered.
 */
async function teammateExtends(page, baseUrl, request) {
  const { answer: asked, row } = await actOnMyAccess(page, baseUrl, {
    purpose: PURPOSE,
    request,
    button: 'Extend',
    action: 'extend',
    confirm: 'Ask to extend',
    days: '30',
    comment: 'Sofia is on leave; the model is retrained next month (e2e)',
  });
  await row
    .getByText(`Extension to ${expiryText(asked.extension.expiresAt)} asked`, {
      exact: false,
    })
    .waitFor();
  log(
    `extension to ${asked.extension.expiresAt} asked by ${asked.extension.requestedBy}`,
  );
  return asked;
}

/** The owner approves the extension in the inbox; its dialog names who asked. */
async function approveExtensionInInbox(page, baseUrl, asked) {
  await page.goto(`${baseUrl}/data-products/mine`);
  const inbox = page
    .locator('.MuiPaper-root')
    .filter({ hasText: /^Access requests to decide/ })
    .filter({ hasText: PURPOSE })
    .last();
  await inbox
    .getByRole('button', { name: `Approve extension request ${asked.id}` })
    .click({ timeout: 60000 });
  const dialog = page.getByRole('dialog');
  await dialog
    .getByTestId('access-action-extension')
    .getByText(`asked by ${asked.extension.requestedBy}`, { exact: false })
    .waitFor();
  await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** The requester's My access shows the extended expiry. */
async function myAccessShowsExpiry(page, baseUrl, expiresAt) {
  await page.goto(`${baseUrl}/data-products/my-access`);
  await page
    .getByRole('row')
    .filter({ hasText: PURPOSE })
    .getByText(expiryText(expiresAt))
    .waitFor({ timeout: 15000 });
}

/** The requester withdraws a request on My access; the row shows it Cancelled. */
async function withdrawOnMyAccess(page, baseUrl, request) {
  const { row } = await actOnMyAccess(page, baseUrl, {
    purpose: MISTAKE,
    request,
    button: 'Withdraw',
    action: 'cancel',
    confirm: 'Withdraw request',
    comment: 'Asked for the wrong port (e2e)',
  });
  await row.getByText('Cancelled', { exact: true }).waitFor();
}

/** `active` means the warehouse confirmed; the history shows what was sent. */
function checkGrantHistory(request) {
  const statements = request.history.flatMap(h => h.statements ?? []);
  const grants = statements.filter(s => /^grant\b/i.test(s.trim()));
  if (
    !grants.some(s => s.includes(request.grantee) || s.includes(request.role))
  ) {
    throw new Error(
      `no GRANT to ${request.grantee}/${
        request.role
      } in the history: ${JSON.stringify(request.history)}`,
    );
  }
  const failures = request.history.filter(h => h.error);
  log(
    `request ${request.id} active until ${request.expiresAt}; ${
      grants.length
    } grant statements, ${failures.length} retried failures:\n  ${grants.join(
      '\n  ',
    )}`,
  );
}

module.exports = {
  name: 'access-request',
  description: `${REQUESTER.name} requests ${PRODUCT}, ${APPROVER.name} approves, My access shows it active`,
  async run({ page: guestPage, baseUrl }) {
    const browser = guestPage.context().browser();
    return asExampleUsers(browser, baseUrl, undefined, async as => {
      const request = await check(
        `${REQUESTER.name} requests access to ${PRODUCT} for ${REQUESTER.team}`,
        async () =>
          requestAccess(await as(REQUESTER.name), baseUrl, {
            product: PRODUCT,
            purpose: PURPOSE,
            consumer: new RegExp(REQUESTER.team),
          }),
      );
      await check(
        `${APPROVER.name} goes from the home page's "What needs you" to the inbox on My data products and approves it`,
        async () => approveInInbox(await as(APPROVER.name), baseUrl, request),
      );
      const active = await check(
        `${REQUESTER.name}'s My access shows it Active with its expiry`,
        async () =>
          myAccessShowsActive(await as(REQUESTER.name), baseUrl, request),
      );
      await check(
        'the warehouse answered: the history has the GRANT statements sent',
        async () => checkGrantHistory(active),
      );
      const readingSql = await check(
        `${REQUESTER.name} sees how to read it, on My access and on the port`,
        async () => howToReadIt(await as(REQUESTER.name), baseUrl, active),
      );
      await check(
        `${TEAMMATE.name}, of the same team, sees it on the port with the same statements`,
        async () => {
          const sql = await portHowToReadIt(
            await as(TEAMMATE.name),
            baseUrl,
            active,
          );
          if (sql !== readingSql) {
            throw new Error(
              `${TEAMMATE.name} is shown other statements: ${sql}`,
            );
          }
        },
      );
      const asked = await check(
        `${TEAMMATE.name} asks on My access to extend the team's access`,
        async () => teammateExtends(await as(TEAMMATE.name), baseUrl, active),
      );
      await check(
        `${APPROVER.name} approves the extension, named as ${TEAMMATE.name}'s; ${REQUESTER.name}'s My access shows the new expiry`,
        async () => {
          await approveExtensionInInbox(
            await as(APPROVER.name),
            baseUrl,
            asked,
          );
          await myAccessShowsExpiry(
            await as(REQUESTER.name),
            baseUrl,
            asked.extension.expiresAt,
          );
        },
      );
      await check(
        `${REQUESTER.name} withdraws a request made by mistake; My access shows it Cancelled`,
        async () => {
          const page = await as(REQUESTER.name);
          const mistake = await requestAccess(page, baseUrl, {
            product: PRODUCT,
            purpose: MISTAKE,
            consumer: MISTAKEN_CONSUMER,
          });
          await withdrawOnMyAccess(page, baseUrl, mistake);
        },
      );
      return { ...active, readingSql };
    });
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
