/*
 * The two ways of talking to PostgreSQL behind one small interface: a real
 * server through `pg` (one pool per database, because a PostgreSQL session is
 * bound to one database) and the embedded PGlite (one database, in-process).
 * Every query passes through `query`, which is where they are counted.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Pool as PgPool, PoolConfig } from 'pg';
import { WarehouseError } from '@datamesh/plugin-data-mesh-node';
import { quotePgIdentifier } from './dialect';

/** @public */
export interface PostgresConnection {
  /** Run one statement, in `database` (logical name; ignored by PGlite), and return its rows. */
  query<T = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
    database?: string,
  ): Promise<T[]>;
  /** Run one statement as `role` (SET LOCAL ROLE inside a transaction), for tests and checks. */
  queryAs<T = Record<string, unknown>>(
    role: string,
    sql: string,
    database?: string,
  ): Promise<T[]>;
  /**
   * Run one statement (the extended protocol takes one only) in a READ ONLY
   * transaction that is rolled back, stopped after `timeoutMs`: for a
   * spec's own SQL checks, which must only read.
   */
  queryReadOnly<T = Record<string, unknown>>(
    sql: string,
    database: string | undefined,
    timeoutMs: number,
  ): Promise<T[]>;
  /** Close connections to one database, e.g. before dropping it. */
  release(database: string): Promise<void>;
  close(): Promise<void>;
  /** Queries sent so far. */
  readonly queryCount: number;
  /**
   * Nothing else can commit while one of this connection's statements runs
   * (PGlite: one process, one statement at a time). Table stats rely on it
   * to trust a count at once; absent, they assume concurrent writers.
   */
  readonly exclusive?: boolean;
}

function toWarehouseError(
  e: unknown,
  sql: string,
  database?: string,
): WarehouseError {
  const err = e as { message?: string; code?: string };
  return new WarehouseError(err?.message ?? String(e), {
    code: err?.code,
    statement: { sql, database },
    cause: e,
  });
}

/** @public */
export interface PgliteConnectionOptions {
  /** Directory of the data files; absent: in memory. Created when missing. */
  dataDir?: string;
}

/**
 * PGlite, embedded. The module is ESM-only and loads its WASM with a dynamic
 * import, so it is imported lazily (the backend bundle stays CommonJS).
 * @public
 */
export async function openPgliteConnection(
  options: PgliteConnectionOptions = {},
): Promise<PostgresConnection> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (options.dataDir)
    fs.mkdirSync(path.resolve(options.dataDir), { recursive: true });
  const db = await PGlite.create(
    options.dataDir ? path.resolve(options.dataDir) : undefined,
  );
  let count = 0;
  // PGlite runs one statement at a time; chaining keeps a transaction of
  // queryAs from interleaving with another caller's statements.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    get queryCount() {
      return count;
    },
    exclusive: true,
    query: (sql, params) =>
      serial(async () => {
        count++;
        try {
          return (await db.query(sql, params as any[])).rows as any[];
        } catch (e) {
          throw toWarehouseError(e, sql);
        }
      }),
    queryAs: (role, sql) =>
      serial(async () => {
        count++;
        try {
          return await db.transaction(async tx => {
            await tx.query(`SET LOCAL ROLE ${quotePgIdentifier(role)}`);
            return (await tx.query(sql)).rows as any[];
          });
        } catch (e) {
          throw toWarehouseError(e, sql);
        }
      }),
    queryReadOnly: (sql, _database, timeoutMs) =>
      serial(async () => {
        count++;
        try {
          return await db.transaction(async tx => {
            await tx.query('SET TRANSACTION READ ONLY');
            await tx.query(
              `SET LOCAL statement_timeout = ${Math.max(
                1,
                Math.floor(timeoutMs),
              )}`,
            );
            // query, not exec: one statement, as a prepared statement
            const rows = (await tx.query(sql)).rows as any[];
            await tx.rollback();
            return rows;
          });
        } catch (e) {
          throw toWarehouseError(e, sql);
        }
      }),
    release: async () => {},
    close: () => serial(() => db.close()),
  };
}

/** @public */
export type PgConnectionConfig = string | PoolConfig;

/**
 * A real PostgreSQL server. `connection` names the admin connection (a
 * superuser, or a role with CREATEROLE and CREATEDB); pools for other
 * databases reuse it with another database name.
 * @public
 */
export async function openPgConnection(
  connection: PgConnectionConfig,
): Promise<PostgresConnection> {
  const { Pool } = await import('pg');
  const base: PoolConfig =
    typeof connection === 'string'
      ? { connectionString: connection }
      : { ...connection };
  const pools = new Map<string, PgPool>();
  const adminKey = '';
  let count = 0;

  const configFor = (database?: string): PoolConfig => {
    if (!database) return base;
    if (base.connectionString) {
      const url = new URL(base.connectionString);
      url.pathname = `/${encodeURIComponent(database)}`;
      return { ...base, connectionString: url.toString() };
    }
    return { ...base, database };
  };
  const poolFor = (database?: string): PgPool => {
    const key = database ?? adminKey;
    let pool = pools.get(key);
    if (!pool) {
      pool = new Pool({
        ...configFor(database),
        max: 2,
        idleTimeoutMillis: 10_000,
      });
      // an idle client killed by the server (DROP DATABASE … WITH (FORCE),
      // restarts) must not crash the backend
      pool.on('error', () => {});
      pools.set(key, pool);
    }
    return pool;
  };
  const release = async (database: string) => {
    const pool = pools.get(database);
    if (pool) {
      pools.delete(database);
      await pool.end();
    }
  };

  return {
    get queryCount() {
      return count;
    },
    async query(sql, params, database) {
      count++;
      const dropped = /^DROP DATABASE IF EXISTS "([A-Za-z0-9_]+)"/.exec(sql);
      if (dropped) await release(dropped[1]);
      try {
        return (await poolFor(database).query(sql, params as any[])).rows;
      } catch (e) {
        throw toWarehouseError(e, sql, database);
      }
    },
    async queryAs(role, sql, database) {
      count++;
      const client = await poolFor(database).connect();
      try {
        await client.query('BEGIN');
        await client.query(`SET LOCAL ROLE ${quotePgIdentifier(role)}`);
        const rows = (await client.query(sql)).rows;
        await client.query('COMMIT');
        return rows;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw toWarehouseError(e, sql, database);
      } finally {
        client.release();
      }
    },
    async queryReadOnly(sql, database, timeoutMs) {
      count++;
      const client = await poolFor(database).connect();
      try {
        await client.query('BEGIN READ ONLY');
        await client.query(
          `SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`,
        );
        // the extended protocol runs one statement only (pg's queryMode,
        // not in its types yet)
        const config = { text: sql, queryMode: 'extended' };
        return (await client.query(config as { text: string })).rows;
      } catch (e) {
        throw toWarehouseError(e, sql, database);
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    },
    release,
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map(p => p.end()));
    },
  };
}
