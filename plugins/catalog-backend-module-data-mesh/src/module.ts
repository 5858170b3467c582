import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogModelExtensionPoint } from '@backstage/plugin-catalog-node/alpha';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { readGovernanceSettings } from '@datamesh/plugin-data-mesh-node';
import { readDataMeshCatalogConfig } from './config';
import { createDataMeshEntityDataParser } from './parser/dataMeshEntityDataParser';
import { DataProductChangePublisher } from './processor/DataProductChangePublisher';
import { DataProductEntitiesProcessor } from './processor/DataProductEntitiesProcessor';
import { DataProductGovernanceProcessor } from './processor/DataProductGovernanceProcessor';
import { DataProductSpecReaderProcessor } from './processor/DataProductSpecReaderProcessor';
import { DataProductSpecDiscoveryProvider } from './provider/DataProductSpecDiscoveryProvider';

/**
 * Catalog module: the `DataProduct` kind (validation and relations), data
 * product spec files as locations, and optional discovery of spec files.
 *
 * @public
 */
export const catalogModuleDataMesh = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'data-mesh',
  register(reg) {
    reg.registerInit({
      deps: {
        catalogProcessing: catalogProcessingExtensionPoint,
        catalogModel: catalogModelExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        reader: coreServices.urlReader,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
      },
      async init({
        catalogProcessing,
        catalogModel,
        config,
        logger,
        reader,
        scheduler,
        auth,
        catalog,
        events,
      }) {
        const settings = readDataMeshCatalogConfig(config);
        catalogProcessing.addProcessor(
          new DataProductSpecReaderProcessor({ reader, logger }),
          new DataProductEntitiesProcessor({
            logger,
            upstreamPorts: settings.verifyUpstreamPorts
              ? { catalog, auth }
              : undefined,
            storeNestedAsJson: settings.storeNestedAsJson,
          }),
          // governance results as an annotation (same engine as the CLI)
          new DataProductGovernanceProcessor({
            logger,
            governance: () => readGovernanceSettings(config),
          }),
          // last: tells the SLO engine about new and changed products at once
          new DataProductChangePublisher({ events, logger }),
        );
        if (settings.recognizeSpecsByContent) {
          // a spec file under any name (patient-visits.yaml) is read as a
          // spec, not rejected as a malformed entity envelope
          catalogModel.setEntityDataParser(
            createDataMeshEntityDataParser({ reader, logger }),
          );
        }
        if (settings.discovery.length > 0) {
          catalogProcessing.addEntityProvider(
            new DataProductSpecDiscoveryProvider({
              patterns: settings.discovery,
              schedule: settings.discoverySchedule,
              scheduler,
              logger,
            }),
          );
        }
      },
    });
  },
});
