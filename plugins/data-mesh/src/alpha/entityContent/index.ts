export { dataProductDatasetsContent } from './datasetsContent';
export { dataProductOverviewContent } from './overviewContent';
export { dataProductSlosContent } from './slosContent';
export { dataProductAccessContent } from './accessContent';
export { dataProductChangesContent } from './changesContent';
