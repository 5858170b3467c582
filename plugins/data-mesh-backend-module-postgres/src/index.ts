/**
 * WarehouseAdapter for PostgreSQL (`pg`) and PGlite, the embedded default
 * warehouse of Backstage Data Mesh. The default export installs both
 * warehouse types in a backend: `backend.add(import(...))`.
 *
 * @packageDocumentation
 */
import { createBackendFeatureLoader } from '@backstage/backend-plugin-api';
import {
  pgliteWarehouseServiceFactory,
  postgresWarehouseServiceFactory,
} from './factories';

/**
 * Warehouse types `pglite` and `postgres`, for `backend.add`.
 * @public
 */
export const postgresWarehouseServiceFactories = createBackendFeatureLoader({
  *loader() {
    yield pgliteWarehouseServiceFactory;
    yield postgresWarehouseServiceFactory;
  },
});
export default postgresWarehouseServiceFactories;
export * from './factories';
export * from './adapters';
export * from './dialect';
export * from './connection';
export * from './PostgresWarehouseAdapter';
