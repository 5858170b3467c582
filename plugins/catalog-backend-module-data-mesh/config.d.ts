import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  dataMesh?: {
    /** Settings of the catalog module `@datamesh/plugin-catalog-backend-module-data-mesh`. */
    catalog?: {
      /**
       * Check each `data-product` input port against the upstream product in
       * the catalog: when the upstream exists and has no output port of that
       * name, the downstream product gets a processing error. Costs one
       * batched catalog lookup per processed product that has such ports.
       * Default: true.
       * @visibility backend
       */
      verifyUpstreamPorts?: boolean;
      /**
       * Store the nested parts of each DataProduct's spec as JSON text (the
       * catalog form): input ports, SLOs, the data-sharing agreement and the
       * infrastructure names as one text each, and datasets and output
       * ports as their names plus one text each. The catalog's filter table
       * then gets a few rows for them instead of ~70 per product. Readers
       * use `fromCatalogForm()` from `@datamesh/plugin-data-mesh-common`,
       * which reads both forms. Set to false to keep catalog filters on
       * nested fields (`spec.datasets.columns.pii=true`,
       * `spec.slos.dimension=freshness`) at the price of slower ingestion.
       * Default: true.
       * @visibility backend
       */
      storeNestedAsJson?: boolean;
      /**
       * Read any registered `.yaml`, `.yml` or `.json` file whose document is
       * an OAM DataProduct (`apiVersion: core.oam.dev/*`, `kind: DataProduct`)
       * or an ODPS product as a data product spec, whatever the file is
       * called. Installs the catalog's entity data parser (only one module
       * may): turn it off if another module sets its own. Default: true.
       * @visibility backend
       */
      recognizeSpecsByContent?: boolean;
      /**
       * Glob patterns of data product spec files on disk
       * (`data_product_spec.yml`, `*.odps.yaml`, ...), absolute or relative to
       * the backend's working directory. Every matching file is registered as
       * a `file` Location of its own. Omit to disable discovery.
       * @visibility backend
       */
      discovery?: string[];
      /**
       * How often discovery looks for new or removed files.
       * Default: every 10 minutes, and once at startup.
       * @visibility backend
       */
      discoverySchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
