/*
 * Where the time of one request goes: the same SloStore calls the router
 * makes, on a separate connection to the same database, with every SQL
 * statement timed (knex query events), grouped by shape. With `explain`,
 * the plan of each shape too (SQLite: EXPLAIN QUERY PLAN; PostgreSQL:
 * EXPLAIN ANALYZE, BUFFERS).
 */
import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import {
  SloStore,
  evaluateMonitors,
} from '@datamesh/plugin-data-mesh-backend/alpha';

export interface StatementProfile {
  call: string;
  sql: string;
  bindings: readonly unknown[];
  runs: number;
  medianMs: number;
  plan?: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)];
};

async function timed(
  knex: Knex,
  call: string,
  fn: () => Promise<unknown>,
  into: Map<string, StatementProfile & { times: number[] }>,
) {
  const started = new Map<
    string,
    { sql: string; bindings: readonly unknown[]; t: number }
  >();
  const onQuery = (q: any) =>
    started.set(q.__knexQueryUid, {
      sql: q.sql,
      bindings: q.bindings ?? [],
      t: performance.now(),
    });
  const onResponse = (_r: unknown, q: any) => {
    const s = started.get(q.__knexQueryUid);
    if (!s) return;
    // shape: the statement with its list of ids collapsed
    const shape = `${call}\u0000${s.sql
      .replace(/\$\d+/g, '?')
      .replace(/\(\?(, \?)+\)/g, '(?…)')}`;
    const entry = into.get(shape) ?? {
      call,
      sql: s.sql,
      bindings: s.bindings,
      runs: 0,
      medianMs: 0,
      times: [],
    };
    entry.times.push(performance.now() - s.t);
    entry.runs++;
    into.set(shape, entry);
  };
  knex.on('query', onQuery);
  knex.on('query-response', onResponse);
  try {
    await fn();
  } finally {
    knex.removeListener('query', onQuery);
    knex.removeListener('query-response', onResponse);
  }
}

export async function profileStore(options: {
  knex: Knex;
  client: 'sqlite' | 'postgres';
  now: number;
  productRefs: string[];
  owner: string;
  explain: boolean;
}): Promise<StatementProfile[]> {
  const { knex, now } = options;
  const store = new SloStore(knex);
  const shapes = new Map<string, StatementProfile & { times: number[] }>();
  for (const ref of options.productRefs) {
    await timed(
      knex,
      'product',
      async () => {
        const monitors = await store.listMonitors({ entityRef: ref });
        await evaluateMonitors(store, monitors, { now, recentSlices: 1 });
        const ids = monitors.map(m => m.id);
        const from = Math.min(
          ...monitors.map(m => now - m.windowMs - 2 * m.sliceMs),
        );
        await store.slices(ids, from);
        await store.latestObservations(ids, 10);
        await store.status.statuses(ids);
      },
      shapes,
    );
  }
  for (let k = 0; k < 5; k++) {
    await timed(knex, 'fleet', () => store.status.fleet(), shapes);
    await timed(
      knex,
      'fleet owner=',
      () => store.status.fleet({ owners: [options.owner] }),
      shapes,
    );
  }
  const out: StatementProfile[] = [];
  for (const e of shapes.values()) {
    const p: StatementProfile = {
      call: e.call,
      sql: e.sql,
      bindings: e.bindings,
      runs: e.runs,
      medianMs: median(e.times),
    };
    if (options.explain) {
      // knex.raw takes ? placeholders; pg's native SQL numbers them in order
      const sql = e.sql.replace(/\$\d+/g, '?');
      const explained =
        options.client === 'sqlite'
          ? await knex.raw(`explain query plan ${sql}`, e.bindings as any[])
          : await knex.raw(
              `explain (analyze, buffers) ${sql}`,
              e.bindings as any[],
            );
      const rows: any[] = Array.isArray(explained) ? explained : explained.rows;
      p.plan = rows
        .map(r =>
          options.client === 'sqlite'
            ? `${r.id}/${r.parent} ${r.detail}`
            : r['QUERY PLAN'],
        )
        .join('\n');
    }
    out.push(p);
  }
  return out;
}
