#!/usr/bin/env node
/*
 * End-to-end test of the built portal in real Chromium (playwright-core).
 *
 *   node e2e/run.js                every scenario, against one backend
 *   node e2e/run.js <scenario> …   these scenarios and those they need
 *   node e2e/run.js --list         the scenarios
 *
 * A scenario also runs alone as `node e2e/scenarios/<scenario>.js`. The
 * harness (e2e/harness/) builds the frontend if its sources changed, starts
 * the backend on a free port, signs in as guest, and ends with the line
 * "N passed, N failed" that CI reads. Deliberately not a jest test, so
 * `npm test` never starts a browser.
 *
 * Environment:
 *   E2E_CHROMIUM         browser binary (default: /usr/bin/chromium)
 *   E2E_TIMEOUT_SECONDS  watchdog for the whole run (default: 900)
 *   E2E_REBUILD=1        build the app even when the build looks current
 *   E2E_PRODUCT, E2E_NEW_PRODUCT: see e2e/scenarios/example-product.js and
 *   create-data-product.js
 */
'use strict';

const scenarios = require('./scenarios');

const args = process.argv.slice(2);

if (args.includes('--list')) {
  for (const s of scenarios) {
    const needs = (s.needs ?? []).map(n => n.name);
    process.stdout.write(
      `${s.name.padEnd(22)} ${s.description}${
        needs.length ? ` (needs ${needs.join(', ')})` : ''
      }\n`,
    );
  }
  process.exit(0);
}

const unknown = args.filter(name => !scenarios.some(s => s.name === name));
if (unknown.length) {
  process.stderr.write(
    `unknown scenario ${unknown.join(', ')}; known: ${scenarios
      .map(s => s.name)
      .join(', ')}\n`,
  );
  process.exit(2);
}

require('./harness').runScenarios(
  args.length ? scenarios.filter(s => args.includes(s.name)) : scenarios,
);
