import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { WarehouseAdapter } from './warehouse/types';

/**
 * Builds an adapter when the data-mesh backend needs one. A factory rather
 * than an adapter so that modules register at startup without connecting,
 * and the plugin decides when (and whether) to open a connection.
 * @public
 */
export interface WarehouseAdapterFactory {
  /** Warehouse type the factory serves, matched against `dataMesh.warehouse.type`, e.g. `pglite`, `postgres`, `snowflake`. */
  type: string;
  /** Open a connection. Called lazily, at most once per type by the plugin. */
  create(): Promise<WarehouseAdapter>;
}

/** @public */
export interface WarehouseAdaptersExtensionPoint {
  addAdapter(factory: WarehouseAdapterFactory): void;
}

/**
 * Extension point through which backend modules
 * (`data-mesh-backend-module-postgres`, `-snowflake`) register warehouse adapters
 * with the `data-mesh` backend plugin.
 * @public
 */
export const warehouseAdaptersExtensionPoint =
  createExtensionPoint<WarehouseAdaptersExtensionPoint>({
    id: 'data-mesh.warehouse-adapters',
  });
