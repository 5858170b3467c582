#!/usr/bin/env node
/*
 * End-to-end test of the built portal in real Chromium.
 *
 * Builds the app when its sources are newer than the build, starts the backend
 * from the same entry point as `npm start` on a free port with an in-memory
 * database, signs in as guest in Debian's Chromium through
 * playwright-core, opens an example data product and checks that its page
 * shows what the catalog API says it has: output ports, and the upstream and
 * downstream products in the lineage graph.
 *
 * Then it creates a data product the way a newcomer does: Create → "New data
 * product", the form filled field by field (pickers included, one example
 * product picked as input), Review → Create. It checks the task page (the
 * plan in the log before the apply, the output links), the new product's
 * page (output port, lineage to the picked input), the local git
 * repository (cloned with the command the task page shows) and, after the
 * backend has stopped and released the embedded warehouse, the warehouse
 * itself: a consumer's read of a private layer is refused.
 *
 * Deliberately not a jest test, so `npm test` never starts a browser.
 *
 * Environment:
 *   E2E_PRODUCT          data product to open (default: DEFAULT_PRODUCT)
 *   E2E_NEW_PRODUCT      name of the product created (default: NEW_PRODUCT)
 *   E2E_CHROMIUM         browser binary (default: /usr/bin/chromium)
 *   E2E_TIMEOUT_SECONDS  watchdog for the whole run (default: 900)
 *   E2E_REBUILD=1        build the app even when the build looks current
 */
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const ROOT = path.resolve(__dirname, '..');
const REPORT_DIR = path.join(ROOT, 'e2e-test-report');
const APP_DIR = path.join(ROOT, 'packages', 'app');
const BACKEND_DIR = path.join(ROOT, 'packages', 'backend');

// An aggregate example product: it consumes upstream products and is consumed
// downstream, so its lineage graph has nodes on both sides.
const DEFAULT_PRODUCT = 'claims-by-provider';
const PRODUCT = process.env.E2E_PRODUCT || DEFAULT_PRODUCT;

// The product created through Create → "New data product", in the domain
// and for the team below, reading the example source-aligned product
// UPSTREAM (its first output port becomes the new product's input port).
const NEW_PRODUCT = process.env.E2E_NEW_PRODUCT || 'e2e-readmissions';
const NEW_DOMAIN = 'clinical-care';
const NEW_OWNER = 'clinical-care-data';
const UPSTREAM = 'ehr-encounters';
// The issue's promise is "within a minute"; the deadline leaves room for a
// loaded machine, and the run logs the time it took.
const TASK_DEADLINE_MS = 90000;
const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const WATCHDOG_MS = Number(process.env.E2E_TIMEOUT_SECONDS || 900) * 1000;

const results = [];
let backend;
let backendConfigFile;
let stateDir;
let browser;
let page;

function log(message) {
  process.stdout.write(`[e2e] ${message}\n`);
}

/** Runs one named check; a failure stops the run (later checks depend on it). */
async function check(name, fn) {
  const started = Date.now();
  try {
    const value = await fn();
    results.push({ name, ok: true });
    log(`PASS ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return value;
  } catch (error) {
    results.push({ name, ok: false, error });
    log(`FAIL ${name}: ${error && error.message ? error.message : error}`);
    throw error;
  }
}

/** Records a check that cannot run yet, and why; it counts as skipped, not passed. */
function skip(name, reason) {
  results.push({ name, ok: true, skipped: true });
  log(`SKIP ${name}: ${reason}`);
}

function newestMtime(target) {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) {
    if (entry === 'node_modules' || entry === 'dist' || entry === 'dist-types')
      continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

/** The frontend bundle embeds every plugin's source: rebuild when any changed. */
function appBuildIsCurrent() {
  const built = path.join(APP_DIR, 'dist', 'index.html');
  if (!fs.existsSync(built)) return false;
  const builtAt = fs.statSync(built).mtimeMs;
  const inputs = [
    APP_DIR,
    path.join(ROOT, 'app-config.yaml'),
    path.join(ROOT, 'package-lock.json'),
    ...fs
      .readdirSync(path.join(ROOT, 'plugins'))
      .map(p => path.join(ROOT, 'plugins', p, 'src')),
  ];
  return inputs.every(input => newestMtime(input) <= builtAt);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

async function fetchJson(url, init) {
  const res = await fetch(url, init);
  if (!res.ok) {
    const error = new Error(`${init?.method ?? 'GET'} ${url}: ${res.status}`);
    error.status = res.status;
    throw error;
  }
  return res.json();
}

/** Polls `fn` until it returns a truthy value, or fails with its last error. */
async function waitFor(what, fn, timeoutMs, intervalMs = 1000) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    if (backend && backend.exitCode !== null) {
      throw new Error(
        `backend exited with code ${backend.exitCode} while waiting for ${what}; see e2e-test-report/backend.log`,
      );
    }
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}${
          lastError ? ` (last error: ${lastError.message})` : ''
        }`,
      );
    }
    await sleep(intervalMs);
  }
}

/** Runs git without a shell and returns its trimmed output. */
function git(cwd, ...args) {
  const res = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (res.status !== 0) {
    throw new Error(
      `git ${args.join(' ')} (in ${cwd}) failed: ${res.stderr || res.error}`,
    );
  }
  return res.stdout.trim();
}

/**
 * A package of this repository's workspaces, resolved from the workspace that
 * depends on it rather than from wherever npm happened to hoist it.
 */
function requireFrom(workspace, id) {
  return require(require.resolve(id, { paths: [path.join(ROOT, workspace)] }));
}

/** Double-quotes a PostgreSQL identifier the task output named (checked first). */
function pgIdent(name) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
    throw new Error(`unexpected identifier ${JSON.stringify(name)}`);
  }
  return `"${name}"`;
}

/**
 * Reads a Backstage LogViewer through its own controls: `matching(text)`
 * types `text` into the viewer's search field with the filter on (the
 * toggle next to the field, clicked once), so only the matching lines remain, with
 * their line numbers in the whole log, and returns them as `{ line, text }`
 * sorted by line number. The list is virtualised: it is scrolled from top to
 * bottom to read every row.
 */
function logViewerReader(viewer) {
  const search = viewer.getByPlaceholder('Search');
  const rows = viewer.locator('a[role="row"]');
  let filterOn = false;
  // Every rendered row matches once the filter applies to this text: the
  // unfiltered log always has non-matching lines around a match.
  const onlyMatching = needle => async () => {
    const shown = await rows.evaluateAll(anchors =>
      anchors.map(a => (a.nextElementSibling?.textContent ?? '').toLowerCase()),
    );
    return shown.length > 0 && shown.every(t => t.includes(needle));
  };
  return {
    async matching(text) {
      await search.fill(text);
      if (!filterOn) {
        // the unlabelled filter toggle right after the search field
        await viewer.locator('.MuiTextField-root + button').click();
        filterOn = true;
      }
      await waitFor(
        `the task log filtered on "${text}"`,
        onlyMatching(text.toLowerCase()),
        10000,
        200,
      );
      const scroller = rows.first().locator('xpath=../../..');
      return scroller.evaluate(async el => {
        const seen = new Map();
        const frame = () =>
          new Promise(resolve =>
            requestAnimationFrame(() => requestAnimationFrame(resolve)),
          );
        el.scrollTop = 0;
        for (;;) {
          await frame();
          for (const a of el.querySelectorAll('a[role="row"]')) {
            seen.set(Number(a.textContent), a.nextElementSibling?.textContent);
          }
          if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) break;
          el.scrollTop += Math.max(20, el.clientHeight - 40);
        }
        return [...seen]
          .map(([line, lineText]) => ({ line, text: lineText }))
          .sort((a, b) => a.line - b.line);
      });
    },
  };
}

function startBackend(port, configFile) {
  const logFile = path.join(REPORT_DIR, 'backend.log');
  const out = fs.openSync(logFile, 'w');
  // The same entry point and TypeScript loader as `npm start`
  // (backstage-cli package start), minus its file watcher: a source edit
  // during the run must not restart the backend under the browser.
  const cliBuildDir = path.dirname(
    require.resolve('@backstage/cli-module-build/package.json', {
      paths: [ROOT],
    }),
  );
  const nodeTransform = require.resolve(
    '@backstage/cli-node/config/nodeTransform.cjs',
    { paths: [cliBuildDir] },
  );
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      nodeTransform,
      'src/index',
      '--config',
      path.join(ROOT, 'app-config.yaml'),
      '--config',
      configFile,
    ],
    {
      cwd: BACKEND_DIR,
      // Own process group, so anything the backend forks stops with it.
      detached: true,
      stdio: ['ignore', out, out],
      env: {
        ...process.env,
        NODE_ENV: 'development',
        ESBK_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.json'),
        FORCE_COLOR: '0',
      },
    },
  );
  child.on('exit', code => log(`backend exited (code ${code})`));
  log(`backend starting on port ${port} (log: ${logFile})`);
  return child;
}

async function stopBackend() {
  if (!backend || backend.exitCode !== null) return;
  const exited = new Promise(resolve => backend.once('exit', resolve));
  try {
    process.kill(-backend.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-backend.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, 10000);
  await exited;
  clearTimeout(timer);
}

async function saveFailureEvidence() {
  if (!page) return;
  try {
    const file = path.join(REPORT_DIR, 'failure.png');
    await page.screenshot({ path: file, fullPage: true });
    fs.writeFileSync(
      path.join(REPORT_DIR, 'failure.html'),
      await page.content(),
    );
    log(`screenshot: ${path.relative(ROOT, file)} (page URL ${page.url()})`);
  } catch (error) {
    log(`could not save a screenshot: ${error.message}`);
  }
}

async function main() {
  fs.mkdirSync(REPORT_DIR, { recursive: true });
  for (const stale of ['failure.png', 'failure.html']) {
    fs.rmSync(path.join(REPORT_DIR, stale), { force: true });
  }

  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) or set E2E_CHROMIUM`,
    );
  }

  await check('frontend build is current', async () => {
    if (process.env.E2E_REBUILD !== '1' && appBuildIsCurrent()) {
      log('app build is up to date');
      return;
    }
    log('building the app (npm run build:app)');
    const build = spawnSync('npm', ['run', 'build:app'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (build.status !== 0) {
      throw new Error(`npm run build:app exited with ${build.status}`);
    }
  });

  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  // An in-memory database keeps the test independent of the persisted
  // .data/ of a portal that may be running next to it.
  const configFile = path.join(os.tmpdir(), `datamesh-e2e-${port}.yaml`);
  backendConfigFile = configFile;
  // Likewise the embedded warehouse and the local product repositories:
  // PGlite allows one process per data directory.
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'datamesh-e2e-state-'));
  const warehouseDir = path.join(stateDir, 'warehouse');
  const reposDir = path.join(stateDir, 'repos');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      app: { baseUrl },
      backend: {
        baseUrl,
        listen: { port },
        cors: { origin: baseUrl },
        database: { client: 'better-sqlite3', connection: ':memory:' },
      },
      dataMesh: {
        warehouse: { pglite: { dataDir: warehouseDir } },
        scaffolder: {
          localRepositories: { directory: reposDir },
        },
      },
    }),
  );

  backend = startBackend(port, configFile);

  await check('backend is ready', () =>
    waitFor(
      `${baseUrl}/.backstage/health/v1/readiness`,
      async () => (await fetch(`${baseUrl}/.backstage/health/v1/readiness`)).ok,
      300000,
    ),
  );

  const token = await check(
    'guest token from /api/auth/guest/refresh',
    async () => {
      const body = await fetchJson(`${baseUrl}/api/auth/guest/refresh`);
      const value = body?.backstageIdentity?.token;
      if (!value) throw new Error('no backstageIdentity.token in the response');
      return value;
    },
  );
  const headers = { Authorization: `Bearer ${token}` };

  // Ask the catalog what the page should show, once the product and both
  // directions of its lineage relations have been processed and stitched.
  const expected = await check(
    `catalog has dataproduct:default/${PRODUCT} with ports and lineage`,
    () =>
      waitFor(
        `dataproduct:default/${PRODUCT} to be stitched with lineage relations`,
        async () => {
          const entity = await fetchJson(
            `${baseUrl}/api/catalog/entities/by-name/dataproduct/default/${PRODUCT}`,
            { headers },
          );
          const rel = type =>
            (entity.relations ?? [])
              .filter(r => r.type === type)
              .map(r => r.targetRef)
              .filter(ref => ref.startsWith('dataproduct:'));
          const outputPorts = (entity.spec?.outputPorts ?? []).map(
            p => p.title || p.name,
          );
          const upstream = rel('dependsOn');
          const downstream = rel('dependencyOf');
          if (!outputPorts.length || !upstream.length || !downstream.length) {
            throw new Error(
              `${outputPorts.length} output ports, ${upstream.length} upstream, ${downstream.length} downstream products so far`,
            );
          }
          return { entity, outputPorts, upstream, downstream };
        },
        180000,
        2000,
      ),
  );
  log(
    `expecting output ports [${expected.outputPorts.join(
      ', ',
    )}], upstream [${expected.upstream.join(
      ', ',
    )}], downstream [${expected.downstream.join(', ')}]`,
  );

  const { chromium } = require('playwright-core');
  browser = await check('chromium launches', () =>
    chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    }),
  );
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1000 },
  });
  page = await context.newPage();
  page.setDefaultTimeout(30000);
  const pageErrors = [];
  page.on('pageerror', error => pageErrors.push(error.message));

  await check('guest sign-in', async () => {
    await page.goto(baseUrl);
    await page.getByRole('button', { name: 'Enter' }).click();
    await page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true })
      .waitFor();
  });

  await check('sidebar links to the Data products page', async () => {
    await page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Data products', exact: true })
      .waitFor();
  });

  /**
   * The card with this exact title (and `has`, if given). Catalog cards are
   * either Material UI cards (InfoCard) or Backstage UI cards (<article>);
   * the innermost match is the card itself, not the page around it.
   */
  const cardTitled = (heading, has) => {
    let candidates = page.locator('article, .MuiCard-root').filter({
      has: page.getByText(heading, { exact: true }),
    });
    if (has) candidates = candidates.filter({ has });
    return candidates.last();
  };

  await check(
    'catalog lists data products with domain, type, certified and health columns',
    async () => {
      await page.goto(
        `${baseUrl}/catalog?filters%5Bkind%5D=dataproduct&filters%5Buser%5D=all`,
      );
      const table = page.locator('table').filter({
        has: page.getByRole('columnheader', { name: 'Certified' }),
      });
      for (const header of ['Domain', 'Type', 'Certified', 'Health']) {
        await table
          .getByRole('columnheader', { name: header })
          .first()
          .waitFor();
      }
      await table
        .getByText(expected.entity.metadata.title || PRODUCT, { exact: true })
        .first()
        .waitFor();
    },
  );

  const title = expected.entity.metadata.title || PRODUCT;
  await check(`data product page opens (${title})`, async () => {
    // The guest session is remembered, so a full navigation stays signed in.
    await page.goto(`${baseUrl}/catalog/default/dataproduct/${PRODUCT}`);
    await page
      .getByRole('heading', { name: title, exact: true })
      .first()
      .waitFor();
  });

  await check('output ports are shown', async () => {
    const card = cardTitled('Output ports');
    await card.waitFor();
    for (const portName of expected.outputPorts) {
      await card.getByText(portName, { exact: true }).first().waitFor();
    }
  });

  await check(
    'lineage graph shows upstream and downstream products',
    async () => {
      // Scoped to the Lineage card: the catalog's generic Relations graph on the
      // same page shows these products too.
      const card = cardTitled('Lineage', page.locator('svg'));
      await card.waitFor();
      // Each catalog-graph node carries an SVG <title> with its entity ref.
      const nodeRefs = async () =>
        card
          .locator('svg g > title')
          .evaluateAll(titles => titles.map(t => t.textContent));
      const wanted = [
        `dataproduct:default/${PRODUCT}`,
        ...expected.upstream,
        ...expected.downstream,
      ];
      await waitFor(
        `graph nodes ${wanted.join(', ')}`,
        async () => {
          const shown = await nodeRefs();
          const missing = wanted.filter(ref => !shown.includes(ref));
          if (missing.length) {
            throw new Error(
              `missing ${missing.join(', ')}; shown ${shown.join(', ')}`,
            );
          }
          return true;
        },
        30000,
        500,
      );
    },
  );

  // ---------------------------------------------------------------------
  // SLOs: the example activity job and the 20-day replay through the real
  // collector make one example product miss its weekend refreshes.
  // ---------------------------------------------------------------------
  const SLO_PRODUCT = 'ehr-encounters';
  const slos = await check(
    `${SLO_PRODUCT} has a breaching objective from 20 days of observed history`,
    () =>
      waitFor(
        'the replayed SLO history',
        async () => {
          const answer = await fetchJson(
            `${baseUrl}/api/data-mesh/products/default/${SLO_PRODUCT}/slos`,
            { headers },
          );
          const breaching = answer.objectives.filter(
            o => o.status === 'breaching',
          );
          const full = breaching.filter(o => o.history.length >= 20);
          return full.length ? answer : undefined;
        },
        180000,
        2000,
      ),
  );
  const breach = slos.objectives.find(o => o.status === 'breaching');
  const badSlices = breach.history.filter(h => h.status === 'bad').length;
  const goodSlices = breach.history.filter(h => h.status === 'good').length;
  log(
    `${breach.name}: ${breach.dimension}, SLI ${breach.sli}, ${badSlices} bad / ${goodSlices} good slices`,
  );

  await check('the breach notified the owning team once', async () => {
    const answer = await waitFor(
      'the breach notification',
      async () => {
        const list = await fetchJson(
          `${baseUrl}/api/notifications/notifications`,
          { headers },
        );
        const mine = list.notifications.filter(n =>
          (n.payload?.scope ?? '').includes(
            `dataproduct:default/${SLO_PRODUCT}:${breach.name}`,
          ),
        );
        return mine.length ? mine : undefined;
      },
      60000,
      2000,
    );
    if (answer.length !== 1) {
      throw new Error(`expected one notification, got ${answer.length}`);
    }
  });

  await check(
    'the SLOs tab shows the objectives and the history chart',
    async () => {
      await page.goto(`${baseUrl}/catalog/default/dataproduct/${SLO_PRODUCT}`);
      await page
        .getByRole('link', { name: 'SLOs', exact: true })
        .first()
        .click();
      await page
        .getByRole('table', { name: 'Service level objectives' })
        .waitFor();
      const labels = { ok: 'OK', breaching: 'Breaching', 'no-data': 'No data' };
      for (const o of slos.objectives) {
        await page
          .getByTestId(`slo-row-${o.name}`)
          .getByText(labels[o.status], { exact: true })
          .first()
          .waitFor();
      }
      const chart = page.getByTestId(`slo-history-${breach.name}`);
      await chart.waitFor();
      const countBars = cls =>
        chart.locator(`.${cls} .recharts-bar-rectangle path`).count();
      await waitFor(
        'bars for every good and bad slice',
        async () => {
          const [bad, good] = [
            await countBars('slo-slices-bad'),
            await countBars('slo-slices-good'),
          ];
          if (bad !== badSlices || good !== goodSlices) {
            throw new Error(
              `chart shows ${bad} bad / ${good} good, the API ${badSlices} / ${goodSlices}`,
            );
          }
          return true;
        },
        20000,
        500,
      );
    },
  );

  // ---------------------------------------------------------------------
  // Create → "New data product", as a newcomer does it.
  // ---------------------------------------------------------------------

  // The pickers show catalog titles; ask the catalog what they are.
  // (Polled: the backend's own calls to itself, e.g. the catalog asking the
  // permission backend, now and then fail on a reset keep-alive socket.)
  const titleOf = ref =>
    waitFor(
      `${ref} from the catalog`,
      async () => {
        const entity = await fetchJson(
          `${baseUrl}/api/catalog/entities/by-name/${ref}`,
          { headers },
        );
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
    }),
  );

  await check(
    'Create page offers the "New data product" template',
    async () => {
      await page
        .getByRole('navigation', { name: 'sidebar nav' })
        .getByRole('link', { name: 'Create', exact: true })
        .click();
      await page
        .locator('article, .MuiCard-root')
        .filter({ has: page.getByText('New data product', { exact: true }) })
        .last()
        .getByRole('button', { name: 'Choose' })
        .click();
      await page.getByRole('heading', { name: 'New data product' }).waitFor();
    },
  );

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

  const columns = [
    { name: 'readmission_id', type: 'varchar', classification: 'internal' },
    {
      name: 'patient_key',
      type: 'varchar',
      classification: 'confidential',
      pii: true,
    },
    { name: 'readmitted_on', type: 'date', classification: 'internal' },
  ];
  await check('the form is filled in, page by page', async () => {
    // The data product
    await textbox('Name').fill(NEW_PRODUCT);
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
    for (const [i, column] of columns.entries()) {
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
      NEW_PRODUCT,
      `domain:default/${NEW_DOMAIN}`,
      `group:default/${NEW_OWNER}`,
      `dataproduct:default/${UPSTREAM}`,
      '12h',
      'Development',
    ]) {
      await page.getByText(shown, { exact: true }).first().waitFor();
    }
  });

  const task = await check(
    `task runs to completion within ${TASK_DEADLINE_MS / 1000} s`,
    async () => {
      const started = Date.now();
      await next('Create');
      await page.waitForURL(/\/create\/tasks\/[^/]+$/);
      const taskId = new URL(page.url()).pathname.split('/').pop();
      const done = await waitFor(
        `task ${taskId} to finish`,
        async () => {
          const body = await fetchJson(
            `${baseUrl}/api/scaffolder/v2/tasks/${taskId}`,
            { headers },
          );
          return ['completed', 'failed', 'cancelled'].includes(body.status)
            ? body
            : undefined;
        },
        TASK_DEADLINE_MS,
        1000,
      );
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (done.status !== 'completed') {
        const events = await fetchJson(
          `${baseUrl}/api/scaffolder/v2/tasks/${taskId}/events`,
          { headers },
        ).catch(() => []);
        const tail = events
          .map(e => `[${e.body?.stepId ?? '-'}] ${e.body?.message ?? ''}`)
          .slice(-15)
          .join('\n  ');
        throw new Error(`task ${done.status} after ${seconds} s:\n  ${tail}`);
      }
      // The page follows the task: its output appears when it is done.
      await page
        .getByRole('link', { name: 'Open the data product' })
        .waitFor({ timeout: 30000 });
      log(`task ${taskId} completed ${seconds} s after Create`);
      return { id: taskId, started };
    },
  );

  const outputs = await check(
    'task page links to the product page and shows the repository and warehouse',
    async () => {
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

      await page
        .getByRole('button', { name: 'Warehouse', exact: true })
        .click();
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
      for (const name of [
        ...Object.values(schemas),
        consumer,
        service,
        owner,
      ]) {
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
    },
  );

  await check('task log shows the plan before the apply', async () => {
    const viewer = page
      .locator('.MuiPaper-root')
      .filter({
        has: page.getByPlaceholder('Search'),
      })
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
    const { schemas, roles } = outputs;
    const expected = {
      '+ create schema': Object.values(schemas).map(
        s => `+ create schema "${s}"`,
      ),
      '+ create role': Object.values(roles).map(r => `+ create role "${r}"`),
      '+ grant': [
        `+ grant usage on schema "${schemas.output}" to "${roles.consumer}"`,
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
  });

  const upstreamRef = `dataproduct:default/${UPSTREAM}`;
  const newRef = `dataproduct:default/${NEW_PRODUCT}`;
  await check(
    `the product page of ${NEW_PRODUCT} opens from the task`,
    async () => {
      await page.getByRole('link', { name: 'Open the data product' }).click();
      await page.waitForURL(`**/catalog/default/dataproduct/${NEW_PRODUCT}`);
      // The register step registered the location; the catalog reads the
      // repository and stitches the entity shortly after. Until then the
      // page says "Entity not found" (under a heading with the name).
      const notFound = page.getByText('Entity not found', { exact: true });
      const about = cardTitled('About');
      await waitFor(
        `the catalog to serve ${newRef}`,
        async () => {
          await notFound.or(about).first().waitFor({ timeout: 10000 });
          if (await about.isVisible()) return true;
          await page.reload();
          return false;
        },
        90000,
        2000,
      );
      await page
        .getByRole('heading', { name: NEW_PRODUCT, exact: true })
        .first()
        .waitFor();
      log(
        `product page shown ${((Date.now() - task.started) / 1000).toFixed(
          1,
        )} s after Create`,
      );
    },
  );

  await check(
    `the new product shows its output port and input from ${UPSTREAM}`,
    async () => {
      const ports = cardTitled('Output ports');
      await ports.waitFor();
      await ports.getByText('sql', { exact: true }).first().waitFor();
      await cardTitled('Input ports')
        .getByRole('link', { name: picks.upstream, exact: true })
        .first()
        .waitFor();
    },
  );

  await check(
    `the new product's lineage shows ${UPSTREAM} upstream`,
    async () => {
      const nodes = async () =>
        cardTitled('Lineage', page.locator('svg'))
          .locator('svg g > title')
          .evaluateAll(titles => titles.map(t => t.textContent));
      let attempt = 0;
      await waitFor(
        `lineage nodes ${newRef} and ${upstreamRef}`,
        async () => {
          // relations are stitched after the entity first appears
          if (attempt++ > 0 && attempt % 5 === 0) await page.reload();
          const shown = await nodes();
          if (!shown.includes(newRef) || !shown.includes(upstreamRef)) {
            throw new Error(`shown: ${shown.join(', ') || 'nothing'}`);
          }
          return true;
        },
        90000,
        1000,
      );
      // and the catalog agrees on the direction
      await waitFor(
        `${newRef} dependsOn ${upstreamRef} in the catalog`,
        async () => {
          const entity = await fetchJson(
            `${baseUrl}/api/catalog/entities/by-name/dataproduct/default/${NEW_PRODUCT}`,
            { headers },
          );
          const dependsOn = (entity.relations ?? [])
            .filter(r => r.type === 'dependsOn')
            .map(r => r.targetRef);
          if (!dependsOn.includes(upstreamRef)) {
            throw new Error(`dependsOn ${dependsOn.join(', ') || 'nothing'}`);
          }
          return true;
        },
        30000,
      );
    },
  );

  await check(
    'the local repository clones, with one real commit and the spec',
    async () => {
      if (!fs.existsSync(path.join(outputs.repoPath, '.git'))) {
        throw new Error(`${outputs.repoPath} is not a git repository`);
      }
      // the command the task page shows, run as shown
      const cloneDir = path.join(stateDir, 'clone');
      const [, , url] = outputs.cloneCommand.split(' ');
      git(stateDir, 'clone', '--quiet', url, cloneDir);
      const commits = git(cloneDir, 'log', '--format=%H %s').split('\n');
      if (commits.length !== 1 || !/^[0-9a-f]{40} \S/.test(commits[0])) {
        throw new Error(`unexpected history:\n  ${commits.join('\n  ')}`);
      }
      const head = git(outputs.repoPath, 'rev-parse', 'HEAD');
      if (!commits[0].startsWith(head)) {
        throw new Error(`clone is at ${commits[0]}, the repository at ${head}`);
      }
      const files = git(cloneDir, 'ls-files').split('\n');
      for (const file of [
        'data_product_spec.yml',
        'catalog-info.yaml',
        'data_product_deploy.yml',
        'dbt/dbt_project.yml',
        'dbt/models/output/readmissions.sql',
      ]) {
        if (!files.includes(file)) throw new Error(`${file} is not committed`);
      }
      // the spec carries the form's values
      const YAML = requireFrom('plugins/data-mesh-common', 'yaml');
      const spec = YAML.parse(
        fs.readFileSync(path.join(cloneDir, 'data_product_spec.yml'), 'utf8'),
      );
      const component = type =>
        (spec.components ?? []).filter(c => c.type === type);
      const problems = [];
      if (component('domain')[0]?.name !== NEW_DOMAIN) problems.push('domain');
      if (component('data-product')[0]?.name !== NEW_PRODUCT)
        problems.push('name');
      const dataset = component('data-set')[0];
      const columnNames = (dataset?.properties?.columns?.value ?? []).map(
        c => c.name,
      );
      if (
        dataset?.name !== 'readmissions' ||
        !columns.every(c => columnNames.includes(c.name))
      ) {
        problems.push(`dataset (${dataset?.name}: ${columnNames.join(', ')})`);
      }
      if (
        !component('input-port').some(
          c => c.properties?.associated_data_product?.value === upstreamRef,
        )
      ) {
        problems.push(`input port from ${upstreamRef}`);
      }
      if (
        !component('service-level-asset').some(
          c => c.properties?.max_age?.value === '12h',
        )
      ) {
        problems.push('freshness 12h');
      }
      if (problems.length) {
        throw new Error(`data_product_spec.yml lacks: ${problems.join('; ')}`);
      }
    },
  );

  // The Infrastructure API belongs to the data-mesh backend plugin; it is
  // checked once the portal's backend adds the plugin.
  const backendIndex = fs.readFileSync(
    path.join(BACKEND_DIR, 'src', 'index.ts'),
    'utf8',
  );
  if (
    /import\(\s*['"]@datamesh\/plugin-data-mesh-backend['"]\s*\)/.test(
      backendIndex,
    )
  ) {
    await check(
      'Infrastructure: the API and the product page say in sync',
      async () => {
        await waitFor(
          `${newRef} in sync on the Infrastructure API`,
          async () => {
            const body = await fetchJson(
              `${baseUrl}/api/data-mesh/products/default/${NEW_PRODUCT}/infrastructure`,
              { headers },
            );
            if (body.status !== 'in-sync') {
              throw new Error(
                `status ${body.status}: ${JSON.stringify(
                  body.drift?.lines ?? body.issues,
                )}`,
              );
            }
            const names = body.declared?.names;
            const want = [
              ['schemas.raw', names?.schemas?.raw, outputs.schemas.raw],
              [
                'schemas.output',
                names?.schemas?.output,
                outputs.schemas.output,
              ],
              [
                'roles.consumer',
                names?.roles?.consumer,
                outputs.roles.consumer,
              ],
            ];
            for (const [what, got, name] of want) {
              // `name` is logical for schemas (PGlite prefixes the database
              // to it); `qualified` is the object as it is in the warehouse.
              if (got?.qualified !== pgIdent(name) || got?.exists !== true) {
                throw new Error(
                  `${what}: ${JSON.stringify(got)}, expected ${name} existing`,
                );
              }
            }
            return true;
          },
          30000,
        );
        // the product page (still open) shows the same
        const card = cardTitled('Infrastructure');
        await card.getByText('In sync', { exact: true }).waitFor();
        await card
          .getByText('The warehouse matches the declared state.')
          .waitFor();
      },
    );
  } else {
    skip(
      'Infrastructure: the API and the product page say in sync',
      '@datamesh/plugin-data-mesh-backend is not added in packages/backend/src/index.ts',
    );
  }

  // The backend holds the PGlite data directory (one process per
  // directory): stop it, then open the warehouse directly.
  await check('backend stops cleanly and releases the warehouse', async () => {
    await browser.close();
    browser = undefined;
    page = undefined;
    await stopBackend();
    if (backend.exitCode !== 0) {
      throw new Error(
        `backend ended with ${
          backend.exitCode ?? backend.signalCode
        }: the warehouse may not have been closed`,
      );
    }
  });

  await check(
    'warehouse: the consumer role reads the output layer and is refused the private layers',
    async () => {
      const { PGlite } = requireFrom(
        'plugins/data-mesh-backend-module-postgres',
        '@electric-sql/pglite',
      );
      const db = await PGlite.create(warehouseDir);
      const { schemas, roles } = outputs;
      try {
        const owners = await db.query(
          `select n.nspname as schema, r.rolname as owner
             from pg_namespace n join pg_roles r on r.oid = n.nspowner
            where n.nspname = any($1) order by 1`,
          [Object.values(schemas)],
        );
        const wrong = owners.rows.filter(r => r.owner !== roles.owner);
        if (owners.rows.length !== 3 || wrong.length) {
          throw new Error(`schemas and owners: ${JSON.stringify(owners.rows)}`);
        }
        const roleRows = await db.query(
          'select rolname from pg_roles where rolname = any($1)',
          [Object.values(roles)],
        );
        if (roleRows.rows.length !== 3) {
          throw new Error(`roles: ${JSON.stringify(roleRows.rows)}`);
        }
        /** Runs statements in one transaction as `role`; the last one's rows. */
        const as = (role, ...statements) =>
          db.transaction(async tx => {
            await tx.query(`SET LOCAL ROLE ${pgIdent(role)}`);
            let rows = [];
            for (const sql of statements) rows = (await tx.query(sql)).rows;
            return rows;
          });
        const table = layer => `${pgIdent(schemas[layer])}.readmissions`;
        // The pipeline (service role) loads every layer; the tables are new,
        // so the consumer's access comes from the future grants alone.
        for (const layer of ['raw', 'intermediate', 'output']) {
          await as(
            roles.service,
            `CREATE TABLE ${table(layer)} (readmission_id varchar PRIMARY KEY)`,
            `INSERT INTO ${table(layer)} VALUES ('r-1')`,
          );
        }
        const read = await as(
          roles.consumer,
          `SELECT count(*)::int AS n FROM ${table('output')}`,
        );
        if (read[0]?.n !== 1) {
          throw new Error(
            `consumer read of the output layer: ${JSON.stringify(read)}`,
          );
        }
        const refused = async (what, sql) => {
          try {
            await as(roles.consumer, sql);
          } catch (error) {
            if (
              error.code === '42501' &&
              /permission denied/.test(error.message)
            ) {
              log(`${what}: refused (${error.message})`);
              return;
            }
            throw error;
          }
          throw new Error(`${what} was allowed`);
        };
        await refused(
          `${roles.consumer} reading ${schemas.raw}`,
          `SELECT * FROM ${table('raw')}`,
        );
        await refused(
          `${roles.consumer} reading ${schemas.intermediate}`,
          `SELECT * FROM ${table('intermediate')}`,
        );
        await refused(
          `${roles.consumer} writing ${schemas.output}`,
          `INSERT INTO ${table('output')} VALUES ('r-2')`,
        );
      } finally {
        await db.close();
      }
    },
  );

  if (pageErrors.length) {
    log(
      `uncaught page errors (not failing the run):\n  ${pageErrors.join(
        '\n  ',
      )}`,
    );
  }
}

let finishing = false;

async function finish(error) {
  if (finishing) return;
  finishing = true;
  if (error) await saveFailureEvidence();
  if (browser) await browser.close().catch(() => {});
  await stopBackend();
  if (backendConfigFile) fs.rmSync(backendConfigFile, { force: true });
  // Kept after a failure: the warehouse and the repositories are evidence.
  if (stateDir) {
    if (error) log(`state of the run kept in ${stateDir}`);
    else fs.rmSync(stateDir, { recursive: true, force: true });
  }
  const passed = results.filter(r => r.ok && !r.skipped).length;
  const skipped = results.filter(r => r.skipped).length;
  let failed = results.length - passed - skipped;
  // An error outside any check (no Chromium, watchdog, signal) is a failure too.
  if (error && failed === 0) {
    log(`ERROR ${error.message}`);
    failed = 1;
  }
  log(
    `${passed} passed, ${failed} failed${
      skipped ? `, ${skipped} skipped` : ''
    }${failed ? ' (see e2e-test-report/)' : ''}`,
  );
  process.exit(failed ? 1 : 0);
}

const watchdog = setTimeout(() => {
  finish(
    new Error(`watchdog: the run took longer than ${WATCHDOG_MS / 1000} s`),
  );
}, WATCHDOG_MS);
watchdog.unref();

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => finish(new Error(`interrupted by ${signal}`)));
}

main().then(
  () => finish(),
  error => finish(error),
);
