/**
 * Backstage Data Mesh frontend for the new frontend system.
 *
 * @packageDocumentation
 */
export { default } from './alpha/plugin';
export { dataMeshApi } from './alpha/apis';
export {
  dataProductAboutCard,
  dataProductAgreementCard,
  dataProductDatasetsCard,
  dataProductInfrastructureCard,
  dataProductInputPortsCard,
  dataProductLineageCard,
  dataProductOutputPortsCard,
  dataProductSloHealthCard,
} from './alpha/entityCards';
export {
  dataProductAccessContent,
  dataProductDatasetsContent,
  dataProductOverviewContent,
  dataProductSlosContent,
} from './alpha/entityContent';
export {
  dataProductsPage,
  myAccessPage,
  myDataProductsPage,
} from './alpha/pages';
