/*
 * The `pglite` and `postgres` warehouse types: how each reads its section of
 * `dataMesh.warehouse` and opens an adapter. The backend installs them as
 * service factories (one warehouse per process, see data-mesh-node's
 * warehouseServiceRef); the `datamesh` CLI hands them to resolveWarehouse.
 */
import path from 'node:path';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  type WarehouseAdapterFactory,
  warehouseAdapterFactoriesServiceRef,
} from '@datamesh/plugin-data-mesh-node';
import {
  DEFAULT_PGLITE_DATA_DIR,
  createPgliteWarehouseAdapter,
  createPostgresWarehouseAdapter,
} from './adapters';
import type { PgConnectionConfig } from './connection';
import type { DatabaseLayout } from './dialect';

/**
 * Warehouse type `pglite`, the embedded default: `dataMesh.warehouse.pglite.dataDir`
 * (default `.data/warehouse`, relative to the working directory).
 * @public
 */
export const pgliteWarehouseAdapterFactory: WarehouseAdapterFactory = {
  type: 'pglite',
  fromConfig(settings, { workingDirectory, logger }) {
    const dataDir = path.resolve(
      workingDirectory,
      settings?.getOptionalString('dataDir') ?? DEFAULT_PGLITE_DATA_DIR,
    );
    return {
      type: 'pglite',
      description: `PGlite in ${dataDir}`,
      dataDirectory: dataDir,
      async open() {
        logger?.info(`Opening the embedded PGlite warehouse in ${dataDir}`);
        return createPgliteWarehouseAdapter({ dataDir });
      },
    };
  },
};

/** Host and port of a connection, without user or password. */
function describeConnection(connection: PgConnectionConfig): string {
  if (typeof connection !== 'string') {
    return `${String(connection.host ?? 'localhost')}:${String(
      connection.port ?? 5432,
    )}`;
  }
  try {
    const url = new URL(connection);
    return `${url.hostname}${url.port ? `:${url.port}` : ''}`;
  } catch {
    return '(connection string)';
  }
}

function readConnection(settings: Config | undefined): PgConnectionConfig {
  if (!settings?.has('connection')) {
    throw new Error(
      'dataMesh.warehouse.type is postgres, but dataMesh.warehouse.postgres.connection is not set',
    );
  }
  const raw = settings.get('connection');
  return typeof raw === 'string'
    ? raw
    : (settings.getConfig('connection').get() as Record<string, unknown>);
}

/**
 * Warehouse type `postgres`, a PostgreSQL server:
 * `dataMesh.warehouse.postgres.connection` and `.layout`.
 * @public
 */
export const postgresWarehouseAdapterFactory: WarehouseAdapterFactory = {
  type: 'postgres',
  fromConfig(settings) {
    const connection = readConnection(settings);
    const layout = (settings?.getOptionalString('layout') ??
      'database') as DatabaseLayout;
    if (layout !== 'database' && layout !== 'schema-prefix') {
      throw new Error(
        `dataMesh.warehouse.postgres.layout must be 'database' or 'schema-prefix', not '${layout}'`,
      );
    }
    return {
      type: 'postgres',
      description: `PostgreSQL at ${describeConnection(connection)}`,
      open: () => createPostgresWarehouseAdapter({ connection, layout }),
    };
  },
};

/** Installs warehouse type `pglite` in a backend. @public */
export const pgliteWarehouseServiceFactory = createServiceFactory({
  service: warehouseAdapterFactoriesServiceRef,
  deps: {},
  factory: () => pgliteWarehouseAdapterFactory,
});

/** Installs warehouse type `postgres` in a backend. @public */
export const postgresWarehouseServiceFactory = createServiceFactory({
  service: warehouseAdapterFactoriesServiceRef,
  deps: {},
  factory: () => postgresWarehouseAdapterFactory,
});
