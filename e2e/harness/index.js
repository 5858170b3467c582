'use strict';

/*
 * The e2e harness: builds the frontend if its sources changed, starts the
 * backend once, launches Chromium and signs in as guest, then runs the chosen
 * scenarios one after the other in the signed-in tab and prints the
 * summary line CI reads. Scenarios marked `backend: 'stopped'` run after the
 * backend has stopped and released the embedded warehouse.
 *
 * A scenario is a module exporting { name, description, needs?, backend?,
 * run(ctx) }. `needs` lists scenarios whose results it reads (through
 * `ctx.outputOf`); they run first, also when the scenario is run alone.
 * `backend: 'pausable'` gives it `ctx.pauseBackend(fn)`, to change the
 * embedded warehouse under the running portal.
 */

const fs = require('node:fs');
const path = require('node:path');
const { ensureAppBuild } = require('./app');
const { startBackend } = require('./backend');
const browsers = require('./browser');
const { check, skip, recordFailure, summarize } = require('./report');
const { REPORT_DIR, log, fetchJson, waitFor } = require('./util');

const WATCHDOG_MS = Number(process.env.E2E_TIMEOUT_SECONDS || 900) * 1000;

/** `selected` and, before each, what it needs; in the order given. */
function withPrerequisites(selected) {
  const ordered = [];
  const visit = scenario => {
    if (ordered.includes(scenario)) return;
    for (const need of scenario.needs ?? []) visit(need);
    ordered.push(scenario);
  };
  selected.forEach(visit);
  return ordered;
}

/** What one run holds: the backend, the browser, each scenario's outcome. */
const run = {
  backend: undefined,
  browser: undefined,
  context: undefined,
  tab: undefined,
  outcomes: new Map(),
  failed: false,
};

/**
 * A fresh signed-in tab on the home page, replacing the current one: after a
 * failed scenario, so that what it left open does not trip the next one.
 */
async function replaceTab(baseUrl) {
  await run.tab?.page.close().catch(() => {});
  run.tab = await browsers.openPage(run.context);
  await run.tab.page.goto(baseUrl);
}

/**
 * Runs one scenario in the shared tab, which stays where the scenario left it
 * (the next one navigates from there, as a user would).
 */
async function runScenario(scenario, shared) {
  const missing = (scenario.needs ?? []).find(
    need => !run.outcomes.get(need.name)?.ok,
  );
  if (missing) {
    skip(`scenario ${scenario.name}`, `it needs ${missing.name}, which failed`);
    run.outcomes.set(scenario.name, { ok: false });
    return;
  }
  log(`--- scenario ${scenario.name}: ${scenario.description}`);
  const page = scenario.backend === 'stopped' ? undefined : run.tab.page;
  const pageErrorsBefore = run.tab?.errors.length ?? 0;
  const ctx = {
    ...shared,
    ...(scenario.backend === 'pausable'
      ? { pauseBackend: fn => pauseBackend(shared.baseUrl, fn) }
      : {}),
    page,
    cardTitled: (heading, has) => browsers.cardTitled(page, heading, has),
    outputOf: need => run.outcomes.get(need.name).value,
  };
  try {
    const value = await scenario.run(ctx);
    run.outcomes.set(scenario.name, { ok: true, value });
  } catch (error) {
    run.failed = true;
    run.outcomes.set(scenario.name, { ok: false });
    recordFailure(`scenario ${scenario.name}`, error);
    if (page) {
      await browsers.saveFailureEvidence(page, scenario.name);
      await replaceTab(shared.baseUrl).catch(e =>
        log(`could not open a fresh tab: ${e.message}`),
      );
    }
  } finally {
    const pageErrors = run.tab?.errors.slice(pageErrorsBefore) ?? [];
    if (pageErrors.length) {
      log(
        `uncaught page errors (not failing the run):\n  ${pageErrors.join(
          '\n  ',
        )}`,
      );
    }
  }
}

/**
 * Every scenario reads the example mesh the backend sets up on its first
 * start. Its last step replays 20 days of SLO history through the collector
 * in the backend's process, which meanwhile answers slowly (tens of seconds
 * on a busy machine): wait until every product was evaluated at the present.
 */
async function exampleMeshSettled(baseUrl, headers) {
  const present = Date.now() - 60 * 60 * 1000;
  await waitFor(
    'the example SLO history to be replayed',
    async () => {
      const fleet = await fetchJson(`${baseUrl}/api/data-mesh/slos`, {
        headers,
      });
      const behind = fleet.items.filter(
        item => !(Date.parse(item.evaluatedAt) >= present),
      );
      if (!fleet.items.length || behind.length) {
        throw new Error(
          `${behind.length} of ${fleet.items.length} products not evaluated up to now`,
        );
      }
      return true;
    },
    300000,
    2000,
  );
}

function backendReady(baseUrl) {
  return waitFor(
    `${baseUrl}/.backstage/health/v1/readiness`,
    async () => (await fetch(`${baseUrl}/.backstage/health/v1/readiness`)).ok,
    300000,
  );
}

/**
 * Stops the backend, so that `fn` may open the embedded warehouse (PGlite
 * allows one process per data directory), then starts it again and waits
 * until it is ready; what `fn` returned. The browser stays open: the portal
 * comes back on the same address with the same database.
 */
async function pauseBackend(baseUrl, fn) {
  const began = Date.now();
  await run.backend.stop();
  try {
    if (run.backend.exitStatus() !== 0) {
      throw new Error(
        `backend ended with ${run.backend.exitStatus()}: the warehouse may not have been closed`,
      );
    }
    return await fn();
  } finally {
    run.backend.restart();
    await backendReady(baseUrl);
    log(
      `backend paused and ready again in ${Math.round(
        (Date.now() - began) / 1000,
      )} s`,
    );
  }
}

async function startPortal({ persistentDatabase }) {
  fs.mkdirSync(REPORT_DIR, { recursive: true });
  for (const stale of fs.readdirSync(REPORT_DIR)) {
    if (stale.startsWith('failure')) fs.rmSync(path.join(REPORT_DIR, stale));
  }
  browsers.assertChromiumInstalled();

  await check('frontend build is current', ensureAppBuild);
  run.backend = await startBackend({ persistentDatabase });
  const { baseUrl } = run.backend;
  await check('backend is ready', () => backendReady(baseUrl));
  const token = await check(
    'guest token from /api/auth/guest/refresh',
    async () => {
      const body = await fetchJson(`${baseUrl}/api/auth/guest/refresh`);
      const value = body?.backstageIdentity?.token;
      if (!value) throw new Error('no backstageIdentity.token in the response');
      return value;
    },
  );
  await check('example mesh has replayed its SLO history up to now', () =>
    exampleMeshSettled(baseUrl, { Authorization: `Bearer ${token}` }),
  );
  Object.assign(run, await check('chromium launches', browsers.launchChromium));
  run.tab = await browsers.openPage(run.context);
  await check('guest sign-in', () =>
    browsers.signInAsGuest(run.tab.page, baseUrl),
  );

  const headers = { Authorization: `Bearer ${token}` };
  return {
    baseUrl,
    headers,
    /** GET of a backend path as the signed-in guest. */
    api: apiPath => fetchJson(`${baseUrl}${apiPath}`, { headers }),
    dirs: {
      state: run.backend.stateDir,
      warehouse: run.backend.warehouseDir,
      repos: run.backend.reposDir,
    },
  };
}

/** The embedded warehouse (PGlite) allows one process: the backend's goes first. */
async function stopPortal() {
  await check('backend stops cleanly and releases the warehouse', async () => {
    await run.browser.close();
    run.browser = undefined;
    run.tab = undefined;
    await run.backend.stop();
    if (run.backend.exitStatus() !== 0) {
      throw new Error(
        `backend ended with ${run.backend.exitStatus()}: the warehouse may not have been closed`,
      );
    }
  });
}

async function runAll(selected) {
  const scenarios = withPrerequisites(selected);
  // a backend that restarts must find what it stored
  const shared = await startPortal({
    persistentDatabase: scenarios.some(s => s.backend === 'pausable'),
  });
  const offline = scenarios.filter(s => s.backend === 'stopped');
  for (const scenario of scenarios.filter(s => !offline.includes(s))) {
    await runScenario(scenario, shared);
  }
  if (!offline.length) return;
  await stopPortal();
  for (const scenario of offline) await runScenario(scenario, shared);
}

let finishing = false;

async function finish(error) {
  if (finishing) return;
  finishing = true;
  if (error && run.tab) {
    await browsers.saveFailureEvidence(run.tab.page, 'run');
  }
  if (run.browser) await run.browser.close().catch(() => {});
  if (run.backend) {
    await run.backend.stop();
    run.backend.remove(Boolean(error) || run.failed);
  }
  process.exit(summarize(error) ? 1 : 0);
}

/**
 * Runs `scenarios` (and what they need) against one backend, then exits with
 * 0 when every check passed.
 */
function runScenarios(scenarios) {
  const watchdog = setTimeout(() => {
    finish(
      new Error(`watchdog: the run took longer than ${WATCHDOG_MS / 1000} s`),
    );
  }, WATCHDOG_MS);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => finish(new Error(`interrupted by ${signal}`)));
  }
  runAll(scenarios).then(
    () => finish(),
    error => finish(error),
  );
}

module.exports = { runScenarios };
