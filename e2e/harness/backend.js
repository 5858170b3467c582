'use strict';

/*
 * The portal backend for the run: the same entry point as `npm start`, on a
 * free port, with an in-memory catalog and its own warehouse and repository
 * directories.
 */

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { ROOT, REPORT_DIR, log, onBackendProblem } = require('./util');

const BACKEND_DIR = path.join(ROOT, 'packages', 'backend');

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

/**
 * An in-memory database keeps the test independent of the persisted .data/ of
 * a portal that may be running next to it. Likewise the embedded warehouse and
 * the local product repositories: PGlite allows one process per data directory.
 * A backend that will be restarted (`persistentDatabase`) keeps its database
 * in the state directory instead: an in-memory one would lose the access
 * requests, the catalog and the signing keys of the browser's sessions.
 */
function writeConfig(port, { persistentDatabase = false } = {}) {
  const baseUrl = `http://localhost:${port}`;
  const configFile = path.join(os.tmpdir(), `datamesh-e2e-${port}.yaml`);
  const stateDir = fs.mkdtempSync(
    path.join(os.tmpdir(), 'datamesh-e2e-state-'),
  );
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
        database: {
          client: 'better-sqlite3',
          // one file per plugin in that directory
          connection: persistentDatabase
            ? { directory: path.join(stateDir, 'database') }
            : ':memory:',
        },
      },
      dataMesh: {
        warehouse: { pglite: { dataDir: warehouseDir } },
        // grants made by hand are told within seconds, not the hour
        access: {
          unexplainedGrants: {
            schedule: {
              frequency: { seconds: 10 },
              // a backend stopped mid-run (a pausable scenario's pause)
              // leaves the task's claim in the scheduler's table until this
              // timeout: short, so the restarted backend runs it again soon
              timeout: { seconds: 30 },
              initialDelay: { seconds: 10 },
            },
          },
        },
        // and what products leave behind (the same short timeout), told
        // once seen for 5 s, not the hour
        leftovers: {
          schedule: {
            frequency: { seconds: 10 },
            timeout: { seconds: 30 },
            initialDelay: { seconds: 10 },
          },
          tellAfter: 'PT5S',
        },
        scaffolder: {
          localRepositories: { directory: reposDir },
        },
      },
    }),
  );
  return { baseUrl, configFile, stateDir, warehouseDir, reposDir };
}

function spawnBackend(configFile, logFile, append) {
  const out = fs.openSync(logFile, append ? 'a' : 'w');
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
  return spawn(
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
}

/**
 * Starts the backend; `stop()` ends its process group, `restart()` starts it
 * again with the same configuration (a `persistentDatabase` keeps what it
 * stored), `remove(keepState)` deletes the config file and, unless kept as
 * evidence, the state directory.
 */
async function startBackend({ persistentDatabase = false } = {}) {
  const port = await freePort();
  const backend = writeConfig(port, { persistentDatabase });
  const logFile = path.join(REPORT_DIR, 'backend.log');
  let child;
  const spawnChild = append => {
    child = spawnBackend(backend.configFile, logFile, append);
    child.on('exit', code => log(`backend exited (code ${code})`));
    onBackendProblem(() =>
      child.exitCode !== null
        ? `backend exited with code ${child.exitCode}; see e2e-test-report/backend.log`
        : undefined,
    );
    log(`backend starting on port ${port} (log: ${logFile})`);
  };
  spawnChild(false);

  return {
    ...backend,
    port,
    /** The exit code, or signal, once stopped. */
    exitStatus: () => child.exitCode ?? child.signalCode,
    /** After `stop()`: the same backend again, its log appended to. */
    restart() {
      if (child.exitCode === null && child.signalCode === null) {
        throw new Error('restart: the backend is still running');
      }
      spawnChild(true);
    },
    async stop() {
      onBackendProblem(() => undefined);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise(resolve => child.once('exit', resolve));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 10000);
      await exited;
      clearTimeout(timer);
    },
    remove(keepState) {
      fs.rmSync(backend.configFile, { force: true });
      // Kept after a failure: the warehouse and the repositories are evidence.
      if (keepState) log(`state of the run kept in ${backend.stateDir}`);
      else fs.rmSync(backend.stateDir, { recursive: true, force: true });
    },
  };
}

module.exports = { BACKEND_DIR, startBackend };
