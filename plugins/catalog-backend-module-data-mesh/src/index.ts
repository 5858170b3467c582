/**
 * Catalog backend module for Backstage Data Mesh: the `DataProduct` kind,
 * its relations (ownership, domain, lineage) and data product spec files
 * (OAM `data_product_spec.yml`, ODPS + ODCS, native entity) as locations.
 *
 * @packageDocumentation
 */
export { catalogModuleDataMesh as default } from './module';
export { catalogModuleDataMesh } from './module';
export {
  DataProductEntitiesProcessor,
  type DataProductEntitiesProcessorOptions,
} from './processor/DataProductEntitiesProcessor';
export {
  DataProductGovernanceProcessor,
  type DataProductGovernanceProcessorOptions,
} from './processor/DataProductGovernanceProcessor';
export {
  DataProductSpecReaderProcessor,
  type DataProductSpecReaderProcessorOptions,
} from './processor/DataProductSpecReaderProcessor';
export {
  DataProductSpecDiscoveryProvider,
  type DataProductSpecDiscoveryProviderOptions,
} from './provider/DataProductSpecDiscoveryProvider';
