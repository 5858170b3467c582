#!/usr/bin/env node
// Checks that the native code the build and the tests load was installed.
// - rspack and swc come as optional dependencies, and npm skips an optional
//   dependency silently when its download fails
//   (https://github.com/npm/cli/issues/4828): the install then "succeeds"
//   and the frontend build fails much later with "Cannot find native binding".
// - better-sqlite3 is compiled by its install script. npm 11 runs a
//   dependency's install scripts only when package.json's `allowScripts`
//   approves it, and otherwise skips them with a warning: the install
//   "succeeds" and every SQLite store fails at its first connection with
//   "Could not locate the bindings file".
// Exit code 1 names what is missing, so .ci/run can install again.
'use strict';

const bindings = [
  // rspack bundles the app (backstage-cli package build).
  { name: '@rspack/binding', usedBy: 'the frontend build' },
  // swc transpiles TypeScript for jest and the node transform.
  { name: '@swc/core', usedBy: 'the tests and the benches' },
  // SQLite: the portal's default database, the catalog and the stores'
  // tests. The module loads its compiled addon only when a database opens.
  {
    name: 'better-sqlite3',
    usedBy: 'the SQLite database (portal, catalog, stores, tests)',
    load: Database => new Database(':memory:').close(),
    hint: "its install script compiles it; it must be approved in package.json's allowScripts",
  },
];

let missing = 0;
for (const { name, usedBy, load, hint } of bindings) {
  try {
    const loaded = require(name);
    if (load) load(loaded);
  } catch (error) {
    missing += 1;
    const reason = String(error && error.message).split('\n')[0];
    console.error(
      `native binding missing: ${name} (needed by ${usedBy}): ${reason}${
        hint ? ` (${hint})` : ''
      }`,
    );
  }
}
if (missing > 0) {
  process.exit(1);
}
console.log(`native bindings present: ${bindings.map(b => b.name).join(', ')}`);
