import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { warehouseAdaptersExtensionPoint } from '@datamesh/plugin-data-mesh-node';
import path from 'node:path';
import {
  DEFAULT_PGLITE_DATA_DIR,
  createPostgresWarehouseAdapter,
} from './adapters';
import { getSharedPgliteAdapter } from './shared';
import type { DatabaseLayout } from './dialect';

/**
 * Registers the `pglite` warehouse (always; the embedded default) and the
 * `postgres` warehouse (when `dataMesh.warehouse.postgres.connection` is
 * configured) with the data-mesh backend plugin.
 * @public
 */
export const dataMeshModulePostgres = createBackendModule({
  pluginId: 'data-mesh',
  moduleId: 'postgres',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        adapters: warehouseAdaptersExtensionPoint,
      },
      async init({ config, logger, adapters }) {
        const dataDir = path.resolve(
          config.getOptionalString('dataMesh.warehouse.pglite.dataDir') ??
            DEFAULT_PGLITE_DATA_DIR,
        );
        adapters.addAdapter({
          type: 'pglite',
          async create() {
            logger.info(`Opening the embedded PGlite warehouse in ${dataDir}`);
            // shared: the scaffolder's data-mesh actions may open the same directory in this process
            return getSharedPgliteAdapter({ dataDir });
          },
        });
        const pg = config.getOptionalConfig('dataMesh.warehouse.postgres');
        if (pg?.has('connection')) {
          const raw = pg.get('connection');
          const connection =
            typeof raw === 'string'
              ? raw
              : (pg.getConfig('connection').get() as Record<string, unknown>);
          const layout = (pg.getOptionalString('layout') ??
            'database') as DatabaseLayout;
          if (layout !== 'database' && layout !== 'schema-prefix') {
            throw new Error(
              `dataMesh.warehouse.postgres.layout must be 'database' or 'schema-prefix', not '${layout}'`,
            );
          }
          adapters.addAdapter({
            type: 'postgres',
            async create() {
              return createPostgresWarehouseAdapter({ connection, layout });
            },
          });
        }
      },
    });
  },
});
