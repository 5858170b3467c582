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
 * Deliberately not a jest test, so `npm test` never starts a browser.
 *
 * Environment:
 *   E2E_PRODUCT          data product to open (default: DEFAULT_PRODUCT)
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

const ROOT = path.resolve(__dirname, '..');
const REPORT_DIR = path.join(ROOT, 'e2e-test-report');
const APP_DIR = path.join(ROOT, 'packages', 'app');
const BACKEND_DIR = path.join(ROOT, 'packages', 'backend');

// An aggregate example product: it consumes upstream products and is consumed
// downstream, so its lineage graph has nodes on both sides.
const DEFAULT_PRODUCT = 'claims-by-provider';
const PRODUCT = process.env.E2E_PRODUCT || DEFAULT_PRODUCT;
const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const WATCHDOG_MS = Number(process.env.E2E_TIMEOUT_SECONDS || 900) * 1000;

const results = [];
let backend;
let backendConfigFile;
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
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'datamesh-e2e-state-'));
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
        warehouse: { pglite: { dataDir: path.join(stateDir, 'warehouse') } },
        scaffolder: {
          localRepositories: { directory: path.join(stateDir, 'repos') },
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
    'catalog lists data products with domain, type and certified columns',
    async () => {
      await page.goto(
        `${baseUrl}/catalog?filters%5Bkind%5D=dataproduct&filters%5Buser%5D=all`,
      );
      const table = page.locator('table').filter({
        has: page.getByRole('columnheader', { name: 'Certified' }),
      });
      for (const header of ['Domain', 'Type', 'Certified']) {
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
  const passed = results.filter(r => r.ok).length;
  let failed = results.length - passed;
  // An error outside any check (no Chromium, watchdog, signal) is a failure too.
  if (error && failed === 0) {
    log(`ERROR ${error.message}`);
    failed = 1;
  }
  log(
    `${passed} passed, ${failed} failed${
      failed ? ' (see e2e-test-report/)' : ''
    }`,
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
