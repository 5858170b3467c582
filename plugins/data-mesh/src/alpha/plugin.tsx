import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import StorageIcon from '@material-ui/icons/Storage';
import { dataMeshApi } from './apis';
import {
  dataProductAboutCard,
  dataProductAgreementCard,
  dataProductDatasetsCard,
  dataProductGovernanceCard,
  dataProductQualityCard,
  dataProductInfrastructureCard,
  dataProductInputPortsCard,
  dataProductLifecycleBannerCard,
  dataProductLineageCard,
  dataProductOutputPortsCard,
  dataProductSloHealthCard,
} from './entityCards';
import {
  dataProductAccessContent,
  dataProductChangesContent,
  dataProductDatasetsContent,
  dataProductOverviewContent,
  dataProductSlosContent,
} from './entityContent';
import {
  compliancePage,
  driftPage,
  dataProductsPage,
  myAccessPage,
  myDataProductsPage,
  specProblemsPage,
  checkSpecPage,
  meshMapPage,
} from './pages';
import { dataProductSearchResultItem } from './searchResultItems/dataProductSearchResultItem';
import {
  checkSpecRouteRef,
  complianceRouteRef,
  driftRouteRef,
  meshMapRouteRef,
  mineRouteRef,
  myAccessPageRouteRef,
  rootRouteRef,
  scaffolderTaskExternalRouteRef,
  specProblemsRouteRef,
} from './routes';

/**
 * The data mesh plugin for the new frontend system: only the assembly, each
 * extension lives in its own file under `entityCards/`, `entityContent/`
 * and `pages/`.
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
    myAccess: myAccessPageRouteRef,
    specProblems: specProblemsRouteRef,
    checkSpec: checkSpecRouteRef,
    compliance: complianceRouteRef,
    drift: driftRouteRef,
    meshMap: meshMapRouteRef,
  },
  externalRoutes: { scaffolderTask: scaffolderTaskExternalRouteRef },
  extensions: [
    dataMeshApi,
    dataProductsPage,
    myDataProductsPage,
    myAccessPage,
    specProblemsPage,
    checkSpecPage,
    compliancePage,
    driftPage,
    meshMapPage,
    // first of the content cards, so the banner heads the overview
    dataProductLifecycleBannerCard,
    dataProductSloHealthCard,
    dataProductSlosContent,
    dataProductAboutCard,
    dataProductLineageCard,
    dataProductOutputPortsCard,
    dataProductInputPortsCard,
    dataProductDatasetsCard,
    dataProductAgreementCard,
    dataProductInfrastructureCard,
    dataProductGovernanceCard,
    dataProductQualityCard,
    dataProductDatasetsContent,
    dataProductOverviewContent,
    dataProductAccessContent,
    dataProductChangesContent,
    dataProductSearchResultItem,
  ],
});
