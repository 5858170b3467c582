#!/usr/bin/env node
// Checks that the platform-specific native bindings the build and the tests
// load were installed. They come as optional dependencies, and npm skips an
// optional dependency silently when its download fails
// (https://github.com/npm/cli/issues/4828): the install then "succeeds" and
// the frontend build fails much later with "Cannot find native binding".
// Exit code 1 names what is missing, so .ci/run can install again.
'use strict';

const bindings = [
  // rspack bundles the app (backstage-cli package build).
  { name: '@rspack/binding', usedBy: 'the frontend build' },
  // swc transpiles TypeScript for jest and the node transform.
  { name: '@swc/core', usedBy: 'the tests and the benches' },
];

let missing = 0;
for (const { name, usedBy } of bindings) {
  try {
    require(name);
  } catch (error) {
    missing += 1;
    const reason = String(error && error.message).split('\n')[0];
    console.error(
      `native binding missing: ${name} (needed by ${usedBy}): ${reason}`,
    );
  }
}
if (missing > 0) {
  process.exit(1);
}
console.log(`native bindings present: ${bindings.map(b => b.name).join(', ')}`);
