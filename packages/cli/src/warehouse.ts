/*
 * Which warehouse the CLI talks to, from the same `dataMesh.warehouse`
 * config the backend reads. Resolving the choice is separate from opening
 * the connection, so that every problem with the input is reported before
 * anything is opened, created or sent.
 */
import path from 'node:path';
import type { Config } from '@backstage/config';
import type { WarehouseAdapter } from '@datamesh/plugin-data-mesh-node';
import {
  DEFAULT_PGLITE_DATA_DIR,
  createPgliteWarehouseAdapter,
  createPostgresWarehouseAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';

/** The warehouse types the CLI can open. */
export const WAREHOUSE_TYPES = ['pglite', 'postgres', 'snowflake'] as const;

/** A resolved, not yet opened, warehouse. */
export interface WarehouseTarget {
  type: (typeof WAREHOUSE_TYPES)[number];
  /** For messages, e.g. `PGlite in /repo/.data/warehouse`; never contains secrets. */
  description: string;
  open(): Promise<WarehouseAdapter>;
}

/**
 * The warehouse `dataMesh.warehouse.type` names (default `pglite`, the
 * embedded one). `dataDir` overrides `dataMesh.warehouse.pglite.dataDir`;
 * relative directories are taken from `cwd`, as the backend takes them from
 * its working directory.
 * @returns the target, or a message saying what is wrong with the config
 */
export function resolveWarehouse(
  config: Config,
  options: { dataDir?: string; cwd?: string } = {},
): WarehouseTarget | { error: string } {
  const cwd = options.cwd ?? process.cwd();
  let type: string;
  try {
    type = config.getOptionalString('dataMesh.warehouse.type') ?? 'pglite';
  } catch (e) {
    return { error: (e as Error).message };
  }
  if (options.dataDir !== undefined && type !== 'pglite') {
    return {
      error: `--data-dir is the directory of the embedded PGlite warehouse, but dataMesh.warehouse.type is '${type}'`,
    };
  }

  if (type === 'pglite') {
    let configured: string | undefined;
    try {
      configured = config.getOptionalString(
        'dataMesh.warehouse.pglite.dataDir',
      );
    } catch (e) {
      return { error: (e as Error).message };
    }
    const dataDir = path.resolve(
      cwd,
      options.dataDir ?? configured ?? DEFAULT_PGLITE_DATA_DIR,
    );
    return {
      type,
      description: `PGlite in ${dataDir}`,
      open: () => createPgliteWarehouseAdapter({ dataDir }),
    };
  }

  if (type === 'postgres') {
    const pg = config.getOptionalConfig('dataMesh.warehouse.postgres');
    if (!pg?.has('connection')) {
      return {
        error:
          'dataMesh.warehouse.type is postgres, but dataMesh.warehouse.postgres.connection is not set',
      };
    }
    const raw = pg.get('connection');
    const connection =
      typeof raw === 'string'
        ? raw
        : (pg.getConfig('connection').get() as Record<string, unknown>);
    const layout = pg.getOptionalString('layout') ?? 'database';
    if (layout !== 'database' && layout !== 'schema-prefix') {
      return {
        error: `dataMesh.warehouse.postgres.layout must be 'database' or 'schema-prefix', not '${layout}'`,
      };
    }
    const where =
      typeof connection === 'string'
        ? safeHost(connection)
        : `${String(connection.host ?? 'localhost')}:${String(
            connection.port ?? 5432,
          )}`;
    return {
      type,
      description: `PostgreSQL at ${where}`,
      open: () => createPostgresWarehouseAdapter({ connection, layout }),
    };
  }

  if (type === 'snowflake') {
    return {
      type,
      description: `Snowflake account ${
        config.getOptionalString('dataMesh.warehouse.snowflake.account') ??
        '(not configured)'
      }`,
      async open() {
        // Loaded only when configured: the driver is large. `require`, not
        // `import()`: the node transform keeps a dynamic import native, and
        // native ESM sees no named exports in a transformed CommonJS module.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const snowflake: typeof import('@datamesh/plugin-data-mesh-backend-module-snowflake') = require('@datamesh/plugin-data-mesh-backend-module-snowflake');
        const { createSnowflakeWarehouseAdapterFromConfig } = snowflake;
        return createSnowflakeWarehouseAdapterFromConfig(config);
      },
    };
  }

  return {
    error: `dataMesh.warehouse.type '${type}' is not one of ${WAREHOUSE_TYPES.join(
      ', ',
    )}`,
  };
}

/** Host and port of a connection string, without user or password. */
function safeHost(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}${url.port ? `:${url.port}` : ''}`;
  } catch {
    return '(connection string)';
  }
}
