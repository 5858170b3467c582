/*
 * Usage end to end on Snowflake, through the real snowflake-sdk driver and
 * the fake server (whose ACCESS_HISTORY records the SELECTs it runs): a
 * consumer team reads a product through its request role; the collection
 * asks ACCOUNT_USAGE once per database; the Access tab's numbers attribute
 * the reads to the request; the grant nobody uses is flagged and its
 * owners notified once; consumersStillReading names the reader.
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  computeDesiredState,
  platformConfig,
} from '@datamesh/plugin-data-mesh-node';
import {
  SnowflakeClient,
  type SnowflakeConnectionSettings,
  SnowflakeWarehouseAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-snowflake';
import {
  type FakeSnowflake,
  startFakeSnowflakeAccount,
} from '@datamesh/plugin-data-mesh-backend-module-snowflake/testUtils';
import { createTestDatabases } from '../__testUtils__/databases';
import { eventsTable, provision, sloProduct } from '../__testUtils__/warehouse';
import {
  type AccessRequestRecord,
  AccessRequestStore,
} from '../access/AccessRequestStore';
import { runUsageCollection } from './collector';
import { UsageService } from './UsageService';
import { UsageStore } from './UsageStore';

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2026, 2, 10, 9);
const ORDERS = 'dataproduct:default/orders';
const databases = createTestDatabases();

describe('usage on Snowflake (fake server, real driver)', () => {
  let fake: FakeSnowflake;
  let adapter: SnowflakeWarehouseAdapter;
  let connection: SnowflakeConnectionSettings;
  let now = new Date(T0 - H);

  beforeAll(async () => {
    ({ fake, platform: connection } = await startFakeSnowflakeAccount({
      now: () => now,
      sessionTokenValiditySeconds: 30 * 86_400,
      masterTokenValiditySeconds: 30 * 86_400,
    }));
    adapter = new SnowflakeWarehouseAdapter({ connection });
  }, 60_000);

  afterAll(async () => {
    await adapter?.close();
    await fake?.stop();
  });

  it('attributes reads to the request, asks once per database, flags the unused grant once', async () => {
    const platform = platformConfig();
    const products = [
      sloProduct('orders', 'shop', [], 'group:default/team-a'),
      sloProduct('carts', 'shop', [], 'group:default/team-a'),
      sloProduct('invoices', 'billing', [], 'group:default/team-f'),
    ];
    await provision({ adapter, platform }, products);
    const orders = eventsTable({ platform }, 'orders', 'shop');
    const table = adapter.dialect.qualifiedTable(orders, orders.table);
    await adapter.execute([
      { sql: `CREATE TABLE ${table} (ID INT)`, database: orders.database },
    ]);
    const consumerRole = computeDesiredState([products[0]], platform).desired!
      .products[0].roles.consumer;

    // the access request's role holds the product's consumer role and is
    // granted to the team's role, as the access executor does
    const q = (sql: string) =>
      adapter.execute([{ sql, database: orders.database }]);
    for (const sql of [
      'CREATE ROLE ACME_ACCESS_R1',
      `GRANT ROLE ${adapter.dialect.quoteIdentifier(
        consumerRole,
      )} TO ROLE ACME_ACCESS_R1`,
      'CREATE ROLE TEAM_B',
      'GRANT ROLE ACME_ACCESS_R1 TO ROLE TEAM_B',
      'GRANT USAGE ON WAREHOUSE DATAMESH_ADMIN_WH TO ROLE TEAM_B',
      'GRANT ROLE TEAM_B TO USER ADMIN',
    ])
      await q(sql);

    const knex = await databases.init('SQLITE_3');
    const store = await UsageStore.create({ getClient: async () => knex });
    const access = await AccessRequestStore.create({
      getClient: async () => knex,
    });
    const request = (
      id: string,
      grantee: string,
    ): Omit<AccessRequestRecord, 'history' | 'warnedAt'> => ({
      id,
      product: ORDERS,
      owner: 'group:default/team-a',
      outputPort: 'events',
      consumer: `group:default/${grantee.replace('_', '-')}`,
      requester: 'user:default/carol',
      purpose: 'report',
      pii: false,
      state: 'active',
      durationMs: 90 * D,
      requestedAt: T0 - 40 * D,
      decidedAt: T0 - 40 * D,
      grantee,
      providerRole: consumerRole,
      role: `acme_access_${id}`,
    });
    const first = {
      at: T0,
      actor: 'x',
      action: 'request',
      state: 'pending',
    } as const;
    await access.insert(request('r1', 'team_b'), first);
    await access.insert(request('r2', 'team_c'), first);

    // team B reads twice, as its own role
    const reader = new SnowflakeClient({ ...connection, role: 'TEAM_B' });
    now = new Date(T0 - 30 * 60_000);
    await reader.query(`SELECT ID FROM ${table}`);
    await reader.query(`SELECT count(*) AS N FROM ${table}`);
    await reader.destroy();

    const sent: string[] = [];
    const notified: string[] = [];
    const cycle = (at: number) => {
      now = new Date(at);
      const before = fake.queries.length;
      return runUsageCollection({
        store,
        accessStore: access,
        logger: mockServices.logger.mock(),
        platform,
        getAdapter: async () => adapter,
        listEntities: async () => products,
        clock: { now: () => at },
        unusedAfterMs: 30 * D,
        notifier: { unused: async r => void notified.push(r.id) },
      }).finally(() =>
        sent.push(...fake.queries.slice(before).map(x => x.sqlText)),
      );
    };
    const report = await cycle(T0);
    expect(report).toMatchObject({
      products: 3,
      databases: 2,
      usageQueries: 2,
      flagged: 1,
      errors: [],
    });
    expect(
      sent.filter(s => s.includes('ACCOUNT_USAGE.ACCESS_HISTORY')),
    ).toHaveLength(2);
    // an overlapping window later: the same reads, not twice; the notice not again
    await cycle(T0 + H);
    expect(notified).toEqual(['r2']);

    const service = new UsageService({
      store,
      accessStore: access,
      clock: { now: () => T0 + H },
      unusedAfterMs: 30 * D,
    });
    const usage = await service.productUsage(ORDERS);
    expect(usage.source).toBe('by-role');
    expect(usage.reads).toBe(2);
    expect(
      usage.consumers
        .map(c => [c.requestId, c.reads, c.lastRead ?? null, c.unused])
        .sort(),
    ).toEqual([
      ['r1', 2, new Date(T0 - 30 * 60_000).toISOString(), false],
      ['r2', 0, null, true],
    ]);
    expect(await service.consumersStillReading(ORDERS, T0 - D)).toMatchObject({
      source: 'by-role',
      consumers: [
        { requestId: 'r1', consumer: 'group:default/team-b', reads: 2 },
      ],
      unattributedReads: 0,
    });
  }, 120_000);
});
