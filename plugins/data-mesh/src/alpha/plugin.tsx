import {
  ApiBlueprint,
  createApiFactory,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import StorageIcon from '@material-ui/icons/Storage';
import AssignmentIndIcon from '@material-ui/icons/AssignmentInd';
import { dataMeshApiRef, DataMeshClient } from '../api';
import { dataProductsRouteRef, myDataProductsRouteRef } from '../routes';

/**
 * Entity filter for every data mesh extension: a predicate object rather than
 * a function so adopters can still override it in app-config
 * (`extensions: [entity-card:data-mesh/about: { config: { filter: ... } }]`).
 * Kind comparison in filter predicates is case-insensitive.
 */
const isDataProduct = { kind: 'DataProduct' };

const rootRouteRef = convertLegacyRouteRef(dataProductsRouteRef);
const mineRouteRef = convertLegacyRouteRef(myDataProductsRouteRef);

/** The client of the data mesh backend (SLOs). @alpha */
export const dataMeshApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams(
      createApiFactory({
        api: dataMeshApiRef,
        deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
        factory: ({ discoveryApi, fetchApi }) =>
          new DataMeshClient({ discoveryApi, fetchApi }),
      }),
    ),
});

/**
 * "SLOs" tab: objectives with SLI, status, error budget and burn rate, the
 * slice history per objective and the latest check results.
 * @alpha
 */
export const dataProductSlosContent = EntityContentBlueprint.make({
  name: 'slos',
  params: {
    path: '/slos',
    title: 'SLOs',
    filter: isDataProduct,
    loader: () =>
      import('../components/slo/DataProductSlosContent').then(m => (
        <m.DataProductSlosContent />
      )),
  },
});

/**
 * SLO health chip on the overview. A card, because catalog 1.55's entity
 * page has no additive header slot: `EntityHeaderLayoutBlueprint` (and the
 * deprecated `EntityHeaderBlueprint`) replace the whole header. Adopters
 * with their own header layout can render `EntitySloHealthChip` in it.
 * @alpha
 */
export const dataProductSloHealthCard = EntityCardBlueprint.make({
  name: 'slo-health',
  params: {
    type: 'info',
    filter: isDataProduct,
    loader: () =>
      import('../components/slo/SloHealth').then(m => <m.SloHealthCard />),
  },
});

/** "My data products": the owners' SLO dashboard, with a nav item. @alpha */
export const myDataProductsPage = PageBlueprint.make({
  name: 'mine',
  params: {
    path: '/data-products/mine',
    title: 'My data products',
    icon: <AssignmentIndIcon fontSize="inherit" />,
    routeRef: mineRouteRef,
    loader: () =>
      import('../components/slo/MyDataProducts').then(m => (
        <m.MyDataProducts />
      )),
  },
});

/** About card: the sidebar ("info") of the catalog overview. @alpha */
export const dataProductAboutCard = EntityCardBlueprint.make({
  name: 'about',
  params: {
    type: 'info',
    filter: isDataProduct,
    loader: () =>
      import('../components/DataProductAboutCard').then(m => (
        <m.DataProductAboutCard />
      )),
  },
});

/** Lineage graph (catalog-graph over dependsOn/dependencyOf). @alpha */
export const dataProductLineageCard = EntityCardBlueprint.make({
  name: 'lineage',
  params: {
    type: 'content',
    filter: isDataProduct,
    loader: () =>
      import('../components/DataProductLineageCard').then(m => (
        <m.DataProductLineageCard />
      )),
  },
});

/** @alpha */
export const dataProductOutputPortsCard = EntityCardBlueprint.make({
  name: 'output-ports',
  params: {
    type: 'content',
    filter: isDataProduct,
    loader: () =>
      import('../components/OutputPortsCard').then(m => <m.OutputPortsCard />),
  },
});

/** @alpha */
export const dataProductInputPortsCard = EntityCardBlueprint.make({
  name: 'input-ports',
  params: {
    type: 'content',
    filter: isDataProduct,
    loader: () =>
      import('../components/InputPortsCard').then(m => <m.InputPortsCard />),
  },
});

/**
 * Datasets on the overview: a consumer deciding whether to use a product
 * needs the schema and its PII tags next to the ports, not a click away. The
 * Datasets tab ({@link dataProductDatasetsContent}) shows the same tables
 * full-width for wide schemas.
 *
 * @alpha
 */
export const dataProductDatasetsCard = EntityCardBlueprint.make({
  name: 'datasets',
  params: {
    type: 'content',
    filter: isDataProduct,
    loader: () =>
      import('../components/DatasetsCard').then(m => <m.DatasetsCard />),
  },
});

/** "Datasets" tab: tables and column schemas with PII and classification. @alpha */
export const dataProductDatasetsContent = EntityContentBlueprint.make({
  name: 'datasets',
  params: {
    path: '/datasets',
    title: 'Datasets',
    filter: isDataProduct,
    loader: () =>
      import('../components/DatasetsCard').then(m => <m.DatasetsCard />),
  },
});

/** @alpha */
export const dataProductAgreementCard = EntityCardBlueprint.make({
  name: 'data-sharing-agreement',
  params: {
    type: 'info',
    filter: isDataProduct,
    loader: () =>
      import('../components/DataSharingAgreementCard').then(m => (
        <m.DataSharingAgreementCard />
      )),
  },
});

/**
 * The composed data product overview (every card in one grid, as legacy apps
 * mount it at `/`). Disabled by default: in this system the catalog owns the
 * Overview tab at `/` for every kind and our cards join it. To use this
 * layout instead, enable it with `config.path: /` and exclude DataProduct
 * from `entity-content:catalog/overview` through its `filter` config; two
 * contents on one path would otherwise clash.
 *
 * @alpha
 */
export const dataProductOverviewContent = EntityContentBlueprint.make({
  name: 'overview',
  disabled: true,
  params: {
    path: '/data-product',
    title: 'Overview',
    group: 'overview',
    filter: isDataProduct,
    loader: () =>
      import('../components/DataProductOverview').then(m => (
        <m.DataProductOverview />
      )),
  },
});

/**
 * Infrastructure card on the overview: provisioned names, in-sync/drift
 * status and the repair plan, from the backend's drift detection.
 * @alpha
 */
export const dataProductInfrastructureCard = EntityCardBlueprint.make({
  name: 'infrastructure',
  params: {
    type: 'content',
    filter: isDataProduct,
    loader: () =>
      import('../components/infra/InfrastructureCard').then(m => (
        <m.InfrastructureCard />
      )),
  },
});

/** "Data products" page with its nav item. @alpha */
export const dataProductsPage = PageBlueprint.make({
  params: {
    path: '/data-products',
    title: 'Data products',
    icon: <StorageIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('../components/DataProductsTable').then(m => (
        <m.DataProductsTable />
      )),
  },
});

/**
 * The data mesh plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'data-mesh',
  title: 'Data products',
  icon: <StorageIcon fontSize="inherit" />,
  info: { packageJson: () => import('../../package.json') },
  routes: {
    root: rootRouteRef,
    mine: mineRouteRef,
  },
  extensions: [
    dataMeshApi,
    dataProductsPage,
    myDataProductsPage,
    dataProductSloHealthCard,
    dataProductSlosContent,
    dataProductAboutCard,
    dataProductLineageCard,
    dataProductOutputPortsCard,
    dataProductInputPortsCard,
    dataProductDatasetsCard,
    dataProductAgreementCard,
    dataProductInfrastructureCard,
    dataProductDatasetsContent,
    dataProductOverviewContent,
  ],
});
