import { createServiceFactory } from '@backstage/backend-plugin-api';
import { warehouseAdapterFactoriesServiceRef } from '@datamesh/plugin-data-mesh-node';
import { snowflakeWarehouseAdapterFactory } from './config';

/**
 * Installs warehouse type `snowflake` in a backend
 * (`dataMesh.warehouse.type: snowflake`). Nothing connects at startup: the
 * session opens when the warehouse is first used.
 * @public
 */
export const snowflakeWarehouseServiceFactory = createServiceFactory({
  service: warehouseAdapterFactoriesServiceRef,
  deps: {},
  factory: () => snowflakeWarehouseAdapterFactory,
});
