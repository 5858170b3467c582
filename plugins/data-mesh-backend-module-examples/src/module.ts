import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  dataMeshClockServiceRef,
  dataMeshSloExtensionPoint,
} from '@datamesh/plugin-data-mesh-backend';
import {
  readPlatformConfig,
  warehouseServiceRef,
} from '@datamesh/plugin-data-mesh-node';
import { setupExampleActivity } from './setup';

/**
 * The example mesh as a module of the data-mesh plugin (demo only): when
 * `dataMesh.examples.activity.enabled` is true it provisions and fills the
 * example products, replays their SLO history before live collection
 * begins, then runs their pipelines on a schedule. Off otherwise.
 * @public
 */
export const dataMeshModuleExamples = createBackendModule({
  pluginId: 'data-mesh',
  moduleId: 'examples',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        clock: dataMeshClockServiceRef,
        warehouse: warehouseServiceRef,
        slo: dataMeshSloExtensionPoint,
      },
      async init({
        config,
        logger,
        scheduler,
        lifecycle,
        clock,
        warehouse,
        slo,
      }) {
        await setupExampleActivity({
          config,
          logger,
          scheduler,
          lifecycle,
          slo,
          warehouse,
          platform: readPlatformConfig(config),
          clock,
        });
      },
    });
  },
});
