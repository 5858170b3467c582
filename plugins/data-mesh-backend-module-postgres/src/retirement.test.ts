/*
 * Retirement (lifecycle engine of data-mesh-node) on PGlite always, and on
 * a real PostgreSQL server in both layouts when DATAMESH_TEST_PG_URL is set.
 */
import { randomBytes } from 'node:crypto';
import { platformConfig } from '@datamesh/plugin-data-mesh-node';
import { runRetirementBehaviourSuite } from '@datamesh/plugin-data-mesh-node/testUtils';
import {
  createPgliteWarehouseAdapter,
  createPostgresWarehouseAdapter,
} from './adapters';
import { openPgConnection } from './connection';

const runId = () => `r${randomBytes(4).toString('hex').slice(0, 6)}`;

runRetirementBehaviourSuite('PGlite', async () => {
  const adapter = await createPgliteWarehouseAdapter({ inMemory: true });
  return {
    adapter,
    platform: platformConfig({ organization: 'acme' }),
    domainPrefix: runId(),
    queryAs: (role, _database, sql) => adapter.connection.queryAs(role, sql),
    queryCount: () => adapter.connection.queryCount,
    cleanup: () => adapter.close(),
  };
});

const pgUrl = process.env.DATAMESH_TEST_PG_URL;

for (const layout of ['database', 'schema-prefix'] as const) {
  if (!pgUrl) break;
  runRetirementBehaviourSuite(
    `PostgreSQL server (${layout} layout)`,
    async () => {
      const adapter = await createPostgresWarehouseAdapter({
        connection: pgUrl,
        layout,
      });
      const id = runId();
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
        queryCount: () => adapter.connection.queryCount,
        async cleanup() {
          await adapter.close();
          // what a failed run left (names carry the run's id)
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
