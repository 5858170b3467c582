/*
 * Instructions executed over a measured interval, counted by valgrind's
 * callgrind (`--instructions DIR`). Wall and CPU time of the same code move
 * by a third on these shared VMs, and they expose no hardware counters; an
 * instruction count does not depend on the machine's speed or load, so a
 * ratio of counts can be compared across runs, sessions and machines.
 *
 * The process must run under callgrind with its output in DIR:
 *
 *   valgrind --tool=callgrind --smc-check=all-non-file \
 *     --callgrind-out-file=DIR/callgrind.out.%p node … run.ts --instructions DIR
 *
 * (`--smc-check=all-non-file` because V8 writes its machine code into
 * anonymous memory and rewrites it; without it valgrind would run stale
 * code.) The counters are zeroed when the interval starts and dumped, under
 * a label of the run, when it ends; the dump's `summary:` line is the
 * interval's count, of every thread of the process (the main thread, the
 * SQLite driver in it, libuv's pool, V8's compiler and GC threads).
 * PostgreSQL's server processes are not counted — on PostgreSQL the count
 * is the backend's side only.
 *
 * Under callgrind everything runs ~50–100× slower, so timers (the catalog's
 * one-second polls, knex's 1 ms pause, this benchmark's polling) fire far
 * more often per unit of work than in a normal run; the benchmark polls
 * less often in this mode (`--poll-ms`, default 2000). The count measures
 * the work, not the waits: compare it with the CPU ratio, not the wall one.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function control(...args: string[]): Promise<void> {
  await run('callgrind_control', [...args, String(process.pid)]);
}

/** Fails early, with the command to use, when this process is not under callgrind. */
export async function assertUnderCallgrind(dir: string): Promise<void> {
  try {
    await control('-z');
  } catch (e) {
    throw new Error(
      `--instructions needs this process to run under callgrind, writing to ${dir}:\n` +
        `  valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file=${dir}/callgrind.out.%p node … run.ts --instructions ${dir}\n` +
        `(callgrind_control -z failed: ${(e as Error).message.split('\n')[0]})`,
    );
  }
}

let dumps = 0;

/**
 * Zeroes callgrind's counters; the returned function dumps them and returns
 * the instructions executed since.
 */
export async function startInstructionCount(
  dir: string,
): Promise<() => Promise<number>> {
  await control('-z');
  return async () => {
    const label = `interval-${process.pid}-${++dumps}`;
    await control('-d', label);
    // callgrind names each dump <out-file>.<n>; find ours by its label
    const prefix = `callgrind.out.${process.pid}.`;
    for (const name of await fs.readdir(dir)) {
      if (!name.startsWith(prefix)) continue;
      const text = await fs.readFile(path.join(dir, name), 'utf8');
      if (!text.includes(`\ndesc: Trigger: dump ${label}\n`)) continue;
      const summary = /^summary: (\d+)/m.exec(text);
      if (!summary) throw new Error(`${name}: no summary line`);
      // a dump lists every function executed: tens of MiB, not kept
      await fs.rm(path.join(dir, name));
      return Number(summary[1]);
    }
    throw new Error(
      `no callgrind dump labelled ${label} in ${dir} (is --callgrind-out-file=${dir}/callgrind.out.%p?)`,
    );
  };
}
