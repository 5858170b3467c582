/*
 * Usage on SQLite and PostgreSQL (the store), with the real PGlite (and
 * PostgreSQL, when DATAMESH_TEST_PG_URL is set) warehouse for collection:
 * one readUsage per database per cycle whatever the number of products,
 * table-level counters booked as growth, by-role windows recounted without
 * double counting, unused grants flagged and notified once, and
 * consumersStillReading for the retirement engine.
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { WarehouseAdapter } from '@datamesh/plugin-data-mesh-node';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  type TestWarehouse,
  eventsTable,
  loadTable,
  provision,
  sloProduct,
  warehouseFactories,
} from '../__testUtils__/warehouse';
import {
  type AccessRequestRecord,
  AccessRequestStore,
} from '../access/AccessRequestStore';
import { runUsageCollection } from './collector';
import { UsageService } from './UsageService';
import { type DailyUsage, UsageStore } from './UsageStore';
import { checkUnusedGrants } from './unused';

const databases = createTestDatabases();
const D = 24 * 3_600_000;
const T0 = Date.UTC(2026, 2, 10, 12);
const ORDERS = 'dataproduct:default/orders';
const logger = mockServices.logger.mock();

function request(
  id: string,
  over: Partial<AccessRequestRecord> = {},
): Omit<AccessRequestRecord, 'history' | 'warnedAt'> {
  return {
    id,
    product: ORDERS,
    owner: 'group:default/team-a',
    outputPort: 'events',
    consumer: `group:default/team-${id}`,
    requester: 'user:default/carol',
    purpose: 'report',
    pii: false,
    state: 'active',
    durationMs: 90 * D,
    requestedAt: T0 - 60 * D,
    decidedAt: T0 - 60 * D,
    grantee: `team_${id}`,
    providerRole: 'shop_orders_consumer',
    role: `acme_access_${id}`,
    ...over,
  };
}

const byRole = (
  reader: string,
  day: string,
  reads: number,
  lastReadAt?: number,
): DailyUsage => ({
  product: ORDERS,
  reader,
  day,
  reads,
  lastReadAt,
  source: 'by-role',
});

describe.each(databases.eachSupportedId())('usage store on %s', databaseId => {
  let store: UsageStore;
  let access: AccessRequestStore;

  beforeAll(async () => {
    const knex = await databases.init(databaseId);
    store = await UsageStore.create({ getClient: async () => knex });
    access = await AccessRequestStore.create({ getClient: async () => knex });
  }, 60_000);

  it('replaces the recounted days and keeps the older ones', async () => {
    const p = 'dataproduct:default/window';
    const row = (day: string, reads: number) => ({
      ...byRole('r1', day, reads, Date.parse(`${day}T10:00:00Z`)),
      product: p,
    });
    await store.replaceWindow([p], '2026-03-01', [
      row('2026-03-01', 5),
      row('2026-03-02', 2),
    ]);
    // the next cycle recounts from 03-02: 03-02 grew late (ACCOUNT_USAGE lag), 03-03 is new
    await store.replaceWindow([p], '2026-03-02', [
      row('2026-03-02', 4),
      row('2026-03-03', 1),
    ]);
    expect(await store.readers(p, '2026-03-01')).toEqual([
      {
        reader: 'r1',
        reads: 10,
        lastReadAt: Date.parse('2026-03-03T10:00:00Z'),
        source: 'by-role',
      },
    ]);
    expect((await store.readers(p, '2026-03-03'))[0].reads).toBe(1);
  });

  it('books table-level counters as growth: a baseline first, a reset counts whole', async () => {
    const p = 'dataproduct:default/counters';
    const at = (scans: number, t: string) => [
      { product: p, tableKey: `db.s.${t}`, scans },
    ];
    await store.addCounters([...at(100, 'a'), ...at(7, 'b')], T0);
    expect(await store.readers(p, '2026-01-01')).toEqual([]);
    await store.addCounters([...at(103, 'a'), ...at(9, 'b')], T0 + 3_600_000);
    // statistics reset: b went from 9 to 2
    await store.addCounters([...at(103, 'a'), ...at(2, 'b')], T0 + D);
    expect(
      (await store.since([p], '2026-01-01')).map(r => [
        r.reader,
        r.day,
        r.reads,
        r.source,
      ]),
    ).toEqual([
      ['', '2026-03-10', 5, 'table-level'],
      ['', '2026-03-11', 2, 'table-level'],
    ]);
  });

  it('flags an unused active grant, notifies its owners once, and clears the flag once it is read', async () => {
    await access.insert(request('a1'), {
      at: T0,
      actor: 'x',
      action: 'request',
      state: 'pending',
    });
    await access.insert(request('a2'), {
      at: T0,
      actor: 'x',
      action: 'request',
      state: 'pending',
    });
    // granted yesterday: too recent to be unused
    await access.insert(request('a3', { decidedAt: T0 - D }), {
      at: T0,
      actor: 'x',
      action: 'request',
      state: 'pending',
    });
    await store.replaceWindow([ORDERS], '2026-03-09', [
      byRole('team_a1', '2026-03-09', 3, T0 - D),
    ]);
    await store.setSources(
      [{ product: ORDERS, source: 'by-role', notes: [] }],
      T0,
    );
    const notified: string[] = [];
    const notifier = {
      unused: async (r: AccessRequestRecord) => void notified.push(r.id),
    };
    const check = (now: number) =>
      checkUnusedGrants({
        store,
        accessStore: access,
        byRole: [ORDERS],
        now,
        unusedAfterMs: 30 * D,
        notifier,
        logger,
      });
    expect(await check(T0)).toBe(1);
    expect(await check(T0 + 3_600_000)).toBe(0);
    expect(notified).toEqual(['a2']);

    const service = new UsageService({
      store,
      accessStore: access,
      clock: { now: () => T0 },
      unusedAfterMs: 30 * D,
    });
    const view = await service.productUsage(ORDERS);
    expect(view.source).toBe('by-role');
    expect(
      view.consumers.map(c => [
        c.requestId,
        c.reads,
        c.lastRead ?? null,
        c.unused,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['a1', 3, new Date(T0 - D).toISOString(), false],
        ['a2', 0, null, true],
        ['a3', 0, null, false],
      ]),
    );

    // consumers still reading, for the retirement engine
    const still = await service.consumersStillReading(ORDERS, T0 - 5 * D);
    expect(still).toEqual({
      source: 'by-role',
      consumers: [
        {
          consumer: 'group:default/team-a1',
          requestId: 'a1',
          reads: 3,
          lastRead: new Date(T0 - D).toISOString(),
        },
      ],
      unattributedReads: 0,
      otherReaders: [],
    });

    // a2 reads after all: its flag goes; a later lapse would be flagged (and notified) anew
    await store.replaceWindow([ORDERS], '2026-03-10', [
      byRole('acme_access_a2', '2026-03-10', 1, T0),
    ]);
    await check(T0 + 2 * 3_600_000);
    expect((await store.unused(ORDERS)).has('a2')).toBe(false);
    expect(notified).toEqual(['a2']);
  });
});

describe.each(warehouseFactories)('usage collection on %s', (_name, open) => {
  let w: TestWarehouse;
  let store: UsageStore;
  let access: AccessRequestStore;

  beforeAll(async () => {
    w = await open();
    const knex = await databases.init('SQLITE_3');
    store = await UsageStore.create({ getClient: async () => knex });
    access = await AccessRequestStore.create({ getClient: async () => knex });
  }, 120_000);

  afterAll(async () => {
    await w?.cleanup();
  }, 60_000);

  it('asks each warehouse database once per cycle, whatever the number of products', async () => {
    const shop = `${w.id}-shop`;
    const crm = `${w.id}-crm`;
    const products = [
      sloProduct('orders', shop, []),
      sloProduct('returns', shop, []),
      sloProduct('carts', shop, []),
      sloProduct('leads', crm, []),
    ];
    await provision(w, products);
    const tables = products.map(p =>
      eventsTable(w, p.metadata.name, p.spec.domain!.split('/')[1]),
    );
    for (const t of tables) await loadTable(w.adapter, t, 5, T0);

    const calls: string[] = [];
    const adapter: WarehouseAdapter = Object.create(w.adapter);
    adapter.readUsage = (database, refs, options) => {
      calls.push(database);
      return w.adapter.readUsage(database, refs, options);
    };
    const cycle = (now: number) =>
      runUsageCollection(
        {
          store,
          accessStore: access,
          logger,
          platform: w.platform,
          getAdapter: async () => adapter,
          listEntities: async () => products,
          clock: { now: () => now },
          unusedAfterMs: 30 * D,
        },
        {},
      );

    const first = await cycle(T0);
    expect([first.products, first.databases, first.usageQueries]).toEqual([
      4, 2, 2,
    ]);
    expect(calls.sort()).toEqual(
      [tables[0].database, tables[3].database].sort(),
    );

    // a consumer reads orders twice; on the server its statistics are published by the session
    const q = w.adapter.dialect.qualifiedTable(tables[0], 'events');
    await w.adapter.execute([
      { sql: `SELECT count(*) FROM ${q}`, database: tables[0].database },
      { sql: `SELECT max(id) FROM ${q}`, database: tables[0].database },
    ]);
    if (w.name !== 'PGlite') {
      await w.adapter.connection.query(
        'select pg_stat_force_next_flush()',
        [],
        tables[0].database,
      );
    }
    const second = await cycle(T0 + 3_600_000);
    expect(second.usageQueries).toBe(2);
    const service = new UsageService({
      store,
      accessStore: access,
      clock: { now: () => T0 + 3_600_000 },
      unusedAfterMs: 30 * D,
    });
    const orders = await service.productUsage(ORDERS);
    expect(orders.source).toBe('table-level');
    // at least the consumer's two scans (a pool may add its own, never fewer)
    expect(orders.reads).toBeGreaterThanOrEqual(2);
    expect(
      (await service.productUsage('dataproduct:default/returns')).reads,
    ).toBe(0);
    expect(orders.notes.join(' ')).toMatch(/not reads per consumer role/);
  }, 120_000);
});
