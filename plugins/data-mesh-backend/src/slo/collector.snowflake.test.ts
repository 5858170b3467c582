/*
 * The collector against the Snowflake adapter, through the real
 * snowflake-sdk driver and the in-repo loopback fake server: one
 * INFORMATION_SCHEMA.TABLES query per database per cycle, and the checks
 * read Snowflake's own ROW_COUNT and LAST_ALTERED.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { DEFAULT_SLO_DEFAULTS } from '@datamesh/plugin-data-mesh-common';
import { platformConfig } from '@datamesh/plugin-data-mesh-node';
import {
  type SnowflakeConnectionSettings,
  SnowflakeWarehouseAdapter,
  physicalName,
} from '@datamesh/plugin-data-mesh-backend-module-snowflake';
import {
  type FakeSnowflake,
  startFakeSnowflakeAccount,
} from '@datamesh/plugin-data-mesh-backend-module-snowflake/testUtils';
import { createTestDatabases } from '../__testUtils__/databases';
import { eventsTable, provision, sloProduct } from '../__testUtils__/warehouse';
import { createSloCollector } from './collector';
import { SloStore } from './SloStore';

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2025, 0, 1);

const databases = createTestDatabases();

describe('SLO collector on Snowflake (fake server, real driver)', () => {
  let fake: FakeSnowflake;
  let adapter: SnowflakeWarehouseAdapter;

  beforeAll(async () => {
    let connection: SnowflakeConnectionSettings;
    ({ fake, platform: connection } = await startFakeSnowflakeAccount({
      now: () => new Date(T0),
    }));
    adapter = new SnowflakeWarehouseAdapter({ connection });
  }, 60_000);

  afterAll(async () => {
    await adapter?.close();
    await fake?.stop();
  });

  it('reads all tables of a database in one query per cycle', async () => {
    const w = { adapter, platform: platformConfig() };
    const slos = [
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
    ];
    const products = [
      sloProduct('orders', 'shop', slos),
      sloProduct('carts', 'shop', slos),
      sloProduct('invoices', 'billing', slos),
      sloProduct('missing', 'billing', slos),
    ];
    await provision(w, products);
    for (const name of ['orders', 'carts', 'invoices']) {
      const t = eventsTable(w, name, name === 'invoices' ? 'billing' : 'shop');
      await adapter.execute([
        {
          sql: `CREATE TABLE ${adapter.dialect.qualifiedTable(
            t,
            t.table,
          )} (ID INT)`,
          database: t.database,
        },
      ]);
      // as if loads had happened: Snowflake keeps these as table metadata
      fake.account.setTableStats(
        [
          physicalName(t.database),
          physicalName(t.schema),
          physicalName(t.table),
        ],
        {
          rowCount: 1000,
          lastAltered: new Date(name === 'carts' ? T0 - 2 * D : T0 - H),
        },
      );
    }

    const knex = await databases.init('SQLITE_3');
    const store = await SloStore.create({ getClient: async () => knex });
    const collector = createSloCollector({
      store,
      logger: mockServices.logger.mock(),
      platform: w.platform,
      defaults: { ...DEFAULT_SLO_DEFAULTS },
      recentSlices: 1,
      retentionMs: 30 * D,
      removedGraceMs: D,
      getAdapter: async () => adapter,
    });
    await collector.syncMonitors(products, { now: T0 });

    const before = fake.queries.length;
    const report = await collector.runCollection({ now: T0, sync: false });
    const sent = fake.queries.slice(before).map(q => q.sqlText);
    expect(report).toMatchObject({
      monitors: 8,
      databases: 2,
      statsQueries: 2,
      errors: [],
    });
    expect(sent).toHaveLength(2);
    expect(sent.every(sql => sql.includes('INFORMATION_SCHEMA.TABLES'))).toBe(
      true,
    );

    const monitors = await store.listMonitors();
    const latest = await store.latestObservations(
      monitors.map(m => m.id),
      1,
    );
    const result = (product: string, slo: string) => {
      const m = monitors.find(x => x.name === product && x.sloName === slo)!;
      return latest.get(m.id)![0];
    };
    expect(result('orders', 'available')).toMatchObject({
      exists: true,
      rowCount: 1000,
      passed: true,
    });
    expect(result('orders', 'fresh')).toMatchObject({
      lastAlteredAt: T0 - H,
      passed: true,
    });
    expect(result('carts', 'fresh')).toMatchObject({
      passed: false,
      reason:
        "last altered 2d ago, more than the 1d 2h promised; measured on the warehouse's last-change time (no load-timestamp column)",
    });
    expect(result('missing', 'available')).toMatchObject({
      exists: false,
      passed: false,
    });
  }, 120_000);
});
