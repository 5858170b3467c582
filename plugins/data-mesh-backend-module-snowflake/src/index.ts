/**
 * WarehouseAdapter for Snowflake on the official `snowflake-sdk` driver,
 * installed in a backend as warehouse type `snowflake` by the default
 * export (`backend.add(import(...))`).
 *
 * @packageDocumentation
 */
export {
  snowflakeWarehouseServiceFactory as default,
  snowflakeWarehouseServiceFactory,
} from './module';
export { SnowflakeWarehouseAdapter } from './SnowflakeWarehouseAdapter';
export type { SnowflakeWarehouseAdapterOptions } from './SnowflakeWarehouseAdapter';
export {
  readSnowflakeConnectionSettings,
  snowflakeWarehouseAdapterFactory,
} from './config';
export {
  SnowflakeClient,
  SnowflakeRequestError,
  toConnectionOptions,
} from './client/SnowflakeClient';
export type {
  SnowflakeAuth,
  SnowflakeConnectionSettings,
} from './client/SnowflakeClient';
export * from './sql/dialect';
export {
  buildActualState,
  introspectionSql,
  warehouseSizeFromDisplay,
} from './sql/introspection';
export type {
  BuiltActualState,
  IntrospectionRows,
  Row,
} from './sql/introspection';
export * from './sql/masking';
export {
  maskingIntrospectionSql,
  readMaskingState,
  scopePolicies,
} from './sql/maskingIntrospection';
export type { MaskingRows } from './sql/maskingIntrospection';
export {
  cloneSchemaSql,
  readTableStats,
  showTablesSql,
  tableStatsSql,
} from './sql/stats';
