import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  type WarehouseAdapter,
  type WarehouseService,
  warehouseServiceRef,
} from '@datamesh/plugin-data-mesh-node';

/**
 * A module of the data-mesh plugin that hands the test the backend's
 * warehouse service, so the test reaches the very adapter the plugin uses
 * (one per process: a second PGlite on the same directory would clobber it).
 * The backend owns the adapter and closes it when it stops.
 * @public
 */
export function warehouseServiceProbe<
  Adapter extends WarehouseAdapter = WarehouseAdapter,
>() {
  let captured: WarehouseService | undefined;
  const feature = createBackendModule({
    pluginId: 'data-mesh',
    moduleId: 'test-warehouse-probe',
    register(reg) {
      reg.registerInit({
        deps: { warehouse: warehouseServiceRef },
        async init({ warehouse }) {
          captured = warehouse;
          // opened during startup: jest refuses PGlite's lazy import once
          // the test that started the backend is over
          await warehouse.getAdapter();
        },
      });
    },
  });
  return {
    feature,
    async adapter(): Promise<Adapter> {
      if (!captured) throw new Error('the backend has not started');
      return (await captured.getAdapter()) as Adapter;
    },
  };
}
