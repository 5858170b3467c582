/*
 * tableStats against PGlite always and a PostgreSQL server when
 * DATAMESH_TEST_PG_URL is set: one statement per database and call, exact
 * answers as tables are loaded, truncated, reloaded and dropped, and no scan
 * of a table that did not change.
 *
 * On the server the "pipeline" writes from its own session and then calls
 * pg_stat_force_next_flush(), standing for the publication PostgreSQL does
 * by itself within seconds; PGlite has a single session, so its pipeline
 * writes through the adapter's own connection and publishes nothing.
 */
import { randomBytes } from 'node:crypto';
import type { Client as PgClient } from 'pg';
import { WarehouseError } from '@datamesh/plugin-data-mesh-node';
import {
  createPgliteWarehouseAdapter,
  createPostgresWarehouseAdapter,
} from './adapters';
import { type PostgresConnection, openPgConnection } from './connection';
import { PostgresWarehouseAdapter } from './PostgresWarehouseAdapter';

const LOADED_AT = 'loaded_at';
const T1 = '2025-01-01T03:00:00.000Z';
const T2 = '2025-01-02T03:00:00.000Z';
const T3 = '2025-01-03T03:00:00.000Z';
const T4 = '2025-01-04T03:00:00.000Z';

interface Harness {
  /** The adapter as production opens it. */
  adapter: PostgresWarehouseAdapter;
  /** An adapter whose statements for a database all run in one backend, so that backend can read its own scan counters. */
  scanAdapter: PostgresWarehouseAdapter;
  /** Logical database the tables live in. */
  database: string;
  /** A database nobody created. */
  missingDatabase: string;
  /** Write as a pipeline does (its statistics published afterwards). */
  pipeline(...sql: string[]): Promise<void>;
  cleanup(): Promise<void>;
}

/** One `pg` client per database: the same backend runs every statement. */
async function singleBackendConnection(
  url: string,
): Promise<PostgresConnection> {
  const { Client } = await import('pg');
  const clients = new Map<string, Promise<PgClient>>();
  let count = 0;
  const clientFor = (database = '') => {
    let client = clients.get(database);
    if (!client) {
      const u = new URL(url);
      if (database) u.pathname = `/${database}`;
      const c = new Client({ connectionString: u.toString() });
      client = c.connect().then(() => c);
      clients.set(database, client);
    }
    return client;
  };
  return {
    get queryCount() {
      return count;
    },
    async query(sql, params, database) {
      count++;
      try {
        return (await (await clientFor(database)).query(sql, params)).rows;
      } catch (e) {
        const err = e as { message: string; code?: string };
        throw new WarehouseError(err.message, { code: err.code, cause: e });
      }
    },
    queryAs: () => Promise.reject(new Error('not used here')),
    queryReadOnly: () => Promise.reject(new Error('not used here')),
    release: async () => {},
    async close() {
      const all = [...clients.values()];
      clients.clear();
      await Promise.all(all.map(async c => (await c).end()));
    },
  };
}

const platforms: [string, () => Promise<Harness>][] = [
  [
    'PGlite',
    async () => {
      const adapter = await createPgliteWarehouseAdapter({ inMemory: true });
      return {
        adapter,
        // same single backend, its own stats cache
        scanAdapter: new PostgresWarehouseAdapter({
          connection: adapter.connection,
          dialect: adapter.dialect,
        }),
        database: 'acme_stats_dev',
        missingDatabase: 'acme_nowhere_dev',
        async pipeline(...sql) {
          for (const s of sql) await adapter.connection.query(s);
        },
        cleanup: () => adapter.close(),
      };
    },
  ],
];

const pgUrl = process.env.DATAMESH_TEST_PG_URL;
if (pgUrl) {
  platforms.push([
    'PostgreSQL server',
    async () => {
      const id = `t${randomBytes(3).toString('hex')}`;
      const database = `${id}_stats_dev`;
      const admin = await openPgConnection(pgUrl);
      await admin.query(`CREATE DATABASE "${database}"`);
      const adapter = await createPostgresWarehouseAdapter({
        connection: pgUrl,
        layout: 'database',
      });
      const scanAdapter = new PostgresWarehouseAdapter({
        connection: await singleBackendConnection(pgUrl),
        dialect: adapter.dialect,
      });
      const { Client } = await import('pg');
      const writerUrl = new URL(pgUrl);
      writerUrl.pathname = `/${database}`;
      const writer = new Client({ connectionString: writerUrl.toString() });
      await writer.connect();
      return {
        adapter,
        scanAdapter,
        database,
        missingDatabase: `${id}_nowhere_dev`,
        async pipeline(...sql) {
          for (const s of sql) await writer.query(s);
          await writer.query('select pg_stat_force_next_flush()');
        },
        async cleanup() {
          await writer.end();
          await scanAdapter.close();
          await adapter.close();
          await admin.query(
            `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`,
          );
          await admin.close();
        },
      };
    },
  ]);
}

describe.each(platforms)('tableStats on %s', (_name, open) => {
  let h: Harness;
  let t: (table: string) => string;
  const ref = (table: string) => ({ schema: 's', table });

  beforeAll(async () => {
    h = await open();
    const schema = h.adapter.dialect.qualifiedSchema({
      database: h.database,
      schema: 's',
    });
    t = table =>
      h.adapter.dialect.qualifiedTable(
        { database: h.database, schema: 's' },
        table,
      );
    await h.pipeline(
      `CREATE SCHEMA ${schema}`,
      ...Array.from(
        { length: 30 },
        (_, i) =>
          `CREATE TABLE ${t(
            `quiet_${i}`,
          )} AS SELECT g AS id FROM generate_series(1, ${i + 1}) AS g`,
      ),
    );
  }, 120_000);

  afterAll(async () => {
    await h?.cleanup();
  }, 120_000);

  const stats = (
    adapter: PostgresWarehouseAdapter,
    tables: string[],
    database = h.database,
  ) =>
    adapter.tableStats(database, tables.map(ref), {
      loadedAtColumn: LOADED_AT,
    });

  /** Row count and last change per table, from one call, checking that one statement was sent. */
  async function observe(tables: string[]) {
    const before = h.adapter.connection.queryCount;
    const result = await stats(h.adapter, tables);
    expect(h.adapter.connection.queryCount - before).toBe(1);
    // PostgreSQL keeps no last-change time: a last change is always the load timestamp, and says so
    expect(result.map(s => s.freshnessSource ?? null)).toEqual(
      result.map(s => (s.lastAltered ? 'loaded_at' : null)),
    );
    return result.map(s =>
      s.exists ? [s.table, s.rowCount, s.lastAltered ?? null] : [s.table],
    );
  }

  it('sends one statement per database, whatever the number of tables, and one attempt for a missing database', async () => {
    const quiet = Array.from({ length: 30 }, (_, i) => `quiet_${i}`);
    const count = async (
      adapter: PostgresWarehouseAdapter,
      tables: string[],
      database?: string,
    ) => {
      const before = adapter.connection.queryCount;
      const result = await stats(adapter, tables, database);
      return { wire: adapter.connection.queryCount - before, result };
    };

    const one = await count(h.adapter, ['quiet_0']);
    expect(one.wire).toBe(1);
    expect(one.result).toEqual([
      {
        schema: 's',
        table: 'quiet_0',
        exists: true,
        rowCount: 1,
        bytes: expect.any(Number),
      },
    ]);
    const all = await count(h.adapter, [...quiet, 'missing']);
    expect(all.wire).toBe(1);
    expect(all.result.map(s => s.rowCount)).toEqual([
      ...quiet.map((_, i) => i + 1),
      undefined,
    ]);
    expect(all.result.at(-1)).toEqual({
      schema: 's',
      table: 'missing',
      exists: false,
    });

    const nowhere = await count(h.adapter, ['quiet_0', 'x'], h.missingDatabase);
    expect(nowhere.wire).toBe(1);
    expect(nowhere.result).toEqual([
      { schema: 's', table: 'quiet_0', exists: false },
      { schema: 's', table: 'x', exists: false },
    ]);

    // refused names never reach the warehouse
    const before = h.adapter.connection.queryCount;
    await expect(
      stats(h.adapter, ['x"; drop table s.quiet_0; --']),
    ).rejects.toThrow(/refusing identifier/);
    await expect(
      h.adapter.tableStats(h.database, [ref('quiet_0')], {
        loadedAtColumn: 'x" from pg_class; --',
      }),
    ).rejects.toThrow(/refusing identifier/);
    expect(h.adapter.connection.queryCount).toBe(before);
  }, 120_000);

  it('follows inserts, deletes, updates, a truncate-and-reload and a dropped table exactly', async () => {
    const tables = ['orders', 'events', 'orders_v', 'parted'];
    await h.pipeline(
      `CREATE TABLE ${t('orders')} (id int, ${LOADED_AT} timestamptz)`,
      // a load column of a type that is no time: counted, no last change
      `CREATE TABLE ${t('events')} (id int, ${LOADED_AT} text)`,
      `CREATE VIEW ${t('orders_v')} AS SELECT * FROM ${t(
        'orders',
      )} WHERE id % 2 = 0`,
      `CREATE TABLE ${t(
        'parted',
      )} (id int, ${LOADED_AT} timestamptz) PARTITION BY RANGE (id)`,
      `CREATE TABLE ${t('parted_low')} PARTITION OF ${t(
        'parted',
      )} FOR VALUES FROM (0) TO (1000)`,
    );
    // twice each time: the second answer may come from the cache and must agree
    const check = async (expected: unknown[]) => {
      expect(await observe(tables)).toEqual(expected);
      expect(await observe(tables)).toEqual(expected);
    };
    await check([
      ['orders', 0, null],
      ['events', 0, null],
      ['orders_v', 0, null],
      ['parted', 0, null],
    ]);

    await h.pipeline(
      `INSERT INTO ${t(
        'orders',
      )} SELECT g, '${T1}' FROM generate_series(1, 100) AS g`,
      `INSERT INTO ${t(
        'events',
      )} SELECT g, 'yesterday' FROM generate_series(1, 5) AS g`,
      `INSERT INTO ${t(
        'parted',
      )} SELECT g, '${T1}' FROM generate_series(1, 20) AS g`,
    );
    await check([
      ['orders', 100, T1],
      ['events', 5, null],
      ['orders_v', 50, T1],
      ['parted', 20, T1],
    ]);

    await h.pipeline(
      `INSERT INTO ${t(
        'orders',
      )} SELECT g, '${T2}' FROM generate_series(101, 110) AS g`,
      `DELETE FROM ${t('orders')} WHERE id <= 30`,
      `DELETE FROM ${t('events')} WHERE id = 5`,
    );
    await check([
      ['orders', 80, T2],
      ['events', 4, null],
      ['orders_v', 40, T2],
      ['parted', 20, T1],
    ]);

    // a full refresh: TRUNCATE then reload, published together (n_live_tup
    // would say 87 here); a new partition attached with rows of its own
    await h.pipeline(
      `TRUNCATE ${t('orders')}`,
      `INSERT INTO ${t(
        'orders',
      )} SELECT g, '${T3}' FROM generate_series(1, 7) AS g`,
      `CREATE TABLE ${t('parted_high')} (id int, ${LOADED_AT} timestamptz)`,
      `INSERT INTO ${t(
        'parted_high',
      )} SELECT g, '${T4}' FROM generate_series(1000, 1002) AS g`,
      `ALTER TABLE ${t('parted')} ATTACH PARTITION ${t(
        'parted_high',
      )} FOR VALUES FROM (1000) TO (2000)`,
    );
    await check([
      ['orders', 7, T3],
      ['events', 4, null],
      ['orders_v', 3, T3],
      ['parted', 23, T4],
    ]);

    // an update changes no count but the load timestamp (of an odd id: not
    // in the view, whose newest load stays T3)
    await h.pipeline(
      `UPDATE ${t('orders')} SET ${LOADED_AT} = '${T4}' WHERE id = 7`,
    );
    await check([
      ['orders', 7, T4],
      ['events', 4, null],
      ['orders_v', 3, T3],
      ['parted', 23, T4],
    ]);

    // a TRUNCATE alone changes no counter, only the storage
    await h.pipeline(`TRUNCATE ${t('events')}`);
    await check([
      ['orders', 7, T4],
      ['events', 0, null],
      ['orders_v', 3, T3],
      ['parted', 23, T4],
    ]);

    // dropped, then re-created under the same name with the same count
    await h.pipeline(`DROP TABLE ${t('orders')} CASCADE`);
    await check([
      ['orders'],
      ['events', 0, null],
      ['orders_v'],
      ['parted', 23, T4],
    ]);
    await h.pipeline(
      `CREATE TABLE ${t('orders')} (id int, ${LOADED_AT} timestamptz)`,
      `INSERT INTO ${t(
        'orders',
      )} SELECT g, '${T2}' FROM generate_series(1, 7) AS g`,
    );
    await check([
      ['orders', 7, T2],
      ['events', 0, null],
      ['orders_v'],
      ['parted', 23, T4],
    ]);
  }, 120_000);

  it('scans only the tables that changed', async () => {
    // a partitioned table is watched through its partition, which holds the rows
    const tables = ['scan_a', 'scan_b', 'scan_p'];
    const storage = ['scan_a', 'scan_b', 'scan_p_1'];
    await h.pipeline(
      ...['scan_a', 'scan_b'].map(
        name =>
          `CREATE TABLE ${t(
            name,
          )} AS SELECT g AS id, now() AS ${LOADED_AT} FROM generate_series(1, 10) AS g`,
      ),
      `CREATE TABLE ${t(
        'scan_p',
      )} (id int, ${LOADED_AT} timestamptz) PARTITION BY RANGE (id)`,
      `CREATE TABLE ${t('scan_p_1')} PARTITION OF ${t(
        'scan_p',
      )} FOR VALUES FROM (0) TO (100)`,
      `INSERT INTO ${t(
        'scan_p',
      )} SELECT g, now() FROM generate_series(1, 10) AS g`,
    );
    const adapter = h.scanAdapter;
    const db = adapter.dialect.physicalDatabase(h.database);
    const schema = adapter.dialect.physicalSchema({
      database: h.database,
      schema: 's',
    });
    // sequential scans of each table, including this backend's unpublished ones
    const scans = async () => {
      const rows = await adapter.connection.query<{
        relname: string;
        n: string;
      }>(
        `select c.relname, pg_stat_get_numscans(c.oid) + pg_stat_get_xact_numscans(c.oid) as n
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = $1 and c.relname = any($2::text[])`,
        [schema, storage],
        db,
      );
      return storage.map(name => Number(rows.find(r => r.relname === name)!.n));
    };
    /** Scans of each table caused by one tableStats call, and its row counts. */
    const cycle = async () => {
      const before = await scans();
      const result = await stats(adapter, tables);
      const after = await scans();
      return {
        scanned: after.map((n, i) => n - before[i]),
        rows: result.map(s => s.rowCount),
      };
    };
    // a server may be writing while the statement runs: a count is trusted
    // once the next cycle has confirmed it (see stats.ts)
    const confirmed = adapter.connection.exclusive ? [] : [1];

    const seen: number[][] = [];
    for (let i = 0; i < 2 + confirmed.length; i++) {
      const c = await cycle();
      expect(c.rows).toEqual([10, 10, 10]);
      seen.push(c.scanned);
    }
    expect(seen).toEqual([
      [1, 1, 1],
      ...confirmed.map(n => [n, n, n]),
      [0, 0, 0],
    ]);

    await h.pipeline(`INSERT INTO ${t('scan_b')} VALUES (11, now())`);
    const after: { scanned: number[]; rows: (number | undefined)[] }[] = [];
    for (let i = 0; i < 2 + confirmed.length; i++) after.push(await cycle());
    expect(after).toEqual([
      { scanned: [0, 1, 0], rows: [10, 11, 10] },
      ...confirmed.map(n => ({ scanned: [0, n, 0], rows: [10, 11, 10] })),
      { scanned: [0, 0, 0], rows: [10, 11, 10] },
    ]);
  }, 120_000);
});
