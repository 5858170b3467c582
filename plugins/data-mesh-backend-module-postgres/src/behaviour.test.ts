/*
 * The shared WarehouseAdapter behaviour suite, against PGlite always and
 * against a real PostgreSQL server when DATAMESH_TEST_PG_URL is set
 * (CI: postgres://postgres@127.0.0.1:5432/test).
 */
import { randomBytes } from 'node:crypto';
import { platformConfig } from '@datamesh/plugin-data-mesh-node';
import { runWarehouseAdapterBehaviourSuite } from '@datamesh/plugin-data-mesh-node/testUtils';
import {
  createPgliteWarehouseAdapter,
  createPostgresWarehouseAdapter,
} from './adapters';
import { openPgConnection } from './connection';

const runId = () => `t${randomBytes(4).toString('hex').slice(0, 6)}`;

runWarehouseAdapterBehaviourSuite(
  'PGlite (embedded, schema-prefix layout)',
  async () => {
    const adapter = await createPgliteWarehouseAdapter({ inMemory: true });
    const id = runId();
    return {
      adapter,
      platform: platformConfig({ organization: 'acme' }),
      domainPrefix: id,
      queryAs: (role, _database, sql) => adapter.connection.queryAs(role, sql),
      queryCount: () => adapter.connection.queryCount,
      cleanup: () => adapter.close(),
    };
  },
);

const pgUrl = process.env.DATAMESH_TEST_PG_URL;

for (const layout of ['database', 'schema-prefix'] as const) {
  if (!pgUrl) break;
  runWarehouseAdapterBehaviourSuite(
    `PostgreSQL server (${layout} layout)`,
    async () => {
      const adapter = await createPostgresWarehouseAdapter({
        connection: pgUrl,
        layout,
      });
      const id = runId();
      const platform = platformConfig({ organization: id });
      return {
        adapter,
        platform,
        domainPrefix: id,
        queryAs: (role, database, sql) =>
          adapter.connection.queryAs(
            role,
            sql,
            layout === 'database' ? database : undefined,
          ),
        queryCount: () => adapter.connection.queryCount,
        async cleanup() {
          await adapter.close();
          // Belt and braces after the engine's own cleanup: anything left by a
          // failed run (names carry this run's unique id) is removed here.
          const admin = await openPgConnection(pgUrl);
          try {
            const dbs = await admin.query<{ datname: string }>(
              'select datname from pg_database where datname like $1',
              [`${id}\\_%`],
            );
            for (const { datname } of dbs) {
              await admin.query(
                `DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`,
              );
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
        },
      };
    },
  );
}
