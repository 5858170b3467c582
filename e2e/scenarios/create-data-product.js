'use strict';

/*
 * Create → "New data product", as a newcomer does it: the form filled field
 * by field (pickers included, one example product picked as input), Review →
 * Create. Checks the task page: the task completes in time, its output links
 * (product page, clone command, warehouse schemas and roles) and the plan in
 * its log before the apply.
 *
 *   E2E_NEW_PRODUCT  name of the product created (default: e2e-readmissions)
 */

const path = require('node:path');
const { pathToFileURL } = require('node:url');
const {
  check,
  log,
  waitFor,
  pgIdent,
  sidebarLink,
  logViewerReader,
} = require('../harness/scenario');
const { waitForTask } = require('../harness/tasks');

// The product created, in the domain and for the team below, reading the
// example source-aligned product UPSTREAM (its first output port becomes the
// new product's input port).
const NEW_PRODUCT = process.env.E2E_NEW_PRODUCT || 'e2e-readmissions';
const NEW_DOMAIN = 'clinical-care';
const NEW_OWNER = 'clinical-care-data';
const UPSTREAM = 'ehr-encounters';
// read with personal data in clear, and why (the form's list of inputs
// read in clear, each with its reason)
const PERSONAL_DATA_UPSTREAM = 'patient-registry';
const PERSONAL_DATA_PURPOSE = 'MRNs to contact patients after discharge';
// The promise is "within a minute"; the deadline leaves room for a
// loaded machine, and the run logs the time it took.
const TASK_DEADLINE_MS = 90000;

const COLUMNS = [
  { name: 'readmission_id', type: 'varchar', classification: 'internal' },
  {
    name: 'patient_key',
    type: 'varchar',
    classification: 'confidential',
    pii: true,
  },
  { name: 'readmitted_on', type: 'date', classification: 'internal' },
];

/** The scaffolder form's controls, found by their labels. */
function formControls(page) {
  /** Opens an autocomplete picker, types, and picks the option `option`. */
  const pick = async (label, typed, option) => {
    const box = page.getByRole('textbox', { name: label, exact: true });
    await box.click();
    await box.fill(typed);
    await page.getByRole('option', { name: option, exact: true }).click();
  };
  /** Chooses `option` in the nth Material UI select labelled `label`. */
  const choose = async (label, option, nth = 0) => {
    await page
      .getByRole('button', { name: new RegExp(`^${label}\\b`) })
      .nth(nth)
      .click();
    await page.getByRole('option', { name: option, exact: true }).click();
  };
  const textbox = (label, nth = 0) =>
    page.getByRole('textbox', { name: label, exact: true }).nth(nth);
  const next = async (button = 'Next') =>
    page.getByRole('button', { name: button, exact: true }).click();
  return { pick, choose, textbox, next };
}

async function fillForm(page, picks, name = NEW_PRODUCT) {
  const { pick, choose, textbox, next } = formControls(page);
  // The data product
  await textbox('Name').fill(name);
  await textbox('Description').fill(
    'Emergency readmissions within 30 days of discharge, one row per readmission, for the care quality team.',
  );
  await pick('Domain', picks.domain.slice(0, 5), picks.domain);
  await pick('Owner', picks.owner.slice(0, 5), picks.owner);
  await choose('Type', 'Aggregate (combines other data products)');
  await next();
  // First dataset
  await textbox('Dataset name').fill('readmissions');
  await textbox('Dataset description').fill(
    'One row per emergency readmission within 30 days of a discharge.',
  );
  for (const [i, column] of COLUMNS.entries()) {
    if (i > 0) await page.getByRole('button', { name: 'Add Item' }).click();
    await textbox('Column', i).fill(column.name);
    await choose('Type', column.type, i);
    await choose('Classification', column.classification, i);
    if (column.pii) {
      await page
        .getByRole('checkbox', { name: 'Personal data (PII)' })
        .nth(i)
        .check();
    }
  }
  await next();
  // Inputs and service levels
  await pick('Input data products', UPSTREAM.slice(0, 6), picks.upstream);
  await page.keyboard.press('Escape');
  if (picks.personalData) {
    // chosen only here: an input too, read with personal data in clear,
    // with its own reason
    await page.getByRole('button', { name: 'Add Item' }).click();
    await pick(
      'Input data product',
      PERSONAL_DATA_UPSTREAM.slice(0, 7),
      picks.personalData,
    );
    await textbox('Why it needs personal data in clear').fill(
      PERSONAL_DATA_PURPOSE,
    );
  }
  await textbox('Freshness').fill('12h');
  await page
    .getByRole('spinbutton', { name: 'Completeness tolerance (%)' })
    .fill('2');
  await page
    .getByRole('spinbutton', { name: 'Availability target (%)' })
    .fill('99.5');
  await next();
  // Deployment: the embedded default, a local repository
  await choose('Stage', 'Development');
  await next('Review');
  // The review lists what was entered, as the scaffolder will send it.
  for (const shown of [
    name,
    `domain:default/${NEW_DOMAIN}`,
    `group:default/${NEW_OWNER}`,
    `dataproduct:default/${UPSTREAM}`,
    '12h',
    'Development',
  ]) {
    await page.getByText(shown, { exact: true }).first().waitFor();
  }
}

/** Clicks Create and waits for the task; its id and when it started. */
async function runTask(page, api, name = NEW_PRODUCT) {
  const started = Date.now();
  // when the product appears in the catalog (its monitors must follow within
  // seconds: the new-product-objectives scenario measures from this instant)
  let entityAppearedAt;
  const watchCatalog = waitFor(
    `dataproduct:default/${name} in the catalog`,
    async () =>
      (entityAppearedAt = (await api(
        `/api/catalog/entities/by-name/dataproduct/default/${name}`,
      ))
        ? Date.now()
        : undefined),
    TASK_DEADLINE_MS,
    250,
  ).catch(() => undefined);
  await formControls(page).next('Create');
  const taskId = await waitForTask(page, api, {
    started,
    deadlineMs: TASK_DEADLINE_MS,
    tailLines: 15,
  });
  // The page follows the task: its output appears when it is done.
  await page
    .getByRole('link', { name: 'Open the data product' })
    .waitFor({ timeout: 30000 });
  await watchCatalog;
  return { id: taskId, started, entityAppearedAt };
}

/** The task page's output: links, clone command, warehouse schemas and roles. */
async function readTaskOutputs(page, reposDir) {
  const href = await page
    .getByRole('link', { name: 'Open the data product' })
    .getAttribute('href');
  const productPath = `/catalog/default/dataproduct/${NEW_PRODUCT}`;
  if (href !== productPath) {
    throw new Error(`product link is ${href}, expected ${productPath}`);
  }
  const repoPath = path.join(reposDir, NEW_PRODUCT);
  const cloneCommand = `git clone ${pathToFileURL(repoPath).href}`;
  await page.getByText(cloneCommand, { exact: true }).waitFor();

  await page.getByRole('button', { name: 'Warehouse', exact: true }).click();
  const table = page.locator('table').filter({
    has: page.getByRole('columnheader', { name: 'schema' }),
  });
  const schemaOf = async layer =>
    (
      await table
        .getByRole('row')
        .filter({ hasText: layer })
        .getByRole('cell')
        .nth(1)
        .innerText()
    ).trim();
  const schemas = {
    raw: await schemaOf('raw (private)'),
    intermediate: await schemaOf('intermediates (private)'),
    output: await schemaOf('output (readable by consumers)'),
  };
  const text = await page.getByText(/^Roles: consumer/).innerText();
  const roleMatch =
    /consumer\s+(\S+),\s*service\s+(\S+),\s*owner\s+(\S+?)\./.exec(text);
  if (!roleMatch) throw new Error(`no roles in "${text}"`);
  const [consumer, service, owner] = roleMatch.slice(1);
  for (const name of [...Object.values(schemas), consumer, service, owner]) {
    pgIdent(name);
  }
  log(
    `warehouse: schemas ${Object.values(schemas).join(
      ', ',
    )}; roles ${consumer}, ${service}, ${owner}`,
  );
  return {
    repoPath,
    cloneCommand,
    schemas,
    roles: { consumer, service, owner },
  };
}

/**
 * The task log has every planned statement in the plan step, and the apply
 * step prints the plan again before it runs each statement of it.
 */
async function checkPlanBeforeApply(page, { schemas, roles }) {
  const viewer = page
    .locator('.MuiPaper-root')
    .filter({ has: page.getByPlaceholder('Search') })
    .last();
  const logLines = logViewerReader(viewer);
  const starts = await logLines.matching('Beginning step');
  const stepAt = title => {
    const row = starts.find(r => r.text.endsWith(`Beginning step ${title}`));
    if (!row) throw new Error(`no "Beginning step ${title}" in the log`);
    return row.line;
  };
  const planAt = stepAt('Plan the warehouse changes');
  const applyAt = stepAt('Provision the warehouse');
  const publishAt = stepAt('Publish to a local git repository');
  const statement = row => /(\+ .*)$/.exec(row.text)?.[1];
  const expected = {
    '+ create schema': Object.values(schemas).map(
      s => `+ create schema "${s}"`,
    ),
    '+ create role': Object.values(roles).map(r => `+ create role "${r}"`),
    // the product has a PII column (patient_key): its output tables are the
    // PII consumer role's, ordinary consumers read the masked schema's views
    '+ grant': [
      `+ grant usage on schema "${schemas.output}" to "${roles.consumer}_pii"`,
      `+ grant usage on schema "${schemas.output.replace(
        /output$/,
        'masked',
      )}" to "${roles.consumer}"`,
    ],
  };
  for (const [needle, mustPlan] of Object.entries(expected)) {
    const rows = await logLines.matching(needle);
    const planned = rows.filter(r => r.line > planAt && r.line < applyAt);
    const inApply = rows.filter(r => r.line > applyAt && r.line < publishAt);
    const replanned = inApply.filter(r => !r.text.includes('applying: '));
    const applied = inApply.filter(r => r.text.includes('applying: '));
    for (const want of mustPlan) {
      if (!planned.some(r => statement(r).startsWith(want))) {
        throw new Error(
          `the plan step has no "${want}…" line; it has:\n  ${planned
            .map(r => r.text)
            .join('\n  ')}`,
        );
      }
    }
    if (!applied.length) throw new Error(`nothing applied for "${needle}"`);
    // apply prints the plan again, then runs it: every applied statement
    // was printed before the first one ran, and it is the one planned.
    const firstApplied = Math.min(...applied.map(r => r.line));
    for (const row of applied) {
      const shown = replanned.find(
        r => r.line < firstApplied && statement(r) === statement(row),
      );
      if (!shown || !planned.some(r => statement(r) === statement(row))) {
        throw new Error(
          `line ${row.line} "${statement(
            row,
          )}" was applied without being shown in the plan first`,
        );
      }
    }
    log(
      `"${needle}": ${planned.length} planned (lines ${planned[0].line}–${
        planned[planned.length - 1].line
      }), applied from line ${firstApplied}`,
    );
  }
}

module.exports = {
  name: 'create-data-product',
  description: `Create → New data product (${NEW_PRODUCT}) through the form, task page and log`,
  async run({ page, api, dirs }) {
    // The pickers show catalog titles; ask the catalog what they are.
    // (Polled: the backend's own calls to itself, e.g. the catalog asking the
    // permission backend, now and then fail on a reset keep-alive socket.)
    const titleOf = ref =>
      waitFor(
        `${ref} from the catalog`,
        async () => {
          const entity = await api(`/api/catalog/entities/by-name/${ref}`);
          return entity.metadata.title || entity.metadata.name;
        },
        30000,
      );
    const picks = await check(
      `catalog has domain ${NEW_DOMAIN}, group ${NEW_OWNER} and dataproduct ${UPSTREAM} to pick`,
      async () => ({
        domain: await titleOf(`domain/default/${NEW_DOMAIN}`),
        owner: await titleOf(`group/default/${NEW_OWNER}`),
        upstream: await titleOf(`dataproduct/default/${UPSTREAM}`),
        personalData: await titleOf(
          `dataproduct/default/${PERSONAL_DATA_UPSTREAM}`,
        ),
      }),
    );

    await check(
      'Create page offers the "New data product" template',
      async () => {
        await sidebarLink(page, 'Create').click();
        await page
          .locator('article, .MuiCard-root')
          .filter({ has: page.getByText('New data product', { exact: true }) })
          .last()
          .getByRole('button', { name: 'Choose' })
          .click();
        await page.getByRole('heading', { name: 'New data product' }).waitFor();
      },
    );

    await check('the form is filled in, page by page', () =>
      fillForm(page, picks),
    );

    const task = await check(
      `task runs to completion within ${TASK_DEADLINE_MS / 1000} s`,
      () => runTask(page, api),
    );

    const outputs = await check(
      'task page links to the product page and shows the repository and warehouse',
      () => readTaskOutputs(page, dirs.repos),
    );

    await check('task log shows the plan before the apply', () =>
      checkPlanBeforeApply(page, outputs),
    );

    return {
      ...outputs,
      task,
      picks,
      columns: COLUMNS,
      product: NEW_PRODUCT,
      domain: NEW_DOMAIN,
      upstream: UPSTREAM,
      personalDataUpstream: PERSONAL_DATA_UPSTREAM,
      personalDataPurpose: PERSONAL_DATA_PURPOSE,
    };
  },
};

// retire creates a product of its own through the same form.
module.exports.fillForm = fillForm;
module.exports.runTask = runTask;
module.exports.NEW_DOMAIN = NEW_DOMAIN;
module.exports.NEW_OWNER = NEW_OWNER;
module.exports.UPSTREAM = UPSTREAM;

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
