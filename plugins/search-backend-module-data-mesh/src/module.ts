import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { DataProductCollatorFactory } from './DataProductCollatorFactory';

const CONFIG_KEY = 'search.collators.dataMesh';

/** The catalog collator's defaults, so both indexes are refreshed alike. */
const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 15 },
  initialDelay: { seconds: 3 },
};

function readSchedule(config: Config): SchedulerServiceTaskScheduleDefinition {
  const schedule = config.getOptionalConfig(`${CONFIG_KEY}.schedule`);
  return schedule
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(schedule)
    : DEFAULT_SCHEDULE;
}

/**
 * Search module: indexes every DataProduct with its datasets and columns
 * (document type `data-product`), so the search bar finds a product by a
 * column's name or description.
 *
 * @public
 */
export const searchModuleDataMesh = createBackendModule({
  pluginId: 'search',
  moduleId: 'data-mesh-collator',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        indexRegistry: searchIndexRegistryExtensionPoint,
        catalog: catalogServiceRef,
      },
      async init({ config, auth, scheduler, indexRegistry, catalog }) {
        indexRegistry.addCollator({
          schedule: scheduler.createScheduledTaskRunner(readSchedule(config)),
          factory: new DataProductCollatorFactory({
            catalog,
            auth,
            locationTemplate: config.getOptionalString(
              `${CONFIG_KEY}.locationTemplate`,
            ),
          }),
        });
      },
    });
  },
});
