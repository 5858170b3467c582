export { dataProductsPage } from './dataProductsPage';
export { myDataProductsPage } from './myDataProductsPage';
