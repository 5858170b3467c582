/*
 * Diagnostic behind `--knex-pause off` (bench/README.md, "Where the wall
 * time goes on SQLite"). knex's `batchInsert` starts with `await delay(1)`,
 * a 1 ms timer, and the catalog calls it inside transactions; on SQLite,
 * whose pool has one connection, everything else waits for that timer. With
 * the flag, this process gets a `delay` that yields with `setImmediate`
 * instead: still a later tick (what knex's comment says the pause is for),
 * no timer. Not something to do to a real backend; it shows how much of a
 * run the pause is.
 *
 * knex's batch-insert module takes `delay` when it is first loaded, so this
 * must run before anything loads knex: run.ts imports it first, and it
 * reads its flag from the command line itself.
 */
import Module from 'node:module';

function flagValue(): string | undefined {
  const i = process.argv.indexOf('--knex-pause');
  return i < 0 ? undefined : process.argv[i + 1];
}

/** Whether this process runs with knex's batchInsert pause taken out. */
export const knexPauseRemoved = flagValue() === 'off';

if (knexPauseRemoved) {
  const batchInsert = require.resolve('knex/lib/execution/batch-insert.js');
  if (require.cache[batchInsert]) {
    throw new Error(
      '--knex-pause off: knex was loaded before the bench could change it',
    );
  }
  const file = require.resolve('knex/lib/execution/internal/delay.js');
  const replacement = new Module(file);
  replacement.filename = file;
  replacement.loaded = true;
  replacement.exports = () =>
    new Promise<void>(resolve => setImmediate(resolve));
  require.cache[file] = replacement;
}
