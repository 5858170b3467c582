/*
 * Where Snowflake differs from what a reader of one database would expect,
 * checked against the fake (which follows Snowflake's documentation) through
 * the real snowflake-sdk driver: account-wide OBJECT_PRIVILEGES with
 * non-role grantees, role memberships without a scope database, freshness
 * from the load-timestamp column rather than LAST_ALTERED.
 */
import {
  accessDriftProducts,
  applyPlan,
  assessAccessDrift,
  computeDesiredState,
  detectDrift,
  planProducts,
  platformConfig,
  scopeOf,
} from '@datamesh/plugin-data-mesh-node';
import { testDataProduct } from '@datamesh/plugin-data-mesh-node/testUtils';
import {
  SnowflakeClient,
  type SnowflakeConnectionSettings,
} from './client/SnowflakeClient';
import { SnowflakeWarehouseAdapter } from './SnowflakeWarehouseAdapter';
import { type FakeSnowflake, startFakeSnowflakeAccount } from './testUtils';

const platform = platformConfig({ organization: 'acme' });
const ordersDev = testDataProduct('orders', 'sales');
const ordersProd = testDataProduct('orders', 'sales', { stage: 'prod' });

describe('SnowflakeWarehouseAdapter against Snowflake-documented behaviour', () => {
  let fake: FakeSnowflake;
  let admin: SnowflakeConnectionSettings;
  const closers: (() => Promise<void>)[] = [];
  const adapterWith = (over: Partial<SnowflakeConnectionSettings> = {}) => {
    const adapter = new SnowflakeWarehouseAdapter({
      connection: { ...admin, warehouse: 'DATAMESH_ADMIN_WH', ...over },
    });
    closers.push(() => adapter.close());
    return adapter;
  };
  const client = (over: Partial<SnowflakeConnectionSettings> = {}) => {
    const c = new SnowflakeClient({
      ...admin,
      warehouse: 'DATAMESH_ADMIN_WH',
      ...over,
    });
    closers.push(() => c.destroy());
    return c;
  };
  const provision = async (
    adapter: SnowflakeWarehouseAdapter,
    products = [ordersDev],
  ) => {
    const result = await applyPlan(
      (
        await planProducts(products, platform, adapter)
      ).plan!,
      adapter,
    );
    expect(result.error).toBeUndefined();
  };

  beforeEach(async () => {
    ({ fake, admin } = await startFakeSnowflakeAccount({
      warehouseUsers: ['SYSADMIN'],
    }));
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse())
      await close().catch(() => undefined);
    await fake.stop();
  });

  it('reads OBJECT_PRIVILEGES of its own database only: a prod database with the same schema names is not dev drift', async () => {
    const adapter = adapterWith();
    // one product, two stages: the same schema names in two databases
    await provision(adapter, [ordersDev]);
    await provision(adapter, [ordersProd]);
    const dba = client();
    await dba.query('CREATE ROLE ANALYST');
    await dba.query(
      'GRANT USAGE ON SCHEMA ACME_SALES_PROD.ORDERS_RAW TO ROLE ANALYST',
    );
    await dba.query(
      'REVOKE USAGE ON SCHEMA ACME_SALES_PROD.ORDERS_OUTPUT FROM ROLE SALES_ORDERS_CONSUMER',
    );
    // OBJECT_PRIVILEGES of the dev database lists the prod grants too (account-wide view)
    const rows = await dba.query(
      "SELECT OBJECT_CATALOG, OBJECT_NAME FROM ACME_SALES_DEV.INFORMATION_SCHEMA.OBJECT_PRIVILEGES WHERE GRANTEE = 'ANALYST'",
    );
    expect(rows).toEqual([
      { OBJECT_CATALOG: 'ACME_SALES_PROD', OBJECT_NAME: 'ORDERS_RAW' },
    ]);

    const dev = await detectDrift([ordersDev], platform, adapter);
    expect(dev.inSync).toBe(true);
    expect(dev.lines).toEqual([
      'no changes: the warehouse matches the declared state',
    ]);
    const prod = await detectDrift([ordersProd], platform, adapter);
    expect(prod.lines).toEqual(
      expect.arrayContaining([
        '- revoke usage on schema "ACME_SALES_PROD"."ORDERS_RAW" from "ANALYST"',
        '+ grant usage on schema "ACME_SALES_PROD"."ORDERS_OUTPUT" to "SALES_ORDERS_CONSUMER"',
      ]),
    );
    expect(prod.lines.join('\n')).not.toMatch(/ACME_SALES_DEV/);
  });

  it('leaves grants to application and database roles out of drift, even when one shares a product role name', async () => {
    const adapter = adapterWith();
    await provision(adapter);
    const grant = (
      grantee: string,
      grantedTo: 'APPLICATION_ROLE' | 'DATABASE_ROLE',
      privilege: string,
      schema: string,
    ) =>
      fake.account.grants.push({
        privilege,
        on: 'SCHEMA',
        name: ['ACME_SALES_DEV', schema],
        grantee,
        grantedTo,
        grantOption: false,
        grantedBy: 'ACCOUNTADMIN',
        createdOn: new Date(),
      });
    grant('AUDITOR', 'APPLICATION_ROLE', 'USAGE', 'ORDERS_RAW');
    grant(
      'SALES_ORDERS_CONSUMER',
      'DATABASE_ROLE',
      'CREATE TABLE',
      'ORDERS_OUTPUT',
    );
    grant(
      'SALES_ORDERS_CONSUMER',
      'DATABASE_ROLE',
      'CREATE VIEW',
      'ORDERS_OUTPUT',
    );
    const granted = await client().query(
      "SELECT GRANTEE, GRANTED_TO FROM ACME_SALES_DEV.INFORMATION_SCHEMA.OBJECT_PRIVILEGES WHERE GRANTED_TO <> 'ROLE'",
    );
    expect(granted).toEqual([
      { GRANTEE: 'AUDITOR', GRANTED_TO: 'APPLICATION ROLE' },
      { GRANTEE: 'SALES_ORDERS_CONSUMER', GRANTED_TO: 'DATABASE ROLE' },
      { GRANTEE: 'SALES_ORDERS_CONSUMER', GRANTED_TO: 'DATABASE ROLE' },
    ]);
    // a revoke "FROM ROLE" would hit the account role of that name, not the grantee
    const drift = await detectDrift([ordersDev], platform, adapter);
    expect(drift.inSync).toBe(true);
    // and the account role of that name gained nothing
    await expect(
      client({ role: 'SALES_ORDERS_CONSUMER' }).query(
        'CREATE TABLE ACME_SALES_DEV.ORDERS_OUTPUT.T (ID NUMBER)',
      ),
    ).rejects.toThrow(/Insufficient privileges/);
  });

  it('reports a product role granted to a user by hand as access drift, and the repair revokes it from the user', async () => {
    const adapter = adapterWith();
    const withPii = testDataProduct('orders', 'sales', { pii: true });
    await provision(adapter, [withPii]);
    // as the adapter plans it: the owner role under its parent role (SYSADMIN)
    const { desired } = await planProducts([withPii], platform, adapter);
    const piiRole = desired!.products[0].piiRole!;
    const dba = client();
    // Snowflake grants roles to users too: the commonest grant made by hand
    await dba.query('CREATE USER BOB');
    await dba.query(`GRANT ROLE ${piiRole.toUpperCase()} TO USER BOB`);
    // a role of the same name as the user holds nothing: users and roles apart
    await dba.query('CREATE ROLE BOB');

    const assess = () =>
      assessAccessDrift(
        { products: accessDriftProducts(desired!), active: [] },
        adapter,
      );
    const drift = (await assess()).products[0];
    expect(drift.inSync).toBe(false);
    expect(drift.unmanaged).toEqual([
      {
        role: 'bob',
        membership: { role: piiRole, member: 'bob', memberKind: 'user' },
        message: `user bob holds ${piiRole}, which no active access request explains`,
      },
    ]);
    expect(
      drift.plan.destructive.map(s => s.statements.map(x => x.sql)),
    ).toEqual([[`REVOKE ROLE "${piiRole.toUpperCase()}" FROM USER "BOB"`]]);
    const result = await applyPlan(drift.plan, adapter, {
      allowDestructive: true,
    });
    expect(result.error).toBeUndefined();
    expect((await assess()).products[0].inSync).toBe(true);
    expect(
      await dba.query(`SHOW GRANTS OF ROLE ${piiRole.toUpperCase()}`),
    ).not.toContainEqual(expect.objectContaining({ grantee_name: 'BOB' }));
  });

  it('introspects two databases with one OBJECT_PRIVILEGES query', async () => {
    const adapter = adapterWith();
    const invoicesProd = testDataProduct('invoices', 'sales', {
      stage: 'prod',
    });
    await provision(adapter, [ordersDev, invoicesProd]);
    const { desired } = computeDesiredState([ordersDev, invoicesProd], {
      ...platform,
      parentRole: 'SYSADMIN',
    });
    const before = fake.queries.length;
    const actual = await adapter.introspect(scopeOf(desired!));
    const sent = fake.queries.slice(before).map(q => q.sqlText);
    expect(sent.filter(s => s.includes('OBJECT_PRIVILEGES'))).toHaveLength(1);
    // 3 SHOW + memberships + 1 warehouse + 2 SHOW SCHEMAS + 1 OBJECT_PRIVILEGES + 6 schemas
    expect(actual.queries).toBe(14);
    expect(sent).toHaveLength(14);
  });

  it('reads role memberships as the documented DATAMESH_ADMIN role, with no scope database (SHOW GRANTS OF ROLE)', async () => {
    // the dedicated role the README documents instead of ACCOUNTADMIN
    const setup = client();
    await setup.query('CREATE ROLE DATAMESH_ADMIN');
    await setup.query(
      'GRANT CREATE ROLE, CREATE DATABASE, CREATE WAREHOUSE, MANAGE GRANTS ON ACCOUNT TO ROLE DATAMESH_ADMIN',
    );
    await setup.query('GRANT ROLE SYSADMIN TO ROLE DATAMESH_ADMIN');
    await setup.query('GRANT ROLE DATAMESH_ADMIN TO USER ADMIN');
    const adapter = adapterWith({ role: 'DATAMESH_ADMIN' });
    await provision(adapter);
    // SNOWFLAKE is a shared database only ACCOUNTADMIN sees by default
    await expect(
      client({ role: 'DATAMESH_ADMIN' }).query(
        'SELECT GRANTEE FROM SNOWFLAKE.INFORMATION_SCHEMA.APPLICABLE_ROLES',
      ),
    ).rejects.toThrow(/Database 'SNOWFLAKE' does not exist or not authorized/);

    // the roles outlive their database; one membership was revoked by hand
    // (DATAMESH_ADMIN owns the database; ACCOUNTADMIN does not inherit it)
    await client({ role: 'DATAMESH_ADMIN' }).query(
      'DROP DATABASE ACME_SALES_DEV',
    );
    await setup.query(
      'REVOKE ROLE SALES_ORDERS_CONSUMER FROM ROLE SALES_ORDERS_SERVICE',
    );
    const { desired } = computeDesiredState([ordersDev], {
      ...platform,
      parentRole: 'SYSADMIN',
    });
    const before = fake.queries.length;
    const actual = await adapter.introspect(scopeOf(desired!));
    const sent = fake.queries.slice(before).map(q => q.sqlText);
    expect(actual.memberships).toEqual(
      expect.arrayContaining([
        { role: 'sales_orders_service', member: 'sales_orders_owner' },
        { role: 'sales_orders_owner', member: 'SYSADMIN' },
      ]),
    );
    expect(actual.memberships).toHaveLength(2);
    // 3 SHOW + 1 warehouse + one SHOW GRANTS OF ROLE per existing scope role
    expect(sent.filter(s => s.startsWith('SHOW GRANTS OF ROLE'))).toHaveLength(
      3,
    );
    expect(actual.queries).toBe(7);
    const drift = await detectDrift([ordersDev], platform, adapter);
    expect(drift.lines).toEqual(
      expect.arrayContaining([
        '+ grant role "SALES_ORDERS_CONSUMER" to "SALES_ORDERS_SERVICE"',
      ]),
    );
    expect(drift.lines.join('\n')).not.toMatch(
      /grant role "SALES_ORDERS_SERVICE" to/,
    );
  });

  it('reports freshness from max(loaded_at), not LAST_ALTERED which DDL moves too, in one query per database per cycle', async () => {
    const adapter = adapterWith();
    await provision(adapter);
    const dba = client();
    await dba.query(
      'CREATE TABLE ACME_SALES_DEV.ORDERS_OUTPUT.ORDERS (ID NUMBER, LOADED_AT TIMESTAMP_NTZ)',
    );
    await dba.query(
      "INSERT INTO ACME_SALES_DEV.ORDERS_OUTPUT.ORDERS (ID, LOADED_AT) VALUES (1, '2024-06-01 10:00:00'), (2, '2024-06-01 12:00:00')",
    );
    await dba.query(
      'CREATE TABLE ACME_SALES_DEV.ORDERS_RAW.EVENTS (ID NUMBER)',
    );
    const tables = [
      { schema: 'orders_output', table: 'orders' },
      { schema: 'orders_raw', table: 'events' },
      { schema: 'orders_output', table: 'missing' },
    ];
    const cycle = async () => {
      const before = fake.queries.length;
      const stats = await adapter.tableStats('acme_sales_dev', tables, {
        loadedAtColumn: 'loaded_at',
      });
      return { queries: fake.queries.length - before, stats };
    };
    const loaded = '2024-06-01T12:00:00.000Z';
    // the first cycle learns which tables carry the column, and says it fell back
    const first = await cycle();
    expect(first.queries).toBe(1);
    expect(first.stats[0]).toMatchObject({
      exists: true,
      rowCount: 2,
      freshnessSource: 'last_altered',
    });
    const second = await cycle();
    expect(second.queries).toBe(1);
    expect(second.stats).toEqual([
      expect.objectContaining({
        table: 'orders',
        exists: true,
        rowCount: 2,
        lastAltered: loaded,
        freshnessSource: 'loaded_at',
      }),
      expect.objectContaining({
        table: 'events',
        exists: true,
        freshnessSource: 'last_altered',
      }),
      { schema: 'orders_output', table: 'missing', exists: false },
    ]);

    // DDL only: LAST_ALTERED moves, the data does not
    const lastAltered = async () =>
      (
        await dba.query(
          "SELECT LAST_ALTERED FROM ACME_SALES_DEV.INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'ORDERS'",
        )
      )[0].LAST_ALTERED as Date;
    const before = await lastAltered();
    await new Promise(resolve => setTimeout(resolve, 5));
    await dba.query(
      'ALTER TABLE ACME_SALES_DEV.ORDERS_OUTPUT.ORDERS ADD COLUMN NOTE VARCHAR',
    );
    await dba.query(
      "ALTER TABLE ACME_SALES_DEV.ORDERS_OUTPUT.ORDERS SET COMMENT = 'orders'",
    );
    expect((await lastAltered()).getTime()).toBeGreaterThan(before.getTime());
    const third = await cycle();
    expect(third.queries).toBe(1);
    expect(third.stats[0]).toMatchObject({
      lastAltered: loaded,
      freshnessSource: 'loaded_at',
    });

    // a new load moves it
    await dba.query(
      "INSERT INTO ACME_SALES_DEV.ORDERS_OUTPUT.ORDERS (ID, LOADED_AT) VALUES (3, '2024-06-02 08:00:00')",
    );
    expect((await cycle()).stats[0]).toMatchObject({
      rowCount: 3,
      lastAltered: '2024-06-02T08:00:00.000Z',
    });
    // the column dropped with the table: the cycle still answers, with one retry
    await dba.query('DROP TABLE ACME_SALES_DEV.ORDERS_OUTPUT.ORDERS');
    const gone = await cycle();
    expect(gone.stats[0]).toEqual({
      schema: 'orders_output',
      table: 'orders',
      exists: false,
    });
    expect(gone.queries).toBe(2);
  });

  it('lets the consumer read a view the service creates in the output layer (FUTURE VIEWS), and stays in sync', async () => {
    const adapter = adapterWith();
    await provision(adapter);
    const service = client({
      role: 'SALES_ORDERS_SERVICE',
      warehouse: 'ACME_SALES_WH',
    });
    await service.query(
      'CREATE TABLE ACME_SALES_DEV.ORDERS_OUTPUT.ORDERS (ID NUMBER, CUSTOMER VARCHAR)',
    );
    await service.query(
      "INSERT INTO ACME_SALES_DEV.ORDERS_OUTPUT.ORDERS (ID, CUSTOMER) VALUES (1, 'x'), (2, 'y')",
    );
    await service.query(
      'CREATE VIEW ACME_SALES_DEV.ORDERS_OUTPUT.ORDER_IDS AS SELECT ID FROM ACME_SALES_DEV.ORDERS_OUTPUT.ORDERS',
    );
    const consumer = client({
      role: 'SALES_ORDERS_CONSUMER',
      warehouse: 'ACME_SALES_WH',
    });
    expect(
      await consumer.query(
        'SELECT COUNT(*) AS N FROM ACME_SALES_DEV.ORDERS_OUTPUT.ORDER_IDS',
      ),
    ).toEqual([{ N: 2 }]);
    const drift = await detectDrift([ordersDev], platform, adapter);
    expect(drift.inSync).toBe(true);
    const { desired } = computeDesiredState([ordersDev], {
      ...platform,
      parentRole: 'SYSADMIN',
    });
    const actual = await adapter.introspect(scopeOf(desired!));
    expect(
      actual.schemas.find(s => s.schema === 'orders_output')?.tableCount,
    ).toBe(2);
  });
});
