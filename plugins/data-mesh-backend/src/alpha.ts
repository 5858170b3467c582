/**
 * The SLO engine's parts, for the example mesh module, its backfill command
 * and the benchmarks (bench/slo), which drive the engine outside the
 * plugin: the store, the collector, the settings reader, monitor
 * derivation and window evaluation; and the access requests' config reader
 * and team-role naming, so the example mesh names the team roles it creates
 * as the access service expects them. Not a stable API: it follows the
 * engine's internals.
 *
 * @packageDocumentation
 */
export * from './slo/collector';
export * from './slo/config';
export * from './slo/evaluation';
export * from './slo/monitors';
export * from './slo/SloStore';
export { type AccessConfig, readAccessConfig } from './access/config';
export { teamRoleName } from './access/policy';
