/*
 * Warehouse queries of one collection cycle: the real collector
 * (createSloCollector, as the plugin schedules it) over the real PGlite
 * adapter of the postgres module, with one table per product laid out as
 * the engine lays them out (database `acme_<domain>_dev`, mapped by PGlite's
 * schema-prefix layout to schema `acme_<domain>_dev__<product>_output`).
 * Counted twice: `tableStats` calls (the collector's requests, one per
 * database) and statements at the PGlite connection.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import knexFactory from 'knex';
import {
  type PostgresWarehouseAdapter,
  createPgliteWarehouseAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
  type WarehouseAdapter,
  platformConfig,
} from '@datamesh/plugin-data-mesh-node';
import {
  SloStore,
  createSloCollector,
  readSloEngineConfig,
} from '@datamesh/plugin-data-mesh-backend/alpha';
import { D, H, MIN, domainOf, productEntity } from './world';

export interface StatsRow {
  label: string;
  tables: number;
  databases: number;
  /** `tableStats` calls of the cycle (the collector's `statsQueries`). */
  statsCalls: number;
  /** Statements the PGlite connection received during the cycle. */
  wireQueries: number;
  statsMs: number;
  cycleMs: number;
}

export interface StatsReport {
  products: number;
  createTablesMs: number;
  rows: StatsRow[];
}

const quietLogger: any = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return quietLogger;
  },
};

export async function measureStatsQueries(options: {
  products: number;
  memory: boolean;
  log: (line: string) => void;
}): Promise<StatsReport> {
  const { products, log } = options;
  const dir = options.memory
    ? undefined
    : fs.mkdtempSync(path.join(os.tmpdir(), 'datamesh-bench-slo-pglite-'));
  const pglite: PostgresWarehouseAdapter = await createPgliteWarehouseAdapter(
    dir ? { dataDir: dir } : { inMemory: true },
  );
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  try {
    const platform = platformConfig();
    const settings = readSloEngineConfig();
    const store = await SloStore.create({ getClient: async () => knex });
    let statsCalls = 0;
    let statsMs = 0;
    const adapter: WarehouseAdapter = {
      dialect: pglite.dialect,
      capabilities: pglite.capabilities,
      introspect: s => pglite.introspect(s),
      execute: s => pglite.execute(s),
      sandboxClone: r => pglite.sandboxClone(r),
      schemasMarked: (d, p) => pglite.schemasMarked(d, p),
      close: async () => {},
      async tableStats(database, tables, o) {
        statsCalls++;
        const t = performance.now();
        try {
          return await pglite.tableStats(database, tables, o);
        } finally {
          statsMs += performance.now() - t;
        }
      },
    };
    const collector = createSloCollector({
      store,
      logger: quietLogger,
      platform,
      defaults: settings.defaults,
      collectionIntervalMs: H,
      recentSlices: settings.recentSlices,
      retentionMs: settings.retentionMs,
      removedGraceMs: 100 * D,
      getAdapter: async () => adapter,
    });
    const entities = Array.from({ length: products }, (_, i) =>
      productEntity(i),
    );
    let now = Date.UTC(2026, 1, 1);
    await collector.syncMonitors(entities, { now });

    // the tables, where the engine looks for them
    const tables = new Map<
      string,
      { database: string; schema: string; table: string }
    >();
    for (const m of await store.listMonitors()) {
      if (m.table)
        tables.set(
          `${m.table.database}.${m.table.schema}.${m.table.table}`,
          m.table,
        );
    }
    const loadedAt = pglite.dialect.quoteIdentifier(
      platform.metadataColumns.loadedAt,
    );
    const stamp = new Date(now - H).toISOString();
    let t = performance.now();
    let made = 0;
    for (const table of tables.values()) {
      const ref = { database: table.database, schema: table.schema };
      const name = pglite.dialect.qualifiedTable(ref, table.table);
      await pglite.connection.query(
        `CREATE SCHEMA IF NOT EXISTS ${pglite.dialect.qualifiedSchema(ref)}`,
      );
      await pglite.connection.query(
        `CREATE TABLE IF NOT EXISTS ${name} (id integer, ${loadedAt} timestamptz)`,
      );
      await pglite.connection.query(
        `INSERT INTO ${name} SELECT g, '${stamp}'::timestamptz FROM generate_series(1, 10) AS g`,
      );
      if (++made % 1000 === 0) {
        log(
          `  ${made} tables created (${((performance.now() - t) / 1000).toFixed(
            0,
          )} s)`,
        );
      }
    }
    const createTablesMs = performance.now() - t;
    log(
      `  ${
        tables.size
      } tables (schema + table + 10 rows each) created in PGlite in ${(
        createTablesMs / 1000
      ).toFixed(1)} s`,
    );

    const reload = async (every: number) => {
      const at = new Date(now).toISOString();
      let k = 0;
      for (const table of tables.values()) {
        if (k++ % every !== 0) continue;
        const name = pglite.dialect.qualifiedTable(
          { database: table.database, schema: table.schema },
          table.table,
        );
        await pglite.connection.query(`TRUNCATE ${name}`);
        await pglite.connection.query(
          `INSERT INTO ${name} SELECT g, '${at}'::timestamptz FROM generate_series(1, 12) AS g`,
        );
      }
    };
    const subsets: {
      label: string;
      pick: (i: number) => boolean;
      before?: () => Promise<void>;
    }[] = [
      { label: `${Math.min(50, products)} products`, pick: i => i < 50 },
      { label: `${Math.min(500, products)} products`, pick: i => i < 500 },
      { label: `${products} products`, pick: () => true },
      {
        label: `${domainOf(0)} + ${domainOf(1)} only`,
        pick: i => [domainOf(0), domainOf(1)].includes(domainOf(i)),
      },
      { label: `${products} products, again`, pick: () => true },
      {
        label: `${products} products, 10 % of the tables reloaded`,
        pick: () => true,
        before: () => reload(10),
      },
    ];
    const rows: StatsRow[] = [];
    for (const subset of subsets) {
      now += H;
      await subset.before?.();
      const chosen = entities.filter((_, i) => subset.pick(i));
      await collector.syncMonitors(chosen, { now });
      const monitors = (await store.listMonitors()).filter(m => m.table);
      const databases = new Set(monitors.map(m => m.table!.database)).size;
      const tableCount = new Set(
        monitors.map(
          m => `${m.table!.database}.${m.table!.schema}.${m.table!.table}`,
        ),
      ).size;
      statsCalls = 0;
      statsMs = 0;
      const before = pglite.connection.queryCount;
      t = performance.now();
      const report = await collector.runCollection({
        now: now + 5 * MIN,
        sync: false,
      });
      const cycleMs = performance.now() - t;
      const wireQueries = pglite.connection.queryCount - before;
      if (report.errors.length > 0) {
        throw new Error(`collection failed: ${report.errors.join('; ')}`);
      }
      if (report.statsQueries !== statsCalls) {
        throw new Error(
          `the collector reports ${report.statsQueries} stats queries, the adapter saw ${statsCalls}`,
        );
      }
      rows.push({
        label: subset.label,
        tables: tableCount,
        databases,
        statsCalls,
        wireQueries,
        statsMs,
        cycleMs,
      });
      log(
        `  ${
          subset.label
        }: ${tableCount} tables in ${databases} databases: ${statsCalls} stats calls, ${wireQueries} PGlite statements, stats ${statsMs.toFixed(
          0,
        )} ms, cycle ${cycleMs.toFixed(0)} ms`,
      );
    }
    return { products, createTablesMs, rows };
  } finally {
    await knex.destroy();
    await pglite.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}
