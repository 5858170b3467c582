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
 *
 * This file sets up and tears down; the parts live beside it: options.ts
 * (flags), baseline.ts and api.ts (API latency), stats.ts (queries per
 * cycle), report.ts (output).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import knexFactory from 'knex';
import { mockCredentials } from '@backstage/backend-test-utils';
import { platformConfig } from '@datamesh/plugin-data-mesh-node';
import { readSloEngineConfig } from '@datamesh/plugin-data-mesh-backend/alpha';
import { type ApiResults, measureApi } from './api';
import type { BenchTimeline } from './baseline';
import { parseArgs } from './options';
import { log, printSummary, secs } from './report';
import { measureStatsQueries } from './stats';
import { BenchStores } from './stores';
import { H, MIN } from './world';

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
  const timeline: BenchTimeline = { clock, T0, hours, cycleAt, NOW };
  const stores = new BenchStores({
    tmp,
    runId,
    pgConnection,
    clock,
    observationRetention: args.observationRetention,
  });
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

  try {
    const { measured, failures }: ApiResults = args.skipApi
      ? { measured: [], failures: [] }
      : await measureApi({
          args,
          stores,
          timeline,
          authorization,
          settings,
          platform,
        });

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

    printSummary(args, measured, stats);
    if (failures.length) {
      console.error(`FAIL: wrong answers:\n${failures.join('\n')}`);
      process.exitCode = 1;
    }
  } finally {
    for (const s of stores.opened) {
      await s.backend?.stop().catch(() => undefined);
      await s.knex.destroy().catch(() => undefined);
    }
    if (args.keep) {
      log(
        `kept: ${tmp}${
          stores.pgDatabases.length
            ? `, PostgreSQL databases ${stores.pgDatabases.join(', ')}`
            : ''
        }`,
      );
    } else {
      fs.rmSync(tmp, { recursive: true, force: true });
      for (const d of stores.pgDatabases) {
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
