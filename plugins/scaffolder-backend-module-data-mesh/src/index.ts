/**
 * Scaffolder actions of Backstage Data Mesh: validate a data product spec,
 * plan and apply its warehouse objects, clone a sandbox for a feature
 * branch, and publish the workspace as a local git repository that the
 * catalog can read.
 *
 * @packageDocumentation
 */
export {
  scaffolderModuleDataMesh as default,
  scaffolderModuleDataMeshActions,
  localRepositoriesUrlReaderFactory,
} from './module';
export * from './actions';
export {
  DEFAULT_LOCAL_REPOSITORIES_DIRECTORY,
  type LocalRepositoriesConfig,
  type PublishLocalOptions,
  type PublishLocalResult,
  readLocalRepositoriesConfig,
  publishLocalRepository,
  localRepositoryPath,
} from './localRepositories';
export { LocalRepositoriesUrlReader } from './LocalRepositoriesUrlReader';
