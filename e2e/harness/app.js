'use strict';

/* The frontend bundle the backend serves, rebuilt when its sources changed. */

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, log } = require('./util');

const APP_DIR = path.join(ROOT, 'packages', 'app');

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

/** Builds the app unless the build is current (E2E_REBUILD=1 forces it). */
function ensureAppBuild() {
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
}

module.exports = { ensureAppBuild };
