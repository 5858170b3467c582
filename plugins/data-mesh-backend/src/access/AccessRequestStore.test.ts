/*
 * The store and the state machine on SQLite and PostgreSQL: transitions
 * only from their allowed states, one winner among concurrent decisions,
 * the history appended with each change, the expiry warning claimed once.
 */
import { createTestDatabases } from '../__testUtils__/databases';
import {
  type AccessRequestRecord,
  AccessRequestStore,
} from './AccessRequestStore';
import { TRANSITIONS, canTransition } from './stateMachine';

const databases = createTestDatabases();
const D = 24 * 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

function request(
  id: string,
  over: Partial<AccessRequestRecord> = {},
): Omit<AccessRequestRecord, 'history' | 'warnedAt'> {
  return {
    id,
    product: 'dataproduct:default/orders',
    owner: 'group:default/team-a',
    outputPort: 'events',
    consumer: 'group:default/team-b',
    requester: 'user:default/carol',
    purpose: 'churn model',
    pii: false,
    state: 'pending',
    durationMs: 90 * D,
    requestedAt: T0,
    grantee: 'team_team_b',
    providerRole: 'shop_orders_consumer',
    role: `acme_access_${id}`,
    ...over,
  };
}

describe('the state machine', () => {
  it('allows each transition only from its states', () => {
    expect(canTransition('pending', 'approve')).toBe(true);
    expect(canTransition('approved', 'approve')).toBe(false);
    expect(canTransition('pending', 'grant')).toBe(false);
    expect(canTransition('approved', 'grant')).toBe(true);
    for (const end of ['rejected', 'revoked', 'expired'] as const) {
      for (const t of Object.keys(
        TRANSITIONS,
      ) as (keyof typeof TRANSITIONS)[]) {
        expect([end, t, canTransition(end, t)]).toEqual([end, t, false]);
      }
    }
  });
});

describe.each(databases.eachSupportedId())('AccessRequestStore on %s', id => {
  let store: AccessRequestStore;
  beforeAll(async () => {
    store = await AccessRequestStore.create({
      getClient: () => databases.init(id),
    });
  });

  it('stores a request with its history and changes state conditionally', async () => {
    await store.insert(request('a1'), {
      at: T0,
      actor: 'user:default/carol',
      action: 'request',
      state: 'pending',
      comment: 'please',
    });
    expect(
      await store.transition('a1', {
        ...TRANSITIONS.grant,
        history: { at: T0, actor: 'system', action: 'grant' },
      }),
    ).toBe(false);
    expect(
      await store.transition('a1', {
        ...TRANSITIONS.approve,
        patch: {
          decidedBy: 'user:default/alice',
          decidedAt: T0 + 1,
          expiresAt: T0 + 1 + 90 * D,
          warehousePending: 'grant',
        },
        history: { at: T0 + 1, actor: 'user:default/alice', action: 'approve' },
      }),
    ).toBe(true);
    expect(
      await store.transition('a1', {
        ...TRANSITIONS.grant,
        patch: { warehousePending: null },
        history: {
          at: T0 + 2,
          actor: 'system',
          action: 'grant',
          statements: ['GRANT ROLE x TO ROLE y'],
        },
      }),
    ).toBe(true);
    const stored = await store.get('a1');
    expect(stored).toMatchObject({
      state: 'active',
      decidedBy: 'user:default/alice',
      expiresAt: T0 + 1 + 90 * D,
      warehousePending: undefined,
      pii: false,
    });
    expect(stored!.history).toEqual([
      {
        at: T0,
        actor: 'user:default/carol',
        action: 'request',
        state: 'pending',
        comment: 'please',
      },
      {
        at: T0 + 1,
        actor: 'user:default/alice',
        action: 'approve',
        state: 'approved',
      },
      {
        at: T0 + 2,
        actor: 'system',
        action: 'grant',
        state: 'active',
        statements: ['GRANT ROLE x TO ROLE y'],
      },
    ]);
    expect(await store.get('nope')).toBeUndefined();
  });

  it('lets exactly one of two concurrent approvals through', async () => {
    await store.insert(request('a2'), {
      at: T0,
      actor: 'user:default/carol',
      action: 'request',
      state: 'pending',
    });
    const approve = (actor: string) =>
      store.transition('a2', {
        ...TRANSITIONS.approve,
        patch: { decidedBy: actor, decidedAt: T0 + 5 },
        history: { at: T0 + 5, actor, action: 'approve' },
      });
    const results = await Promise.all([
      approve('user:default/alice'),
      approve('user:default/bob'),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const stored = await store.get('a2');
    expect(stored!.history.filter(h => h.action === 'approve')).toHaveLength(1);
  });

  it('filters lists and finds expired, pending and warnable requests', async () => {
    await store.insert(
      request('a3', {
        state: 'approved',
        product: 'dataproduct:default/invoices',
        owner: 'group:default/team-b',
        expiresAt: T0 + 10 * D,
        warehousePending: 'grant',
      }),
      { at: T0, actor: 'system', action: 'approve', state: 'approved' },
    );
    expect(
      (await store.list({ product: 'dataproduct:default/invoices' })).map(
        r => r.id,
      ),
    ).toEqual(['a3']);
    expect(
      (
        await store.list({
          visible: q => q.where('owner', 'group:default/team-a'),
        })
      ).map(r => r.id),
    ).toEqual(['a1', 'a2']);
    expect((await store.list({ state: 'active' })).map(r => r.id)).toEqual([
      'a1',
    ]);
    expect((await store.warehousePending()).map(r => r.id)).toEqual(['a3']);
    expect((await store.dueForExpiry(T0 + 10 * D - 1)).map(r => r.id)).toEqual(
      [],
    );
    expect((await store.dueForExpiry(T0 + 10 * D)).map(r => r.id)).toEqual([
      'a3',
    ]);

    // a1 is active until T0 + 1 + 90d: warned within the last 7 days, once
    const warnAt = T0 + 85 * D;
    const lease = 60_000;
    expect(
      (await store.dueForWarning(warnAt - 3 * D, 7 * D, lease)).length,
    ).toBe(0);
    expect(
      (await store.dueForWarning(warnAt, 7 * D, lease)).map(r => r.id),
    ).toEqual(['a1']);
    expect(await store.claimWarnings(['a1'], warnAt, lease)).toEqual(['a1']);
    expect(await store.claimWarnings(['a1'], warnAt, lease)).toEqual([]);
    // a failed send frees it; a claim left by a dead instance expires
    await store.releaseWarnings(['a1']);
    expect(await store.claimWarnings(['a1'], warnAt, lease)).toEqual(['a1']);
    expect(
      await store.claimWarnings(['a1'], warnAt + lease + 1, lease),
    ).toEqual(['a1']);
    await store.markWarned(['a1'], warnAt + lease + 1);
    expect(
      await store.claimWarnings(['a1'], warnAt + 10 * lease, lease),
    ).toEqual([]);
    expect((await store.dueForWarning(warnAt, 7 * D, lease)).length).toBe(0);
  });
});
