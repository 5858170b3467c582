export * from './resolveWarehouse';
export * from './warehouseService';
