export { dataProductsPage } from './dataProductsPage';
export { myDataProductsPage } from './myDataProductsPage';
export { myAccessPage } from './myAccessPage';
export { compliancePage } from './compliancePage';
export { driftPage } from './driftPage';
export { specProblemsPage } from './specProblemsPage';
export { checkSpecPage } from './checkSpecPage';
export { meshMapPage } from './meshMapPage';
