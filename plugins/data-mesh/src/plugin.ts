import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { dataMeshApiRef, DataMeshClient } from './api';
import {
  dataProductsRouteRef,
  myAccessRouteRef,
  myDataProductsRouteRef,
  scaffolderTaskRouteRef,
} from './routes';

/**
 * The data mesh plugin for legacy (`createApp`) Backstage apps. Apps on the
 * new frontend system use the default export of
 * `@datamesh/plugin-data-mesh/alpha` instead.
 *
 * @public
 */
export const dataMeshPlugin = createPlugin({
  id: 'data-mesh',
  apis: [
    createApiFactory({
      api: dataMeshApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DataMeshClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: dataProductsRouteRef,
    mine: myDataProductsRouteRef,
    myAccess: myAccessRouteRef,
  },
  externalRoutes: { scaffolderTask: scaffolderTaskRouteRef },
});

/** "Data products" page listing every DataProduct. @public */
export const DataProductsPage = dataMeshPlugin.provide(
  createRoutableExtension({
    name: 'DataProductsPage',
    component: () =>
      import('./components/DataProductsTable').then(m => m.DataProductsPage),
    mountPoint: dataProductsRouteRef,
  }),
);

/** The composed data product overview for `EntityLayout.Route path="/"`. @public */
export const EntityDataProductOverview = dataMeshPlugin.provide(
  createComponentExtension({
    name: 'EntityDataProductOverview',
    component: {
      lazy: () =>
        import('./components/DataProductOverview').then(
          m => m.DataProductOverview,
        ),
    },
  }),
);

/** @public */
export const EntityDataProductAboutCard = dataMeshPlugin.provide(
  createComponentExtension({
    name: 'EntityDataProductAboutCard',
    component: {
      lazy: () =>
        import('./components/DataProductAboutCard').then(
          m => m.DataProductAboutCard,
        ),
    },
  }),
);

/** @public */
export const EntityOutputPortsCard = dataMeshPlugin.provide(
  createComponentExtension({
    name: 'EntityOutputPortsCard',
    component: {
      lazy: () =>
        import('./components/OutputPortsCard').then(m => m.OutputPortsCard),
    },
  }),
);

/** @public */
export const EntityInputPortsCard = dataMeshPlugin.provide(
  createComponentExtension({
    name: 'EntityInputPortsCard',
    component: {
      lazy: () =>
        import('./components/InputPortsCard').then(m => m.InputPortsCard),
    },
  }),
);

/** @public */
export const EntityDatasetsCard = dataMeshPlugin.provide(
  createComponentExtension({
    name: 'EntityDatasetsCard',
    component: {
      lazy: () => import('./components/DatasetsCard').then(m => m.DatasetsCard),
    },
  }),
);

/** @public */
export const EntityDataSharingAgreementCard = dataMeshPlugin.provide(
  createComponentExtension({
    name: 'EntityDataSharingAgreementCard',
    component: {
      lazy: () =>
        import('./components/DataSharingAgreementCard').then(
          m => m.DataSharingAgreementCard,
        ),
    },
  }),
);

/** Lineage (catalog-graph over dependsOn/dependencyOf). @public */
export const EntityDataProductLineageCard = dataMeshPlugin.provide(
  createComponentExtension({
    name: 'EntityDataProductLineageCard',
    component: {
      lazy: () =>
        import('./components/DataProductLineageCard').then(
          m => m.DataProductLineageCard,
        ),
    },
  }),
);

/**
 * The SLO tab: objectives, slice history and latest observations, for
 * `EntityLayout.Route path="/slos" title="SLOs"`.
 * @public
 */
export const EntityDataProductSlosContent = dataMeshPlugin.provide(
  createComponentExtension({
    name: 'EntityDataProductSlosContent',
    component: {
      lazy: () =>
        import('./components/slo/DataProductSlosContent').then(
          m => m.DataProductSlosContent,
        ),
    },
  }),
);

/** Small overview card: SLO health chip, lowest error budget, link to the SLO tab. @public */
export const EntitySloHealthCard = dataMeshPlugin.provide(
  createComponentExtension({
    name: 'EntitySloHealthCard',
    component: {
      lazy: () =>
        import('./components/slo/SloHealth').then(m => m.SloHealthCard),
    },
  }),
);

/** The SLO health chip alone, for a custom entity header. @public */
export const EntitySloHealthChip = dataMeshPlugin.provide(
  createComponentExtension({
    name: 'EntitySloHealthChip',
    component: {
      lazy: () =>
        import('./components/slo/SloHealth').then(m => m.EntitySloHealthChip),
    },
  }),
);

/** "My data products": the owners' SLO dashboard. @public */
export const MyDataProductsPage = dataMeshPlugin.provide(
  createRoutableExtension({
    name: 'MyDataProductsPage',
    component: () =>
      import('./components/slo/MyDataProducts').then(m => m.MyDataProductsPage),
    mountPoint: myDataProductsRouteRef,
  }),
);

/** Infrastructure card: provisioned names, in-sync/drift status and the repair plan. @public */
export const EntityDataProductInfrastructureCard = dataMeshPlugin.provide(
  createComponentExtension({
    name: 'EntityDataProductInfrastructureCard',
    component: {
      lazy: () =>
        import('./components/infra/InfrastructureCard').then(
          m => m.InfrastructureCard,
        ),
    },
  }),
);

/**
 * The Access tab: a product's access requests with the owners' decisions,
 * for `EntityLayout.Route path="/access" title="Access"`.
 * @public
 */
export const EntityDataProductAccessContent = dataMeshPlugin.provide(
  createComponentExtension({
    name: 'EntityDataProductAccessContent',
    component: {
      lazy: () =>
        import('./components/access/DataProductAccessContent').then(
          m => m.DataProductAccessContent,
        ),
    },
  }),
);

/**
 * The Changes tab: each ingested version of the product's spec with its
 * classified changes, for `EntityLayout.Route path="/changes" title="Changes"`.
 * @public
 */
export const EntityDataProductChangesContent = dataMeshPlugin.provide(
  createComponentExtension({
    name: 'EntityDataProductChangesContent',
    component: {
      lazy: () =>
        import('./components/changes/DataProductChangesContent').then(
          m => m.DataProductChangesContent,
        ),
    },
  }),
);

/**
 * The Governance card: each policy in force at the product's stage with
 * pass / warn / fail, its message and link, and rules that do not compile.
 * @public
 */
export const EntityDataProductGovernanceCard = dataMeshPlugin.provide(
  createComponentExtension({
    name: 'EntityDataProductGovernanceCard',
    component: {
      lazy: () =>
        import('./components/governance/GovernanceCard').then(
          m => m.GovernanceCard,
        ),
    },
  }),
);

/**
 * The Data quality card: the spec's data-quality checks (ODCS quality[])
 * with their latest results and recent runs; owners measure them now.
 * @public
 */
export const EntityDataQualityCard = dataMeshPlugin.provide(
  createComponentExtension({
    name: 'EntityDataQualityCard',
    component: {
      lazy: () =>
        import('./components/quality/DataQualityCard').then(
          m => m.DataQualityCard,
        ),
    },
  }),
);

/** "My access": the signed-in user's access requests. @public */
export const MyAccessPage = dataMeshPlugin.provide(
  createRoutableExtension({
    name: 'MyAccessPage',
    component: () =>
      import('./components/access/MyAccess').then(m => m.MyAccessPage),
    mountPoint: myAccessRouteRef,
  }),
);
