/**
 * WarehouseAdapter for Snowflake on the official `snowflake-sdk` driver,
 * registered with the Backstage Data Mesh backend as warehouse type
 * `snowflake`.
 *
 * @packageDocumentation
 */
export { dataMeshModuleSnowflake as default } from './module';
export { SnowflakeWarehouseAdapter } from './SnowflakeWarehouseAdapter';
export type { SnowflakeWarehouseAdapterOptions } from './SnowflakeWarehouseAdapter';
export {
  createSnowflakeWarehouseAdapterFromConfig,
  readSnowflakeConnectionSettings,
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
export {
  cloneSchemaSql,
  readTableStats,
  showTablesSql,
  tableStatsSql,
} from './sql/stats';
