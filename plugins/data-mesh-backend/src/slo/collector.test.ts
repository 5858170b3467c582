/*
 * The collector against real warehouses (PGlite always, a PostgreSQL server
 * when DATAMESH_TEST_PG_URL is set), through the real postgres adapter, with
 * the engine's own database on SQLite.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { DEFAULT_SLO_DEFAULTS } from '@datamesh/plugin-data-mesh-common';
import type { WarehouseAdapter } from '@datamesh/plugin-data-mesh-node';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  type TestWarehouse,
  eventsTable,
  loadTable,
  provision,
  recordingAdapter,
  sloProduct,
  warehouseFactories,
} from '../__testUtils__/warehouse';
import { createSloCollector } from './collector';
import { SloStore } from './SloStore';

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;
const T0 = Date.UTC(2025, 0, 1);

const databases = createTestDatabases();

const threeSlos = [
  {
    name: 'available',
    dimension: 'availability' as const,
    objective: 'answers',
  },
  {
    name: 'fresh',
    dimension: 'freshness' as const,
    objective: 'daily',
    maxAge: '26h',
  },
  {
    name: 'complete',
    dimension: 'completeness' as const,
    objective: 'no drop',
  },
];

describe.each(warehouseFactories)(
  'SLO collector on %s',
  (_name, makeWarehouse) => {
    let w: TestWarehouse;
    let store: SloStore;

    beforeAll(async () => {
      w = await makeWarehouse();
      const knex = await databases.init('SQLITE_3');
      store = await SloStore.create({ getClient: async () => knex });
    }, 120_000);

    afterAll(async () => {
      await w?.cleanup();
    }, 120_000);

    function collector(adapter: WarehouseAdapter = w.adapter) {
      return createSloCollector({
        store,
        logger: mockServices.logger.mock(),
        platform: w.platform,
        defaults: { ...DEFAULT_SLO_DEFAULTS },
        recentSlices: 1,
        retentionMs: 30 * D,
        removedGraceMs: D,
        getAdapter: async () => adapter,
      });
    }

    it('sends one query per database and cycle, whatever the number of tables', async () => {
      const sales = `${w.id}-sales`;
      const finance = `${w.id}-fin`;
      const products = [
        ...['p1', 'p2', 'p3'].map(p => sloProduct(p, sales, threeSlos)),
        ...['p4', 'p5'].map(p => sloProduct(p, finance, threeSlos)),
      ];
      await provision(w, products);
      for (const p of ['p1', 'p2', 'p3']) {
        await loadTable(w.adapter, eventsTable(w, p, sales), 10, T0);
      }
      for (const p of ['p4', 'p5']) {
        await loadTable(w.adapter, eventsTable(w, p, finance), 10, T0);
      }
      const { adapter, statsCalls } = recordingAdapter(w.adapter);
      const c = collector(adapter);
      await c.syncMonitors(products, { now: T0 });

      // exactly one statement on the wire per database and cycle
      const start = w.queryCount();
      const report = await c.runCollection({ now: T0 + H, sync: false });
      expect(w.queryCount() - start).toBe(2);
      expect(report).toMatchObject({
        monitors: 15,
        databases: 2,
        statsQueries: 2,
        observations: 15,
        errors: [],
      });
      expect(statsCalls.map(s => s.database).sort()).toEqual(
        [
          eventsTable(w, 'p4', finance).database,
          eventsTable(w, 'p1', sales).database,
        ].sort(),
      );
      expect(statsCalls.map(s => s.tables).sort()).toEqual([2, 3]);

      // ten more products (30 more monitors) in the same two databases
      const more = Array.from({ length: 10 }, (_, i) =>
        sloProduct(`q${i}`, i % 2 ? sales : finance, threeSlos),
      );
      await provision(w, more);
      for (const [i, p] of more.entries()) {
        await loadTable(
          w.adapter,
          eventsTable(w, p.metadata.name, i % 2 ? sales : finance),
          10,
          T0,
        );
      }
      await c.syncMonitors([...products, ...more], { now: T0 + H });
      statsCalls.length = 0;
      const again = w.queryCount();
      const second = await c.runCollection({ now: T0 + 2 * H, sync: false });
      expect(second).toMatchObject({
        monitors: 45,
        databases: 2,
        statsQueries: 2,
      });
      expect(statsCalls).toHaveLength(2);
      expect(w.queryCount() - again).toBe(2);

      // clean the store for the next test
      await c.syncMonitors([], { now: T0 + 100 * D });
      await c.syncMonitors([], { now: T0 + 102 * D });
    }, 180_000);

    it('measures availability, freshness and completeness over simulated days', async () => {
      const domain = `${w.id}-shop`;
      const orders = sloProduct('orders', domain, threeSlos);
      const ghost = sloProduct('ghost', domain, [threeSlos[0]]);
      await provision(w, [orders, ghost]);
      const table = eventsTable(w, 'orders', domain);
      const c = collector();
      await c.syncMonitors([orders, ghost], { now: T0 });

      // full refreshes at 03:00: 100 rows, then 110, then only 50, then none
      const loads: Record<number, number> = { 0: 100, 1: 110, 2: 50 };
      const reports = [];
      for (let day = 0; day < 4; day++) {
        for (const hour of [0, 6, 12, 18]) {
          const now = T0 + day * D + hour * H + 5 * MIN;
          if (hour === 6 && loads[day] !== undefined) {
            await loadTable(w.adapter, table, loads[day], T0 + day * D + 3 * H);
          }
          if (day === 0 && hour === 0) continue; // the table does not exist yet
          reports.push(await c.runCollection({ now, sync: false }));
        }
      }
      expect(
        reports.every(r => r.statsQueries === 1 && r.errors.length === 0),
      ).toBe(true);
      // updates: the first sighting (100), then 110, then 50
      expect(reports.map(r => r.updates).filter(n => n > 0)).toEqual([1, 1, 1]);

      const monitors = await store.listMonitors();
      const id = (product: string, slo: string) =>
        monitors.find(m => m.name === product && m.sloName === slo)!.id;
      const days = async (monitorId: number) =>
        (await store.slices([monitorId], 0)).map(s => ({
          day: (s.start - T0) / D,
          checks: s.checks,
          passed: s.passed,
        }));
      expect(await days(id('orders', 'available'))).toEqual([
        { day: 0, checks: 3, passed: 3 },
        { day: 1, checks: 4, passed: 4 },
        { day: 2, checks: 4, passed: 4 },
        { day: 3, checks: 4, passed: 4 },
      ]);
      // day 3 06:05 is 27h05 after the last refresh: stale from then on
      expect(await days(id('orders', 'fresh'))).toEqual([
        { day: 0, checks: 3, passed: 3 },
        { day: 1, checks: 4, passed: 4 },
        { day: 2, checks: 4, passed: 4 },
        { day: 3, checks: 4, passed: 1 },
      ]);
      // 50 rows is far below the average 105 of the previous updates; the
      // failure holds until the next update
      expect(await days(id('orders', 'complete'))).toEqual([
        { day: 0, checks: 3, passed: 3 },
        { day: 1, checks: 4, passed: 4 },
        { day: 2, checks: 4, passed: 1 },
        { day: 3, checks: 4, passed: 0 },
      ]);
      expect(await days(id('ghost', 'available'))).toEqual([
        { day: 0, checks: 3, passed: 0 },
        { day: 1, checks: 4, passed: 0 },
        { day: 2, checks: 4, passed: 0 },
        { day: 3, checks: 4, passed: 0 },
      ]);

      const latest = await store.latestObservations(
        [
          id('orders', 'complete'),
          id('orders', 'fresh'),
          id('ghost', 'available'),
        ],
        1,
      );
      expect(latest.get(id('orders', 'complete'))![0]).toMatchObject({
        exists: true,
        rowCount: 50,
        lastAlteredAt: T0 + 2 * D + 3 * H,
        passed: false,
        reason:
          '50 rows, 52.4 % below the average 105 of the 2 previous updates (tolerance 5 %)',
      });
      expect(latest.get(id('orders', 'fresh'))![0].reason).toBe(
        'last loaded 1d 15h ago, more than the 1d 2h promised; measured on the load-timestamp column',
      );
      expect(latest.get(id('ghost', 'available'))![0]).toMatchObject({
        exists: false,
        passed: false,
        reason: 'the table does not exist',
      });

      // the stored evaluation as of the last cycle (day 3 18:05):
      // availability: day 3 still pending → days 0..2 good, 3/3;
      // freshness: day 3 failed, so it counts → 3/4 < 0.8;
      // completeness: days 2 and 3 bad → 2/4; ghost: 0/4
      const statuses = await store.status.statuses(monitors.map(m => m.id));
      const s = (product: string, slo: string) =>
        statuses.get(id(product, slo));
      expect(s('orders', 'available')).toMatchObject({
        status: 'ok',
        sli: 1,
        good: 3,
        total: 3,
      });
      expect(s('orders', 'fresh')).toMatchObject({
        status: 'breaching',
        sli: 0.75,
        total: 4,
      });
      expect(s('orders', 'complete')).toMatchObject({
        status: 'breaching',
        sli: 0.5,
        total: 4,
      });
      expect(s('ghost', 'available')).toMatchObject({
        status: 'breaching',
        sli: 0,
        total: 4,
      });
    }, 180_000);

    it('records the warehouse being unreachable as failed checks', async () => {
      const c = createSloCollector({
        store,
        logger: mockServices.logger.mock(),
        platform: w.platform,
        defaults: { ...DEFAULT_SLO_DEFAULTS },
        recentSlices: 1,
        retentionMs: 30 * D,
        removedGraceMs: D,
        getAdapter: async () => {
          throw new Error('connection refused');
        },
      });
      const report = await c.runCollection({ now: T0 + 4 * D, sync: false });
      expect(report.statsQueries).toBe(0);
      expect(report.errors).toEqual([
        'the warehouse adapter could not be opened: connection refused',
      ]);
      const [m] = await store.listMonitors();
      const [o] = (await store.latestObservations([m.id], 1)).get(m.id)!;
      expect(o).toMatchObject({
        passed: false,
        reason:
          'the warehouse could not be queried: the warehouse adapter could not be opened: connection refused',
      });
    });
  },
);
