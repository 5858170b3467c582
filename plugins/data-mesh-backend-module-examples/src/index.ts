/**
 * EXAMPLE/demo only: the example mesh of Backstage Data Mesh as a module of
 * the data-mesh backend plugin (behind `dataMesh.examples.activity.enabled`;
 * never in production), and what the `examples:backfill` command runs
 * while the portal is stopped. See README.md and examples/README.md.
 *
 * @packageDocumentation
 */
export { dataMeshModuleExamples as default } from './module';
export { dataMeshModuleExamples } from './module';
export * from './activity';
export * from './config';
export * from './lock';
export * from './profile';
export * from './setup';
export * from './sql';
export * from './warehouse';
export * from './files';
