/*
 * Repair runs through the REST API (POST /infrastructure/repairs), in test
 * backends with the real permission backend, on SQLite and PostgreSQL,
 * against a real PGlite warehouse: the products the caller may apply are
 * applied by the backend (the others kept as refused), each in its audit
 * trail with the run's id, failures do not stop the run, the requester is
 * told once; two instances share a run, each product applied once; a
 * product whose instance stopped part way is taken up again.
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import {
  type PostgresWarehouseAdapter,
  createPgliteWarehouseAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import type { Knex } from 'knex';
import { contractCalls } from '../__testUtils__/contractCalls';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  ADMIN_GROUP,
  product,
  startAccessTestBackend,
} from '../access/__testUtils__/testBackend';
import { REPAIR_RUNS_TASK_ID } from '../plugin';
import { RepairRunStore } from './RepairRunStore';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const memberships: Record<string, string[]> = {
  'user:default/aisha': ['group:default/clinical'],
  'user:default/sofia': ['group:default/pophealth'],
  'user:default/erin': [ADMIN_GROUP],
};
const care = (name: string, owner = 'group:default/clinical') =>
  product(name, owner, 'domain:default/care');
const entities = [
  care('visits'),
  care('wards'),
  care('beds'),
  care('cohorts', 'group:default/pophealth'),
  // no warehouse name can be made of this domain
  product('broken', 'group:default/clinical', 'domain:default/Care & Cure'),
];

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('repair runs on %s', id => {
  let warehouse: PostgresWarehouseAdapter;
  let knex: Knex;
  let now = T0;
  const running: { stop(): Promise<void> }[] = [];

  /** One instance of the plugin on the shared database and warehouse. */
  async function instance() {
    const sent: NotificationSendOptions[] = [];
    const scheduler = mockServices.scheduler();
    const backend = await startAccessTestBackend({
      databases,
      databaseId: id,
      knex,
      entities,
      memberships,
      clock: { now: () => now },
      sent,
      scheduler,
      warehouse,
    });
    running.push(backend);
    const { call, audited } = contractCalls(() => backend.server, 'aisha');
    return {
      call,
      audited,
      sent,
      drain: () => scheduler.triggerTask(REPAIR_RUNS_TASK_ID),
      start: (user: string, body: object) =>
        call('post', '/infrastructure/repairs', user, body),
      run: async (runId: string) =>
        (await call('get', `/infrastructure/repairs/${runId}`, 'sofia')).body,
      status: async (name: string) =>
        (await call('get', `/products/default/${name}/infrastructure`, 'aisha'))
          .body.status,
    };
  }

  beforeAll(async () => {
    warehouse = await createPgliteWarehouseAdapter({ inMemory: true });
    knex = await databases.init(id);
  }, 120_000);

  afterAll(async () => {
    for (const b of running) await b.stop().catch(() => {});
    await warehouse?.close();
  });

  it('applies the products its caller may apply, in the backend, keeps the others as refused, goes on past a failure and tells the requester once', async () => {
    const a = await instance();
    expect(await a.status('visits')).toBe('not-provisioned');

    const started = await a.start('aisha', {
      products: [
        'dataproduct:default/visits',
        'dataproduct:default/cohorts',
        'broken',
        'dataproduct:default/wards',
      ],
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      requestedBy: 'user:default/aisha',
      requestedAt: new Date(T0).toISOString(),
      allowDestructive: false,
    });
    // cohorts is pophealth's: not sent, whatever the page asked
    expect(started.body.items[1]).toEqual({
      entityRef: 'dataproduct:default/cohorts',
      state: 'refused',
      applied: 0,
      skipped: 0,
      error:
        'user:default/aisha may not apply the infrastructure of dataproduct:default/cohorts: only its owners or an admin may',
      finishedAt: new Date(T0).toISOString(),
    });

    await a.drain();
    const run = await a.run(started.body.id);
    expect(run.done).toBe(true);
    expect(run.counts).toEqual({
      applied: 2,
      failed: 1,
      refused: 1,
      stopped: 0,
      queued: 0,
      running: 0,
    });
    expect(run.items.map((i: any) => [i.entityRef, i.state])).toEqual([
      ['dataproduct:default/visits', 'applied'],
      ['dataproduct:default/cohorts', 'refused'],
      ['dataproduct:default/broken', 'failed'],
      ['dataproduct:default/wards', 'applied'],
    ]);
    expect(run.items[0].applied).toBeGreaterThan(0);
    expect(run.items[2].error).toMatch(
      /^dataproduct:default\/broken has no warehouse names: spec\.domain: /,
    );
    expect(await a.status('visits')).toBe('in-sync');
    expect(await a.status('wards')).toBe('in-sync');
    expect(await a.status('cohorts')).toBe('not-provisioned');

    // in each product's audit trail, as aisha's, with the run's id
    const trail = await a.audited('visits', 'infrastructure-apply');
    expect(trail.map(e => [e.actor, e.detail.run])).toEqual([
      ['user:default/aisha', started.body.id],
    ]);
    const told = a.sent.filter(
      n => n.payload.scope === `data-mesh:repair-run:${started.body.id}`,
    );
    expect(told).toEqual([
      {
        recipients: { type: 'entity', entityRef: 'user:default/aisha' },
        payload: expect.objectContaining({
          title: 'Repair finished: 2 of 3 products applied',
          description:
            '1 failed: see the drift page for why. 1 not yours to apply: not sent. Each is kept in its product’s audit trail.',
          link: '/data-products/drift',
          severity: 'high',
          topic: 'data-mesh-infrastructure-repair',
        }),
      },
    ]);
    await a.drain();
    expect(
      a.sent.filter(n => n.payload.topic === 'data-mesh-infrastructure-repair'),
    ).toHaveLength(1);

    // anyone signed in sees the runs, newest first
    const latest = await a.call('get', '/infrastructure/repairs', 'sofia');
    expect(latest.body.items[0].id).toBe(started.body.id);
    expect(
      (await a.call('get', '/infrastructure/repairs/0123456789abcdef', 'sofia'))
        .status,
    ).toBe(404);
    for (const body of [
      { products: [] },
      { products: ['component:default/visits'] },
      { products: ['visits'], allowDestructive: 'yes' },
      { products: ['visits'], extra: true },
    ]) {
      expect((await a.start('aisha', body)).status).toBe(400);
    }
  });

  it('shares a run between two instances: each product applied once', async () => {
    now = T0 + 60 * MIN;
    const a = await instance();
    const b = await instance();
    const started = await a.start('aisha', {
      products: ['beds', 'visits', 'wards'],
    });
    expect(started.status).toBe(202);
    // a started on its own when it answered; b takes what a has not
    await Promise.all([a.drain(), b.drain()]);
    const run = await b.run(started.body.id);
    expect([run.done, run.counts.applied]).toEqual([true, 3]);
    // beds was provisioned once (visits and wards had nothing to apply)
    const applies = await a.audited('beds', 'infrastructure-apply');
    expect(applies.map(e => e.detail.run)).toEqual([started.body.id]);
    expect(
      [...a.sent, ...b.sent].filter(
        n => n.payload.scope === `data-mesh:repair-run:${started.body.id}`,
      ),
    ).toHaveLength(1);
  });

  it('takes up a product whose instance stopped part way, once its claim is stale', async () => {
    now = T0 + 120 * MIN;
    const store = new RepairRunStore(knex);
    await store.create({
      id: 'abcdef0123456789',
      requestedBy: 'user:default/aisha',
      requestedAt: now,
      allowDestructive: false,
      products: [{ entityRef: 'dataproduct:default/visits' }],
    });
    // an instance claimed it, then died
    const lost = await store.claimNext(now, now - 10 * MIN);
    expect(lost?.product).toBe('dataproduct:default/visits');
    const a = await instance();
    await a.drain();
    expect((await a.run('abcdef0123456789')).items[0].state).toBe('running');
    now += 11 * MIN;
    await a.drain();
    const run = await a.run('abcdef0123456789');
    expect([run.done, run.items[0].state]).toEqual([true, 'applied']);
    // the dead instance's late answer changes nothing
    expect(
      await store.finish(
        lost!,
        { state: 'failed', applied: 0, skipped: 0 },
        now,
      ),
    ).toEqual({ runFinished: false });
    expect((await a.run('abcdef0123456789')).items[0].state).toBe('applied');
  });

  it('stops: its requester or who may apply all it has left; what was queued is not sent, the product being applied finishes', async () => {
    now = T0 + 180 * MIN;
    const store = new RepairRunStore(knex);
    const runId = '0123456789abcdef';
    await store.create({
      id: runId,
      requestedBy: 'user:default/aisha',
      requestedAt: now,
      allowDestructive: true,
      products: ['visits', 'wards', 'beds'].map(n => ({
        entityRef: `dataproduct:default/${n}`,
      })),
    });
    // an instance is applying visits, then dies
    const applying = await store.claimNext(now, now - 10 * MIN);
    const a = await instance();
    const stop = (user: string) =>
      a.call('post', `/infrastructure/repairs/${runId}/stop`, user);

    const refused = await stop('sofia');
    expect([refused.status, refused.body.error.message]).toEqual([
      403,
      `user:default/sofia may not stop repair run ${runId}: user:default/aisha started it, and dataproduct:default/wards and 1 more of what it has left is not theirs to apply`,
    ]);
    const stopped = await stop('erin');
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({
      done: false,
      stopped: { by: 'user:default/erin', at: new Date(now).toISOString() },
    });
    expect(stopped.body.items.map((i: any) => i.state)).toEqual([
      'running',
      'stopped',
      'stopped',
    ]);
    const again = await stop('aisha');
    expect([again.status, again.body.error.message]).toEqual([
      409,
      `repair run ${runId} has nothing left to stop: its last product is being applied`,
    ]);

    // visits is taken up and finished; nothing stopped is sent
    now += 11 * MIN;
    await a.drain();
    const run = await a.run(runId);
    expect(run.items.map((i: any) => i.state)).toEqual([
      'applied',
      'stopped',
      'stopped',
    ]);
    expect(run.done).toBe(true);
    expect(
      (await a.audited('wards', 'infrastructure-apply')).filter(
        e => e.detail.run === runId,
      ),
    ).toEqual([]);
    expect(
      a.sent.filter(n => n.payload.scope === `data-mesh:repair-run:${runId}`),
    ).toEqual([
      {
        recipients: { type: 'entity', entityRef: 'user:default/aisha' },
        payload: expect.objectContaining({
          title: 'Repair stopped: 1 of 3 products applied',
          description:
            '2 not sent: the run was stopped by user:default/erin. Each is kept in its product’s audit trail.',
        }),
      },
    ]);
    expect((await stop('aisha')).status).toBe(409);
    // the dead instance's claim is spent
    expect(applying).toBeDefined();
  });

  it('forgets runs finished over 90 days ago; their applies stay in the audit trails', async () => {
    const a = await instance();
    const runs = async () =>
      (await a.call('get', '/infrastructure/repairs', 'aisha')).body.items
        .length;
    const before = await runs();
    expect(before).toBe(4);
    const trail = (await a.audited('visits', 'infrastructure-apply')).length;
    const DAY = 24 * 60 * MIN;
    // the runs above finished at T0, T0 + 1h, T0 + 2h 11m and T0 + 3h 11m
    now = T0 + 89 * DAY;
    await a.drain();
    expect(await runs()).toBe(before);
    now = T0 + 90 * DAY + 61 * MIN;
    await a.drain();
    expect(await runs()).toBe(2);
    now = T0 + 90 * DAY + 200 * MIN;
    await a.drain();
    expect(await runs()).toBe(0);
    expect((await a.audited('visits', 'infrastructure-apply')).length).toBe(
      trail,
    );
  });
});
