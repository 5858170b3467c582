/**
 * Extension points and types for Backstage Data Mesh backend modules: the
 * dialect-neutral desired state of a data product's warehouse objects, the
 * plan/apply engine, the `WarehouseAdapter` interface that warehouse
 * packages implement, and the root service that opens the configured one.
 *
 * @packageDocumentation
 */
export * from './warehouse/types';
export * from './warehouse/platform';
export * from './warehouse/desiredState';
export * from './warehouse/masking';
export * from './warehouse/usage';
export * from './warehouse/quality';
export * from './warehouse/datasetTables';
export * from './warehouse/qualityRun';
export * from './warehouse/qualityReport';
export * from './warehouse/plan';
export * from './warehouse/scope';
export * from './warehouse/apply';
export * from './warehouse/changeReport';
export * from './warehouse/portalClaims';
export * from './warehouse/assess';
export * from './warehouse/sandbox';
export * from './warehouse/leftovers';
export * from './service';
export * from './access';
export * from './permissions';
export * from './lifecycle';
export * from './events';
export * from './governance';
