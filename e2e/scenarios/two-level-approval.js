'use strict';

/*
 * Two-level approval. lab-results' ODCS contract names Information
 * Governance as the second-level approver of its JDBC port. Sofia Alvarez
 * asks for access for her team; Aisha Khan (Clinical Care Data, the owner)
 * approves on the product's Access tab, told that a second level follows:
 * the request stays pending, the row says who approved and that it waits,
 * and she is offered no second approval. Grace Osei (Information
 * Governance, owning no product) goes from the home page's "What needs you"
 * to her inbox on My data products, told it is the second of two
 * approvals, and approves: only then is it granted (active, as the API
 * says), with both approvals in its history.
 */

const {
  asExampleUsers,
  check,
  log,
  requestAccess,
  waitFor,
} = require('../harness/scenario');

const PRODUCT = 'lab-results';
const PORT = 'lab-results-jdbc';
const REQUESTER = {
  name: 'Sofia Alvarez',
  team: 'Population Health Analytics',
};
const OWNER = 'Aisha Khan';
const GOVERNANCE = 'Grace Osei';
// unique per run, so the rows found are this run's
const PURPOSE = `Lab trends for the readmission study (e2e ${Date.now()})`;
const ACTIVE_DEADLINE_MS = 90000;

/** Approve `request` from its row in `scope`; the dialog's two-level line and the backend's answer. */
async function approveFrom(page, scope, request, comment) {
  await scope
    .getByRole('button', { name: `Approve request ${request.id}` })
    .click();
  const dialog = page.getByRole('dialog');
  const levels = await dialog
    .getByTestId('access-action-levels')
    .textContent({ timeout: 15000 });
  await dialog.locator('#access-action-comment').fill(comment);
  const [response] = await Promise.all([
    page.waitForResponse(
      r =>
        r.request().method() === 'POST' &&
        new URL(r.url()).pathname.endsWith(`/${request.id}/approve`),
    ),
    dialog.getByRole('button', { name: 'Approve', exact: true }).click(),
  ]);
  if (!response.ok()) {
    throw new Error(
      `approval refused: ${response.status()} ${await response.text()}`,
    );
  }
  await dialog.waitFor({ state: 'detached' });
  return { levels, answer: await response.json() };
}

module.exports = {
  name: 'two-level-approval',
  description: `${REQUESTER.name} asks for ${PRODUCT}; ${OWNER} approves first, ${GOVERNANCE} second, and only then is it granted`,
  async run({ page: guestPage, baseUrl, api }) {
    const browser = guestPage.context().browser();
    return asExampleUsers(browser, baseUrl, undefined, async as => {
      const request = await check(
        `${REQUESTER.name} asks for ${PRODUCT} (${PORT}) for ${REQUESTER.team}`,
        async () =>
          requestAccess(await as(REQUESTER.name), baseUrl, {
            product: PRODUCT,
            port: PORT,
            purpose: PURPOSE,
            consumer: new RegExp(REQUESTER.team),
          }),
      );

      await check(
        `${OWNER} approves first on the Access tab: a second level follows, the request waits`,
        async () => {
          const owner = await as(OWNER);
          await owner.goto(
            `${baseUrl}/catalog/default/dataproduct/${PRODUCT}/access`,
          );
          const row = owner.getByRole('row').filter({ hasText: PURPOSE });
          await row.first().waitFor({ timeout: 60000 });
          const { levels, answer } = await approveFrom(
            owner,
            row,
            request,
            'Fine by the clinical team (e2e)',
          );
          if (
            !/^The first of two approvals: a second-level approver/.test(levels)
          ) {
            throw new Error(`the dialog said: ${levels}`);
          }
          if (answer.state !== 'pending' || !answer.firstApproval) {
            throw new Error(
              `after the first approval: ${answer.state}, ${JSON.stringify(
                answer.firstApproval,
              )}`,
            );
          }
          const waiting = await row
            .getByTestId('access-first-approval')
            .textContent({ timeout: 15000 });
          if (!/waits for a second-level approver/i.test(waiting)) {
            throw new Error(`the row says: ${waiting}`);
          }
          if (
            (await row
              .getByRole('button', { name: `Approve request ${request.id}` })
              .count()) !== 0
          ) {
            throw new Error('the owner is offered the second approval too');
          }
          log(`${answer.firstApproval.by} approved first; the row: ${waiting}`);
        },
      );

      const granted = await check(
        `${GOVERNANCE} finds it from "What needs you" in her inbox and gives the second approval`,
        async () => {
          const governance = await as(GOVERNANCE);
          await governance.goto(`${baseUrl}/`);
          const decide = governance.getByTestId('needs-you-decide');
          await decide
            .getByText(/for your decision/)
            .waitFor({ timeout: 60000 });
          await decide.getByRole('link').click();
          await governance.waitForURL(/\/data-products\/mine/);
          const inbox = governance
            .locator('.MuiPaper-root')
            .filter({ hasText: /^Access requests to decide/ })
            .filter({ hasText: PURPOSE })
            .last();
          await inbox.getByText(PURPOSE).waitFor({ timeout: 60000 });
          const { levels, answer } = await approveFrom(
            governance,
            inbox,
            request,
            'Lawful basis recorded (e2e)',
          );
          if (!/^The second of two approvals: .* gave the first/.test(levels)) {
            throw new Error(`the dialog said: ${levels}`);
          }
          log(`second approval: ${answer.state}`);
          return answer;
        },
      );

      await check(
        'it is granted only now: active, with both approvals in its history',
        async () => {
          const active = await waitFor(
            `request ${request.id} to be active`,
            async () => {
              const { items } = await api(
                `/api/data-mesh/access-requests?product=${PRODUCT}`,
              );
              const now = items.find(r => r.id === request.id);
              if (now?.state !== 'active') throw new Error(`${now?.state}`);
              return now;
            },
            ACTIVE_DEADLINE_MS,
            2000,
          );
          const steps = active.history.map(h => `${h.action} by ${h.by}`);
          const first = active.history.findIndex(
            h => h.action === 'approve-first',
          );
          const second = active.history.findIndex(h => h.action === 'approve');
          const grant = active.history.findIndex(h => h.action === 'grant');
          if (!(first > 0 && second > first && grant > second)) {
            throw new Error(`history: ${steps.join(', ')}`);
          }
          if (active.history[first].by === active.history[second].by) {
            throw new Error('one person gave both approvals');
          }
          if (granted.decidedBy !== active.history[second].by) {
            throw new Error(`decided by ${granted.decidedBy}`);
          }
          log(steps.join(' → '));
        },
      );
    });
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
