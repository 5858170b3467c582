/*
 * The plugin's databases under test: a bench backend per (database, product
 * count), a separate connection to its database, and the figures read from it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import knexFactory, { type Knex } from 'knex';
import type { WarehouseAdapter } from '@datamesh/plugin-data-mesh-node';
import { type BenchBackend, startBenchBackend } from './backend';
import type { DbKind } from './options';
import { log, secs } from './report';
import type { productEntity } from './world';

export interface Store {
  kind: DbKind;
  products: number;
  backend?: BenchBackend;
  /** A separate connection to the plugin's database (loader, checks, profile). */
  knex: Knex;
  /** Where the plugin's data lives, for the size figure and cleanup. */
  location: string;
}

/** The simulated time every backend reads; the bench moves it hour by hour. */
export interface BenchClock {
  t: number;
  now(): number;
}

export interface PgConnection {
  host: string;
  port: number;
  user: string;
  password?: string;
}

/** Opens stores and remembers them (and the PostgreSQL databases) for cleanup. */
export class BenchStores {
  readonly opened: Store[] = [];
  readonly pgDatabases: string[] = [];

  constructor(
    private readonly options: {
      tmp: string;
      runId: string;
      pgConnection: PgConnection;
      clock: BenchClock;
      observationRetention: string;
    },
  ) {}

  async open(
    kind: DbKind,
    products: number,
    entities: ReturnType<typeof productEntity>[],
    adapter?: () => WarehouseAdapter,
  ): Promise<Store> {
    const { tmp, runId, pgConnection, clock, observationRetention } =
      this.options;
    let database: object;
    let knex: Knex;
    let location: string;
    if (kind === 'sqlite') {
      const directory = path.join(tmp, `sqlite-${products}`);
      fs.mkdirSync(directory, { recursive: true });
      database = { client: 'better-sqlite3', connection: { directory } };
      location = path.join(directory, 'data-mesh.sqlite');
    } else {
      const prefix = `bench_slo_${runId}_${products}_`;
      database = { client: 'pg', connection: pgConnection, prefix };
      location = `${prefix}data-mesh`;
      this.pgDatabases.push(location);
    }
    const started = performance.now();
    const backend = await startBenchBackend({
      database,
      entities,
      clock,
      adapter,
      observationRetention,
    });
    knex =
      kind === 'sqlite'
        ? knexFactory({
            client: 'better-sqlite3',
            connection: { filename: location },
            useNullAsDefault: true,
          })
        : knexFactory({
            client: 'pg',
            connection: { ...pgConnection, database: location },
          });
    // the plugin syncs its monitors from the catalog when the backend has started
    const expected = entities.length * 3;
    for (;;) {
      const n = Number(
        (
          await knex('data_mesh_slo_monitors')
            .whereNull('removed_at')
            .count({ n: '*' })
            .first()
        )?.n,
      );
      if (n === expected) break;
      if (performance.now() - started > 600_000) {
        throw new Error(
          `${kind}: ${n} monitors after 10 minutes, expected ${expected}`,
        );
      }
      await new Promise(r => setTimeout(r, 200));
    }
    log(
      `${kind}, ${products} products: backend started and ${expected} monitors synced from the catalog in ${secs(
        performance.now() - started,
      )}`,
    );
    const store: Store = { kind, products, backend, knex, location };
    this.opened.push(store);
    return store;
  }
}

/** The plugin's SLO tables, without their `data_mesh_slo_` prefix. */
const SLO_TABLES = ['monitors', 'observations', 'slices', 'updates', 'status'];

export async function settle(store: Store) {
  // PostgreSQL: what autovacuum gives a table in steady state (visibility
  // map, statistics); SQLite: nothing (Backstage never runs ANALYZE)
  if (store.kind === 'postgres') {
    for (const t of SLO_TABLES) {
      await store.knex.raw(`vacuum analyze data_mesh_slo_${t}`);
    }
  }
}

export async function sizeOf(store: Store): Promise<string> {
  if (store.kind === 'sqlite') {
    return `${(fs.statSync(store.location).size / 2 ** 20).toFixed(0)} MiB`;
  }
  const r = await store.knex.raw(
    'select pg_database_size(current_database()) as s',
  );
  return `${(Number(r.rows[0].s) / 2 ** 20).toFixed(0)} MiB`;
}

export async function rowCounts(store: Store) {
  const out: Record<string, number> = {};
  for (const t of SLO_TABLES) {
    out[t] = Number(
      (await store.knex(`data_mesh_slo_${t}`).count({ n: '*' }).first())?.n,
    );
  }
  return out;
}
