import {
  type ObservationInput,
  type SliceCounts,
  evaluateTimeslices,
} from '@datamesh/plugin-data-mesh-common';
import { createTestDatabases } from '../__testUtils__/databases';
import type { MonitorDefinition } from './monitors';
import { evaluateMonitors } from './evaluation';
import { SloStore } from './SloStore';

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;
const T0 = Date.UTC(2025, 0, 1);

function definition(
  entity: string,
  sloName: string,
  extra: Partial<MonitorDefinition> = {},
): MonitorDefinition {
  return {
    entityRef: `dataproduct:default/${entity}`,
    namespace: 'default',
    name: entity,
    owner: 'group:default/team-a',
    domain: 'domain:default/sales',
    sloName,
    dimension: 'availability',
    objective: 'the table answers',
    target: 0.8,
    window: '20d',
    slice: '1d',
    windowMs: 20 * D,
    sliceMs: D,
    table: {
      database: 'acme_sales_dev',
      schema: `${entity}_output`,
      table: 't',
    },
    ...extra,
  };
}

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('SloStore on %s', databaseId => {
  let store: SloStore;

  beforeAll(async () => {
    const knex = await databases.init(databaseId);
    store = await SloStore.create({ getClient: async () => knex });
  });

  afterEach(async () => {
    // each test starts without monitors: hide them all, then purge them
    await store.syncMonitors([], { now: T0 + 1000 * D, removedGraceMs: 0 });
    await store.syncMonitors([], { now: T0 + 1001 * D, removedGraceMs: 0 });
  });

  it('syncs monitors: create, update, hide, restore, purge after the grace period', async () => {
    const a = definition('orders', 'available');
    const b = definition('orders', 'fresh', { dimension: 'freshness' });
    const grace = { removedGraceMs: D };
    expect(await store.syncMonitors([a, b, a], { now: T0, ...grace })).toEqual({
      created: 2,
      updated: 0,
      removed: 0,
      restored: 0,
      purged: 0,
    });
    expect(
      await store.syncMonitors([a, b], { now: T0, ...grace }),
    ).toMatchObject({
      created: 0,
      updated: 0,
    });
    const changed = { ...a, target: 0.95 };
    expect(
      await store.syncMonitors([changed, b], { now: T0, ...grace }),
    ).toMatchObject({
      updated: 1,
    });
    expect(
      (await store.listMonitors()).map(m => [m.sloName, m.target]),
    ).toEqual([
      ['available', 0.95],
      ['fresh', 0.8],
    ]);
    const [availableId] = (await store.listMonitors()).map(m => m.id);
    await store.recordObservations([
      {
        monitorId: availableId,
        observedAt: T0,
        source: 'collector',
        passed: true,
        exists: true,
        rowCount: 1,
      },
    ]);

    // the objective disappears: hidden at once, history kept for the grace period
    expect(
      await store.syncMonitors([b], { now: T0 + H, ...grace }),
    ).toMatchObject({
      removed: 1,
      purged: 0,
    });
    expect((await store.listMonitors()).map(m => m.sloName)).toEqual(['fresh']);
    // it comes back within the grace period, with its history
    expect(
      await store.syncMonitors([changed, b], { now: T0 + 2 * H, ...grace }),
    ).toMatchObject({
      restored: 1,
    });
    expect((await store.slices([availableId], 0)).length).toBe(1);
    // gone for longer than the grace period: deleted with its history
    await store.syncMonitors([b], { now: T0 + 3 * H, ...grace });
    expect(
      await store.syncMonitors([b], { now: T0 + 3 * H + D + 1, ...grace }),
    ).toMatchObject({
      purged: 1,
    });
    expect(await store.slices([availableId], 0)).toEqual([]);
    expect((await store.listMonitors()).map(m => m.sloName)).toEqual(['fresh']);
  });

  it("knows a product's owner while its monitors are kept, after it left the catalog too", async () => {
    const grace = { removedGraceMs: D };
    await store.syncMonitors(
      [
        definition('Wards', 'available', {
          entityRef: 'dataproduct:default/Wards',
        }),
        definition('orders', 'available', { owner: 'group:default/team-b' }),
      ],
      { now: T0, ...grace },
    );
    // wards leaves the catalog: its monitors are hidden, then purged
    await store.syncMonitors(
      [definition('orders', 'available', { owner: 'group:default/team-b' })],
      { now: T0 + H, ...grace },
    );
    const asked = [
      'dataproduct:default/wards',
      'dataproduct:default/orders',
      'dataproduct:default/none',
    ];
    expect(await store.lastKnownOwners(asked)).toEqual(
      new Map([
        ['dataproduct:default/wards', 'group:default/team-a'],
        ['dataproduct:default/orders', 'group:default/team-b'],
      ]),
    );
    await store.syncMonitors(
      [definition('orders', 'available', { owner: 'group:default/team-b' })],
      { now: T0 + 2 * D, ...grace },
    );
    expect(await store.lastKnownOwners(asked)).toEqual(
      new Map([['dataproduct:default/orders', 'group:default/team-b']]),
    );
  });

  it('folds observations into slices and tracks the first observation', async () => {
    await store.syncMonitors([definition('orders', 'available')], {
      now: T0,
      removedGraceMs: D,
    });
    const [m] = await store.listMonitors();
    await store.recordObservations([
      {
        monitorId: m.id,
        observedAt: T0 + 10 * H,
        source: 'collector',
        exists: true,
        rowCount: 5,
        lastAlteredAt: T0 + 9 * H,
        passed: true,
      },
      {
        monitorId: m.id,
        observedAt: T0 + 11 * H,
        source: 'collector',
        exists: true,
        rowCount: 7,
        lastAlteredAt: T0 + 11 * H,
        passed: false,
      },
    ]);
    await store.recordObservations([
      {
        monitorId: m.id,
        observedAt: T0 + 10 * H + 30 * MIN,
        source: 'push',
        passed: true,
        reporter: 'ci',
      },
      {
        monitorId: m.id,
        observedAt: T0 + D + 9 * H,
        source: 'collector',
        exists: false,
        passed: false,
      },
    ]);
    expect(await store.slices([m.id], 0)).toEqual([
      // the latest stats of the slice (11:00) win over the later push, which has none
      {
        monitorId: m.id,
        start: T0,
        checks: 3,
        passed: 2,
        rowCount: 7,
        lastAlteredAt: T0 + 11 * H,
      },
      { monitorId: m.id, start: T0 + D, checks: 1, passed: 0 },
    ]);
    expect((await store.listMonitors())[0].firstObservedAt).toBe(T0 + 10 * H);
    // an earlier pushed result moves the first observation back
    await store.recordObservations([
      { monitorId: m.id, observedAt: T0 - 2 * H, source: 'push', passed: true },
    ]);
    expect((await store.listMonitors())[0].firstObservedAt).toBe(T0 - 2 * H);
    const latest = (await store.latestObservations([m.id], 2)).get(m.id);
    expect(latest).toEqual([
      {
        monitorId: m.id,
        observedAt: T0 + D + 9 * H,
        source: 'collector',
        exists: false,
        passed: false,
      },
      {
        monitorId: m.id,
        observedAt: T0 + 11 * H,
        source: 'collector',
        exists: true,
        rowCount: 7,
        lastAlteredAt: T0 + 11 * H,
        passed: false,
      },
    ]);
  });

  it('re-buckets history in SQL when the slice length changes', async () => {
    const daily = definition('orders', 'available');
    await store.syncMonitors([daily], { now: T0, removedGraceMs: D });
    const [m] = await store.listMonitors();
    await store.recordObservations(
      [1, 2, 25].map(h => ({
        monitorId: m.id,
        observedAt: T0 + h * H + 5 * MIN,
        source: 'collector' as const,
        passed: h !== 2,
      })),
    );
    await store.syncMonitors([{ ...daily, slice: '1h', sliceMs: H }], {
      now: T0 + 30 * H,
      removedGraceMs: D,
    });
    expect(
      (await store.slices([m.id], 0)).map(s => [
        (s.start - T0) / H,
        s.checks,
        s.passed,
      ]),
    ).toEqual([
      [1, 1, 1],
      [2, 1, 0],
      [25, 1, 1],
    ]);
  });

  it('computes in SQL exactly what the reference evaluation computes', async () => {
    const configs = [
      {
        sloName: 'daily',
        windowMs: 20 * D,
        sliceMs: D,
        window: '20d',
        slice: '1d',
        target: 0.8,
      },
      {
        sloName: 'hourly',
        windowMs: 2 * D,
        sliceMs: H,
        window: '2d',
        slice: '1h',
        target: 0.95,
      },
      {
        sloName: 'weekly',
        windowMs: 28 * D,
        sliceMs: 7 * D,
        window: '4w',
        slice: '1w',
        target: 0.5,
      },
    ];
    await store.syncMonitors(
      configs.map(c => definition('orders', c.sloName, c)),
      { now: T0, removedGraceMs: D },
    );
    const monitors = await store.listMonitors();
    const rnd = random(42);
    const observations: ObservationInput[] = [];
    for (const m of monitors) {
      // the monitor starts on a random day; some hours have no observation
      const start = T0 + Math.floor(rnd() * 10) * D + Math.floor(rnd() * D);
      for (let t = start; t < T0 + 40 * D; t += H) {
        if (rnd() < 0.15) continue;
        observations.push({
          monitorId: m.id,
          observedAt: t + Math.floor(rnd() * H),
          source: 'collector',
          passed: rnd() > 0.03,
        });
      }
    }
    observations.sort((a, b) => a.observedAt - b.observedAt);
    // Time moves forward: at each checkpoint the store holds exactly the
    // observations made so far, as it would in production.
    const checkpoints = Array.from(
      { length: 24 },
      () => T0 + Math.floor(rnd() * 41 * D),
    ).sort((a, b) => a - b);
    let recorded = 0;
    let compared = 0;
    for (const now of checkpoints) {
      const upTo = observations.findIndex(o => o.observedAt > now);
      const end = upTo === -1 ? observations.length : upTo;
      await store.recordObservations(observations.slice(recorded, end));
      recorded = end;
      const fresh = await store.listMonitors();
      for (const recentSlices of [1, 3]) {
        const sql = await evaluateMonitors(store, fresh, { now, recentSlices });
        for (const m of fresh) {
          const reference = evaluateTimeslices({
            now,
            windowMs: m.windowMs,
            sliceMs: m.sliceMs,
            target: m.target,
            firstObservedAt: m.firstObservedAt,
            slices: (await store.slices([m.id], 0)) as SliceCounts[],
            recentSlices,
          });
          const { monitorId, ...e } = sql.get(m.id)!;
          expect(monitorId).toBe(m.id);
          expect(e).toEqual({
            sli: reference.sli,
            status: reference.status,
            good: reference.good,
            bad: reference.bad,
            total: reference.total,
            errorBudget: reference.errorBudget,
            burnRate: reference.burnRate,
            plan: reference.plan,
            noData: reference.noData,
          });
          if (reference.total > 0) compared++;
        }
      }
    }
    // the comparison must not have been skipped away
    expect(compared).toBeGreaterThan(60);
  });

  it('lists the fleet worst first and filters by owner and domain', async () => {
    await store.syncMonitors(
      [
        definition('a-ok', 'x'),
        definition('b-breach', 'x', { owner: 'group:default/team-b' }),
        definition('b-breach', 'y', { owner: 'group:default/team-b' }),
        definition('c-low', 'x', { domain: 'domain:default/finance' }),
        definition('d-nodata', 'x'),
      ],
      { now: T0, removedGraceMs: D },
    );
    const ids = new Map(
      (await store.listMonitors()).map(m => [`${m.name}/${m.sloName}`, m.id]),
    );
    const status = (id: number, s: string, budget: number | null) => ({
      monitorId: id,
      status: s as 'ok',
      sli: 1,
      good: 1,
      bad: 0,
      total: 1,
      errorBudget: {
        allowedBad: 1,
        bad: 0,
        remaining: budget,
        exhausted: false,
      },
      burnRate: { window: 0, recent: 0, recentSlices: 1 },
      plan: {} as any,
      noData: 0,
    });
    await store.status.saveEvaluations(
      [
        status(ids.get('a-ok/x')!, 'ok', 0.9),
        status(ids.get('b-breach/x')!, 'ok', 0.5),
        status(ids.get('b-breach/y')!, 'breaching', -0.5),
        status(ids.get('c-low/x')!, 'ok', 0.1),
      ],
      T0,
    );
    const fleet = await store.status.fleet();
    expect(
      fleet.map(r => [r.name, r.status, r.minErrorBudget ?? null]),
    ).toEqual([
      ['b-breach', 'breaching', -0.5],
      ['d-nodata', 'no-data', null],
      ['c-low', 'ok', 0.1],
      ['a-ok', 'ok', 0.9],
    ]);
    expect(fleet[0]).toMatchObject({
      objectives: 2,
      breaching: 1,
      noData: 0,
      evaluatedAt: T0,
    });
    expect(
      (await store.status.fleet({ owners: ['group:default/team-b'] })).map(
        r => r.name,
      ),
    ).toEqual(['b-breach']);
    expect(
      (await store.status.fleet({ domains: ['domain:default/finance'] })).map(
        r => r.name,
      ),
    ).toEqual(['c-low']);
  });

  it('prunes history older than the retention, but never inside a window', async () => {
    await store.syncMonitors([definition('orders', 'available')], {
      now: T0,
      removedGraceMs: D,
    });
    const [m] = await store.listMonitors();
    await store.recordObservations(
      [0, 5, 19, 25].map(d => ({
        monitorId: m.id,
        observedAt: T0 + d * D,
        source: 'collector' as const,
        passed: true,
      })),
    );
    // retention 10d is below window (20d) + 2 slices: 22 days are kept;
    // raw observations only 3 days
    await store.prune(T0 + 26 * D, 10 * D, 3 * D);
    expect(
      (await store.slices([m.id], 0)).map(s => (s.start - T0) / D),
    ).toEqual([5, 19, 25]);
    expect(
      (await store.latestObservations([m.id], 10))
        .get(m.id)!
        .map(o => (o.observedAt - T0) / D),
    ).toEqual([25]);
  });
  it('lets one instance claim each breach notification: once, until released or its lease is over', async () => {
    await store.syncMonitors([definition('orders', 'available')], {
      now: T0,
      removedGraceMs: D,
    });
    const [m] = await store.listMonitors();
    await store.recordObservations([
      {
        monitorId: m.id,
        observedAt: T0 + H,
        source: 'collector',
        passed: false,
      },
    ]);
    // re-read: the first observation is what opens the window
    const observed = await store.listMonitors();
    const evaluations = await evaluateMonitors(store, observed, {
      now: T0 + H,
      recentSlices: 1,
    });
    await store.status.saveEvaluations([...evaluations.values()], T0 + H);
    // two instances evaluate the same breach at once: both see it pending
    const [first, second] = await Promise.all([
      store.status.claimBreaches(T0 + H, [m.id]),
      store.status.claimBreaches(T0 + H, [m.id]),
    ]);
    const breach = { monitorId: m.id, breachStartedAt: T0 + H };
    expect([...first, ...second]).toContainEqual(breach);
    const lease = 5 * MIN;
    const claims = await Promise.all(
      [0, 1, 2].map(() =>
        store.status.claimNotification(breach, T0 + H, lease),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    // the claimer died: after the lease another instance takes over
    expect(
      await store.status.claimNotification(breach, T0 + H + lease - 1, lease),
    ).toBe(false);
    expect(
      await store.status.claimNotification(breach, T0 + H + lease + 1, lease),
    ).toBe(true);
    // a failed send frees it at once
    await store.status.releaseNotification(breach);
    expect(
      await store.status.claimNotification(breach, T0 + H + lease + 2, lease),
    ).toBe(true);
    await store.status.markNotified(breach, T0 + 2 * H);
    expect(
      await store.status.claimNotification(breach, T0 + 9 * H, lease),
    ).toBe(false);
    expect(await store.status.claimBreaches(T0 + 9 * H, [m.id])).toEqual([]);
    expect((await store.status.statuses([m.id])).get(m.id)).toMatchObject({
      alertState: 'breaching',
      breachStartedAt: T0 + H,
      notifiedAt: T0 + 2 * H,
    });

    // back to ok: two instances end the breach at once, one of them does,
    // and knows its start was told (so it tells the end, once)
    await store.status.saveEvaluations(
      [{ ...evaluations.get(m.id)!, status: 'ok' }],
      T0 + 3 * H,
    );
    const ended = await Promise.all([
      store.status.endRecovered([m.id]),
      store.status.endRecovered([m.id]),
    ]);
    expect(ended.flat()).toEqual([
      { monitorId: m.id, breachStartedAt: T0 + H, notified: true },
    ]);
    expect(await store.status.endRecovered()).toEqual([]);
    expect((await store.status.statuses([m.id])).get(m.id)).toMatchObject({
      alertState: 'ok',
    });
  });
});
