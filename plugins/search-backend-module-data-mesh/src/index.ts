/**
 * Search backend module for Backstage Data Mesh: a collator that indexes
 * DataProduct entities with their datasets and columns.
 *
 * @packageDocumentation
 */
export { searchModuleDataMesh as default } from './module';
export { searchModuleDataMesh } from './module';
export {
  DataProductCollatorFactory,
  type DataProductCollatorFactoryOptions,
} from './DataProductCollatorFactory';
export {
  DATA_PRODUCT_DOCUMENT_TYPE,
  type DataProductDocument,
  toDataProductDocument,
} from './document';
