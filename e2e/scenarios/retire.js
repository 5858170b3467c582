'use strict';

/*
 * Issue 9 §4's retirement through the UI: Aisha Khan (Clinical Care Data)
 * creates a product of her team's through Create → "New data product" (as
 * create-data-product does, under another name: that one is read by later
 * scenarios), deprecates it through Create → "Deprecate or retire a data
 * product" with today as its date, then, on its page, opens Retire… in the deprecation banner: the plan
 * lists the steps; she types the product's name and runs each step with its
 * own click (forcing with a reason if consumers still read it). The
 * backend then holds it `retired` with the steps in its audit trail, the
 * catalog no longer has it and its registered location is gone (else the
 * repository's Location entity would bring it back), and the archive's
 * drop waits for its retention.
 *
 *   E2E_RETIRED_PRODUCT  name of the product created and retired (default: e2e-retiring)
 */

const {
  check,
  log,
  waitFor,
  sidebarLink,
  signInAs,
} = require('../harness/scenario');
const createDataProduct = require('./create-data-product');
const { deprecateThroughTemplate } = require('./deprecate');

const PRODUCT = process.env.E2E_RETIRED_PRODUCT || 'e2e-retiring';

const OWNER = { name: 'Aisha Khan' };
// Today (UTC): the retirement may start at once.
const RETIRE_AT = new Date().toISOString().slice(0, 10);
const REASON = `Replaced by the readmissions mart (e2e ${Date.now()})`;
const STEP_DEADLINE_MS = 90000;

/** The dialog, every runnable step run with its own click; the steps run. */
async function retireThroughDialog(page, baseUrl, product) {
  await page.goto(`${baseUrl}/catalog/default/dataproduct/${product}`);
  const banner = page.getByTestId('lifecycle-banner');
  await banner
    .getByText(`Deprecated: this data product retires on ${RETIRE_AT}`)
    .waitFor();
  await banner.getByRole('button', { name: 'Retire…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('retirement-steps').waitFor();

  const readers = dialog.getByTestId('retirement-readers');
  if (await readers.isVisible()) {
    log(`readers: ${await readers.innerText()}`);
    await dialog.getByLabel('Retire anyway (force)').check();
    await dialog
      .getByLabel(/^Reason for forcing/)
      .fill('the e2e run retires its own product');
  }
  // said before anything runs: the repository's location goes, not only
  // the entity (which the location would bring back)
  const unregisterPlanned = await dialog
    .getByTestId('retirement-step-unregister')
    .innerText();
  if (
    !/remove its catalog location .*which registers nothing else/.test(
      unregisterPlanned,
    )
  ) {
    throw new Error(
      `the plan does not say the location goes: ${unregisterPlanned}`,
    );
  }
  await dialog
    .getByLabel(`Type ${product} to confirm each destructive step`)
    .fill(product);

  const ran = [];
  for (let i = 0; i < 6; i++) {
    const run = dialog.getByRole('button', { name: 'Run this step' });
    if ((await run.count()) === 0) break;
    // `has` is relative to the step: a locator of the page, not the dialog's
    const step = dialog.locator('li').filter({
      has: page.getByRole('button', { name: 'Run this step' }),
    });
    const id = (await step.getAttribute('data-testid')).replace(
      'retirement-step-',
      '',
    );
    const started = Date.now();
    await run.click();
    await waitFor(
      `step ${id} done`,
      async () => {
        const failed = dialog.locator('.MuiAlert-standardError');
        if (await failed.count()) {
          throw new Error(`step ${id}: ${await failed.first().innerText()}`);
        }
        const done = dialog
          .getByTestId(`retirement-step-${id}`)
          .getByText('done', { exact: true });
        return (await done.count()) > 0 && id;
      },
      STEP_DEADLINE_MS,
      500,
    );
    log(`step ${id} done in ${Date.now() - started} ms`);
    ran.push(id);
  }
  const archiveStep = await dialog
    .getByTestId('retirement-step-drop-archive')
    .innerText();
  if (!/blocked until/.test(archiveStep)) {
    throw new Error(`the archive's drop is not waiting: ${archiveStep}`);
  }
  await dialog
    .getByText('Nothing left to run now: the product is retired')
    .waitFor();
  return ran;
}

/** What the backend and the catalog say afterwards. */
async function retiredForGood(api, product, ran) {
  const lifecycle = await api(`/api/data-mesh/lifecycle/default/${product}`);
  const actions = lifecycle.audit.map(a => a.action);
  const want = ['retire-start', ...ran.map(id => `step:${id}`), 'retired'];
  const missing = want.filter(a => !actions.includes(a));
  if (lifecycle.state !== 'retired' || missing.length) {
    throw new Error(
      `lifecycle is ${lifecycle.state} with ${actions.join(
        ', ',
      )}; missing ${missing.join(', ')}`,
    );
  }
  try {
    await api(`/api/catalog/entities/by-name/dataproduct/default/${product}`);
    throw new Error(`${product} is still in the catalog`);
  } catch (e) {
    if (e.status !== 404) throw e;
  }
  // The template's repository registers a Location pointing at the spec:
  // were it left, it would bring the product back at its next processing.
  const left = (await api('/api/catalog/locations'))
    .map(l => l.data ?? l)
    .filter(l => l.target.includes(`/repos/${product}/`));
  if (left.length) {
    throw new Error(
      `${product}'s location is still registered (${left
        .map(l => l.target)
        .join(', ')}): it would come back at the next refresh`,
    );
  }
  log(
    `${product}: retired ${lifecycle.retiredAt}, archive dropped after ${
      lifecycle.archiveDropAfter
    }; audit ${actions.join(', ')}`,
  );
  return lifecycle;
}

/** The new product through Create → "New data product"; its title. */
async function createProduct(page, api, titleOf) {
  const picks = {
    domain: await titleOf(`domain/default/${createDataProduct.NEW_DOMAIN}`),
    owner: await titleOf(`group/default/${createDataProduct.NEW_OWNER}`),
    upstream: await titleOf(
      `dataproduct/default/${createDataProduct.UPSTREAM}`,
    ),
  };
  await sidebarLink(page, 'Create').click();
  await page
    .locator('article, .MuiCard-root')
    .filter({ has: page.getByText('New data product', { exact: true }) })
    .last()
    .getByRole('button', { name: 'Choose' })
    .click();
  await page.getByRole('heading', { name: 'New data product' }).waitFor();
  await createDataProduct.fillForm(page, picks, PRODUCT);
  await createDataProduct.runTask(page, api, PRODUCT);
  return titleOf(`dataproduct/default/${PRODUCT}`);
}

module.exports = {
  name: 'retire',
  description: `${OWNER.name} creates ${PRODUCT}, deprecates it (today) and retires it step by step through Retire… on its page`,
  async run({ page: guestPage, baseUrl, api }) {
    const product = PRODUCT;
    const browser = guestPage.context().browser();
    const { context, page } = await signInAs(browser, baseUrl, OWNER.name);
    const titleOf = ref =>
      waitFor(
        `${ref} from the catalog`,
        async () => {
          const entity = await api(`/api/catalog/entities/by-name/${ref}`);
          return entity.metadata.title || entity.metadata.name;
        },
        30000,
      );
    try {
      const title = await check(
        `${OWNER.name} creates ${product} for her team through "New data product"`,
        () => createProduct(page, api, titleOf),
      );
      await check(
        `${OWNER.name} deprecates ${product} through the template, retiring today (${RETIRE_AT})`,
        () =>
          deprecateThroughTemplate(page, api, {
            product: { ref: `dataproduct:default/${product}`, title },
            retireAt: RETIRE_AT,
            reason: REASON,
          }),
      );
      const ran = await check(
        `${OWNER.name} retires it through Retire… on its page, one confirmed step at a time`,
        () => retireThroughDialog(page, baseUrl, product),
      );
      return await check(
        'the backend holds it retired with its audit trail; the catalog no longer has it',
        () => retiredForGood(api, product, ran),
      );
    } finally {
      await context.close().catch(() => {});
    }
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
