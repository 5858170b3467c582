/*
 * The baseline of the API part: a few products whose whole history is written
 * by the plugin's own collection task, cycle by cycle, against pipelines
 * loading a real (PGlite) warehouse — so the large set copies real rows.
 */
import { performance } from 'node:perf_hooks';
import { createPgliteWarehouseAdapter } from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
  type WarehouseAdapter,
  platformConfig,
} from '@datamesh/plugin-data-mesh-node';
import {
  monitorsFromEntity,
  readSloEngineConfig,
} from '@datamesh/plugin-data-mesh-backend/alpha';
import { percentile } from './load';
import type { Args } from './options';
import { fmt, log, secs } from './report';
import {
  type BenchClock,
  type BenchStores,
  type Store,
  rowCounts,
  settle,
} from './stores';
import { H, MIN, pipeline, productEntity, runPipelines } from './world';

/** The simulated history shared by the baseline and the API reads. */
export interface BenchTimeline {
  clock: BenchClock;
  T0: number;
  hours: number;
  /** Collections run at half past each hour. */
  cycleAt: (h: number) => number;
  /** When the API is read: 10 minutes after the last collection. */
  NOW: number;
}

/** Writes the baseline on every database of `--db`; returns their stores, settled. */
export async function writeBaseline(options: {
  args: Args;
  stores: BenchStores;
  timeline: BenchTimeline;
  settings: ReturnType<typeof readSloEngineConfig>;
  platform: ReturnType<typeof platformConfig>;
}): Promise<Store[]> {
  const { args, stores, settings, platform } = options;
  const { clock, T0, hours, cycleAt, NOW } = options.timeline;
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
    schemasMarked: (d, p) => warehouse.schemasMarked(d, p),
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
      await stores.open(kind, args.baseline, baseEntities, () => counted),
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
      log(`  hour ${h + 1}/${hours} (${secs(performance.now() - simStarted)})`);
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
  return baseStores;
}
