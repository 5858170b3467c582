import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { warehouseAdaptersExtensionPoint } from '@datamesh/plugin-data-mesh-node';
import { readSnowflakeConnectionSettings } from './config';
import { SnowflakeWarehouseAdapter } from './SnowflakeWarehouseAdapter';

/**
 * Registers the `snowflake` warehouse with the data-mesh backend plugin when
 * `dataMesh.warehouse.snowflake` is configured. Nothing connects at startup:
 * the plugin opens the session when it first needs the warehouse.
 * @public
 */
export const dataMeshModuleSnowflake = createBackendModule({
  pluginId: 'data-mesh',
  moduleId: 'snowflake',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        adapters: warehouseAdaptersExtensionPoint,
      },
      async init({ config, logger, adapters }) {
        const connection = readSnowflakeConnectionSettings(config);
        if (!connection) {
          logger.info(
            'dataMesh.warehouse.snowflake is not configured; the Snowflake warehouse is not available',
          );
          return;
        }
        adapters.addAdapter({
          type: 'snowflake',
          async create() {
            logger.info(
              `Connecting to Snowflake account ${connection.account} as ${
                connection.username
              } (${
                connection.auth.type === 'password' ? 'password' : 'key-pair'
              } authentication)`,
            );
            return new SnowflakeWarehouseAdapter({ connection, logger });
          },
        });
      },
    });
  },
});
