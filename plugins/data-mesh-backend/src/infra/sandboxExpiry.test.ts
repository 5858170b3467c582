/*
 * Sandbox expiry (`dataMesh.sandboxes.expireAfter`) in a test backend with
 * the real permission backend, on SQLite and PostgreSQL, against a real
 * PGlite warehouse: sandboxes made through the API are listed with when
 * they expire; the scheduled round tells the owners once before, drops an
 * expired one as the platform (in the audit trail, told to the owners),
 * waits for a branch a pipeline holds, and never drops one sooner than
 * `warnBefore` after its owners were told.
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
  sandboxMarker,
} from '@datamesh/plugin-data-mesh-node';
import { PIPELINE, contractCalls } from '../__testUtils__/contractCalls';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  product,
  startAccessTestBackend,
} from '../access/__testUtils__/testBackend';
import {
  SANDBOX_EXPIRY_TASK_ID,
  SANDBOX_EXPIRY_TOPIC,
  readSandboxExpiryConfig,
} from './sandboxExpiry';

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();
/** A time as a sandbox's marker records it (whole seconds). */
const marked = (ms: number) => iso(ms).replace(/\.000Z$/, 'Z');
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

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('sandbox expiry on %s', id => {
  let server: any;
  let stop: () => Promise<void>;
  let warehouse: PostgresWarehouseAdapter;
  let now = T0;
  const sent: NotificationSendOptions[] = [];
  const scheduler = mockServices.scheduler();
  const { call } = contractCalls(() => server, 'aisha');
  const round = () => scheduler.triggerTask(SANDBOX_EXPIRY_TASK_ID);
  const told = () =>
    sent
      .filter(n => n.payload.topic === SANDBOX_EXPIRY_TOPIC)
      .map(n => [n.recipients, n.payload.title]);
  const branches = async () =>
    (
      await call('get', '/products/default/visits/infrastructure', 'omar')
    ).body.sandboxes.map((s: any) => [s.branch, s.createdAt, s.expiresAt]);
  const schemasLeft = async () =>
    (
      await warehouse.connection.query<{ nspname: string }>(
        "select nspname from pg_namespace where nspname like '%_sbx_%' order by 1",
      )
    ).map(r => r.nspname);

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
      sent,
      scheduler,
      warehouse,
      dataMeshConfig: { sandboxes: { expireAfter: '30d', warnBefore: '3d' } },
    });
    server = backend.server;
    stop = () => backend.stop();
  }, 120_000);

  afterAll(async () => {
    await stop?.();
    await warehouse?.close();
  });

  it('tells the owners once before, drops an expired sandbox as the platform, and waits for a branch a pipeline holds', async () => {
    const made = await call(
      'post',
      '/products/default/visits/sandboxes',
      'aisha',
      {
        branch: 'feat/a',
        layers: ['raw'],
      },
    );
    expect(made.status).toBe(201);
    expect(await branches()).toEqual([
      ['feat_a', marked(T0), iso(T0 + 30 * DAY)],
    ]);

    // not yet within 3 days of its expiry: nothing said
    now = T0 + 26 * DAY;
    await round();
    expect(told()).toEqual([]);
    now = T0 + 27 * DAY + MINUTE;
    await round();
    await round();
    const owners = { type: 'entity', entityRef: 'group:default/clinical' };
    expect(told()).toEqual([
      [owners, 'The sandbox of feat_a of visits is deleted on 2026-01-31'],
    ]);
    expect(sent[sent.length - 1].payload).toMatchObject({
      description: expect.stringContaining(
        "It was made on 2026-01-01 and holds a copy of the product's data",
      ),
      link: '/catalog/default/dataproduct/visits',
    });

    // expired, but a pipeline is dropping the branch: left for the next round
    now = T0 + 30 * DAY + MINUTE;
    const claim = await call(
      'post',
      '/products/default/visits/sandbox-claims',
      PIPELINE,
      { branch: 'feat_a', change: 'delete', source: 'cli' },
    );
    expect(claim.status).toBe(201);
    await round();
    expect((await branches()).map((b: string[]) => b[0])).toEqual(['feat_a']);
    await call(
      'delete',
      `/products/default/visits/sandbox-claims/${claim.body.id}`,
      PIPELINE,
    );

    now += MINUTE;
    await round();
    expect(await branches()).toEqual([]);
    expect(await schemasLeft()).toEqual([]);
    expect(told()).toHaveLength(2);
    expect(told()[1]).toEqual([
      owners,
      'The sandbox of feat_a of visits was deleted: it expired',
    ]);
    // in the audit trail, by the platform, with why
    const trail = await call('get', '/lifecycle/default/visits', 'omar');
    const deleted = trail.body.audit.filter(
      (a: any) => a.action === 'sandbox-delete',
    );
    expect(deleted).toEqual([
      expect.objectContaining({
        actor: 'system',
        detail: {
          branch: 'feat_a',
          dropped: ['"acme_care_dev__visits_raw_sbx_feat_a"'],
          expired: { createdAt: marked(T0), expiresAt: iso(T0 + 30 * DAY) },
        },
      }),
    ]);
  });

  it('never drops a sandbox sooner than warnBefore after its owners were told', async () => {
    // made long ago, never told (expiry was off, or the backend was down)
    const made = now;
    expect(
      (
        await call('post', '/products/default/visits/sandboxes', 'aisha', {
          branch: 'feat/b',
          layers: ['raw'],
        })
      ).status,
    ).toBe(201);
    now = made + 45 * DAY;
    const before = told().length;
    await round();
    expect(told().slice(before)).toEqual([
      [
        { type: 'entity', entityRef: 'group:default/clinical' },
        `The sandbox of feat_b of visits is deleted on ${iso(
          now + 3 * DAY,
        ).slice(0, 10)}`,
      ],
    ]);
    expect((await branches()).map((b: string[]) => b[0])).toEqual(['feat_b']);
    now += 3 * DAY - MINUTE;
    await round();
    expect((await branches()).map((b: string[]) => b[0])).toEqual(['feat_b']);
    now += 2 * MINUTE;
    await round();
    expect(await branches()).toEqual([]);
    expect(told()).toHaveLength(before + 2);
  });

  it('lets owners keep a sandbox past its expiry: its time runs anew, and they are told anew', async () => {
    const made = now;
    const keep = (branch: string, who: string) =>
      call(
        'post',
        `/products/default/visits/sandboxes/${encodeURIComponent(branch)}/keep`,
        who,
      );
    expect(
      (
        await call('post', '/products/default/visits/sandboxes', 'aisha', {
          branch: 'feat/long',
          layers: ['raw'],
        })
      ).status,
    ).toBe(201);
    now = made + 28 * DAY;
    const before = told().length;
    await round();
    expect(
      told()
        .slice(before)
        .map(t => t[1]),
    ).toEqual([
      // told 2 days before its expiry: deleted 3 days after, not sooner
      `The sandbox of feat_long of visits is deleted on ${iso(
        now + 3 * DAY,
      ).slice(0, 10)}`,
    ]);
    expect(sent[sent.length - 1].payload.description).toContain(
      "Keep it from the product's Infrastructure card",
    );

    // only owners keep it
    const refused = await keep('feat/long', 'sofia');
    expect([refused.status, refused.body.error.message]).toEqual([
      403,
      'user:default/sofia may not make sandboxes of dataproduct:default/visits: only its owners or an admin may',
    ]);
    const kept = await keep('feat/long', 'aisha');
    expect([kept.status, kept.body.expiresAt]).toEqual([
      200,
      iso(now + 30 * DAY),
    ]);
    expect(await branches()).toEqual([
      ['feat_long', marked(made), iso(now + 30 * DAY)],
    ]);
    const keptAt = now;

    // past its first expiry: kept, nothing said
    now = made + 31 * DAY;
    await round();
    expect((await branches()).map((b: string[]) => b[0])).toEqual([
      'feat_long',
    ]);
    expect(told()).toHaveLength(before + 1);
    // nearing its new expiry: told again, then deleted
    now = keptAt + 27 * DAY + MINUTE;
    await round();
    expect(
      told()
        .slice(before + 1)
        .map(t => t[1]),
    ).toEqual([
      `The sandbox of feat_long of visits is deleted on ${iso(
        keptAt + 30 * DAY,
      ).slice(0, 10)}`,
    ]);
    now = keptAt + 30 * DAY + MINUTE;
    await round();
    expect(await branches()).toEqual([]);

    // in the audit trail, as hers
    const trail = await call('get', '/lifecycle/default/visits', 'omar');
    expect(
      trail.body.audit.filter((a: any) => a.action === 'sandbox-keep'),
    ).toEqual([
      expect.objectContaining({
        actor: 'user:default/aisha',
        detail: {
          branch: 'feat_long',
          keptAt: iso(keptAt),
          expiresAt: iso(keptAt + 30 * DAY),
        },
      }),
    ]);
    // no sandbox of the branch (any more): nothing to keep
    expect((await keep('feat/long', 'aisha')).status).toBe(404);
  });

  it('does not keep a sandbox while a pipeline changes it, nor one that never expires', async () => {
    // made before markers had a time: its age is unknown, it never expires
    const schema = { database: 'acme_care_dev', schema: 'visits_raw_sbx_old' };
    await warehouse.execute([
      ...warehouse.dialect.statements({
        action: 'create-schema',
        schema: {
          ...schema,
          comment: sandboxMarker('dataproduct:default/visits', 'old'),
        },
      }),
    ]);
    const never = await call(
      'post',
      '/products/default/visits/sandboxes/old/keep',
      'aisha',
    );
    expect([never.status, never.body.error.message]).toEqual([
      409,
      'the sandbox of old records no time it was made: it does not expire, so there is nothing to keep',
    ]);
    now += 400 * DAY;
    await round();
    expect((await branches()).map((b: string[]) => b[0])).toEqual(['old']);
    await warehouse.execute(
      warehouse.dialect.statements({ action: 'drop-schema', schema }),
    );

    expect(
      (
        await call('post', '/products/default/visits/sandboxes', 'aisha', {
          branch: 'feat/busy',
          layers: ['raw'],
        })
      ).status,
    ).toBe(201);
    const claim = await call(
      'post',
      '/products/default/visits/sandbox-claims',
      PIPELINE,
      { branch: 'feat_busy', change: 'delete', source: 'cli' },
    );
    const kept = await call(
      'post',
      '/products/default/visits/sandboxes/feat_busy/keep',
      'aisha',
    );
    expect([kept.status, kept.body.error.message]).toEqual([
      409,
      expect.stringMatching(
        /^the sandbox of feat_busy of dataproduct:default\/visits is being deleted by the datamesh CLI/,
      ),
    ]);
    await call(
      'delete',
      `/products/default/visits/sandbox-claims/${claim.body.id}`,
      PIPELINE,
    );
  });
});

describe('readSandboxExpiryConfig', () => {
  const read = (sandboxes: object) =>
    readSandboxExpiryConfig(
      mockServices.rootConfig({ data: { dataMesh: { sandboxes } } }),
    );

  it('is off unless expireAfter is set, and warns 3 days before by default', () => {
    expect(read({})).toBeUndefined();
    expect(read({ expireAfter: 'P14D' })).toMatchObject({
      expireAfterMs: 14 * DAY,
      warnBeforeMs: 3 * DAY,
      schedule: { frequency: { hours: 1 } },
    });
    // a short expiry warns half-way
    expect(read({ expireAfter: '2d' })?.warnBeforeMs).toBe(DAY);
  });

  it('refuses at startup what cannot work', () => {
    expect(() => read({ expireAfter: 'a month' })).toThrow(
      "dataMesh.sandboxes.expireAfter: 'a month' is not a duration (write e.g. 30d or P30D)",
    );
    expect(() => read({ expireAfter: '7d', warnBefore: '7d' })).toThrow(
      'dataMesh.sandboxes.warnBefore must be shorter than dataMesh.sandboxes.expireAfter',
    );
  });
});
