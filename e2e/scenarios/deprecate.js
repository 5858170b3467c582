'use strict';

/*
 * Issue 9 §4 as its people live it: Aisha Khan (Clinical Care Data, the
 * owner of the example product) runs Create → "Deprecate or retire a data
 * product" with a retirement date and a successor; Sofia Alvarez, who holds
 * an active grant on the product since access-request, then sees the
 * deprecation banner (date, successor) on its page and the deprecation
 * notice on her notifications page. Each person in a fresh browser context,
 * signed in through the dev-only example-users picker.
 */

const {
  asExampleUsers,
  check,
  log,
  waitFor,
  sidebarLink,
} = require('../harness/scenario');
const { waitForTask } = require('../harness/tasks');
const accessRequest = require('./access-request');

const PRODUCT = 'ehr-encounters';
const SUCCESSOR = 'patient-encounter-history';
const OWNER = { name: 'Aisha Khan' };
const CONSUMER = { name: 'Sofia Alvarez' };
const TEMPLATE = 'Deprecate or retire a data product';
// Unique per run, so the banner shown is this run's deprecation.
const REASON = `Superseded by the longitudinal history (e2e ${Date.now()})`;
// Sixty days ahead, as an owner gives notice; its date is on the banner and
// in the notice's title, so the notice found is this run's.
const RETIRE_AT = new Date(Date.now() + 60 * 24 * 3600 * 1000)
  .toISOString()
  .slice(0, 10);
const TASK_DEADLINE_MS = 90000;
// The notification is sent when the deprecation is recorded; the page is
// reloaded until it shows, leaving room for a loaded machine.
const NOTICE_DEADLINE_MS = 60000;

/**
 * Create → the template → the form → Create; the finished task. `form`:
 * product and optional successor as { ref, title }, retireAt, reason.
 */
async function deprecateThroughTemplate(page, api, form) {
  await sidebarLink(page, 'Create').click();
  await page
    .locator('article, .MuiCard-root')
    .filter({ has: page.getByText(TEMPLATE, { exact: true }) })
    .last()
    .getByRole('button', { name: 'Choose' })
    .click();
  await page.getByRole('heading', { name: TEMPLATE }).waitFor();

  const pick = async (label, typed, option) => {
    const box = page.getByRole('textbox', { name: label, exact: true });
    await box.click();
    await box.fill(typed);
    await page.getByRole('option', { name: option, exact: true }).click();
  };
  const { product, successor } = form;
  await pick('Data product', product.title.slice(0, 6), product.title);
  // a date input: filled as yyyy-mm-dd whatever the browser's locale
  await page.getByLabel(/^Retirement date/).fill(form.retireAt);
  if (successor) {
    await pick('Successor', successor.title.slice(0, 6), successor.title);
  }
  await page
    .getByRole('textbox', { name: 'Reason', exact: true })
    .fill(form.reason);
  await page.getByRole('button', { name: 'Review', exact: true }).click();
  for (const shown of [
    product.ref,
    ...(successor ? [successor.ref] : []),
    form.retireAt,
  ]) {
    await page.getByText(shown, { exact: true }).first().waitFor();
  }

  const started = Date.now();
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  return waitForTask(page, api, {
    started,
    deadlineMs: TASK_DEADLINE_MS,
    tailLines: 10,
  });
}

/** What the backend recorded, as the banner reads it. */
async function recordedDeprecation(api) {
  const lifecycle = await api(`/api/data-mesh/lifecycle/default/${PRODUCT}`);
  const want = {
    state: 'deprecated',
    retireAt: RETIRE_AT,
    successor: `dataproduct:default/${SUCCESSOR}`,
  };
  const got = {
    state: lifecycle.state,
    retireAt: lifecycle.retireAt?.slice(0, 10),
    successor: lifecycle.successor,
  };
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(
      `lifecycle is ${JSON.stringify(lifecycle)}, expected ${JSON.stringify(
        want,
      )}`,
    );
  }
  log(`lifecycle of ${PRODUCT}: ${JSON.stringify(got)}`);
  return lifecycle;
}

/** The banner heading the product page: date, successor link, reason. */
async function bannerShown(page, baseUrl) {
  await page.goto(`${baseUrl}/catalog/default/dataproduct/${PRODUCT}`);
  const banner = page.getByTestId('lifecycle-banner');
  await banner
    .getByText(`Deprecated: this data product retires on ${RETIRE_AT}`)
    .waitFor();
  await banner.getByText(`Reason: ${REASON}`).waitFor();
  await banner.getByText('New access requests are refused.').waitFor();
  const href = await banner
    .locator(`a[href$="/catalog/default/dataproduct/${SUCCESSOR}"]`)
    .getAttribute('href');
  log(`banner: retires on ${RETIRE_AT}, successor link ${href}`);
}

/** The consumer's notifications page, reloaded until the notice is listed. */
async function noticeListed(page, baseUrl, productTitle) {
  const title = `${productTitle} is deprecated: it retires on ${RETIRE_AT}`;
  await waitFor(
    `"${title}" on ${CONSUMER.name}'s notifications`,
    async () => {
      await page.goto(`${baseUrl}/notifications`);
      await page.getByText(title, { exact: true }).waitFor({ timeout: 10000 });
      await page
        .getByText(`Move to its successor dataproduct:default/${SUCCESSOR}.`, {
          exact: false,
        })
        .first()
        .waitFor({ timeout: 5000 });
      return true;
    },
    NOTICE_DEADLINE_MS,
    2000,
  );
  log(`${CONSUMER.name}'s notifications list "${title}"`);
}

module.exports = {
  name: 'deprecate',
  description: `${OWNER.name} deprecates ${PRODUCT} through the template; ${CONSUMER.name}, who holds a grant, sees the banner and gets the notice`,
  // the consumer's active grant is access-request's
  needs: [accessRequest],
  async run({ page: guestPage, baseUrl, api }) {
    const browser = guestPage.context().browser();
    const titleOf = ref =>
      waitFor(
        `${ref} from the catalog`,
        async () => {
          const entity = await api(`/api/catalog/entities/by-name/${ref}`);
          return entity.metadata.title || entity.metadata.name;
        },
        30000,
      );
    return asExampleUsers(browser, baseUrl, undefined, async as => {
      const titles = {
        product: await titleOf(`dataproduct/default/${PRODUCT}`),
        successor: await titleOf(`dataproduct/default/${SUCCESSOR}`),
      };
      await check(
        `${OWNER.name} runs "${TEMPLATE}" on ${PRODUCT} (retires ${RETIRE_AT}, successor ${SUCCESSOR})`,
        async () =>
          deprecateThroughTemplate(await as(OWNER.name), api, {
            product: {
              ref: `dataproduct:default/${PRODUCT}`,
              title: titles.product,
            },
            successor: {
              ref: `dataproduct:default/${SUCCESSOR}`,
              title: titles.successor,
            },
            retireAt: RETIRE_AT,
            reason: REASON,
          }),
      );
      await check('the backend recorded the deprecation', () =>
        recordedDeprecation(api),
      );
      const consumerPage = await as(CONSUMER.name);
      await check(
        `${CONSUMER.name} sees the deprecation banner (date, successor) on ${PRODUCT}`,
        () => bannerShown(consumerPage, baseUrl),
      );
      await check(
        `${CONSUMER.name}'s notifications hold the deprecation notice`,
        () => noticeListed(consumerPage, baseUrl, titles.product),
      );
      return { product: PRODUCT, retireAt: RETIRE_AT, successor: SUCCESSOR };
    });
  },
};

// retire deprecates its own product through the same template.
module.exports.deprecateThroughTemplate = deprecateThroughTemplate;

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
