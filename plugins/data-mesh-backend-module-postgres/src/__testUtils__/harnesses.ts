/*
 * Harnesses for the shared suites of data-mesh-node
 * (runWarehouseAdapterBehaviourSuite, runRetirementBehaviourSuite): PGlite
 * always, and the real PostgreSQL server in both layouts when
 * DATAMESH_TEST_PG_URL is set (CI: postgres://postgres@127.0.0.1:5432/test).
 */
import { randomBytes } from 'node:crypto';
import { platformConfig } from '@datamesh/plugin-data-mesh-node';
import type { WarehouseTestHarness } from '@datamesh/plugin-data-mesh-node/testUtils';
import {
  createPgliteWarehouseAdapter,
  createPostgresWarehouseAdapter,
} from '../adapters';
import { openPgConnection } from '../connection';

type HarnessFactory = () => Promise<WarehouseTestHarness>;

/** A unique run id: names made by the run start with it. */
const runId = (prefix: string) =>
  `${prefix}${randomBytes(4).toString('hex').slice(0, 6)}`;

/** PGlite in memory, fresh per suite. */
export function pgliteHarness(prefix: string): HarnessFactory {
  return async () => {
    const adapter = await createPgliteWarehouseAdapter({ inMemory: true });
    return {
      adapter,
      platform: platformConfig({ organization: 'acme' }),
      domainPrefix: runId(prefix),
      queryAs: (role, _database, sql) => adapter.connection.queryAs(role, sql),
      // PGlite has one session: a transaction rolled back undoes SET ROLE too
      async runSession(_database, statements) {
        const { connection } = adapter;
        await connection.query('BEGIN');
        try {
          let rows: unknown[] = [];
          for (const sql of statements) rows = await connection.query(sql);
          return rows;
        } finally {
          await connection.query('ROLLBACK');
        }
      },
      queryCount: () => adapter.connection.queryCount,
      cleanup: () => adapter.close(),
    };
  };
}

/**
 * The PostgreSQL server in the database and the schema-prefix layouts, as
 * [name, factory] pairs; none without DATAMESH_TEST_PG_URL.
 */
export function postgresServerHarnesses(
  prefix: string,
): [string, HarnessFactory][] {
  const pgUrl = process.env.DATAMESH_TEST_PG_URL;
  if (!pgUrl) return [];
  return (['database', 'schema-prefix'] as const).map(layout => [
    `PostgreSQL server (${layout} layout)`,
    async () => {
      const adapter = await createPostgresWarehouseAdapter({
        connection: pgUrl,
        layout,
      });
      const id = runId(prefix);
      return {
        adapter,
        platform: platformConfig({ organization: id }),
        domainPrefix: id,
        queryAs: (role, database, sql) =>
          adapter.connection.queryAs(
            role,
            sql,
            layout === 'database' ? database : undefined,
          ),
        async runSession(database, statements) {
          const { Client } = await import('pg');
          const url = new URL(pgUrl);
          if (database) url.pathname = `/${database}`;
          const client = new Client({ connectionString: url.toString() });
          await client.connect();
          try {
            let rows: unknown[] = [];
            for (const sql of statements) rows = (await client.query(sql)).rows;
            return rows;
          } finally {
            await client.end();
          }
        },
        queryCount: () => adapter.connection.queryCount,
        async cleanup() {
          await adapter.close();
          await dropWhatTheRunLeft(pgUrl, id);
        },
      };
    },
  ]);
}

/**
 * Belt and braces after the engine's own cleanup: anything a failed run
 * left (its names carry the run's unique id) is removed.
 */
async function dropWhatTheRunLeft(pgUrl: string, id: string) {
  const admin = await openPgConnection(pgUrl);
  try {
    const dbs = await admin.query<{ datname: string }>(
      'select datname from pg_database where datname like $1',
      [`${id}\\_%`],
    );
    for (const { datname } of dbs) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    const schemas = await admin.query<{ nspname: string }>(
      'select nspname from pg_namespace where nspname like $1',
      [`${id}\\_%`],
    );
    for (const { nspname } of schemas) {
      await admin.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
    }
    const roles = await admin.query<{ rolname: string }>(
      'select rolname from pg_roles where rolname like $1',
      [`${id}\\_%`],
    );
    for (const { rolname } of roles) {
      await admin.query(`DROP OWNED BY "${rolname}"`);
      await admin.query(`DROP ROLE IF EXISTS "${rolname}"`);
    }
  } finally {
    await admin.close();
  }
}
