/*
 * readUsage against PGlite always and a PostgreSQL server when
 * DATAMESH_TEST_PG_URL is set: one statement per database and call, scan
 * counters that grow with a consumer's reads (sequential and index scans),
 * tables only (a view has no counter), missing tables left out.
 *
 * On the server the consumer reads from its own session and then calls
 * pg_stat_force_next_flush(), standing for the publication PostgreSQL does
 * by itself within seconds; PGlite has one session, the adapter's own.
 */
import { randomBytes } from 'node:crypto';
import type { Client as PgClient } from 'pg';
import { InvalidIdentifierError } from '@datamesh/plugin-data-mesh-node';
import {
  createPgliteWarehouseAdapter,
  createPostgresWarehouseAdapter,
} from './adapters';
import { openPgConnection } from './connection';
import type { PostgresWarehouseAdapter } from './PostgresWarehouseAdapter';

interface Harness {
  adapter: PostgresWarehouseAdapter;
  database: string;
  /** Run statements as a consumer does, then let the statistics be published. */
  consumer(...sql: string[]): Promise<void>;
  cleanup(): Promise<void>;
}

const platforms: [string, () => Promise<Harness>][] = [
  [
    'PGlite',
    async () => {
      const adapter = await createPgliteWarehouseAdapter({ inMemory: true });
      return {
        adapter,
        database: 'acme_usage_dev',
        async consumer(...sql) {
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
      const database = `${id}_usage_dev`;
      const admin = await openPgConnection(pgUrl);
      await admin.query(`CREATE DATABASE "${database}"`);
      const adapter = await createPostgresWarehouseAdapter({
        connection: pgUrl,
        layout: 'database',
      });
      const { Client } = await import('pg');
      const url = new URL(pgUrl);
      url.pathname = `/${database}`;
      const client: PgClient = new Client({ connectionString: url.toString() });
      await client.connect();
      return {
        adapter,
        database,
        async consumer(...sql) {
          for (const s of sql) await client.query(s);
          await client.query('select pg_stat_force_next_flush()');
        },
        async cleanup() {
          await client.end();
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

describe.each(platforms)('readUsage on %s', (_name, open) => {
  let h: Harness;
  let t: (table: string) => string;
  const ref = (table: string) => ({ schema: 'out', table });

  beforeAll(async () => {
    h = await open();
    const at = { database: h.database, schema: 'out' };
    t = table => h.adapter.dialect.qualifiedTable(at, table);
    await h.consumer(
      `CREATE SCHEMA ${h.adapter.dialect.qualifiedSchema(at)}`,
      `CREATE TABLE ${t('orders')} (id int primary key, amount int)`,
      `INSERT INTO ${t('orders')} SELECT g, g FROM generate_series(1, 50) g`,
      `CREATE TABLE ${t('quiet')} (id int)`,
      `CREATE VIEW ${t('orders_v')} AS SELECT id FROM ${t('orders')}`,
    );
  }, 120_000);

  afterAll(async () => {
    await h?.cleanup();
  }, 120_000);

  async function read(tables: string[]) {
    const before = h.adapter.connection.queryCount;
    const reading = await h.adapter.readUsage(h.database, tables.map(ref), {
      since: new Date(0).toISOString(),
    });
    expect(h.adapter.connection.queryCount - before).toBe(1);
    expect(reading.source).toBe('table-level');
    expect(reading.notes.join(' ')).toMatch(/not reads per consumer role/);
    return new Map(reading.rows.map(r => [r.table, r]));
  }

  it('counts sequential and index scans per table, with no role or day', async () => {
    const first = await read(['orders', 'quiet']);
    const orders0 = first.get('orders')!.reads;
    const quiet0 = first.get('quiet')!.reads;
    expect(first.get('orders')).toEqual({
      schema: 'out',
      table: 'orders',
      reads: orders0,
    });

    await h.consumer(
      `SELECT sum(amount) FROM ${t('orders')}`,
      // an index scan (the primary key), forced so the planner cannot pick a seq scan
      'SET enable_seqscan = off',
      `SELECT amount FROM ${t('orders')} WHERE id = 7`,
      'RESET enable_seqscan',
      // through the view: the scan is counted on the table below
      `SELECT count(*) FROM ${t('orders_v')}`,
    );
    const second = await read(['orders', 'quiet']);
    expect(second.get('orders')!.reads - orders0).toBe(3);
    expect(second.get('quiet')!.reads).toBe(quiet0);
  });

  it('leaves out views and tables that do not exist, in one statement', async () => {
    const rows = await read(['orders_v', 'missing', 'orders']);
    expect([...rows.keys()]).toEqual(['orders']);
  });

  it('refuses a name that is not an identifier before sending anything', async () => {
    const before = h.adapter.connection.queryCount;
    await expect(
      h.adapter.readUsage(h.database, [ref('orders"; drop table x; --')], {
        since: new Date(0).toISOString(),
      }),
    ).rejects.toThrow(InvalidIdentifierError);
    expect(h.adapter.connection.queryCount).toBe(before);
  });
});
