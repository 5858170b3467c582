/*
 * A PGlite data directory may be open in one process only, and nothing in
 * PGlite stops a second one. The backend with the example activity marks
 * the embedded warehouse it holds (the warehouse service's
 * `dataDirectory`) with a pid file next to the directory, so that the
 * backfill command can refuse to open it while the portal runs. Replicas on
 * one database prepare the examples one at a time (`oneReplicaAtATime`).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';

/** @public */
export interface WarehouseLockHolder {
  pid: number;
  since: string;
  by: string;
}

const lockFileOf = (dataDir: string) => `${dataDir}.lock`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, owned by someone else
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The live process that holds `dataDir`, if any (a lock left behind by a
 * process that died does not count).
 * @public
 */
export function warehouseLockHolder(
  dataDir: string,
): WarehouseLockHolder | undefined {
  try {
    const holder = JSON.parse(
      fs.readFileSync(lockFileOf(dataDir), 'utf8'),
    ) as WarehouseLockHolder;
    if (
      Number.isInteger(holder.pid) &&
      holder.pid !== process.pid &&
      alive(holder.pid)
    ) {
      return holder;
    }
  } catch {
    // no lock, or an unreadable one: nobody holds it
  }
  return undefined;
}

/**
 * Mark `dataDir` as held by this process; returns the release function.
 * Throws when another live process holds it.
 * @public
 */
export function lockWarehouse(dataDir: string, by: string): () => void {
  const holder = warehouseLockHolder(dataDir);
  if (holder) {
    throw new Error(
      `the embedded warehouse ${dataDir} is open in process ${holder.pid} (${holder.by}, since ${holder.since}); a PGlite directory can be open in one process only`,
    );
  }
  const file = lockFileOf(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    JSON.stringify({
      pid: process.pid,
      since: new Date().toISOString(),
      by,
    } satisfies WarehouseLockHolder),
  );
  return () => {
    try {
      const current = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (current.pid === process.pid) fs.rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
}

/**
 * Run `fn` in one backend instance at a time, across the replicas that
 * share the plugin's database: on PostgreSQL a transaction-level advisory
 * lock named `name` (the others wait for it, then find nothing left to do,
 * as a restart does: provisioning plans nothing, the replay starts where
 * the history ends). SQLite is one process's file: `fn` runs directly.
 * @public
 */
export async function oneReplicaAtATime<T>(
  db: Knex,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  if (!String(db.client.config.client).startsWith('pg')) return fn();
  return db.transaction(async tx => {
    await tx.raw('select pg_advisory_xact_lock(hashtext(?))', [name]);
    return fn();
  });
}
