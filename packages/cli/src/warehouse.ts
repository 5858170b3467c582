/*
 * Which warehouse the CLI talks to: the same resolver as the backend's
 * warehouse service (data-mesh-node's resolveWarehouse), given the warehouse
 * types of the adapter packages. Resolving is separate from opening, so
 * that every problem with the input is reported before anything is opened,
 * created or sent.
 */
import { type Config, ConfigReader } from '@backstage/config';
import {
  type ResolvedWarehouse,
  type WarehouseAdapterFactory,
  resolveWarehouse,
} from '@datamesh/plugin-data-mesh-node';
import {
  pgliteWarehouseAdapterFactory,
  postgresWarehouseAdapterFactory,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';

/**
 * Warehouse type `snowflake`, its package loaded only when a config names
 * it: the driver takes seconds to load, which every other command would pay.
 */
const snowflakeWarehouseAdapterFactory: WarehouseAdapterFactory = {
  type: 'snowflake',
  fromConfig(settings, context) {
    // `require`, not `import()`: the node transform keeps a dynamic import
    // native, and native ESM sees no named exports in a transformed
    // CommonJS module.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const snowflake: typeof import('@datamesh/plugin-data-mesh-backend-module-snowflake') = require('@datamesh/plugin-data-mesh-backend-module-snowflake');
    return snowflake.snowflakeWarehouseAdapterFactory.fromConfig(
      settings,
      context,
    );
  },
};

/** The warehouse types the CLI can open. */
export const CLI_WAREHOUSE_FACTORIES: WarehouseAdapterFactory[] = [
  pgliteWarehouseAdapterFactory,
  postgresWarehouseAdapterFactory,
  snowflakeWarehouseAdapterFactory,
];

/**
 * The warehouse `dataMesh.warehouse` configures (default: the embedded
 * PGlite). `dataDir` overrides `dataMesh.warehouse.pglite.dataDir`;
 * relative directories are taken from `cwd`, as the backend takes them from
 * its working directory.
 * @returns the warehouse, or a message saying what is wrong with the config
 */
export function resolveCliWarehouse(
  config: Config,
  options: { dataDir?: string; cwd?: string } = {},
): ResolvedWarehouse | { error: string } {
  try {
    const warehouse = resolveWarehouse(config, CLI_WAREHOUSE_FACTORIES, {
      workingDirectory: options.cwd,
    });
    if (options.dataDir === undefined) return warehouse;
    if (warehouse.type !== 'pglite') {
      return {
        error: `--data-dir is the directory of the embedded PGlite warehouse, but dataMesh.warehouse.type is '${warehouse.type}'`,
      };
    }
    return pgliteWarehouseAdapterFactory.fromConfig(
      new ConfigReader({ dataDir: options.dataDir }, '--data-dir'),
      { workingDirectory: options.cwd ?? process.cwd() },
    );
  } catch (e) {
    return { error: (e as Error).message };
  }
}
