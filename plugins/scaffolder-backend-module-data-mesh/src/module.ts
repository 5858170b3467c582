import {
  coreServices,
  createBackendFeatureLoader,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { urlReaderFactoriesServiceRef } from '@backstage/backend-defaults/urlReader';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { readPlatformConfig } from '@datamesh/plugin-data-mesh-node';
import {
  createInfraApplyAction,
  createInfraPlanAction,
  createPublishLocalAction,
  createSandboxCreateAction,
  createSpecValidateAction,
} from './actions';
import { readLocalRepositoriesConfig } from './localRepositories';
import { LocalRepositoriesUrlReader } from './LocalRepositoriesUrlReader';
import { warehouseProviderFromConfig } from './warehouse';

/**
 * The scaffolder actions of Backstage Data Mesh: `datamesh:spec:validate`,
 * `datamesh:infra:plan`, `datamesh:infra:apply`, `datamesh:sandbox:create`
 * and `datamesh:publish:local`. The warehouse is the one
 * `dataMesh.warehouse` names; it is opened on first use.
 * @public
 */
export const scaffolderModuleDataMeshActions = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'data-mesh',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
      },
      async init({ scaffolder, config, logger, lifecycle }) {
        // config problems stop the backend here rather than fail a task later
        const platform = readPlatformConfig(config);
        const warehouse = warehouseProviderFromConfig(config, { logger });
        const repositories = readLocalRepositoriesConfig(config);
        scaffolder.addActions(
          createSpecValidateAction(),
          createInfraPlanAction({ warehouse, platform }),
          createInfraApplyAction({ warehouse, platform }),
          createSandboxCreateAction({ warehouse, platform }),
          createPublishLocalAction({ repositories }),
        );
        lifecycle.addShutdownHook(() => warehouse.close());
      },
    });
  },
});

/**
 * Lets every plugin's UrlReaderService read `file:` URLs inside the local
 * repositories directory — what the catalog needs to register a product
 * published by `datamesh:publish:local`.
 * @public
 */
export const localRepositoriesUrlReaderFactory = createServiceFactory({
  service: urlReaderFactoriesServiceRef,
  deps: {},
  async factory() {
    return LocalRepositoriesUrlReader.factory;
  },
});

/**
 * Everything this package adds, for `backend.add(import(...))`: the
 * actions, and the reader of local repositories.
 * @public
 */
export const scaffolderModuleDataMesh = createBackendFeatureLoader({
  *loader() {
    yield scaffolderModuleDataMeshActions;
    yield localRepositoriesUrlReaderFactory;
  },
});
