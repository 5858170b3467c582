/*
 * readUsage through the real snowflake-sdk against the fake server, whose
 * ACCESS_HISTORY records the SELECTs it runs: reads per role, table and UTC
 * day inside the window, in one statement per call; names refused before
 * anything is sent; ACCOUNT_USAGE refused to a role without ACCOUNTADMIN.
 */
import { InvalidIdentifierError } from '@datamesh/plugin-data-mesh-node';
import {
  SnowflakeClient,
  type SnowflakeConnectionSettings,
} from './client/SnowflakeClient';
import { SnowflakeWarehouseAdapter } from './SnowflakeWarehouseAdapter';
import { FakeSnowflake } from './testUtils';

const DAY1 = Date.UTC(2026, 2, 9, 22, 30);
const H = 3_600_000;

describe('readUsage on Snowflake (fake server, real driver)', () => {
  let fake: FakeSnowflake;
  let admin: SnowflakeConnectionSettings;
  let adapter: SnowflakeWarehouseAdapter;
  let session: SnowflakeClient;
  let now = new Date(DAY1 - 2 * 24 * H);

  /** Run statements as `role` at time `at`. */
  async function readAs(role: string, at: number, ...sql: string[]) {
    now = new Date(at);
    await session.query(`USE ROLE ${role}`);
    await session.query('USE WAREHOUSE WH');
    for (const s of sql) await session.query(s);
  }

  beforeAll(async () => {
    fake = await FakeSnowflake.start({
      now: () => now,
      sessionTokenValiditySeconds: 30 * 86_400,
      masterTokenValiditySeconds: 30 * 86_400,
    });
    admin = fake.adminLogin({ role: 'ACCOUNTADMIN' });
    const setup = new SnowflakeClient(admin);
    for (const sql of [
      'CREATE WAREHOUSE WH WITH WAREHOUSE_SIZE = XSMALL',
      'CREATE DATABASE ACME_SHOP_DEV',
      'CREATE SCHEMA ACME_SHOP_DEV.ORDERS_OUTPUT',
      'CREATE TABLE ACME_SHOP_DEV.ORDERS_OUTPUT.EVENTS (ID NUMBER)',
      'CREATE TABLE ACME_SHOP_DEV.ORDERS_OUTPUT.ITEMS (ID NUMBER)',
      'CREATE TABLE ACME_SHOP_DEV.ORDERS_OUTPUT.OTHER (ID NUMBER)',
      'INSERT INTO ACME_SHOP_DEV.ORDERS_OUTPUT.EVENTS VALUES (1), (2)',
      ...['TEAM_B', 'ACME_ACCESS_X1'].flatMap(role => [
        `CREATE ROLE ${role}`,
        `GRANT USAGE ON WAREHOUSE WH TO ROLE ${role}`,
        `GRANT USAGE ON DATABASE ACME_SHOP_DEV TO ROLE ${role}`,
        `GRANT USAGE ON SCHEMA ACME_SHOP_DEV.ORDERS_OUTPUT TO ROLE ${role}`,
        `GRANT SELECT ON ALL TABLES IN SCHEMA ACME_SHOP_DEV.ORDERS_OUTPUT TO ROLE ${role}`,
        `GRANT ROLE ${role} TO USER ADMIN`,
      ]),
    ])
      await setup.query(sql);
    await setup.destroy();
    session = new SnowflakeClient(admin);
    adapter = new SnowflakeWarehouseAdapter({
      connection: { ...admin, warehouse: 'WH' },
    });
  }, 60_000);

  afterAll(async () => {
    await session?.destroy();
    await adapter?.close();
    await fake?.stop();
  });

  it('counts reads per role, table and UTC day inside the window, in one statement', async () => {
    // before the window: not counted
    await readAs(
      'TEAM_B',
      DAY1 - 30 * H,
      'SELECT ID FROM ACME_SHOP_DEV.ORDERS_OUTPUT.EVENTS',
    );
    // day 1 (UTC): TEAM_B twice, the request role once; day 2: TEAM_B once on each table
    await readAs(
      'TEAM_B',
      DAY1,
      'SELECT ID FROM ACME_SHOP_DEV.ORDERS_OUTPUT.EVENTS',
      'SELECT ID FROM ACME_SHOP_DEV.ORDERS_OUTPUT.EVENTS WHERE ID = 1',
    );
    await readAs(
      'ACME_ACCESS_X1',
      DAY1 + H / 2,
      'SELECT ID FROM ACME_SHOP_DEV.ORDERS_OUTPUT.EVENTS',
    );
    await readAs(
      'TEAM_B',
      DAY1 + 3 * H,
      'SELECT ID FROM ACME_SHOP_DEV.ORDERS_OUTPUT.ITEMS',
      'SELECT ID FROM ACME_SHOP_DEV.ORDERS_OUTPUT.EVENTS',
      // a table the call does not ask about
      'SELECT ID FROM ACME_SHOP_DEV.ORDERS_OUTPUT.OTHER',
    );

    const before = fake.queries.length;
    const reading = await adapter.readUsage(
      'acme_shop_dev',
      [
        { schema: 'orders_output', table: 'events' },
        { schema: 'orders_output', table: 'items' },
      ],
      { since: new Date(DAY1 - 2 * H).toISOString() },
    );
    expect(fake.queries.length - before).toBe(1);
    expect(fake.queries.at(-1)!.sqlText).toMatch(
      /ACCESS_HISTORY a, LATERAL FLATTEN\(input => a\.BASE_OBJECTS_ACCESSED\) f, SNOWFLAKE\.ACCOUNT_USAGE\.QUERY_HISTORY q WHERE q\.QUERY_ID = a\.QUERY_ID AND a\.QUERY_START_TIME >= '2026-03-09T20:30:00\.000Z'::TIMESTAMP_LTZ/,
    );
    expect(reading.source).toBe('by-role');
    const iso = (t: number) => new Date(t).toISOString();
    expect(
      reading.rows
        .map(r => [r.table, r.role, r.day, r.reads, r.lastRead])
        .sort((a, b) => String(a).localeCompare(String(b))),
    ).toEqual([
      ['events', 'ACME_ACCESS_X1', '2026-03-09', 1, iso(DAY1 + H / 2)],
      ['events', 'TEAM_B', '2026-03-09', 2, iso(DAY1)],
      ['events', 'TEAM_B', '2026-03-10', 1, iso(DAY1 + 3 * H)],
      ['items', 'TEAM_B', '2026-03-10', 1, iso(DAY1 + 3 * H)],
    ]);
  });

  it('refuses a name that is not an identifier before sending anything', async () => {
    const before = fake.queries.length;
    await expect(
      adapter.readUsage(
        'acme_shop_dev',
        [{ schema: 'x', table: "t') OR 1=1 --" }],
        {
          since: new Date(DAY1).toISOString(),
        },
      ),
    ).rejects.toThrow(InvalidIdentifierError);
    await expect(
      adapter.readUsage('acme_shop_dev', [{ schema: 'x', table: 't' }], {
        since: "2026-03-01'; DROP TABLE x; --",
      }),
    ).rejects.toThrow(InvalidIdentifierError);
    expect(fake.queries.length).toBe(before);
  });

  it('is refused to a role that may not use the SNOWFLAKE database', async () => {
    const consumer = new SnowflakeWarehouseAdapter({
      connection: { ...admin, role: 'TEAM_B', warehouse: 'WH' },
    });
    try {
      await expect(
        consumer.readUsage(
          'acme_shop_dev',
          [{ schema: 'orders_output', table: 'events' }],
          {
            since: new Date(DAY1).toISOString(),
          },
        ),
      ).rejects.toThrow(/SNOWFLAKE/);
    } finally {
      await consumer.close();
    }
  });
});
