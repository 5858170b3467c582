/**
 * The SLO engine's parts, for the example mesh module, its backfill command
 * and the benchmarks (bench/slo), which drive the engine outside the
 * plugin: the store, the collector, the settings reader, monitor
 * derivation and window evaluation. Not a stable API: it follows the
 * engine's internals.
 *
 * @packageDocumentation
 */
export * from './slo/collector';
export * from './slo/config';
export * from './slo/evaluation';
export * from './slo/monitors';
export * from './slo/SloStore';
