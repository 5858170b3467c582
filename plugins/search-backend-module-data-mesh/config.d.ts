import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  search?: {
    collators?: {
      /** Settings of `@datamesh/plugin-search-backend-module-data-mesh`. */
      dataMesh?: {
        /**
         * How often the DataProduct index is rebuilt from the catalog.
         * Default: every 10 minutes (3 s after startup), as the catalog collator.
         * @visibility backend
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /**
         * Where a result links to; `:namespace`, `:kind` and `:name` are
         * replaced. Default: `/catalog/:namespace/:kind/:name`.
         * @visibility backend
         */
        locationTemplate?: string;
      };
    };
  };
}
