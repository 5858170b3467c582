/*
 * Claims of a branch's sandbox through the REST API (POST
 * /products/:namespace/:name/sandbox-claims, PUT and DELETE …/:id), in a
 * test backend with the real permission backend, on SQLite and PostgreSQL,
 * against a real PGlite warehouse: while a pipeline holds a branch, the
 * portal neither makes nor drops its sandbox and lists who is changing it;
 * only the claim's holder keeps or ends it; a claim its holder stopped
 * refreshing is taken by the next; ended, the branch is free again.
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import {
  type PostgresWarehouseAdapter,
  createPgliteWarehouseAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
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
const MINUTE = 60_000;
const platform = platformConfig();
const memberships: Record<string, string[]> = {
  'user:default/aisha': ['group:default/clinical'],
  'user:default/omar': ['group:default/clinical'],
  'user:default/sofia': ['group:default/pophealth'],
};
const visits = product(
  'visits',
  'group:default/clinical',
  'domain:default/care',
);
const CLAIMS = '/products/default/visits/sandbox-claims';
const RUN = 'https://ci.example.com/acme/visits/runs/42';

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('sandbox claims on %s', id => {
  let server: any;
  let stop: () => Promise<void>;
  let warehouse: PostgresWarehouseAdapter;
  let now = T0;
  const { call } = contractCalls(() => server, 'aisha');
  const claim = (body: object, who = PIPELINE) =>
    call('post', CLAIMS, who, { source: 'cli', ...body });

  beforeAll(async () => {
    warehouse = await createPgliteWarehouseAdapter({ inMemory: true });
    const { plan } = await planProducts([visits], platform, warehouse);
    const provisioned = await applyPlan(plan!, warehouse);
    if (provisioned.error) throw new Error(provisioned.error.message);
    const backend = await startAccessTestBackend({
      databases,
      databaseId: id,
      knex: await databases.init(id),
      entities: [visits],
      memberships,
      clock: { now: () => now },
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

  beforeEach(() => {
    now += 10 * MINUTE;
  });

  it("stops the portal's changes of a branch a pipeline holds, and lists who holds it", async () => {
    const held = await claim({
      branch: 'feat/Late-Returns',
      change: 'create',
      reference: RUN,
    });
    expect([held.status, held.body]).toEqual([
      201,
      {
        id: expect.any(String),
        entityRef: 'dataproduct:default/visits',
        branch: 'feat_late_returns',
        change: 'create',
        by: 'service:external:test-service',
        since: new Date(now).toISOString(),
        refreshWithinSeconds: 30,
      },
    ]);
    const busy = `the sandbox of feat_late_returns of dataproduct:default/visits is being made by the datamesh CLI (asked by service:external:test-service at ${new Date(
      now,
    ).toISOString()}, ${RUN}): run again once it is done`;
    // a person's New sandbox… of the branch, or its deletion: refused
    const made = await call(
      'post',
      '/products/default/visits/sandboxes',
      'aisha',
      {
        branch: 'feat/late-returns',
        replace: true,
      },
    );
    expect([made.status, made.body.error.message]).toEqual([409, busy]);
    const dropped = await call(
      'delete',
      '/products/default/visits/sandboxes/feat_late_returns',
      'omar',
    );
    expect([dropped.status, dropped.body.error.message]).toEqual([409, busy]);
    // another pipeline's claim too, whatever it is for
    const second = await claim({
      branch: 'feat_late_returns',
      change: 'delete',
    });
    expect([second.status, second.body.error.message]).toEqual([409, busy]);
    // the product's infrastructure says who is changing it
    const infra = await call(
      'get',
      '/products/default/visits/infrastructure',
      'omar',
    );
    expect(infra.body.sandboxesInProgress).toEqual([
      {
        branch: 'feat_late_returns',
        change: 'create',
        requestedBy: 'service:external:test-service',
        startedAt: new Date(now).toISOString(),
        source: 'cli',
        reference: RUN,
      },
    ]);
    // another branch is free
    const other = await call(
      'post',
      '/products/default/visits/sandboxes',
      'aisha',
      {
        branch: 'feat/other',
        layers: ['output'],
      },
    );
    expect(other.status).toBe(201);

    // ended: the branch is the portal's again
    const ended = await call('delete', `${CLAIMS}/${held.body.id}`, PIPELINE);
    expect(ended.status).toBe(204);
    const after = await call(
      'post',
      '/products/default/visits/sandboxes',
      'aisha',
      {
        branch: 'feat/late-returns',
        layers: ['output'],
      },
    );
    expect(after.status).toBe(201);
    const infraAfter = await call(
      'get',
      '/products/default/visits/infrastructure',
      'omar',
    );
    expect(infraAfter.body.sandboxesInProgress).toBeUndefined();
    // a sandbox being deleted is listed while its schemas are still there
    const deleting = await claim({ branch: 'feat/other', change: 'delete' });
    expect(deleting.status).toBe(201);
    const listed = await call(
      'get',
      '/products/default/visits/infrastructure',
      'omar',
    );
    expect(
      listed.body.sandboxesInProgress.map((c: any) => [c.branch, c.change]),
    ).toEqual([['feat_other', 'delete']]);
    expect(listed.body.sandboxes.map((s: any) => s.branch).sort()).toEqual([
      'feat_late_returns',
      'feat_other',
    ]);
    await call('delete', `${CLAIMS}/${deleting.body.id}`, PIPELINE);
  });

  it('lets only the owners claim, and only the holder keep or end a claim', async () => {
    const stranger = await claim(
      { branch: 'feat/x', change: 'create' },
      'sofia',
    );
    expect([stranger.status, stranger.body.error.message]).toEqual([
      403,
      'user:default/sofia may not make sandboxes of dataproduct:default/visits: only its owners or an admin may',
    ]);
    const deleter = await claim(
      { branch: 'feat/x', change: 'delete' },
      'sofia',
    );
    expect(deleter.body.error.message).toBe(
      'user:default/sofia may not delete sandboxes of dataproduct:default/visits: only its owners or an admin may',
    );
    const bad = await claim({ branch: '-x', change: 'create' });
    expect(bad.status).toBe(400);

    const held = await claim({ branch: 'feat/x', change: 'create' }, 'aisha');
    expect(held.status).toBe(201);
    const url = `${CLAIMS}/${held.body.id}`;
    // a fellow owner may not keep or end aisha's claim; a stranger neither
    for (const who of ['omar', PIPELINE]) {
      const kept = await call('put', url, who);
      expect([kept.status, kept.body.error.message]).toEqual([
        403,
        `${
          who === PIPELINE
            ? 'service:external:test-service'
            : `user:default/${who}`
        } does not hold sandbox claim ${
          held.body.id
        } of dataproduct:default/visits (user:default/aisha does)`,
      ]);
      expect((await call('delete', url, who)).status).toBe(403);
    }
    expect((await call('put', url, 'sofia')).status).toBe(403);
    // its holder keeps it
    const kept = await call('put', url, 'aisha');
    expect([kept.status, kept.body.id]).toEqual([200, held.body.id]);
    expect((await claim({ branch: 'feat/x', change: 'delete' })).status).toBe(
      409,
    );
    expect((await call('delete', url, 'aisha')).status).toBe(204);
    // ended: nothing to keep; ending it again ends nothing
    expect((await call('put', url, 'aisha')).status).toBe(404);
    expect((await call('delete', url, 'aisha')).status).toBe(204);
  });

  it('gives a branch whose holder stopped refreshing to the next, and not back', async () => {
    const first = await claim({ branch: 'feat/stale', change: 'create' });
    expect(first.status).toBe(201);
    now += 2 * MINUTE;
    // refreshed within the three minutes: still held
    expect(
      (await call('put', `${CLAIMS}/${first.body.id}`, PIPELINE)).status,
    ).toBe(200);
    now += 2 * MINUTE;
    expect(
      (await claim({ branch: 'feat/stale', change: 'create' }, 'aisha')).status,
    ).toBe(409);
    // silent for more than three minutes: its pipeline stopped
    now += 4 * MINUTE;
    const next = await claim(
      { branch: 'feat/stale', change: 'delete' },
      'aisha',
    );
    expect([next.status, next.body.by]).toEqual([201, 'user:default/aisha']);
    // the stopped one can neither keep the branch nor end the next one's claim
    expect(
      (await call('put', `${CLAIMS}/${first.body.id}`, PIPELINE)).status,
    ).toBe(404);
    expect(
      (await call('delete', `${CLAIMS}/${first.body.id}`, PIPELINE)).status,
    ).toBe(204);
    expect(
      (await claim({ branch: 'feat/stale', change: 'create' })).status,
    ).toBe(409);
    await call('delete', `${CLAIMS}/${next.body.id}`, 'aisha');
  });
});
