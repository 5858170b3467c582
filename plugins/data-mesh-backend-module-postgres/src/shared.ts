/*
 * One PGlite instance per data directory and process.
 *
 * PGlite keeps its database in memory and writes the directory back; two
 * instances on one directory overwrite each other's work (and the second
 * may not open at all). In one backend, the data-mesh plugin (through
 * warehouseAdaptersExtensionPoint) and the scaffolder's data-mesh actions
 * both need the embedded warehouse, and extension points cannot be shared
 * across plugins — so they share the connection here instead, by directory.
 * The registry lives on globalThis so that two copies of this package in one
 * process still find each other.
 */
import path from 'node:path';
import { type PostgresConnection, openPgliteConnection } from './connection';
import { PostgresDialect } from './dialect';
import { PostgresWarehouseAdapter } from './PostgresWarehouseAdapter';

interface Entry {
  connection: Promise<PostgresConnection>;
  holders: number;
}

const REGISTRY_KEY = Symbol.for(
  '@datamesh/plugin-data-mesh-backend-module-postgres/pglite',
);

function registry(): Map<string, Entry> {
  const g = globalThis as unknown as Record<symbol, Map<string, Entry>>;
  if (!g[REGISTRY_KEY]) g[REGISTRY_KEY] = new Map();
  return g[REGISTRY_KEY];
}

/**
 * A handle on the one shared connection to `dataDir`: queries go to the
 * shared instance, `close()` releases this handle only, and the instance is
 * closed when the last handle is.
 */
function handle(
  key: string,
  entry: Entry,
  connection: PostgresConnection,
): PostgresConnection {
  let closed = false;
  return {
    get queryCount() {
      return connection.queryCount;
    },
    exclusive: connection.exclusive,
    query: (sql, params, database) => {
      if (closed) throw new Error('this PGlite handle is closed');
      return connection.query(sql, params, database);
    },
    queryAs: (role, sql, database) => {
      if (closed) throw new Error('this PGlite handle is closed');
      return connection.queryAs(role, sql, database);
    },
    release: database => connection.release(database),
    async close() {
      if (closed) return;
      closed = true;
      entry.holders--;
      if (entry.holders === 0) {
        registry().delete(key);
        await connection.close();
      }
    },
  };
}

/**
 * The embedded PGlite warehouse of `dataDir`, shared by everyone in this
 * process who opens the same directory (resolved to an absolute path). Each
 * call returns its own adapter; closing it releases that adapter only.
 * Use this, not {@link createPgliteWarehouseAdapter}, wherever two parts of
 * one backend may open the warehouse.
 * @public
 */
export async function getSharedPgliteAdapter(options: {
  dataDir: string;
}): Promise<PostgresWarehouseAdapter> {
  const key = path.resolve(options.dataDir);
  const map = registry();
  let entry = map.get(key);
  if (!entry) {
    const opened = openPgliteConnection({ dataDir: key });
    entry = { connection: opened, holders: 0 };
    map.set(key, entry);
    // a failed open must not poison the registry for the next caller
    opened.catch(() => {
      if (map.get(key) === entry) map.delete(key);
    });
  }
  entry.holders++;
  let connection: PostgresConnection;
  try {
    connection = await entry.connection;
  } catch (e) {
    entry.holders--;
    throw e;
  }
  return new PostgresWarehouseAdapter({
    connection: handle(key, entry, connection),
    dialect: new PostgresDialect({
      id: 'pglite',
      displayName: 'PGlite',
      layout: 'schema-prefix',
    }),
  });
}
