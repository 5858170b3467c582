import {
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
} from '@backstage/core-plugin-api';
import { dataProductsRouteRef } from './routes';

/**
 * The data mesh plugin for legacy (`createApp`) Backstage apps. Apps on the
 * new frontend system use the default export of
 * `@datamesh/plugin-data-mesh/alpha` instead.
 *
 * @public
 */
export const dataMeshPlugin = createPlugin({
  id: 'data-mesh',
  routes: {
    root: dataProductsRouteRef,
  },
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
