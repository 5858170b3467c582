/*
 * The generated mesh of bench/slo: DataProduct entities with three
 * objectives each, and a simulated pipeline that writes their tables in a
 * real warehouse (PGlite, through the postgres module's adapter) over 20
 * days, so that the collector observes passing and failing objectives for
 * real reasons. Deterministic: the same products and the same warehouse
 * history on every run.
 */
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import type { PostgresWarehouseAdapter } from '@datamesh/plugin-data-mesh-backend-module-postgres';

export const MIN = 60_000;
export const H = 60 * MIN;
export const D = 24 * H;

/** Domains become warehouse databases (`acme_<domain>_dev`). */
export const DOMAINS = [
  'sales',
  'finance',
  'marketing',
  'logistics',
  'people',
  'support',
  'risk',
  'supply',
];
export const OWNER_GROUPS = 40;

export const productName = (i: number) =>
  `dp-${String(i + 1).padStart(4, '0')}`;
export const domainOf = (i: number) => DOMAINS[i % DOMAINS.length];
export const ownerOf = (i: number) =>
  `group:default/team-${String((i % OWNER_GROUPS) + 1).padStart(2, '0')}`;

/**
 * How the pipeline of template product `j` (0–49) behaves. Products of
 * the large set behave like template `i % 50`.
 */
export type Behaviour = 'daily' | 'hourly' | 'late' | 'drops' | 'outages';
export function behaviourOf(j: number): Behaviour {
  switch (j % 10) {
    case 6:
      return 'hourly';
    case 7:
      return 'late';
    case 8:
      return 'drops';
    case 9:
      return 'outages';
    default:
      return 'daily';
  }
}

/** One DataProduct entity, as the catalog serves it, with three objectives. */
export function productEntity(i: number): DataProductEntityV1alpha1 {
  const hourly = behaviourOf(i % 50) === 'hourly';
  return {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: {
      name: productName(i),
      namespace: 'default',
      title: `Data product ${i + 1}`,
    },
    spec: {
      type: 'source-aligned',
      lifecycle: 'production',
      owner: ownerOf(i),
      domain: `domain:default/${domainOf(i)}`,
      certified: false,
      datasets: [
        {
          name: 'events',
          columns: [
            { name: 'id', type: 'integer' },
            { name: 'loaded_at', type: 'timestamp' },
          ],
        },
      ],
      slos: [
        {
          name: 'available',
          dimension: 'availability',
          objective: 'The table exists and answers',
          target: 0.95,
        },
        {
          name: 'fresh',
          dimension: 'freshness',
          objective: hourly ? 'Refreshed every hour' : 'Refreshed daily',
          maxAge: hourly ? '2h' : '26h',
          target: 0.9,
        },
        {
          name: 'complete',
          dimension: 'completeness',
          objective: 'No drop of more than 5% below the usual volume',
        },
      ],
    },
  } as DataProductEntityV1alpha1;
}

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface WarehouseTable {
  database: string;
  schema: string;
  table: string;
}

/** What the pipeline of one table does at hour `h` (0-based) of the history. */
type Action =
  | { kind: 'refresh'; rows: number }
  | { kind: 'append'; rows: number }
  | { kind: 'drop' }
  | { kind: 'none' };

/**
 * The pipeline of template product `j` as a function of the hour: a full
 * refresh once a day (some days skipped for `late`, some loads 40 % short
 * for `drops`), appends every hour for `hourly`, and for `outages` the table
 * disappears for a few hours on some days and is rebuilt.
 */
export function pipeline(j: number, days: number) {
  const behaviour = behaviourOf(j);
  const rnd = prng(1000 + j);
  const refreshHour = (j * 7) % 24;
  const base = 400 + 20 * j;
  const perDay = Array.from({ length: days }, (_, d) => {
    const r = rnd();
    return {
      skip: behaviour === 'late' && d > 0 && r < 0.3,
      short: behaviour === 'drops' && d > 1 && r < 0.25,
      outage:
        behaviour === 'outages' && d > 0 && r < 0.35
          ? { from: Math.floor(rnd() * 18), hours: 1 + Math.floor(rnd() * 6) }
          : undefined,
      rows: Math.round(base * (1 + 0.01 * d)),
    };
  });
  return (h: number): Action => {
    const day = Math.floor(h / 24);
    const hour = h % 24;
    const p = perDay[day];
    if (!p) return { kind: 'none' };
    if (p.outage) {
      if (hour === p.outage.from) return { kind: 'drop' };
      if (hour === p.outage.from + p.outage.hours) {
        return { kind: 'refresh', rows: p.rows };
      }
      if (hour > p.outage.from && hour < p.outage.from + p.outage.hours) {
        return { kind: 'none' };
      }
    }
    if (behaviour === 'hourly') {
      return h === 0
        ? { kind: 'refresh', rows: base }
        : { kind: 'append', rows: 5 };
    }
    if (h === 0) return { kind: 'refresh', rows: base };
    if (hour !== refreshHour || p.skip) return { kind: 'none' };
    return {
      kind: 'refresh',
      rows: p.short ? Math.round(p.rows * 0.6) : p.rows,
    };
  };
}

/**
 * Apply hour `h` of the pipelines of `tables` (template product j writes
 * tables[j]) at simulated time `at`. Returns the statements sent.
 */
export async function runPipelines(
  adapter: PostgresWarehouseAdapter,
  tables: WarehouseTable[],
  pipelines: ((h: number) => Action)[],
  h: number,
  at: number,
  loadedAtColumn: string,
): Promise<number> {
  const ts = new Date(at).toISOString();
  let sent = 0;
  for (const [j, t] of tables.entries()) {
    const action = pipelines[j](h);
    if (action.kind === 'none') continue;
    const name = adapter.dialect.qualifiedTable(
      { database: t.database, schema: t.schema },
      t.table,
    );
    const col = adapter.dialect.quoteIdentifier(loadedAtColumn);
    const statements: string[] = [];
    if (action.kind === 'drop') {
      statements.push(`DROP TABLE IF EXISTS ${name}`);
    } else {
      const schema = adapter.dialect.qualifiedSchema({
        database: t.database,
        schema: t.schema,
      });
      statements.push(
        `CREATE SCHEMA IF NOT EXISTS ${schema}`,
        `CREATE TABLE IF NOT EXISTS ${name} (id integer, ${col} timestamptz)`,
      );
      if (action.kind === 'refresh') statements.push(`TRUNCATE ${name}`);
      statements.push(
        `INSERT INTO ${name} SELECT g, '${ts}'::timestamptz FROM generate_series(1, ${action.rows}) AS g`,
      );
    }
    for (const sql of statements) await adapter.connection.query(sql);
    sent += statements.length;
  }
  return sent;
}
