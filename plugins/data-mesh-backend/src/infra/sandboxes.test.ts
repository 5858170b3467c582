/*
 * Deleting a feature-branch sandbox through the REST API (DELETE
 * /products/:namespace/:name/sandboxes/:branch), in a test backend with the
 * real permission backend, on SQLite and PostgreSQL, against a real PGlite
 * warehouse: only the product's owners may; only the branch's marked
 * schemas are dropped (another branch's sandbox and a schema that merely
 * has a sandbox's name stay); each deletion is kept in the product's audit
 * trail, a refusal by the warehouse too.
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import {
  type PostgresWarehouseAdapter,
  createPgliteWarehouseAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
  type ProvisionedProduct,
  applyPlan,
  createSandbox,
  planProducts,
  platformConfig,
} from '@datamesh/plugin-data-mesh-node';
import { contractCalls } from '../__testUtils__/contractCalls';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  product,
  startAccessTestBackend,
} from '../access/__testUtils__/testBackend';

const T0 = Date.UTC(2026, 0, 1);
const platform = platformConfig();
const memberships: Record<string, string[]> = {
  'user:default/aisha': ['group:default/clinical'],
  'user:default/sofia': ['group:default/pophealth'],
};
const visits = product(
  'visits',
  'group:default/clinical',
  'domain:default/care',
);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('sandbox deletion on %s', id => {
  let server: any;
  let stop: () => Promise<void>;
  let warehouse: PostgresWarehouseAdapter;
  let names: ProvisionedProduct;

  const { call, audited: auditOf } = contractCalls(() => server, 'aisha');
  const remove = (branch: string, user = 'aisha') =>
    call(
      'delete',
      `/products/default/visits/sandboxes/${encodeURIComponent(branch)}`,
      user,
    );
  /** The sandboxes the product page lists. */
  const listed = async () => {
    const res = await call(
      'get',
      '/products/default/visits/infrastructure',
      'aisha',
    );
    expect(res.status).toBe(200);
    return (res.body.sandboxes as any[]).map(s => [
      s.branch,
      s.schemas.map((x: any) => x.name),
    ]);
  };
  const audited = () => auditOf('visits', 'sandbox-delete');
  const schemasThere = async (schemas: string[]) =>
    (
      await warehouse.introspect({
        computes: [],
        databases: [names.database],
        schemas: schemas.map(schema => ({ database: names.database, schema })),
        roles: [],
      })
    ).schemas
      .map(s => s.schema)
      .sort();

  beforeAll(async () => {
    warehouse = await createPgliteWarehouseAdapter({ inMemory: true });
    const { plan, desired } = await planProducts([visits], platform, warehouse);
    const provisioned = await applyPlan(plan!, warehouse);
    if (provisioned.error) throw new Error(provisioned.error.message);
    names = desired!.products[0];
    const backend = await startAccessTestBackend({
      databases,
      databaseId: id,
      entities: [visits],
      memberships,
      clock: { now: () => T0 },
      sent: [] as NotificationSendOptions[],
      scheduler: mockServices.scheduler(),
      warehouse,
    });
    server = backend.server;
    stop = () => backend.stop();
  }, 120_000);

  afterAll(async () => {
    await stop?.();
    await warehouse?.close();
  });

  it("drops only the branch's marked schemas, for owners only, and keeps each deletion in the audit trail", async () => {
    await createSandbox(warehouse, names, {
      suffix: 'feat_late_returns',
      layers: ['raw', 'output'],
    });
    await createSandbox(warehouse, names, {
      suffix: 'fix_b',
      layers: ['raw'],
      now: new Date('2025-12-24T18:00:00Z'),
    });
    // a schema with a sandbox's name that no sandbox engine marked
    const lookAlike = `${names.schemas.raw}_sbx_fix_c`;
    await warehouse.execute([
      {
        sql: `CREATE SCHEMA ${warehouse.dialect.qualifiedSchema({
          database: names.database,
          schema: lookAlike,
        })}`,
      },
    ]);
    const lateReturns = [
      `${names.schemas.output}_sbx_feat_late_returns`,
      `${names.schemas.raw}_sbx_feat_late_returns`,
    ];
    expect(await listed()).toEqual([
      ['feat_late_returns', lateReturns],
      ['fix_b', [`${names.schemas.raw}_sbx_fix_b`]],
    ]);

    // the consumer is no owner: refused, nothing dropped or audited
    const refused = await remove('feat_late_returns', 'sofia');
    expect([refused.status, refused.body.error.message]).toEqual([
      403,
      'user:default/sofia may not delete sandboxes of dataproduct:default/visits: only its owners or an admin may',
    ]);
    expect(await schemasThere(lateReturns)).toEqual(lateReturns);

    // the owner names the branch as git does; its suffix is what is dropped
    const deleted = await remove('feat/Late-Returns');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({
      entityRef: 'dataproduct:default/visits',
      branch: 'feat_late_returns',
      dropped: lateReturns.map(schema => ({
        name: schema,
        qualified: warehouse.dialect.qualifiedSchema({
          database: names.database,
          schema,
        }),
      })),
      sandboxes: [
        {
          branch: 'fix_b',
          // as its marker records: the card says how old it is
          createdAt: '2025-12-24T18:00:00Z',
          schemas: [
            {
              name: `${names.schemas.raw}_sbx_fix_b`,
              qualified: warehouse.dialect.qualifiedSchema({
                database: names.database,
                schema: `${names.schemas.raw}_sbx_fix_b`,
              }),
            },
          ],
        },
      ],
    });
    expect(await schemasThere(lateReturns)).toEqual([]);
    expect(await listed()).toEqual([
      ['fix_b', [`${names.schemas.raw}_sbx_fix_b`]],
    ]);
    expect(await audited()).toEqual([
      {
        at: new Date(T0).toISOString(),
        actor: 'user:default/aisha',
        action: 'sandbox-delete',
        detail: {
          branch: 'feat_late_returns',
          dropped: deleted.body.dropped.map((d: any) => d.qualified),
        },
      },
    ]);

    // gone already (another tab, the CLI): nothing dropped, nothing audited
    const again = await remove('feat_late_returns');
    expect([again.status, again.body.dropped]).toEqual([200, []]);
    // a look-alike is no sandbox
    const stranger = await remove('fix_c');
    expect([stranger.status, stranger.body.dropped]).toEqual([200, []]);
    expect(await schemasThere([lookAlike])).toEqual([lookAlike]);
    expect(await audited()).toHaveLength(1);

    // a branch the sandbox engine refuses is a bad request, before anything
    const bad = await remove('-rf');
    expect([bad.status, bad.body.error.message]).toEqual([
      400,
      `branch "-rf" must be 1-100 characters of letters, digits, '.', '_', '/' and '-', starting with a letter or digit`,
    ]);
    const unknown = await call(
      'delete',
      '/products/default/nope/sandboxes/fix_b',
      'aisha',
    );
    expect(unknown.status).toBe(403);
  });

  it('answers 502 when the warehouse refuses the drop, and audits the attempt', async () => {
    await createSandbox(warehouse, names, {
      suffix: 'frozen',
      layers: ['raw'],
    });
    // the warehouse refuses every drop, as a database under a freeze would
    await warehouse.execute([
      {
        sql: `CREATE FUNCTION refuse_drops() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'drops are frozen'; END $$`,
      },
      {
        sql: "CREATE EVENT TRIGGER no_drops ON ddl_command_start WHEN TAG IN ('DROP SCHEMA') EXECUTE FUNCTION refuse_drops()",
      },
    ]);
    let res;
    try {
      res = await remove('frozen');
    } finally {
      await warehouse.execute([
        { sql: 'DROP EVENT TRIGGER no_drops' },
        { sql: 'DROP FUNCTION refuse_drops()' },
      ]);
    }
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/drops are frozen/);
    const schema = `${names.schemas.raw}_sbx_frozen`;
    expect(await schemasThere([schema])).toEqual([schema]);
    const [, attempt] = await audited();
    expect(attempt).toMatchObject({
      action: 'sandbox-delete',
      detail: {
        branch: 'frozen',
        dropped: [
          warehouse.dialect.qualifiedSchema({
            database: names.database,
            schema,
          }),
        ],
        error: expect.stringMatching(/drops are frozen/),
      },
    });
  });
});
