/*
 * Output of the SLO benchmark: the line printer and number formats shared by
 * every part, and the closing summary and targets tables.
 */
import { type LoadResult, percentile } from './load';
import type { Args, DbKind } from './options';
import type { StatsReport } from './stats';

export const log = (line: string) => console.log(line);
export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const fmt = (ms: number) =>
  Number.isNaN(ms)
    ? '-'
    : ms < 10
    ? `${ms.toFixed(1)} ms`
    : `${Math.round(ms)} ms`;

/** Latencies of one endpoint variant on one store, pooled over the rounds. */
export interface Measured {
  kind: DbKind;
  products: number;
  variant: string;
  concurrency: number;
  result: LoadResult;
}

/** The summary tables (API latency, queries per cycle) and the targets met or missed. */
export function printSummary(
  args: Args,
  measured: Measured[],
  stats: StatsReport | undefined,
) {
  log('\n== summary');
  log(
    '| database | products | endpoint | in flight | requests | p50 | p95 | p99 | p50 / p95 vs baseline |',
  );
  log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const m of measured) {
    const b = measured.find(
      x =>
        x.kind === m.kind &&
        x.variant === m.variant &&
        x.products === args.baseline,
    );
    const l = m.result.latencies;
    const ratio =
      b && m !== b
        ? `×${(percentile(l, 50) / percentile(b.result.latencies, 50)).toFixed(
            1,
          )} / ×${(
            percentile(l, 95) / percentile(b.result.latencies, 95)
          ).toFixed(1)}`
        : '';
    log(
      `| ${m.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${m.products} | ${
        m.variant
      } | ${m.concurrency} | ${l.length} | ${fmt(percentile(l, 50))} | ${fmt(
        percentile(l, 95),
      )} | ${fmt(percentile(l, 99))} | ${ratio} |`,
    );
  }
  if (stats) {
    log('');
    log(
      '| cycle over | tables | databases | tableStats calls | PGlite statements | stats time | cycle time |',
    );
    log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const r of stats.rows) {
      log(
        `| ${r.label} | ${r.tables} | ${r.databases} | ${r.statsCalls} | ${
          r.wireQueries
        } | ${fmt(r.statsMs)} | ${fmt(r.cycleMs)} |`,
      );
    }
    log(
      `(creating ${stats.products} tables in PGlite took ${secs(
        stats.createTablesMs,
      )})`,
    );
  }

  log('\n== targets');
  for (const m of measured.filter(
    x => x.products === args.products && x.concurrency === args.concurrency,
  )) {
    const p95 = percentile(m.result.latencies, 95);
    const limit = m.variant === 'one product' ? 50 : 1000;
    log(
      `${p95 < limit ? 'met   ' : 'MISSED'} ${m.kind} ${m.variant}: p95 ${fmt(
        p95,
      )} (target < ${limit} ms)`,
    );
  }
  if (stats) {
    for (const r of stats.rows) {
      log(
        `${r.statsCalls === r.databases ? 'met   ' : 'MISSED'} ${r.label}: ${
          r.statsCalls
        } stats queries for ${r.databases} databases (${
          r.wireQueries
        } statements at the connection)`,
      );
    }
  }
}
