/*
 * Benchmark of the SLO engine (issue #4 §4): latency of the SLO REST API
 * with 5,000 data products × 3 objectives × 20 days of hourly observations
 * in the plugin's database, on SQLite and PostgreSQL, under concurrent
 * requests, against a 50-product baseline in the same process; and the
 * warehouse queries of one collection cycle over 5,000 tables.
 *
 *   npm run bench:slo -- [--products 5000] [--baseline 50] [--db sqlite,postgres] ...
 *   npm run bench:slo -- --help
 *
 * See bench/README.md for what is measured and the recorded figures. A
 * benchmark, not a test: nothing here runs under `npm test`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';
import knexFactory, { type Knex } from 'knex';
import { mockCredentials } from '@backstage/backend-test-utils';
import { createPgliteWarehouseAdapter } from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
  type WarehouseAdapter,
  platformConfig,
} from '@datamesh/plugin-data-mesh-node';
import {
  monitorsFromEntity,
  readSloEngineConfig,
} from '@datamesh/plugin-data-mesh-backend/alpha';
import { type BenchBackend, startBenchBackend } from './backend';
import { type Expectation, type LoadResult, percentile, runLoad } from './load';
import { profileStore } from './profile';
import { replicate } from './replicate';
import { measureStatsQueries } from './stats';
import {
  DOMAINS,
  H,
  MIN,
  OWNER_GROUPS,
  domainOf,
  ownerOf,
  pipeline,
  productEntity,
  productName,
  runPipelines,
} from './world';

const USAGE = `usage: run.ts [options]
  --products N          products of the large set (default 5000)
  --baseline N          products of the baseline, written by the real collection (default 50)
  --days N              days of hourly history (default 20)
  --db LIST             sqlite,postgres (default both)
  --pg URL              PostgreSQL server (default postgres://postgres@127.0.0.1:5432)
  --concurrency N       requests in flight (default 8)
  --scale F             multiply the request counts and time limits (default 1)
  --rounds N            alternate baseline and large set N times per endpoint (default 2)
  --skip-api            only the queries-per-cycle part
  --stats-products N    tables for the queries-per-cycle part (default = --products; 0 skips it)
  --observation-retention D  the plugin's dataMesh.slo.observationRetention (default 30d: all 20 days kept)
  --explain             print the plan of every statement of the profile
  --cpu-profile DIR     write a V8 CPU profile of the main thread (the server) per measured
                        endpoint of the large set, and print the top functions by self time
  --keep                keep the temporary databases and files`;

interface Args {
  products: number;
  baseline: number;
  days: number;
  db: ('sqlite' | 'postgres')[];
  pg: string;
  concurrency: number;
  scale: number;
  rounds: number;
  skipApi: boolean;
  statsProducts: number;
  observationRetention: string;
  explain: boolean;
  cpuProfile?: string;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    products: 5000,
    baseline: 50,
    days: 20,
    db: ['sqlite', 'postgres'],
    pg: 'postgres://postgres@127.0.0.1:5432',
    concurrency: 8,
    scale: 1,
    rounds: 2,
    skipApi: false,
    statsProducts: -1,
    observationRetention: '30d',
    explain: false,
    keep: false,
  };
  const int = (v: string | undefined, name: string, min = 1) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      console.error(`${name}: a whole number of at least ${min}\n${USAGE}`);
      process.exit(1);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--products':
        args.products = int(argv[++i], a);
        break;
      case '--baseline':
        args.baseline = int(argv[++i], a);
        break;
      case '--days':
        args.days = int(argv[++i], a, 2);
        break;
      case '--db':
        args.db = (argv[++i] ?? '').split(',') as Args['db'];
        if (args.db.some(d => d !== 'sqlite' && d !== 'postgres')) {
          console.error(`--db: sqlite and/or postgres\n${USAGE}`);
          process.exit(1);
        }
        break;
      case '--pg':
        args.pg = argv[++i] ?? '';
        break;
      case '--concurrency':
        args.concurrency = int(argv[++i], a);
        break;
      case '--scale':
        args.scale = Number(argv[++i]);
        break;
      case '--rounds':
        args.rounds = int(argv[++i], a);
        break;
      case '--skip-api':
        args.skipApi = true;
        break;
      case '--stats-products':
        args.statsProducts = int(argv[++i], a, 0);
        break;
      case '--observation-retention':
        args.observationRetention = argv[++i] ?? '';
        break;
      case '--explain':
        args.explain = true;
        break;
      case '--cpu-profile':
        args.cpuProfile = argv[++i];
        break;
      case '--keep':
        args.keep = true;
        break;
      default:
        console.error(USAGE);
        process.exit(a === '--help' ? 0 : 1);
    }
  }
  if (args.statsProducts < 0) args.statsProducts = args.products;
  if (args.baseline > args.products) {
    console.error(`--baseline must not exceed --products\n${USAGE}`);
    process.exit(1);
  }
  return args;
}

const log = (line: string) => console.log(line);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const fmt = (ms: number) =>
  Number.isNaN(ms)
    ? '-'
    : ms < 10
    ? `${ms.toFixed(1)} ms`
    : `${Math.round(ms)} ms`;

type DbKind = 'sqlite' | 'postgres';

/** Profile `fn` on the main thread (the server; the client runs in a worker). */
async function withCpuProfile<T>(
  file: string | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  if (!file) return fn();
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, params ?? {}, (e, r) =>
        e ? reject(e) : resolve(r),
      ),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await post('Profiler.stop');
    session.disconnect();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    // self time per function, top 20
    const self = new Map<string, number>();
    let total = 0;
    const byId = new Map<number, any>(profile.nodes.map((n: any) => [n.id, n]));
    profile.samples.forEach((id: number, i: number) => {
      const dt = (profile.timeDeltas[i] ?? 0) / 1000;
      total += dt;
      const f = byId.get(id).callFrame;
      const where = f.url
        ? `${f.url
            .replace(/^.*node_modules\//, '')
            .replace(/^.*\/work\/main\//, '')}:${f.lineNumber + 1}`
        : '';
      const key = `${f.functionName || '(anonymous)'} ${where}`;
      self.set(key, (self.get(key) ?? 0) + dt);
    });
    log(
      `    CPU profile ${file}: ${Math.round(
        total,
      )} ms sampled; top self time:`,
    );
    for (const [k, v] of [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)) {
      log(`      ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
    }
  }
}

interface Store {
  kind: DbKind;
  products: number;
  backend?: BenchBackend;
  /** A separate connection to the plugin's database (loader, checks, profile). */
  knex: Knex;
  /** Where the plugin's data lives, for the size figure and cleanup. */
  location: string;
}

interface Measured {
  kind: DbKind;
  products: number;
  variant: string;
  concurrency: number;
  result: LoadResult;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const runId = crypto.randomBytes(3).toString('hex');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'datamesh-bench-slo-'));
  const pgUrl = new URL(args.pg);
  const pgConnection = {
    host: pgUrl.hostname,
    port: Number(pgUrl.port || 5432),
    user: decodeURIComponent(pgUrl.username || 'postgres'),
    ...(pgUrl.password ? { password: decodeURIComponent(pgUrl.password) } : {}),
  };
  const pgAdmin = args.db.includes('postgres')
    ? knexFactory({
        client: 'pg',
        connection: { ...pgConnection, database: 'postgres' },
      })
    : undefined;
  const pgDatabases: string[] = [];
  const stores: Store[] = [];

  const settings = readSloEngineConfig();
  const platform = platformConfig();
  const hours = args.days * 24;
  const T0 = Date.UTC(2026, 0, 1);
  /** Collections run at half past each hour; the API is read 10 minutes after the last. */
  const cycleAt = (h: number) => T0 + h * H + 30 * MIN;
  const NOW = cycleAt(hours - 1) + 10 * MIN;
  const clock = {
    t: T0,
    now() {
      return this.t;
    },
  };
  const authorization = mockCredentials.user.header('user:default/bench');

  const sqliteVersion = (() => {
    const Database = require('better-sqlite3');
    const db = new Database(':memory:');
    const v = db.prepare('select sqlite_version() as v').get().v;
    db.close();
    return v;
  })();
  const pgVersion = pgAdmin
    ? (await pgAdmin.raw('show server_version')).rows[0].server_version
    : '-';
  log(
    `node ${process.version}, ${os.cpus().length} CPUs (${
      os.cpus()[0]?.model ?? '?'
    }), load average ${os
      .loadavg()
      .map(l => l.toFixed(1))
      .join(
        ' ',
      )}; SQLite ${sqliteVersion} (better-sqlite3), PostgreSQL ${pgVersion}`,
  );
  log(
    `${args.products} products × 3 objectives × ${args.days} days hourly; baseline ${args.baseline} products; ${args.concurrency} requests in flight`,
  );

  async function openStore(
    kind: DbKind,
    products: number,
    entities: ReturnType<typeof productEntity>[],
    adapter?: () => WarehouseAdapter,
  ): Promise<Store> {
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
      pgDatabases.push(location);
    }
    const started = performance.now();
    const backend = await startBenchBackend({
      database,
      entities,
      clock,
      adapter,
      observationRetention: args.observationRetention,
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
    stores.push(store);
    return store;
  }

  async function settle(store: Store) {
    // PostgreSQL: what autovacuum gives a table in steady state (visibility
    // map, statistics); SQLite: nothing (Backstage never runs ANALYZE)
    if (store.kind === 'postgres') {
      for (const t of [
        'monitors',
        'observations',
        'slices',
        'updates',
        'status',
      ]) {
        await store.knex.raw(`vacuum analyze data_mesh_slo_${t}`);
      }
    }
  }

  async function sizeOf(store: Store): Promise<string> {
    if (store.kind === 'sqlite') {
      return `${(fs.statSync(store.location).size / 2 ** 20).toFixed(0)} MiB`;
    }
    const r = await store.knex.raw(
      'select pg_database_size(current_database()) as s',
    );
    return `${(Number(r.rows[0].s) / 2 ** 20).toFixed(0)} MiB`;
  }

  async function rowCounts(store: Store) {
    const out: Record<string, number> = {};
    for (const t of [
      'monitors',
      'observations',
      'slices',
      'updates',
      'status',
    ]) {
      out[t] = Number(
        (await store.knex(`data_mesh_slo_${t}`).count({ n: '*' }).first())?.n,
      );
    }
    return out;
  }

  const measured: Measured[] = [];
  const failures: string[] = [];

  function variantsFor(n: number) {
    const owners = Array.from({ length: Math.min(OWNER_GROUPS, n) }, (_, i) =>
      ownerOf(i),
    );
    const count = (f: (i: number) => boolean) => {
      let c = 0;
      for (let i = 0; i < n; i++) if (f(i)) c++;
      return c;
    };
    const products = Array.from(
      { length: n },
      (_, i) =>
        [`/products/default/${productName(i)}/slos`, { objectives: 3 }] as [
          string,
          Expectation,
        ],
    );
    const fleet: [string, Expectation][] = [['/slos', { total: n }]];
    const s = args.scale;
    return [
      {
        variant: 'one product',
        concurrency: args.concurrency,
        maxRequests: 1000 * s,
        maxMs: 15_000 * s,
        paths: products,
      },
      {
        variant: 'one product, 1 in flight',
        concurrency: 1,
        maxRequests: 200 * s,
        maxMs: 8_000 * s,
        paths: products,
      },
      {
        variant: 'fleet summary',
        concurrency: args.concurrency,
        maxRequests: 64 * s,
        maxMs: 20_000 * s,
        paths: fleet,
      },
      {
        variant: 'fleet summary, 1 in flight',
        concurrency: 1,
        maxRequests: 12 * s,
        maxMs: 8_000 * s,
        paths: fleet,
      },
      {
        variant: 'fleet ?owner=',
        concurrency: args.concurrency,
        maxRequests: 200 * s,
        maxMs: 10_000 * s,
        paths: owners.map(
          o =>
            [
              `/slos?owner=${encodeURIComponent(o)}`,
              { total: count(i => ownerOf(i) === o) },
            ] as [string, Expectation],
        ),
      },
      {
        variant: 'fleet ?domain=',
        concurrency: args.concurrency,
        maxRequests: 120 * s,
        maxMs: 10_000 * s,
        paths: DOMAINS.slice(0, Math.min(DOMAINS.length, n)).map(
          d =>
            [
              `/slos?domain=${encodeURIComponent(`domain:default/${d}`)}`,
              { total: count(i => domainOf(i) === d) },
            ] as [string, Expectation],
        ),
      },
    ];
  }

  /** One run of one variant against one store; latencies pooled per (store, variant). */
  async function measureOnce(store: Store, variant: string, round: number) {
    const n = store.products;
    const v = variantsFor(n).find(x => x.variant === variant)!;
    const base = store.backend!.baseUrl;
    // warm-up: connections, JIT, caches
    await runLoad({
      baseUrl: base,
      paths: v.paths,
      concurrency: 2,
      maxRequests: 6,
      maxMs: 10_000,
      authorization,
      seed: 7 + round,
    });
    const profileFile =
      args.cpuProfile && n === args.products
        ? path.join(
            args.cpuProfile,
            `${store.kind}-${n}-${v.variant.replace(
              /[^a-z0-9]+/gi,
              '-',
            )}-${round}.cpuprofile`,
          )
        : undefined;
    const result = await withCpuProfile(profileFile, () =>
      runLoad({
        baseUrl: base,
        paths: v.paths,
        concurrency: v.concurrency,
        maxRequests: Math.max(1, Math.round(v.maxRequests)),
        maxMs: v.maxMs,
        authorization,
        seed: 42 + round,
      }),
    );
    let m = measured.find(
      x => x.kind === store.kind && x.products === n && x.variant === v.variant,
    );
    if (!m) {
      m = {
        kind: store.kind,
        products: n,
        variant: v.variant,
        concurrency: v.concurrency,
        result: { latencies: [], errors: [], wallMs: 0, bytes: 0 },
      };
      measured.push(m);
    }
    m.result.latencies.push(...result.latencies);
    m.result.errors.push(...result.errors);
    m.result.wallMs += result.wallMs;
    m.result.bytes += result.bytes;
    const l = result.latencies;
    log(
      `  ${store.kind}, ${n} products, ${v.variant}${
        v.concurrency > 1 ? ` (${v.concurrency} in flight)` : ''
      }, round ${round}: ${l.length} requests in ${secs(
        result.wallMs,
      )}, p50 ${fmt(percentile(l, 50))}, p95 ${fmt(
        percentile(l, 95),
      )}, max ${fmt(Math.max(...l))}, ${(
        result.bytes /
        Math.max(1, l.length) /
        1024
      ).toFixed(0)} KiB/answer${
        result.errors.length
          ? `, ${result.errors.length} ERRORS: ${result.errors
              .slice(0, 3)
              .join(' | ')}`
          : ''
      }`,
    );
    if (result.errors.length)
      failures.push(`${store.kind} ${n} ${v.variant}: ${result.errors[0]}`);
  }

  /**
   * Every variant on each store in turn, repeated `--rounds` times, so that
   * the baseline and the large set see the same machine load (it drifts on
   * a shared machine) and their ratio means something.
   */
  async function compare(stores: Store[]) {
    for (const { variant } of variantsFor(stores[0].products)) {
      for (let round = 1; round <= args.rounds; round++) {
        for (const store of stores) await measureOnce(store, variant, round);
      }
    }
  }

  async function profile(store: Store) {
    const picks = Array.from(
      { length: 20 },
      (_, k) =>
        `dataproduct:default/${productName(
          Math.floor((k * 7919) % store.products),
        )}`,
    );
    const profiles = await profileStore({
      knex: store.knex,
      client: store.kind,
      now: NOW,
      productRefs: picks,
      owner: ownerOf(0),
      explain: args.explain,
    });
    log(
      `  statements (median per execution, separate connection, nothing else running):`,
    );
    for (const p of profiles) {
      log(
        `    ${p.call.padEnd(13)} ${fmt(p.medianMs).padStart(8)} ×${
          p.runs
        }  ${p.sql.replace(/\s+/g, ' ').slice(0, 150)}`,
      );
      if (p.plan)
        log(
          p.plan
            .split('\n')
            .map(l => `        ${l}`)
            .join('\n'),
        );
    }
  }

  try {
    if (!args.skipApi) {
      // ------------------------------------------------------------ baseline
      log(
        `\n== baseline: ${args.baseline} products, written by the plugin's own collection task`,
      );
      const warehouse = await createPgliteWarehouseAdapter({ inMemory: true });
      let statsCalls = 0;
      const counted: WarehouseAdapter = {
        dialect: warehouse.dialect,
        capabilities: warehouse.capabilities,
        introspect: s => warehouse.introspect(s),
        execute: s => warehouse.execute(s),
        sandboxClone: r => warehouse.sandboxClone(r),
        close: async () => {},
        tableStats: (d, t, o) => {
          statsCalls++;
          return warehouse.tableStats(d, t, o);
        },
      };
      const baseEntities = Array.from({ length: args.baseline }, (_, j) =>
        productEntity(j),
      );
      const tables = baseEntities.map(e => {
        const m = monitorsFromEntity(e, {
          platform,
          defaults: settings.defaults,
        })[0];
        if (!m.table) throw new Error(`${e.metadata.name}: ${m.problem}`);
        return m.table;
      });
      const databases = new Set(tables.map(t => t.database)).size;
      const pipelines = baseEntities.map((_, j) => pipeline(j, args.days));
      clock.t = T0;
      const baseStores: Store[] = [];
      for (const kind of args.db) {
        baseStores.push(
          await openStore(kind, args.baseline, baseEntities, () => counted),
        );
      }
      const cycleMs: Record<string, number[]> = {};
      const simStarted = performance.now();
      let warehouseStatements = 0;
      for (let h = 0; h < hours; h++) {
        clock.t = T0 + h * H + 5 * MIN;
        warehouseStatements += await runPipelines(
          warehouse,
          tables,
          pipelines,
          h,
          clock.t,
          platform.metadataColumns.loadedAt,
        );
        clock.t = cycleAt(h);
        for (const store of baseStores) {
          const before = statsCalls;
          const t = performance.now();
          await store.backend!.collect();
          (cycleMs[store.kind] ??= []).push(performance.now() - t);
          if (statsCalls - before !== databases) {
            throw new Error(
              `${store.kind}, hour ${h}: ${
                statsCalls - before
              } tableStats calls, expected one per database (${databases})`,
            );
          }
        }
        if ((h + 1) % 96 === 0)
          log(
            `  hour ${h + 1}/${hours} (${secs(
              performance.now() - simStarted,
            )})`,
          );
      }
      clock.t = NOW;
      await warehouse.close();
      log(
        `  ${hours} hourly cycles on ${baseStores.length} backend(s) in ${secs(
          performance.now() - simStarted,
        )}; ${warehouseStatements} pipeline statements; every cycle made ${databases} tableStats calls (${databases} databases)`,
      );
      for (const store of baseStores) {
        const c = cycleMs[store.kind];
        const rows = await rowCounts(store);
        if (rows.observations !== args.baseline * 3 * hours) {
          throw new Error(
            `${store.kind}: ${rows.observations} observations, expected ${
              args.baseline * 3 * hours
            }`,
          );
        }
        const states: any[] = await store
          .knex('data_mesh_slo_status')
          .select('status')
          .count({ n: '*' })
          .groupBy('status');
        log(
          `  ${store.kind}: collection cycle of ${
            args.baseline * 3
          } monitors p50 ${fmt(percentile(c, 50))}, p95 ${fmt(
            percentile(c, 95),
          )}; rows ${JSON.stringify(rows)}; objectives ${states
            .map(s => `${s.status} ${s.n}`)
            .join(', ')}`,
        );
        await settle(store);
      }

      // --------------------------------------------------------- large set
      for (const baseStore of baseStores) {
        const kind = baseStore.kind;
        log(
          `\n== ${kind}: ${args.baseline} products (${await sizeOf(
            baseStore,
          )})${args.products !== args.baseline ? ` and ${args.products}` : ''}`,
        );
        const stores = [baseStore];
        if (args.products !== args.baseline) {
          log(
            `${args.products} products: monitors from the plugin's catalog sync, history copied from the baseline`,
          );
          const entities = Array.from({ length: args.products }, (_, i) =>
            productEntity(i),
          );
          const store = await openStore(kind, args.products, entities);
          const t = performance.now();
          await replicate(baseStore.knex, store.knex, args.baseline, log);
          await settle(store);
          log(
            `  loaded in ${secs(performance.now() - t)} (with ${
              kind === 'postgres' ? 'VACUUM ANALYZE' : 'no ANALYZE'
            }); ${await sizeOf(store)}`,
          );
          stores.push(store);
        }
        await compare(stores);
        await profile(stores[stores.length - 1]);
        for (const store of stores) {
          await store.backend!.stop();
          store.backend = undefined;
        }
      }
    } // API part

    // ------------------------------------------------- queries per cycle
    let stats;
    if (args.statsProducts > 0) {
      log(
        `\n== warehouse queries of one collection cycle (PGlite, ${args.statsProducts} tables)`,
      );
      stats = await measureStatsQueries({
        products: args.statsProducts,
        memory: false,
        log,
      });
    }

    // ------------------------------------------------------------ summary
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
          ? `×${(
              percentile(l, 50) / percentile(b.result.latencies, 50)
            ).toFixed(1)} / ×${(
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
    if (failures.length) {
      console.error(`FAIL: wrong answers:\n${failures.join('\n')}`);
      process.exitCode = 1;
    }
  } finally {
    for (const s of stores) {
      await s.backend?.stop().catch(() => undefined);
      await s.knex.destroy().catch(() => undefined);
    }
    if (args.keep) {
      log(
        `kept: ${tmp}${
          pgDatabases.length
            ? `, PostgreSQL databases ${pgDatabases.join(', ')}`
            : ''
        }`,
      );
    } else {
      fs.rmSync(tmp, { recursive: true, force: true });
      for (const d of pgDatabases) {
        await pgAdmin!
          .raw(`drop database if exists "${d}" with (force)`)
          .catch(e => console.error(`could not drop ${d}: ${e}`));
      }
    }
    await pgAdmin?.destroy();
  }
}

const benchStarted = performance.now();
main().then(
  () => {
    log(`\ntotal ${secs(performance.now() - benchStarted)}`);
    // a pool or the scheduler mock may keep the loop alive after stop()
    process.exit(process.exitCode ?? 0);
  },
  e => {
    // knex errors quote the whole statement; the start is enough
    console.error(String(e?.stack ?? e).slice(0, 2000));
    process.exit(1);
  },
);
