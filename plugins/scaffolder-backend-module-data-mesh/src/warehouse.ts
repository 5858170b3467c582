/*
 * Which warehouse the actions provision.
 *
 * The warehouse adapters register with the `data-mesh` backend plugin
 * through its extension point, and a scaffolder module cannot reach another
 * plugin's extension points. So the actions build the adapter the same
 * config names (`dataMesh.warehouse`), through the factory functions the
 * adapter packages export — the way the `datamesh` CLI does. For the
 * embedded PGlite warehouse they take the process-wide shared instance,
 * because the data-mesh plugin may hold the same data directory open in
 * this backend.
 */
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { WarehouseAdapter } from '@datamesh/plugin-data-mesh-node';
import {
  DEFAULT_PGLITE_DATA_DIR,
  createPostgresWarehouseAdapter,
  getSharedPgliteAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';

/**
 * Opens the warehouse on first use and keeps it open for later tasks.
 * @public
 */
export interface WarehouseProvider {
  /** `pglite`, `postgres`, `snowflake`, or what a custom provider says. */
  readonly type: string;
  /** The adapter; opened on the first call, the same one afterwards. */
  getAdapter(): Promise<WarehouseAdapter>;
  /** Close the adapter if it was opened. */
  close(): Promise<void>;
}

// A variable, not a literal: the Snowflake module is optional and loaded
// only when configured, so neither the type checker nor the bundler needs it.
const SNOWFLAKE_MODULE = '@datamesh/plugin-data-mesh-backend-module-snowflake';

/**
 * A provider that opens whatever `dataMesh.warehouse.type` names (default
 * `pglite`), read exactly as the warehouse modules read it. Config errors
 * are thrown here, at startup; connection errors on first use.
 * @public
 */
export function warehouseProviderFromConfig(
  config: Config,
  options: { logger?: LoggerService } = {},
): WarehouseProvider {
  const type = config.getOptionalString('dataMesh.warehouse.type') ?? 'pglite';
  let open: () => Promise<WarehouseAdapter>;
  if (type === 'pglite') {
    const dataDir = path.resolve(
      config.getOptionalString('dataMesh.warehouse.pglite.dataDir') ??
        DEFAULT_PGLITE_DATA_DIR,
    );
    open = async () => {
      options.logger?.info(
        `Opening the embedded PGlite warehouse in ${dataDir}`,
      );
      return getSharedPgliteAdapter({ dataDir });
    };
  } else if (type === 'postgres') {
    const pg = config.getOptionalConfig('dataMesh.warehouse.postgres');
    if (!pg?.has('connection')) {
      throw new Error(
        'dataMesh.warehouse.type is postgres, but dataMesh.warehouse.postgres.connection is not set',
      );
    }
    const raw = pg.get('connection');
    const connection =
      typeof raw === 'string'
        ? raw
        : (pg.getConfig('connection').get() as Record<string, unknown>);
    const layout = pg.getOptionalString('layout') ?? 'database';
    if (layout !== 'database' && layout !== 'schema-prefix') {
      throw new Error(
        `dataMesh.warehouse.postgres.layout must be 'database' or 'schema-prefix', not '${layout}'`,
      );
    }
    open = () => createPostgresWarehouseAdapter({ connection, layout });
  } else if (type === 'snowflake') {
    open = async () => {
      let mod: Record<string, unknown>;
      try {
        mod = await import(SNOWFLAKE_MODULE);
      } catch (e) {
        throw new Error(
          `dataMesh.warehouse.type is snowflake, but ${SNOWFLAKE_MODULE} cannot be loaded; add it to the backend's dependencies (${
            (e as Error).message
          })`,
        );
      }
      const factory = mod.createSnowflakeWarehouseAdapterFromConfig as
        | ((
            root: Config,
            o?: { logger?: LoggerService },
          ) => Promise<WarehouseAdapter>)
        | undefined;
      if (typeof factory !== 'function') {
        throw new Error(
          `${SNOWFLAKE_MODULE} does not export createSnowflakeWarehouseAdapterFromConfig`,
        );
      }
      return factory(config, { logger: options.logger });
    };
  } else {
    throw new Error(
      `dataMesh.warehouse.type '${type}' is not one of pglite, postgres, snowflake`,
    );
  }
  return lazyWarehouseProvider(type, open);
}

/**
 * A provider around any way of opening an adapter: opened once, on first
 * use; a failed open is retried by the next task instead of being cached.
 * @public
 */
export function lazyWarehouseProvider(
  type: string,
  open: () => Promise<WarehouseAdapter>,
): WarehouseProvider {
  let adapter: Promise<WarehouseAdapter> | undefined;
  return {
    type,
    getAdapter() {
      if (!adapter) {
        const opening = open();
        adapter = opening;
        opening.catch(() => {
          if (adapter === opening) adapter = undefined;
        });
      }
      return adapter;
    },
    async close() {
      const current = adapter;
      adapter = undefined;
      if (current) await (await current.catch(() => undefined))?.close();
    },
  };
}
