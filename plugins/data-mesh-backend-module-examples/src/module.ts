import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  dataMeshClockServiceRef,
  dataMeshSloExtensionPoint,
} from '@datamesh/plugin-data-mesh-backend';
import {
  readPlatformConfig,
  warehouseServiceRef,
} from '@datamesh/plugin-data-mesh-node';
import {
  fromCatalogForm,
  isDataProductEntity,
} from '@datamesh/plugin-data-mesh-common';
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
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        clock: dataMeshClockServiceRef,
        warehouse: warehouseServiceRef,
        slo: dataMeshSloExtensionPoint,
      },
      async init({
        config,
        logger,
        scheduler,
        lifecycle,
        auth,
        catalog,
        clock,
        warehouse,
        slo,
      }) {
        await setupExampleActivity({
          config,
          logger,
          scheduler,
          lifecycle,
          readProducts: async refs =>
            (
              await catalog.getEntitiesByRefs(
                { entityRefs: refs },
                { credentials: await auth.getOwnServiceCredentials() },
              )
            ).items.flatMap(e =>
              e && isDataProductEntity(e) ? [fromCatalogForm(e)] : [],
            ),
          slo,
          warehouse,
          platform: readPlatformConfig(config),
          clock,
        });
      },
    });
  },
});
