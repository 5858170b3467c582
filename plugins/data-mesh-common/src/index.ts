/**
 * The DataProduct kind for Backstage Data Mesh: the canonical model, its
 * JSON schema and validators, identifier rules, readers for the spec
 * formats (OAM data_product_spec.yml, ODPS/ODCS, native entity YAML) and
 * writers back to them.
 *
 * @packageDocumentation
 */
export * from './model';
export * from './issues';
export * from './entity';
export * from './catalogForm';
export * from './identifiers';
export * from './values';
export * from './read';
export * from './specFiles';
export * from './formats/oam';
export * from './formats/entity';
export * from './formats/odps';
export * from './export';
export * from './formats/standards';
export * from './slo';
export * from './quality/checks';
export * from './quality/read';
export * from './quality/cron';
export * from './quality/sqlCheck';
export * from './quality/pattern';
export * from './quality/api';
export * from './infra/api';
export * from './infra/leftovers';
export * from './infra/reports';
export * from './infra/sandboxClaims';
export * from './openapi';
export * from './permissions';
export * from './access';
export * from './access/inputs';
export * from './access/personalData';
export * from './changes';
export * from './governance';
export * from './lifecycle';
export * from './specProblems';
export * from './usage';
