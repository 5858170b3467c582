/*
 * The Snowflake adapter through the real snowflake-sdk driver against the
 * loopback fake: what the plan creates in the (fake) account, idempotence,
 * drift made through another session, Snowflake errors, session renewal and
 * teardown, the introspection query budget, table statistics and clones.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import {
  applyPlan,
  computeDesiredState,
  detectDrift,
  isPlanEmpty,
  planProducts,
  platformConfig,
  renderPlan,
  resolveWarehouse,
  scopeOf,
  WarehouseError,
} from '@datamesh/plugin-data-mesh-node';
import { testDataProduct } from '@datamesh/plugin-data-mesh-node/testUtils';
import {
  SnowflakeClient,
  type SnowflakeConnectionSettings,
} from './client/SnowflakeClient';
import { snowflakeWarehouseAdapterFactory } from './config';
import { SnowflakeWarehouseAdapter } from './SnowflakeWarehouseAdapter';
import { type FakeSnowflake, startFakeSnowflakeAccount } from './testUtils';

const platform = platformConfig({ organization: 'acme' });
const orders = testDataProduct('orders', 'sales');

function capturingLogger() {
  const lines: { level: string; message: string }[] = [];
  const logger: LoggerService = {
    error: m => void lines.push({ level: 'error', message: m }),
    warn: m => void lines.push({ level: 'warn', message: m }),
    info: m => void lines.push({ level: 'info', message: m }),
    debug: m => void lines.push({ level: 'debug', message: m }),
    child: () => logger,
  };
  return { logger, lines };
}

describe('SnowflakeWarehouseAdapter (fake Snowflake, real snowflake-sdk driver)', () => {
  let fake: FakeSnowflake;
  let admin: SnowflakeConnectionSettings;
  const closers: (() => Promise<void>)[] = [];
  const adapterWith = (
    over: Partial<SnowflakeConnectionSettings> = {},
    logger?: LoggerService,
  ) => {
    const adapter = new SnowflakeWarehouseAdapter({
      connection: { ...admin, warehouse: 'DATAMESH_ADMIN_WH', ...over },
      logger,
    });
    closers.push(() => adapter.close());
    return adapter;
  };
  const outOfBand = () => {
    const c = new SnowflakeClient({ ...admin, warehouse: 'DATAMESH_ADMIN_WH' });
    closers.push(() => c.destroy());
    return c;
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

  it('provisions compute, database, layered schemas, roles under SYSADMIN and (future) grants', async () => {
    const adapter = adapterWith();
    const { plan } = await planProducts([orders], platform, adapter);
    const sql = plan!.steps.flatMap(s => s.statements.map(st => st.sql));
    expect(sql).toContain(
      `CREATE WAREHOUSE IF NOT EXISTS "ACME_SALES_WH" WITH WAREHOUSE_SIZE = 'XSMALL' AUTO_SUSPEND = 60 AUTO_RESUME = TRUE INITIALLY_SUSPENDED = TRUE COMMENT = 'datamesh compute of domain sales'`,
    );
    expect(sql).toContain('GRANT ROLE "SALES_ORDERS_OWNER" TO ROLE "SYSADMIN"');
    expect(sql).toContain(
      'GRANT OWNERSHIP ON SCHEMA "ACME_SALES_DEV"."ORDERS_RAW" TO ROLE "SALES_ORDERS_OWNER" COPY CURRENT GRANTS',
    );
    expect(sql).toContain(
      'GRANT SELECT ON FUTURE TABLES IN SCHEMA "ACME_SALES_DEV"."ORDERS_OUTPUT" TO ROLE "SALES_ORDERS_CONSUMER"',
    );

    const result = await applyPlan(plan!, adapter);
    expect(result.error).toBeUndefined();

    const account = fake.account;
    const wh = account.warehouses.get('ACME_SALES_WH')!;
    expect(wh).toMatchObject({
      size: 'X-Small',
      autoSuspend: 60,
      autoResume: true,
      state: 'SUSPENDED',
    });
    const db = account.databases.get('ACME_SALES_DEV')!;
    for (const layer of [
      'ORDERS_RAW',
      'ORDERS_INTERMEDIATES',
      'ORDERS_OUTPUT',
    ]) {
      expect(db.schemas.get(layer)).toMatchObject({
        owner: 'SALES_ORDERS_OWNER',
        comment: 'datamesh:dataproduct:default/orders',
      });
    }
    const edges = account.roleGrants
      .filter(g => g.granteeType === 'ROLE')
      .map(g => `${g.role}->${g.grantee}`);
    expect(edges).toEqual(
      expect.arrayContaining([
        'SALES_ORDERS_CONSUMER->SALES_ORDERS_SERVICE',
        'SALES_ORDERS_SERVICE->SALES_ORDERS_OWNER',
        'SALES_ORDERS_OWNER->SYSADMIN',
      ]),
    );
    const future = account.futureGrants.map(
      f =>
        `${f.privilege} ${f.objectType} ${f.container.join('.')} ${f.grantee}`,
    );
    expect(future).toEqual(
      expect.arrayContaining([
        'SELECT TABLE ACME_SALES_DEV.ORDERS_OUTPUT SALES_ORDERS_CONSUMER',
        'SELECT VIEW ACME_SALES_DEV.ORDERS_OUTPUT SALES_ORDERS_CONSUMER',
        'INSERT TABLE ACME_SALES_DEV.ORDERS_RAW SALES_ORDERS_SERVICE',
        'TRUNCATE TABLE ACME_SALES_DEV.ORDERS_INTERMEDIATES SALES_ORDERS_SERVICE',
      ]),
    );
    expect(
      future.some(f => f.includes('ORDERS_RAW SALES_ORDERS_CONSUMER')),
    ).toBe(false);

    // Planning again finds nothing to do, sends no DDL, and leaves the product warehouse suspended:
    // the adapter's own queries run on its configured warehouse.
    const statementsBefore = fake.queries.length;
    const again = await planProducts([orders], platform, adapter);
    expect(isPlanEmpty(again.plan!)).toBe(true);
    expect((await applyPlan(again.plan!, adapter)).applied).toEqual([]);
    const sentSince = fake.queries.slice(statementsBefore).map(q => q.sqlText);
    expect(sentSince.every(s => /^(SHOW|SELECT)\b/.test(s))).toBe(true);
    expect(account.warehouses.get('ACME_SALES_WH')!.state).toBe('SUSPENDED');
  });

  it('finds drift made by hand through another session, and repairs it', async () => {
    const { logger, lines } = capturingLogger();
    const adapter = adapterWith({}, logger);
    await applyPlan(
      (
        await planProducts([orders], platform, adapter)
      ).plan!,
      adapter,
    );

    const dba = outOfBand();
    await dba.query(
      'REVOKE SELECT ON FUTURE TABLES IN SCHEMA ACME_SALES_DEV.ORDERS_OUTPUT FROM ROLE SALES_ORDERS_CONSUMER',
    );
    await dba.query(
      'REVOKE ROLE SALES_ORDERS_CONSUMER FROM ROLE SALES_ORDERS_SERVICE',
    );
    await dba.query('CREATE ROLE ANALYST');
    await dba.query(
      'GRANT USAGE ON SCHEMA ACME_SALES_DEV.ORDERS_RAW TO ROLE ANALYST',
    );
    await dba.query('CREATE ROLE "Quoted Analyst"');
    await dba.query(
      'GRANT USAGE ON SCHEMA ACME_SALES_DEV.ORDERS_RAW TO ROLE "Quoted Analyst"',
    );

    const drift = await detectDrift([orders], platform, adapter);
    expect(drift.inSync).toBe(false);
    expect(drift.lines).toEqual(
      expect.arrayContaining([
        '+ grant role "SALES_ORDERS_CONSUMER" to "SALES_ORDERS_SERVICE"',
        '+ grant select on future tables in schema "ACME_SALES_DEV"."ORDERS_OUTPUT" to "SALES_ORDERS_CONSUMER"',
        '- revoke usage on schema "ACME_SALES_DEV"."ORDERS_RAW" from "ANALYST"',
      ]),
    );
    // a role only reachable quoted cannot be named by the engine: reported in the log, not guessed at
    expect(drift.lines.join('\n')).not.toMatch(/Quoted/i);
    expect(
      lines.some(
        l => l.level === 'warn' && l.message.includes('Quoted Analyst'),
      ),
    ).toBe(true);

    const repaired = await applyPlan(drift.plan!, adapter, {
      allowDestructive: true,
    });
    expect(repaired.error).toBeUndefined();
    expect(fake.account.grants.some(g => g.grantee === 'ANALYST')).toBe(false);
    expect((await detectDrift([orders], platform, adapter)).inSync).toBe(true);
  });

  it("surfaces Snowflake's error code and message, with the statement that failed", async () => {
    // SYSADMIN may create warehouses and databases but not roles
    const adapter = adapterWith({ role: 'SYSADMIN' });
    const { plan } = await planProducts([orders], platform, adapter);
    const result = await applyPlan(plan!, adapter);
    expect(result.error).toMatchObject({
      code: '003001',
      message: `003001 (42501): SQL access control error:\nInsufficient privileges to operate on account 'TEST_ACCOUNT'`,
    });
    expect(result.error!.statement!.sql).toMatch(
      /^CREATE ROLE IF NOT EXISTS "SALES_ORDERS_/,
    );
    expect(result.applied.map(s => s.change.action)).toEqual([
      'create-compute',
      'create-database',
    ]);

    const err = await adapter
      .execute([
        { sql: 'GRANT USAGE ON SCHEMA "NOPE"."NOPE" TO ROLE "SYSADMIN"' },
      ])
      .catch(e => e);
    expect(err).toBeInstanceOf(WarehouseError);
    expect(err).toMatchObject({
      code: '002003',
      message:
        "002003 (02000): SQL compilation error:\nDatabase 'NOPE' does not exist or not authorized.",
      statement: {
        sql: 'GRANT USAGE ON SCHEMA "NOPE"."NOPE" TO ROLE "SYSADMIN"',
      },
    });
  });

  it('keeps working across an expired session token (renewed with the master token) and a lost session', async () => {
    const adapter = adapterWith();
    await applyPlan(
      (
        await planProducts([orders], platform, adapter)
      ).plan!,
      adapter,
    );
    const logins = fake.counters.logins;

    fake.expireSessionTokens();
    expect(
      isPlanEmpty((await planProducts([orders], platform, adapter)).plan!),
    ).toBe(true);
    expect(fake.counters.renewals).toBe(1);
    expect(fake.counters.logins).toBe(logins);

    // both tokens expired: renewal fails (390114), the adapter logs in again
    fake.expireSessionTokens();
    fake.expireMasterTokens();
    expect(
      isPlanEmpty((await planProducts([orders], platform, adapter)).plan!),
    ).toBe(true);
    expect(fake.counters.logins).toBe(logins + 1);
  });

  it('answers a heartbeat, and closing ends the Snowflake session', async () => {
    const adapter = adapterWith();
    expect(await adapter.healthCheck()).toBe(true);
    expect(fake.counters.heartbeats).toBe(1);
    const session = fake.liveSessions().find(s => s.user === 'ADMIN')!;
    expect(session).toBeDefined();
    await adapter.close();
    expect(fake.sessions.get(session.id)!.deleted).toBe(true);
    expect(fake.liveSessions()).toEqual([]);
    expect(fake.counters.sessionDeletes).toBe(2); // the setup client's and the adapter's
  });

  it('introspects with 5 + computes + 1 per database + 1 per existing schema queries', async () => {
    const adapter = adapterWith();
    const products = [
      orders,
      testDataProduct('invoices', 'sales'),
      testDataProduct('leads', 'crm'),
    ];
    await applyPlan(
      (
        await planProducts(products, platform, adapter)
      ).plan!,
      adapter,
    );
    const measure = async (list: typeof products) => {
      const { desired } = computeDesiredState(list, {
        ...platform,
        parentRole: 'SYSADMIN',
      });
      const before = fake.queries.length;
      const actual = await adapter.introspect(scopeOf(desired!));
      return { wire: fake.queries.length - before, reported: actual.queries };
    };
    // 1 product: 3 SHOW + memberships + OBJECT_PRIVILEGES + 1 warehouse + 1 SHOW SCHEMAS + 3 schemas
    expect(await measure([orders])).toEqual({ wire: 10, reported: 10 });
    // 3 products in 2 domains: 5 + 2 + 2·1 + 9 (OBJECT_PRIVILEGES is account-wide: asked once, not per database)
    expect(await measure(products)).toEqual({ wire: 18, reported: 18 });
    // nothing provisioned yet: only the account-level SHOW commands
    const { desired } = computeDesiredState([testDataProduct('new', 'hr')], {
      ...platform,
      parentRole: 'SYSADMIN',
    });
    const empty = await adapter.introspect(scopeOf(desired!));
    expect(empty.queries).toBe(3);
    expect(empty).toMatchObject({
      computes: [],
      databases: [],
      schemas: [],
      roles: [],
      grants: [],
    });
  });

  it('reads table statistics in one query from INFORMATION_SCHEMA.TABLES', async () => {
    const adapter = adapterWith();
    await applyPlan(
      (
        await planProducts([orders], platform, adapter)
      ).plan!,
      adapter,
    );
    const dba = outOfBand();
    await dba.query(
      'CREATE TABLE ACME_SALES_DEV.ORDERS_OUTPUT.ORDERS (ID NUMBER)',
    );
    await dba.query(
      'CREATE TABLE ACME_SALES_DEV.ORDERS_RAW.EVENTS (ID NUMBER)',
    );
    const at = new Date('2024-06-01T12:00:00.000Z');
    fake.account.setTableStats(['ACME_SALES_DEV', 'ORDERS_OUTPUT', 'ORDERS'], {
      rowCount: 1200,
      bytes: 65536,
      lastAltered: at,
    });

    const before = fake.queries.length;
    const stats = await adapter.tableStats('acme_sales_dev', [
      { schema: 'orders_output', table: 'orders' },
      { schema: 'orders_raw', table: 'events' },
      { schema: 'orders_output', table: 'missing' },
    ]);
    expect(fake.queries.length - before).toBe(1);
    expect(stats).toEqual([
      {
        schema: 'orders_output',
        table: 'orders',
        exists: true,
        rowCount: 1200,
        bytes: 65536,
        lastAltered: at.toISOString(),
        // no load-timestamp column asked for: Snowflake's own record, said so
        freshnessSource: 'last_altered',
      },
      expect.objectContaining({
        schema: 'orders_raw',
        table: 'events',
        exists: true,
        rowCount: 0,
      }),
      { schema: 'orders_output', table: 'missing', exists: false },
    ]);
    // a database that does not exist: nothing exists, no error
    expect(
      await adapter.tableStats('acme_gone_dev', [{ schema: 'x', table: 'y' }]),
    ).toEqual([{ schema: 'x', table: 'y', exists: false }]);
  });

  it('clones a sandbox schema zero-copy, hands it to its owner, and does not re-clone', async () => {
    const adapter = adapterWith();
    await applyPlan(
      (
        await planProducts([orders], platform, adapter)
      ).plan!,
      adapter,
    );
    const dba = outOfBand();
    await dba.query(
      'CREATE TABLE ACME_SALES_DEV.ORDERS_OUTPUT.ORDERS (ID NUMBER)',
    );
    await dba.query(
      'INSERT INTO ACME_SALES_DEV.ORDERS_OUTPUT.ORDERS (ID) VALUES (1), (2)',
    );

    const request = {
      source: { database: 'acme_sales_dev', schema: 'orders_output' },
      target: { database: 'acme_sales_dev', schema: 'orders_output_feature_x' },
      owner: 'sales_orders_owner',
      tableOwner: 'sales_orders_service',
    };
    const first = await adapter.sandboxClone([request]);
    expect(first).toMatchObject({
      method: 'zero-copy',
      schemas: [{ target: request.target, tables: 1 }],
    });
    expect(
      fake.queries.some(
        q =>
          q.sqlText ===
          'CREATE SCHEMA IF NOT EXISTS "ACME_SALES_DEV"."ORDERS_OUTPUT_FEATURE_X" CLONE "ACME_SALES_DEV"."ORDERS_OUTPUT"',
      ),
    ).toBe(true);
    const clone = fake.account.databases
      .get('ACME_SALES_DEV')!
      .schemas.get('ORDERS_OUTPUT_FEATURE_X')!;
    expect(clone.owner).toBe('SALES_ORDERS_OWNER');
    expect(clone.tables.get('ORDERS')!.rowCount).toBe(2);
    // the source's consumers read the source; the clone's table kept their
    // grant (Snowflake copies a cloned schema's child grants) until it was
    // handed to the pipeline's role with REVOKE CURRENT GRANTS
    const grantees = async (table: string) =>
      (await dba.query(`SHOW GRANTS ON TABLE ${table}`))
        .map(r => `${r.privilege} ${r.grantee_name}`)
        .sort();
    expect(await grantees('ACME_SALES_DEV.ORDERS_OUTPUT.ORDERS')).toContain(
      'SELECT SALES_ORDERS_CONSUMER',
    );
    expect(
      await grantees('ACME_SALES_DEV.ORDERS_OUTPUT_FEATURE_X.ORDERS'),
    ).toEqual(['OWNERSHIP SALES_ORDERS_SERVICE']);

    const second = await adapter.sandboxClone([request]);
    expect(second.notes.join('\n')).toMatch(
      /already existed and was left as it is/,
    );
  });

  it('authenticates with a key pair read from config (resolveWarehouse)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
    });
    fake.account.addUser({
      name: 'SVC_DATAMESH',
      rsaPublicKey: publicKey
        .export({ type: 'spki', format: 'pem' })
        .toString(),
      roles: ['ACCOUNTADMIN'],
      defaultRole: 'ACCOUNTADMIN',
    });
    const adapter = await resolveWarehouse(
      new ConfigReader({
        dataMesh: {
          warehouse: {
            type: 'snowflake',
            snowflake: {
              account: 'test_account',
              username: 'svc_datamesh',
              privateKey: privateKey
                .export({ type: 'pkcs8', format: 'pem' })
                .toString(),
              role: 'ACCOUNTADMIN',
              warehouse: 'DATAMESH_ADMIN_WH',
              accessUrl: fake.url,
            },
          },
        },
      }),
      [snowflakeWarehouseAdapterFactory],
    ).open();
    closers.push(() => adapter.close());
    const { plan } = await planProducts([orders], platform, adapter);
    expect((await applyPlan(plan!, adapter)).error).toBeUndefined();
    expect(fake.liveSessions().some(s => s.user === 'SVC_DATAMESH')).toBe(true);
    expect(
      renderPlan((await planProducts([orders], platform, adapter)).plan!),
    ).toContain('no changes: the warehouse matches the declared state');
  });
});
