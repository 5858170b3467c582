/**
 * Backstage Data Mesh frontend for the new frontend system.
 *
 * @packageDocumentation
 */
export { default } from './alpha/plugin';
export {
  dataProductsPage,
  dataProductAboutCard,
  dataProductLineageCard,
  dataProductOutputPortsCard,
  dataProductInputPortsCard,
  dataProductDatasetsCard,
  dataProductAgreementCard,
  dataProductDatasetsContent,
  dataProductOverviewContent,
  dataMeshApi,
  dataProductSlosContent,
  dataProductSloHealthCard,
  myDataProductsPage,
  dataProductInfrastructureCard,
} from './alpha/plugin';
