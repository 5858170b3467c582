'use strict';

/*
 * Issue 10 §1 as a spec author lives it: a spec file without an owner is
 * registered; the catalog cannot ingest it, and the portal says where and
 * why: the Spec problems page (reached from the sidebar, which counts the
 * failing files) lists the file with its located message, and Check a spec,
 * given the same YAML, reports the same error before anything is committed.
 * Backstage's own view of it, DevTools' Unprocessed Entities, is for
 * platform admins: Priya Raman (data-platform) finds the file there; the
 * guest has no DevTools link and the backend refuses them the list.
 */

const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const {
  check,
  log,
  waitFor,
  sidebarLink,
  signInAs,
} = require('../harness/scenario');
const { saveFailureEvidence } = require('../harness/browser');

const ADMIN = 'Priya Raman';

const EXAMPLE = path.join(
  __dirname,
  '../../examples/data-products/monthly-claims-report/data_product_spec.yml',
);
// The catalog re-reads a new location within seconds; room for a busy machine.
const LISTED_DEADLINE_MS = 120000;

/** The example spec under a fresh name, its owner left out. */
function ownerlessSpec(name) {
  const text = fs
    .readFileSync(EXAMPLE, 'utf8')
    .replace(/^  - name: monthly-claims-report$/m, `  - name: ${name}`)
    .replace(/^ {6}data_product_owner:\n {8}value: .*\n/m, '');
  if (!text.includes(`name: ${name}`) || text.includes('data_product_owner')) {
    throw new Error(`${EXAMPLE} no longer has the expected layout`);
  }
  return text;
}

module.exports = {
  name: 'spec-problems',
  description:
    'a spec without an owner is listed with its located error, and Check a spec says the same',
  async run({ page, baseUrl, headers, dirs }) {
    const name = `ownerless-${Date.now()}`;
    const yaml = ownerlessSpec(name);
    // the local repositories directory is the one place file: URLs are read from
    const file = path.join(dirs.repos, `e2e-${name}`, 'data_product_spec.yml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, yaml);
    const target = pathToFileURL(file).href;

    await check(
      'the broken spec file is registered as a location',
      async () => {
        const res = await fetch(`${baseUrl}/api/catalog/locations`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'url', target }),
        });
        if (!res.ok) {
          throw new Error(
            `POST /api/catalog/locations: ${res.status} ${await res.text()}`,
          );
        }
      },
    );

    const started = Date.now();
    const problem = await check(
      'GET /spec-problems lists the file with a located owner error',
      () =>
        waitFor(
          `${file} in /api/data-mesh/spec-problems`,
          async () => {
            const res = await fetch(`${baseUrl}/api/data-mesh/spec-problems`, {
              headers,
            });
            const body = await res.json();
            const item = body.items?.find(p => p.file.includes(`e2e-${name}`));
            if (!item) {
              // what the catalog holds, so a failure says which side lost it
              const pending = await fetch(
                `${baseUrl}/api/catalog/entities/unprocessed/pending`,
                { headers },
              ).then(r => (r.ok ? r.json() : { entities: [] }));
              const rows = (pending.entities ?? []).filter(e =>
                String(e.location_key).includes(`e2e-${name}`),
              );
              throw new Error(
                `not listed among ${body.items?.length} files; the catalog ` +
                  `has ${rows.length} unprocessed rows for it${
                    rows[0]
                      ? ` (entity_ref ${rows[0].entity_ref}, ${rows[0].errors?.length} errors)`
                      : ''
                  }`,
              );
            }
            const issue = item.issues.find(i =>
              /owner/i.test(`${i.path} ${i.message}`),
            );
            if (!issue) {
              throw new Error(
                `listed without an owner issue: ${JSON.stringify(item.issues)}`,
              );
            }
            return { item, issue };
          },
          LISTED_DEADLINE_MS,
          2000,
        ),
    );
    log(
      `listed after ${((Date.now() - started) / 1000).toFixed(1)} s: ${
        problem.issue.path
      }` +
        `${problem.issue.line ? ` (line ${problem.issue.line})` : ''}: ${
          problem.issue.message
        }`,
    );

    await check(
      'the sidebar counts it and the Spec problems page shows the file and its message',
      async () => {
        const link = page
          .getByRole('navigation', { name: 'sidebar nav' })
          .getByRole('link', { name: /Spec problems/ });
        await link.click();
        await page.waitForURL(/\/data-products\/spec-problems$/);
        const count = await page.getByTestId('spec-problems-badge').innerText();
        if (!(Number(count) >= 1)) {
          throw new Error(`the sidebar badge shows '${count}'`);
        }
        const row = page
          .getByRole('row')
          .filter({ hasText: `e2e-${name}` })
          .filter({ hasText: problem.issue.message });
        await row.first().waitFor({ timeout: 30000 });
        if (problem.issue.line) {
          const position = problem.issue.column
            ? `${problem.issue.line}:${problem.issue.column}`
            : String(problem.issue.line);
          await row.getByText(position, { exact: true }).first().waitFor();
        }
      },
    );

    await check(
      'DevTools is for platform admins: the guest has no link and is refused the unprocessed entities and the config',
      async () => {
        for (const url of [
          '/api/catalog/entities/unprocessed/failed',
          '/api/devtools/config',
        ]) {
          const res = await fetch(`${baseUrl}${url}`, { headers });
          if (res.status !== 403) {
            throw new Error(`GET ${url} as the guest: ${res.status}`);
          }
        }
        await sidebarLink(page, 'Catalog').waitFor();
        if ((await sidebarLink(page, 'DevTools').count()) !== 0) {
          throw new Error('the guest sees a DevTools link');
        }
      },
    );

    await check(
      `${ADMIN} (platform admin) finds the file in DevTools > Unprocessed Entities with its error`,
      async () => {
        const browser = page.context().browser();
        const { context, page: admin } = await signInAs(
          browser,
          baseUrl,
          ADMIN,
        );
        try {
          await sidebarLink(admin, 'DevTools').click();
          await admin.waitForURL(/\/devtools/);
          // a sub-page of DevTools: a tab of its header (not a sidebar link)
          await admin
            .getByRole('tab', { name: 'Unprocessed Entities', exact: true })
            .or(
              admin.locator(
                'a[href$="/devtools/unprocessed-entities"], a[href="unprocessed-entities"]',
              ),
            )
            .first()
            .click();
          await admin.waitForURL(/\/devtools\/unprocessed-entities$/);
          // a spec that never read well leaves its Location without a final
          // entity: a Pending row, which names nothing but its raw JSON
          await admin
            .getByRole('tab', { name: 'Pending', exact: true })
            .click();
          const raw = admin.getByRole('button', {
            name: /^Show raw entity definition of /,
          });
          await raw.first().waitFor();
          const rows = await raw.count();
          let found;
          const seen = [];
          for (let i = 0; i < rows && !found; i++) {
            await raw.nth(i).click();
            const dialog = admin.getByRole('dialog');
            // the JSON of the row: its refresh state, errors included
            await dialog
              .getByText(/unprocessed_entity/)
              .first()
              .waitFor();
            const text = await dialog.innerText();
            await admin.keyboard.press('Escape');
            await dialog.waitFor({ state: 'hidden' });
            if (text.includes(`e2e-${name}`)) found = text;
            else seen.push(text.slice(0, 400));
          }
          if (!found) {
            throw new Error(
              `none of ${rows} pending rows is e2e-${name}: ${seen.join(
                ' | ',
              )}`,
            );
          }
          if (!found.includes(problem.issue.message)) {
            throw new Error(
              `its row does not hold the message: ${found.slice(0, 2000)}`,
            );
          }
        } catch (error) {
          await saveFailureEvidence(admin, 'spec-problems-admin');
          throw error;
        } finally {
          await context.close();
        }
      },
    );

    await check(
      'Check a spec reports the same error for the pasted YAML',
      async () => {
        await page
          .getByRole('navigation', { name: 'sidebar nav' })
          .getByRole('link', { name: 'Check a spec', exact: true })
          .click();
        await page.getByLabel('Spec YAML').fill(yaml);
        await page.getByRole('button', { name: 'Check', exact: true }).click();
        await page.getByTestId('check-summary').waitFor({ timeout: 60000 });
        const summary = await page.getByTestId('check-summary').innerText();
        if (!/error/.test(summary)) {
          throw new Error(`the check says: ${summary}`);
        }
        await page
          .getByRole('row')
          .filter({ hasText: problem.issue.message })
          .filter({ hasText: problem.issue.path })
          .first()
          .waitFor();
      },
    );
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
