'use strict';

/*
 * The run's checks and the closing summary line CI reads:
 * "N passed, N failed[, N skipped]".
 */

const { log } = require('./util');

const results = [];

/** Runs one named check; a failure ends its scenario (later checks depend on it). */
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

/** Records a check that cannot run, and why; it counts as skipped, not passed. */
function skip(name, reason) {
  results.push({ name, ok: true, skipped: true });
  log(`SKIP ${name}: ${reason}`);
}

/**
 * Records an error a scenario raised outside its checks (a check's own
 * failure is recorded already), so that it counts as a failure.
 */
function recordFailure(name, error) {
  if (results.some(r => r.error === error)) return;
  results.push({ name, ok: false, error });
  log(`FAIL ${name}: ${error && error.message ? error.message : error}`);
}

/**
 * Logs the summary line and returns the number of failures. `error` is one
 * raised outside any check (no Chromium, watchdog, signal): a failure too.
 */
function summarize(error) {
  const passed = results.filter(r => r.ok && !r.skipped).length;
  const skipped = results.filter(r => r.skipped).length;
  let failed = results.length - passed - skipped;
  if (error && !results.some(r => r.error === error)) {
    log(`ERROR ${error.message}`);
    if (failed === 0) failed = 1;
  }
  log(
    `${passed} passed, ${failed} failed${
      skipped ? `, ${skipped} skipped` : ''
    }${failed ? ' (see e2e-test-report/)' : ''}`,
  );
  return failed;
}

module.exports = { check, skip, recordFailure, summarize };
