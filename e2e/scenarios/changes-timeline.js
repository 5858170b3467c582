'use strict';

/*
 * Issue 9's catalog side: a breaking change pushed to a registered spec
 * appears in the product's Changes timeline. The product created by
 * create-data-product (spec version 0.1.0, registered from its local
 * repository) first shows its first revision on the Changes tab; then its
 * data_product_spec.yml loses the column `readmitted_on` with a major
 * version bump (1.0.0), committed as the product's CI would push it, the
 * catalog refreshes the product, and the tab shows version 1.0.0 from 0.1.0
 * marked Breaking, with the removed column named.
 */

const fs = require('node:fs');
const path = require('node:path');
const {
  check,
  log,
  waitFor,
  git,
  requireFrom,
  REPORT_DIR,
} = require('../harness/scenario');
const createDataProduct = require('./create-data-product');

const REMOVED = 'readmitted_on';
const NEW_VERSION = '1.0.0';
// the reconcile runs every minute (dataMesh.changes.schedule), after the
// catalog has processed the edit; leave room for a loaded machine
const TIMELINE_DEADLINE_MS = 240000;

/** Opens the product's Changes tab and reloads it until `what` is shown. */
async function waitOnChangesTab(page, productPath, what, locate) {
  const started = Date.now();
  await waitFor(
    what,
    async () => {
      await page.goto(productPath);
      // entity page tabs are links in the new frontend system (as the SLOs tab)
      await page
        .getByRole('link', { name: 'Changes', exact: true })
        .first()
        .click();
      await page.waitForURL(`**${productPath}/changes`);
      await page
        .getByText('Changes', { exact: true })
        .first()
        .waitFor({ timeout: 15000 });
      return locate().isVisible();
    },
    TIMELINE_DEADLINE_MS,
    5000,
  );
  log(`${what}: shown after ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** data_product_spec.yml without the column and at NEW_VERSION, comments kept. */
function editSpec(file, dataset) {
  const YAML = requireFrom('plugins/data-mesh-common', 'yaml');
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'));
  const components = doc.get('components');
  const byType = type =>
    components.items.find(c => c.get('type') === type) ??
    (() => {
      throw new Error(`data_product_spec.yml has no ${type} component`);
    })();
  const product = byType('data-product');
  const before = product.getIn(['properties', 'version', 'value']);
  product.setIn(['properties', 'version', 'value'], NEW_VERSION);
  const set = components.items.find(
    c => c.get('type') === 'data-set' && c.get('name') === dataset,
  );
  const columns = set?.getIn(['properties', 'columns', 'value']);
  const index = columns?.items.findIndex(c => c.get('name') === REMOVED);
  if (index === undefined || index < 0) {
    throw new Error(`no column ${REMOVED} in dataset ${dataset}`);
  }
  columns.items.splice(index, 1);
  fs.writeFileSync(file, doc.toString());
  return String(before);
}

module.exports = {
  name: 'changes-timeline',
  description:
    'a breaking change pushed to a spec appears in the Changes timeline',
  needs: [createDataProduct],
  async run({ page, baseUrl, headers, outputOf }) {
    const created = outputOf(createDataProduct);
    const productPath = `/catalog/default/dataproduct/${created.product}`;
    const entityRef = `dataproduct:default/${created.product}`;

    let firstVersion;
    await check(
      `the Changes tab of ${created.product} shows its first version`,
      async () => {
        const first = () =>
          page.getByText(/^Version \S+ — first seen$/).first();
        await waitOnChangesTab(
          page,
          `${baseUrl}${productPath}`,
          'the first revision on the Changes tab',
          first,
        );
        firstVersion = /^Version (\S+)/.exec(await first().innerText())[1];
        if (firstVersion !== '0.1.0') {
          throw new Error(`first version ${firstVersion}, expected 0.1.0`);
        }
      },
    );

    // The first revision came through the catalog module's processed event.
    // The portal has no events backend, so events stay in the process
    // (app-config.yaml, events.useEventBus); asking the missing one over
    // HTTP logs a warning per subscriber at each start.
    await check(
      'events stay in the process: the backend asked no missing events backend',
      async () => {
        const backendLog = fs.readFileSync(
          path.join(REPORT_DIR, 'backend.log'),
          'utf8',
        );
        const asked = backendLog
          .split('\n')
          .filter(line => /events backend not found/.test(line));
        if (asked.length > 0) {
          throw new Error(
            `${asked.length} warnings, e.g. ${asked[0].replace(
              // eslint-disable-next-line no-control-regex
              /\u001b\[[0-9;]*m/g,
              '',
            )}`,
          );
        }
      },
    );

    await check(
      `column ${REMOVED} removed with version ${NEW_VERSION}, committed and picked up by the catalog`,
      async () => {
        const spec = path.join(created.repoPath, 'data_product_spec.yml');
        const before = editSpec(spec, 'readmissions');
        if (before !== firstVersion) {
          throw new Error(
            `the spec declared ${before}, the tab ${firstVersion}`,
          );
        }
        git(created.repoPath, 'add', 'data_product_spec.yml');
        git(
          created.repoPath,
          '-c',
          'user.name=e2e',
          '-c',
          'user.email=e2e@example.com',
          'commit',
          '--quiet',
          '-m',
          `Drop ${REMOVED}; version ${NEW_VERSION}`,
        );
        // what a CI job does after a push: ask the catalog to read it now
        // (the refresh of an entity reprocesses the location it came from)
        const res = await fetch(`${baseUrl}/api/catalog/refresh`, {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json' },
          body: JSON.stringify({ entityRef }),
        });
        if (!res.ok) throw new Error(`catalog refresh: ${res.status}`);
        const entity = `${baseUrl}/api/catalog/entities/by-name/dataproduct/default/${created.product}`;
        await waitFor(
          `the catalog to serve ${entityRef} at ${NEW_VERSION}`,
          async () => {
            const served = await (await fetch(entity, { headers })).json();
            return (
              served?.metadata?.annotations?.['datamesh.dev/spec-version'] ===
              NEW_VERSION
            );
          },
          120000,
          2000,
        );
      },
    );

    await check(
      `the Changes timeline shows ${NEW_VERSION} as a breaking change removing ${REMOVED}`,
      async () => {
        const title = `Version ${NEW_VERSION} (from ${firstVersion})`;
        const revision = () =>
          page.getByRole('listitem', { name: 'Revision 2', exact: true });
        await waitOnChangesTab(
          page,
          `${baseUrl}${productPath}`,
          'the breaking revision on the Changes tab',
          () => revision().getByText(title, { exact: true }),
        );
        await revision().getByTestId('revision-breaking').waitFor();
        const removal = revision()
          .getByTestId('change-item')
          .filter({ hasText: `${REMOVED}` });
        await removal.getByTestId('change-kind-breaking').waitFor();
        const text = await removal.innerText();
        if (!/removed/.test(text)) {
          throw new Error(`the change reads "${text}"`);
        }
        // from 0.x a major bump is more than enough: no version warning
        if (
          await revision().getByTestId('revision-version-warning').isVisible()
        ) {
          throw new Error('a version warning is shown for a major bump');
        }
        log(`timeline: ${title}: ${text.replace(/\s+/g, ' ')}`);
      },
    );
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
