import {
  coreServices,
  createBackendFeatureLoader,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { urlReaderFactoriesServiceRef } from '@backstage/backend-defaults/urlReader';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  readGovernanceSettings,
  readPlatformConfig,
  warehouseServiceRef,
} from '@datamesh/plugin-data-mesh-node';
import {
  createAccessRequestInputsAction,
  createInfraApplyAction,
  createInfraPlanAction,
  createProductDeprecateAction,
  createPublishLocalAction,
  createSandboxCreateAction,
  createSandboxDeleteAction,
  createSpecValidateAction,
} from './actions';
import { readLocalRepositoriesConfig } from './localRepositories';
import { LocalRepositoriesUrlReader } from './LocalRepositoriesUrlReader';

/**
 * The scaffolder actions of Backstage Data Mesh: `datamesh:spec:validate`,
 * `datamesh:infra:plan`, `datamesh:infra:apply`, `datamesh:sandbox:create`,
 * `datamesh:sandbox:delete`, `datamesh:publish:local`,
 * `datamesh:product:deprecate` and `datamesh:access:request-inputs`. The warehouse is the process's warehouse
 * service (data-mesh-node's `warehouseServiceRef`): the backend must
 * install the factory of the configured type, e.g. the postgres package.
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
        warehouse: warehouseServiceRef,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, warehouse, auth, discovery, catalog }) {
        // config problems stop the backend here rather than fail a task later
        const platform = readPlatformConfig(config);
        const repositories = readLocalRepositoriesConfig(config);
        const portal = { auth, discovery };
        scaffolder.addActions(
          createSpecValidateAction({
            governance: () => readGovernanceSettings(config),
          }),
          createInfraPlanAction({ warehouse, platform }),
          // what these change in the warehouse is reported to the
          // data-mesh backend, for the product's audit trail
          createInfraApplyAction({ warehouse, platform, portal }),
          createSandboxCreateAction({ warehouse, platform, portal }),
          createSandboxDeleteAction({ warehouse, platform, portal }),
          createPublishLocalAction({ repositories }),
          createProductDeprecateAction({ auth, discovery }),
          createAccessRequestInputsAction({ auth, discovery, catalog }),
        );
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
