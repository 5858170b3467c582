import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  dataMesh?: {
    /**
     * The example mesh (this module): for the embedded demo only. Leave it
     * off in production — it writes synthetic data into the warehouse.
     */
    examples?: {
      activity?: {
        /**
         * Provision the example products of the activity profile in the
         * warehouse (pglite or postgres), create and fill their tables,
         * replay their SLO history on startup and run their pipelines on a
         * schedule. Default false.
         */
        enabled?: boolean;
        /**
         * The activity profile (YAML), relative to the backend's working
         * directory, e.g. ../../examples/warehouse/activity.yaml. Required
         * when enabled.
         */
        profile?: string;
        /** When the example pipelines run. Default every 5 minutes. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** The replay of history through the SLO collector at startup. */
        backfill?: {
          /** Default true. */
          enabled?: boolean;
          /** How far back a first replay goes. Default `20d`. */
          window?: string;
          /** Simulated time between two replayed collections; at most the shortest slice. Default `1h`. */
          step?: string;
        };
        /** How long startup waits for the catalog to hold the example products. Default `10m`. */
        catalogTimeout?: string;
      };
    };
  };
}
