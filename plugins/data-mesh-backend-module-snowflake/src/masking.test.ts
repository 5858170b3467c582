/*
 * PII masking policies end to end, through the real snowflake-sdk driver
 * against the fake, provisioning as the dedicated DATAMESH_ADMIN role of the
 * README (not ACCOUNTADMIN, which holds APPLY MASKING POLICY implicitly):
 * the policy is created and set through the role hierarchy alone, consumers
 * read masked values, the PII role clear, a policy unset by hand is drift
 * that the next plan repairs, someone else's policy is left alone (once the
 * session role may see it), the portal's data-quality counts see the
 * values (its role is above the PII role), and introspection does not grow
 * with the number of tables.
 */
import {
  applyPlan,
  isPlanEmpty,
  planProducts,
  platformConfig,
  scopeOf,
} from '@datamesh/plugin-data-mesh-node';
import { testDataProduct } from '@datamesh/plugin-data-mesh-node/testUtils';
import {
  type QualityMeasure,
  qualityMeasureKey,
} from '@datamesh/plugin-data-mesh-common';
import {
  SnowflakeClient,
  type SnowflakeConnectionSettings,
} from './client/SnowflakeClient';
import { SnowflakeWarehouseAdapter } from './SnowflakeWarehouseAdapter';
import { type FakeSnowflake, startFakeSnowflakeAccount } from './testUtils';

const platform = platformConfig({ organization: 'acme' });
const orders = testDataProduct('orders', 'sales', { pii: true });
const T = '"ACME_SALES_DEV"."ORDERS_OUTPUT"';

describe('Snowflake PII masking policies (fake Snowflake, real snowflake-sdk driver)', () => {
  let fake: FakeSnowflake;
  let connection: SnowflakeConnectionSettings;
  let adapter: SnowflakeWarehouseAdapter;
  const sessions: SnowflakeClient[] = [];
  const session = (role: string, warehouse = 'ACME_SALES_WH') => {
    const c = new SnowflakeClient({ ...connection, role, warehouse });
    sessions.push(c);
    return c;
  };
  const plan = async () =>
    (await planProducts([orders], platform, adapter)).plan!;
  const apply = async () => {
    const result = await applyPlan(await plan(), adapter);
    expect(result.error).toBeUndefined();
  };

  beforeEach(async () => {
    let platformConnection: SnowflakeConnectionSettings;
    ({
      fake,
      admin: connection,
      platform: platformConnection,
    } = await startFakeSnowflakeAccount({ role: 'DATAMESH_ADMIN' }));
    adapter = new SnowflakeWarehouseAdapter({
      connection: platformConnection,
    });
    await apply();
    // the pipeline, as the service role, creates the output table
    const pipeline = session('SALES_ORDERS_SERVICE');
    await pipeline.query(
      `CREATE TABLE ${T}."EVENTS" (ID INT, EMAIL VARCHAR(100))`,
    );
    await pipeline.query(
      `INSERT INTO ${T}."EVENTS" (ID, EMAIL) VALUES (1, 'ana@example.org')`,
    );
  });

  afterEach(async () => {
    for (const c of sessions.splice(0))
      await c.destroy().catch(() => undefined);
    await adapter.close();
    await fake.stop();
  });

  const emailAs = async (role: string) => {
    const [row] = await session(role).query(`SELECT EMAIL FROM ${T}."EVENTS"`);
    return row.EMAIL;
  };

  it('creates and sets the policy as DATAMESH_ADMIN, masking the value for consumers only, then plans nothing', async () => {
    const sql = (await plan()).steps.flatMap(s => s.statements.map(x => x.sql));
    expect(sql).toEqual([
      `CREATE MASKING POLICY IF NOT EXISTS ${T}."PII_MASK_STRING" AS (val VARCHAR) RETURNS VARCHAR -> CASE WHEN IS_ROLE_IN_SESSION('SALES_ORDERS_CONSUMER_PII') THEN val ELSE '***' END COMMENT = 'datamesh:dataproduct:default/orders:pii'`,
      `ALTER TABLE ${T}."EVENTS" MODIFY COLUMN "EMAIL" SET MASKING POLICY ${T}."PII_MASK_STRING"`,
    ]);
    expect(await emailAs('SALES_ORDERS_CONSUMER')).toBe('ana@example.org');
    await apply();
    expect(await emailAs('SALES_ORDERS_CONSUMER')).toBe('***');
    expect(await emailAs('SALES_ORDERS_CONSUMER_PII')).toBe('ana@example.org');
    expect(await emailAs('SALES_ORDERS_OWNER')).toBe('ana@example.org');
    expect(isPlanEmpty(await plan())).toBe(true);
  });

  it('sets the policy again when it was unset by hand, and leaves a column under another policy alone', async () => {
    await apply();
    const byHand = session('ACCOUNTADMIN', 'DATAMESH_ADMIN_WH');
    await byHand.query(
      `ALTER TABLE ${T}."EVENTS" MODIFY COLUMN EMAIL UNSET MASKING POLICY`,
    );
    expect(await emailAs('SALES_ORDERS_CONSUMER')).toBe('ana@example.org');
    const repair = await plan();
    expect(repair.steps.flatMap(s => s.statements.map(x => x.sql))).toEqual([
      `ALTER TABLE ${T}."EVENTS" MODIFY COLUMN "EMAIL" SET MASKING POLICY ${T}."PII_MASK_STRING"`,
    ]);
    await applyPlan(repair, adapter);
    expect(await emailAs('SALES_ORDERS_CONSUMER')).toBe('***');

    // a security team's own policy replaces ours; while the session role
    // may not see it, the column looks unmasked and Snowflake refuses ours
    await byHand.query(
      `CREATE MASKING POLICY ${T}.SEC_MASK AS (val VARCHAR) RETURNS VARCHAR -> CASE WHEN IS_ROLE_IN_SESSION('ACCOUNTADMIN') THEN val ELSE 'hidden' END`,
    );
    await byHand.query(
      `ALTER TABLE ${T}."EVENTS" MODIFY COLUMN EMAIL SET MASKING POLICY ${T}.SEC_MASK FORCE`,
    );
    const blind = await applyPlan(await plan(), adapter);
    expect(blind.error?.message).toMatch(
      /already attached to another masking policy/,
    );
    // once it may (APPLY MASKING POLICY, the centralised model), the plan
    // sees the policy in the output schema, notes it and leaves it alone
    await byHand.query(
      'GRANT APPLY MASKING POLICY ON ACCOUNT TO ROLE DATAMESH_ADMIN',
    );
    const after = await plan();
    expect(isPlanEmpty(after)).toBe(true);
    expect(after.notes).toContainEqual(
      expect.stringMatching(
        /orders_output\.events\.email is masked by acme_sales_dev\.orders_output\.sec_mask, not by pii_mask_string/,
      ),
    );
  });

  it("counts a PII column's values in clear: the platform's role is above the product's roles", async () => {
    await apply();
    const pipeline = session('SALES_ORDERS_SERVICE');
    await pipeline.query(
      `INSERT INTO ${T}."EVENTS" (ID, EMAIL) VALUES (2, 'bo@example.org'), (3, 'bo@example.org')`,
    );
    const measures: QualityMeasure[] = [
      { kind: 'distinct', column: 'email' },
      {
        kind: 'notInList',
        column: 'email',
        values: ['ana@example.org', 'bo@example.org'],
      },
    ];
    const count = async (counter: SnowflakeWarehouseAdapter) => {
      const [reading] = await counter.measureQuality('acme_sales_dev', [
        { schema: 'orders_output', table: 'events', measures },
      ]);
      return measures.map(m => reading.counts?.get(qualityMeasureKey(m)));
    };
    // the owner role sits under SYSADMIN, which DATAMESH_ADMIN holds, so
    // the portal's counts see the values: two distinct, all listed
    expect(await count(adapter)).toEqual([2, 0]);
    // a role below the PII role would count the mask: one distinct value
    // ('***'), none of them listed, and every check of the column wrong
    const consumer = new SnowflakeWarehouseAdapter({
      connection: {
        ...connection,
        role: 'SALES_ORDERS_CONSUMER',
        warehouse: 'ACME_SALES_WH',
      },
    });
    try {
      expect(await count(consumer)).toEqual([1, 3]);
    } finally {
      await consumer.close();
    }
  });

  it('introspects masking in 3 statements per database, however many tables the output layer holds', async () => {
    await apply();
    const { desired } = await planProducts([orders], platform, adapter);
    const count = async () => {
      const before = fake.queries.length;
      const actual = await adapter.introspect(scopeOf(desired!));
      expect(fake.queries.length - before).toBe(actual.queries);
      return actual.queries;
    };
    const withoutMasking = (
      await adapter.introspect({ ...scopeOf(desired!), columns: undefined })
    ).queries;
    const one = await count();
    expect(one).toBe(withoutMasking + 3);
    const pipeline = session('SALES_ORDERS_SERVICE');
    for (let i = 0; i < 6; i++)
      await pipeline.query(
        `CREATE TABLE ${T}."MORE_${i}" (ID INT, EMAIL VARCHAR)`,
      );
    expect(await count()).toBe(one);
  });
});
