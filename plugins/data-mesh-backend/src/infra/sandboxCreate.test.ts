/*
 * Making a feature-branch sandbox through the REST API (POST
 * /products/:namespace/:name/sandboxes), in a test backend with the real
 * permission backend, on SQLite and PostgreSQL, against a real PGlite
 * warehouse: only the product's owners may; the sandbox holds the
 * product's rows and is listed as the branch's; an existing one is refused
 * unless replaced; a product not provisioned is refused; each creation is
 * kept in the product's audit trail. A copy that outlasts the request's wait
 * is answered 202 and finished by the backend, which tells the requester;
 * meanwhile no instance on the database starts another copy of the branch.
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
  planProducts,
  platformConfig,
} from '@datamesh/plugin-data-mesh-node';
import { PIPELINE, contractCalls } from '../__testUtils__/contractCalls';
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
// registered, never provisioned
const wards = product('wards', 'group:default/clinical', 'domain:default/care');

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('sandbox creation on %s', id => {
  let server: any;
  let stop: () => Promise<void>;
  // a second backend on the same warehouse, whose copies wait for `gate`
  let slowServer: any;
  let stopSlow: (() => Promise<void>) | undefined;
  let gate: Promise<void> = Promise.resolve();
  let failClone: string | undefined;
  const told: NotificationSendOptions[] = [];
  let warehouse: PostgresWarehouseAdapter;
  let names: ProvisionedProduct;

  const { call, audited } = contractCalls(() => server, 'aisha');
  const slow = contractCalls(() => slowServer, 'aisha');
  const makeSlowly = (body: object) =>
    slow.call('post', '/products/default/visits/sandboxes', 'aisha', body);
  /** Holds the slow instance's copies until the function returned lets them go. */
  const holdCopies = () => {
    let letGo = () => {};
    gate = new Promise(resolve => {
      letGo = resolve;
    });
    return () => letGo();
  };
  const make = (body: object, user = 'aisha', name = 'visits') =>
    call('post', `/products/default/${name}/sandboxes`, user, body);
  const rowsIn = async (schema: string) => {
    const [stats] = await warehouse.tableStats(names.database, [
      { schema, table: 'events' },
    ]);
    return stats.rowCount;
  };

  beforeAll(async () => {
    warehouse = await createPgliteWarehouseAdapter({ inMemory: true });
    const { plan, desired } = await planProducts([visits], platform, warehouse);
    const provisioned = await applyPlan(plan!, warehouse);
    if (provisioned.error) throw new Error(provisioned.error.message);
    names = desired!.products[0];
    const q = (n: string) => warehouse.dialect.quoteIdentifier(n);
    const output = warehouse.dialect.qualifiedSchema({
      database: names.database,
      schema: names.schemas.output,
    });
    await warehouse.execute([
      { sql: `CREATE TABLE ${output}.${q('events')} (id text)` },
      { sql: `INSERT INTO ${output}.${q('events')} VALUES ('a'), ('b')` },
    ]);
    const knex = await databases.init(id);
    const backend = await startAccessTestBackend({
      databases,
      databaseId: id,
      knex,
      entities: [visits, wards],
      memberships,
      clock: { now: () => T0 },
      sent: [] as NotificationSendOptions[],
      scheduler: mockServices.scheduler(),
      warehouse,
    });
    server = backend.server;
    stop = () => backend.stop();
    // a second instance on the same database and warehouse, its copies
    // held until the test lets them go
    const slowWarehouse = new Proxy(warehouse, {
      get(target, prop) {
        if (prop === 'sandboxClone') {
          return async (...args: Parameters<typeof target.sandboxClone>) => {
            await gate;
            if (failClone) throw new Error(failClone);
            return target.sandboxClone(...args);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const slowBackend = await startAccessTestBackend({
      databases,
      databaseId: id,
      knex,
      entities: [visits, wards],
      memberships,
      clock: { now: () => T0 },
      sent: told,
      scheduler: mockServices.scheduler(),
      warehouse: slowWarehouse,
      dataMeshConfig: { sandboxes: { answerWithin: { milliseconds: 200 } } },
    });
    slowServer = slowBackend.server;
    stopSlow = () => slowBackend.stop();
  }, 120_000);

  afterAll(async () => {
    await stopSlow?.();
    await stop?.();
    await warehouse?.close();
  });

  it("makes a branch's sandbox with the product's data, for its owners only, and keeps it in the audit trail", async () => {
    const refused = await make({ branch: 'feat/Late-Returns' }, 'sofia');
    expect([refused.status, refused.body.error.message]).toEqual([
      403,
      'user:default/sofia may not make sandboxes of dataproduct:default/visits: only its owners or an admin may',
    ]);

    const made = await make({
      branch: 'feat/Late-Returns',
      layers: ['raw', 'output'],
    });
    expect(made.status).toBe(201);
    const sandboxOutput = `${names.schemas.output}_sbx_feat_late_returns`;
    expect(made.body).toMatchObject({
      entityRef: 'dataproduct:default/visits',
      branch: 'feat_late_returns',
      method: 'copy',
      sandboxes: [
        {
          branch: 'feat_late_returns',
          createdAt: '2026-01-01T00:00:00Z',
        },
      ],
    });
    expect(
      made.body.schemas.map((s: any) => [s.layer, s.name, s.tables]),
    ).toEqual([
      ['raw', `${names.schemas.raw}_sbx_feat_late_returns`, 0],
      ['output', sandboxOutput, 1],
    ]);
    expect(await rowsIn(sandboxOutput)).toBe(2);

    // again: refused unless replaced, which clones afresh
    const again = await make({ branch: 'feat/Late-Returns' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(
      /^the sandbox of this branch exists already/,
    );
    const replaced = await make({
      branch: 'feat/Late-Returns',
      layers: ['output'],
      replace: true,
    });
    expect(replaced.status).toBe(201);

    const trail = await audited('visits', 'sandbox-create');
    expect(trail.map(a => [a.actor, a.detail.branch, a.detail.method])).toEqual(
      [
        ['user:default/aisha', 'feat_late_returns', 'copy'],
        ['user:default/aisha', 'feat_late_returns', 'copy'],
      ],
    );
    expect(trail[1].detail.replaced).toEqual([
      expect.stringContaining(sandboxOutput),
    ]);
    // sandboxes do not expire here (no dataMesh.sandboxes.expireAfter): none listed with an expiry, none to keep
    const infra = await call(
      'get',
      '/products/default/visits/infrastructure',
      'aisha',
    );
    expect(infra.body.sandboxes[0].expiresAt).toBeUndefined();
    const kept = await call(
      'post',
      '/products/default/visits/sandboxes/feat_late_returns/keep',
      'aisha',
    );
    expect([kept.status, kept.body.error.message]).toEqual([
      409,
      'sandboxes do not expire here (dataMesh.sandboxes.expireAfter is not set): there is nothing to keep',
    ]);
  });

  it('refuses a bad branch (400) and a product not provisioned (409), making nothing', async () => {
    for (const body of [
      { branch: '-x' },
      { branch: '' },
      { branch: 'ok', layers: ['gold'] },
      { branch: 'ok', extra: 1 },
    ]) {
      expect((await make(body)).status).toBe(400);
    }
    // a fine branch whose sandbox schemas would pass the warehouse's 63 characters
    const tooLong = await make({ branch: `feature/${'a'.repeat(60)}` });
    expect([tooLong.status, tooLong.body.error.message]).toEqual([
      400,
      expect.stringMatching(
        /^branch: the sandbox of branch 'feature_a+' cannot be named on .+; use a shorter branch name$/,
      ),
    ]);
    expect(
      (await audited('visits', 'sandbox-create')).filter(a =>
        a.detail.branch.startsWith('feature_'),
      ),
    ).toEqual([]);
    const unprovisioned = await make({ branch: 'feat-x' }, 'aisha', 'wards');
    expect(unprovisioned.status).toBe(409);
    expect(unprovisioned.body.error.message).toMatch(
      /^dataproduct:default\/wards has no /,
    );
    expect(await audited('wards', 'sandbox-create')).toEqual([]);
  });

  it('answers 202 for a copy that outlasts the wait, finishes it in the backend and tells the requester', async () => {
    const letGo = holdCopies();
    const going = await makeSlowly({ branch: 'feat/slow', layers: ['output'] });
    expect([going.status, going.body]).toEqual([
      202,
      {
        status: 'in-progress',
        entityRef: 'dataproduct:default/visits',
        branch: 'feat_slow',
        schemas: [
          expect.stringContaining(`${names.schemas.output}_sbx_feat_slow`),
        ],
        startedAt: '2026-01-01T00:00:00.000Z',
      },
    ]);
    // the same branch again while it is copied: refused, not raced
    const twice = await makeSlowly({ branch: 'feat/slow', replace: true });
    expect([twice.status, twice.body.error.message]).toEqual([
      409,
      'the sandbox of feat_slow of dataproduct:default/visits is being made (asked by user:default/aisha at 2026-01-01T00:00:00.000Z): run again once it is done',
    ]);
    // and on the other instance (a replica on the same database)
    const elsewhere = await make({ branch: 'feat/slow', replace: true });
    expect([elsewhere.status, elsewhere.body.error.message]).toEqual([
      409,
      twice.body.error.message,
    ]);
    // nor may a pipeline claim the branch, nor the portal drop it under its copy
    const claimed = await call(
      'post',
      '/products/default/visits/sandbox-claims',
      PIPELINE,
      { branch: 'feat/slow', change: 'delete', source: 'cli' },
    );
    expect([claimed.status, claimed.body.error.message]).toEqual([
      409,
      twice.body.error.message,
    ]);
    const dropped = await call(
      'delete',
      '/products/default/visits/sandboxes/feat_slow',
      'aisha',
    );
    expect([dropped.status, dropped.body.error.message]).toEqual([
      409,
      twice.body.error.message,
    ]);
    expect(told).toEqual([]);
    // the product's infrastructure lists it as being made, on any instance
    const during = await call(
      'get',
      '/products/default/visits/infrastructure',
      'aisha',
    );
    expect(during.body.sandboxesInProgress).toEqual([
      {
        branch: 'feat_slow',
        change: 'create',
        requestedBy: 'user:default/aisha',
        startedAt: '2026-01-01T00:00:00.000Z',
      },
    ]);

    letGo();
    await waitUntil(() => told.length > 0);
    const after = await call(
      'get',
      '/products/default/visits/infrastructure',
      'aisha',
    );
    expect(after.body.sandboxesInProgress).toBeUndefined();
    expect(after.body.sandboxes.map((x: any) => x.branch)).toContain(
      'feat_slow',
    );
    expect(told).toEqual([
      {
        recipients: { type: 'entity', entityRef: 'user:default/aisha' },
        payload: {
          title: 'Sandbox ready: dataproduct:default/visits (feat_slow)',
          description:
            'The sandbox of feat_slow is made: 1 schema, 1 table copied.',
          link: '/catalog/default/dataproduct/visits',
          severity: 'normal',
          topic: 'data-mesh-sandbox',
        },
      },
    ]);
    expect(await rowsIn(`${names.schemas.output}_sbx_feat_slow`)).toBe(2);
    const trail = (await slow.audited('visits', 'sandbox-create')).filter(
      a => a.detail.branch === 'feat_slow',
    );
    expect(trail.map(a => [a.actor, a.detail.method, a.detail.error])).toEqual([
      ['user:default/aisha', 'copy', undefined],
    ]);
    // done: the branch is free again, on either instance
    const replaced = await make({
      branch: 'feat/slow',
      layers: ['output'],
      replace: true,
    });
    expect(replaced.status).toBe(201);
  });

  it('tells the requester when a copy that went on in the backend failed, and keeps it in the audit trail', async () => {
    told.length = 0;
    const letGo = holdCopies();
    failClone = 'permission denied for schema visits_output';
    try {
      const going = await makeSlowly({
        branch: 'feat/doomed',
        layers: ['output'],
      });
      expect(going.status).toBe(202);
      letGo();
      await waitUntil(() => told.length > 0);
    } finally {
      failClone = undefined;
      gate = Promise.resolve();
    }
    expect(told.map(n => n.payload)).toEqual([
      expect.objectContaining({
        title: 'Sandbox not made: dataproduct:default/visits',
        description: expect.stringMatching(
          /^Making the sandbox failed: .*permission denied for schema visits_output/,
        ),
        severity: 'high',
      }),
    ]);
    const trail = (await slow.audited('visits', 'sandbox-create')).filter(
      a => a.detail.branch === 'feat_doomed',
    );
    expect(trail.map(a => a.detail.error)).toEqual([
      expect.stringContaining('permission denied for schema visits_output'),
    ]);
  });

  it('finishes, audits and tells a copy going on when the backend stops (a rolling deploy)', async () => {
    told.length = 0;
    const letGo = holdCopies();
    const going = await makeSlowly({
      branch: 'feat/deploy',
      layers: ['output'],
    });
    expect(going.status).toBe(202);
    // the deploy stops the backend; the copy ends while it waits
    const stopping = stopSlow!();
    stopSlow = undefined;
    setTimeout(letGo, 100);
    await stopping;
    expect(told.map(n => n.payload.title)).toEqual([
      'Sandbox ready: dataproduct:default/visits (feat_deploy)',
    ]);
    // kept in the audit trail, written before the database closed
    const trail = (await audited('visits', 'sandbox-create')).filter(
      a => a.detail.branch === 'feat_deploy',
    );
    expect(trail.map(a => [a.actor, a.detail.error])).toEqual([
      ['user:default/aisha', undefined],
    ]);
  });
});

/** Waits (up to 10 s) until `done()` holds. */
async function waitUntil(done: () => boolean) {
  for (const deadline = Date.now() + 10_000; !done(); ) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}
