import {
  type PgConnectionConfig,
  openPgConnection,
  openPgliteConnection,
} from './connection';
import { type DatabaseLayout, PostgresDialect } from './dialect';
import { PostgresWarehouseAdapter } from './PostgresWarehouseAdapter';

/** Default data directory of the embedded warehouse, relative to the working directory. @public */
export const DEFAULT_PGLITE_DATA_DIR = '.data/warehouse';

/**
 * The embedded default: PGlite, persisted in `dataDir` (in memory when
 * `dataDir` is `undefined` and `inMemory` is set). One PGlite instance hosts
 * one database, so the database level is mapped to a schema prefix.
 * @public
 */
export async function createPgliteWarehouseAdapter(
  options: { dataDir?: string; inMemory?: boolean } = {},
): Promise<PostgresWarehouseAdapter> {
  const connection = await openPgliteConnection({
    dataDir: options.inMemory
      ? undefined
      : options.dataDir ?? DEFAULT_PGLITE_DATA_DIR,
  });
  return new PostgresWarehouseAdapter({
    connection,
    dialect: new PostgresDialect({
      id: 'pglite',
      displayName: 'PGlite',
      layout: 'schema-prefix',
    }),
  });
}

/**
 * A real PostgreSQL server through `pg`. `layout: 'database'` (default)
 * creates a real database per organisation-domain-stage; `schema-prefix`
 * keeps everything in the connection's database, for servers where the
 * platform may not create databases.
 * @public
 */
export async function createPostgresWarehouseAdapter(options: {
  connection: PgConnectionConfig;
  layout?: DatabaseLayout;
}): Promise<PostgresWarehouseAdapter> {
  const connection = await openPgConnection(options.connection);
  return new PostgresWarehouseAdapter({
    connection,
    dialect: new PostgresDialect({
      id: 'postgresql',
      displayName: 'PostgreSQL',
      layout: options.layout ?? 'database',
    }),
  });
}
