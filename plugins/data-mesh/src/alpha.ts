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
} from './alpha/plugin';
