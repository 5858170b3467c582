/**
 * WarehouseAdapter for PostgreSQL (`pg`) and PGlite, the embedded default
 * warehouse of Backstage Data Mesh.
 *
 * @packageDocumentation
 */
export { dataMeshModulePostgres as default } from './module';
export * from './adapters';
export * from './shared';
export * from './dialect';
export * from './connection';
export * from './PostgresWarehouseAdapter';
