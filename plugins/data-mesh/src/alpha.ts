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
  dataProductDatasetsContent,
  dataProductOverviewContent,
  dataProductSlosContent,
} from './alpha/entityContent';
export { dataProductsPage, myDataProductsPage } from './alpha/pages';
