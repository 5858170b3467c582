/*
 * The example mesh's activity (example-only, behind
 * `dataMesh.examples.activity.enabled`): see README "The example mesh".
 */
export * from './activity';
export * from './config';
export * from './lock';
export * from './profile';
export * from './setup';
export * from './sql';
export * from './warehouse';
export * from './files';
