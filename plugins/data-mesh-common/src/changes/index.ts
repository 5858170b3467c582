/*
 * The breaking-change gate: classify the changes between two versions of a
 * data product and decide whether they need a major version bump.
 */
export type {
  ChangeKind,
  ChangeLocation,
  ClassifyOptions,
  ProductVersion,
  SpecChange,
  SpecLocator,
} from './changeLog';
export { classifyChanges } from './classify';
export { compareColumnTypes, type ColumnTypeChange } from './columnTypes';
export { specLocator, type SpecText } from './locate';
export * from './version';
export type {
  ProductChangesResponse,
  ProductLastChange,
  ProductLastChangesResponse,
  ProductRevision,
} from './api';
