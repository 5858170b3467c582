'use strict';

/* Small helpers every scenario uses: HTTP, polling, git, identifiers. */

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Set by the backend module while a backend runs: polling stops at once when
 * the backend has died instead of waiting out its timeout.
 */
let backendProblem = () => undefined;

function onBackendProblem(probe) {
  backendProblem = probe;
}

function log(message) {
  process.stdout.write(`[e2e] ${message}\n`);
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
    const problem = backendProblem();
    if (problem) throw new Error(`${problem} while waiting for ${what}`);
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
 * Opens the embedded warehouse (PGlite, one process at a time: the backend
 * stopped or paused) and runs `fn` with it; what `fn` returned.
 */
async function withWarehouse(dir, fn) {
  const { PGlite } = requireFrom(
    'plugins/data-mesh-backend-module-postgres',
    '@electric-sql/pglite',
  );
  const db = await PGlite.create(dir);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * `datamesh …` (packages/cli) as a product repo's pipeline runs it, with the
 * portal's config on the embedded warehouse in `warehouseDir` (the backend
 * stopped or paused, or a copy); its output (with `{ env }` last, what it
 * printed to stderr too), or an error with what it printed.
 */
function datamesh(warehouseDir, ...args) {
  // a last argument `{ env }` adds to the environment (e.g. a portal token)
  const options =
    typeof args[args.length - 1] === 'object' ? args.pop() : undefined;
  const res = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'packages/cli/bin/datamesh'),
      ...args,
      '--config',
      path.join(ROOT, 'app-config.yaml'),
      '--data-dir',
      warehouseDir,
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...options?.env },
    },
  );
  if (res.status !== 0) {
    throw new Error(
      `datamesh ${args.join(' ')} exited with ${res.status}:\n${res.stdout}${
        res.stderr
      }`,
    );
  }
  return options ? `${res.stdout}${res.stderr}` : res.stdout;
}

module.exports = {
  ROOT,
  REPORT_DIR: path.join(ROOT, 'e2e-test-report'),
  log,
  sleep,
  fetchJson,
  waitFor,
  onBackendProblem,
  git,
  requireFrom,
  pgIdent,
  withWarehouse,
  datamesh,
};
