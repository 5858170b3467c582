/*
 * Two-level approval (ODCS `roles[].secondLevelApprovers` naming users or
 * groups) through the API with the real permission backend, on SQLite and
 * PostgreSQL: the first level (owners, admins, first-level approvers)
 * approves first and the request stays pending; only a second-level
 * approver, not the first approver, approves it into a grant; either level
 * rejects; extensions and auto-approvals take the same two steps; who is
 * told and reminded follows the level the request waits for.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { ACCESS_EXPIRY_TASK_ID } from '.';
import {
  type InMemoryAccessGrantExecutor,
  createInMemoryAccessGrantExecutor,
} from './__testUtils__/inMemoryExecutor';
import {
  ADMIN_GROUP,
  product,
  startAccessTestBackend,
} from './__testUtils__/testBackend';

const D = 24 * 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

const memberships: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/carol': ['group:default/team-b'],
  'user:default/dana': ['group:default/stewards'],
  'user:default/gwen': ['group:default/governance'],
  'user:default/ivy': ['group:default/governance'],
  // an owner who sits on the governance board too
  'user:default/hal': ['group:default/team-a', 'group:default/governance'],
  'user:default/erin': [ADMIN_GROUP],
};

const twoLevels = {
  role: 'records_readers',
  access: 'read',
  firstLevelApprovers: 'group:default/stewards',
  secondLevelApprovers: 'group:default/governance, Data protection officer',
};

const entities = [
  product('records', 'group:default/team-a', 'domain:default/care', [
    {
      name: 'clinical',
      type: 'sql',
      dataset: 'events',
      access: { roles: [twoLevels] },
    },
    // the policy approves non-PII requests from anyone: the first level
    {
      name: 'open',
      type: 'sql',
      dataset: 'events',
      access: { approval: 'auto', autoApprove: 'any', roles: [twoLevels] },
    },
    // a second level named only in words: nothing to chain
    {
      name: 'worded',
      type: 'sql',
      dataset: 'events',
      access: {
        roles: [{ role: 'r', secondLevelApprovers: 'Information Governance' }],
      },
    },
  ]),
];

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('two-level approval on %s', id => {
  let server: any;
  let stop: () => Promise<void>;
  let knex: Knex;
  let now = T0;
  let executor: InMemoryAccessGrantExecutor;
  const sent: NotificationSendOptions[] = [];
  const scheduler = mockServices.scheduler();
  const post = (path: string, user: string, body: object = {}) =>
    request(server)
      .post(`/api/data-mesh/access-requests${path}`)
      .set('Authorization', mockCredentials.user.header(`user:default/${user}`))
      .send(body);
  const ask = async (body: object = {}) => {
    const res = await post('', 'carol', {
      product: 'records',
      outputPort: 'clinical',
      consumer: 'group:default/team-b',
      purpose: 'readmission study',
      ...body,
    });
    expect([res.status, res.body.error?.message]).toEqual([201, undefined]);
    return res.body;
  };
  const decide = async (
    action: string,
    requestId: string,
    user: string,
    comment?: string,
  ) => {
    const res = await post(
      `/${requestId}/${action}`,
      user,
      comment ? { comment } : {},
    );
    return {
      status: res.status,
      state: res.body.state,
      firstApproval: res.body.firstApproval,
      message: res.body.error?.message,
      body: res.body,
    };
  };
  const inbox = async (user: string) => {
    const res = await request(server)
      .get('/api/data-mesh/access-requests?inbox=true')
      .set(
        'Authorization',
        mockCredentials.user.header(`user:default/${user}`),
      );
    expect(res.status).toBe(200);
    return res.body.items.map((r: any) => r.id);
  };
  const grantsOf = (requestId: string) =>
    executor.calls.filter(c => c.id === requestId && c.op === 'grant').length;
  const toldOf = (requestId: string) =>
    sent.filter(n => n.payload.scope === `data-mesh:access:${requestId}`);

  beforeAll(async () => {
    executor = createInMemoryAccessGrantExecutor();
    knex = await databases.init(id);
    const backend = await startAccessTestBackend({
      databases,
      databaseId: id,
      knex,
      entities,
      memberships,
      clock: { now: () => now },
      executor,
      sent,
      scheduler,
    });
    server = backend.server;
    stop = () => backend.stop();
  }, 120_000);

  afterAll(async () => {
    await stop?.();
  });

  beforeEach(async () => {
    now = T0;
    await knex('data_mesh_access_history').delete();
    await knex('data_mesh_access_requests').delete();
  });

  it('takes a first-level approval, then a second-level one, before it grants', async () => {
    const asked = await ask();
    // the first level is told: the owners and the first-level approvers
    expect(toldOf(asked.id).at(-1)!.recipients).toEqual({
      type: 'entity',
      entityRef: ['group:default/team-a', 'group:default/stewards'],
      excludeEntityRef: 'user:default/carol',
    });
    expect(asked.firstApproval).toBeNull();

    // the second level cannot go first
    expect(await decide('approve', asked.id, 'gwen')).toMatchObject({
      status: 403,
      message:
        'you may not approve access to dataproduct:default/records: only its owners, the first-level approvers of port clinical or an admin (the second-level approvers decide after them) may',
    });

    now = T0 + 3_600_000;
    const first = await decide('approve', asked.id, 'dana', 'steward ok');
    expect(first).toMatchObject({
      status: 200,
      state: 'pending',
      firstApproval: {
        by: 'user:default/dana',
        at: new Date(now).toISOString(),
      },
    });
    expect(first.body.decidedBy).toBeNull();
    expect(first.body.history.at(-1)).toEqual({
      at: new Date(now).toISOString(),
      by: 'user:default/dana',
      action: 'approve-first',
      state: 'pending',
      comment: 'steward ok',
    });
    expect(grantsOf(asked.id)).toBe(0);
    // the second level is told it is theirs, not the requester nor the first approver
    expect(toldOf(asked.id).at(-1)).toMatchObject({
      recipients: {
        type: 'entity',
        entityRef: ['group:default/governance'],
        excludeEntityRef: ['user:default/carol', 'user:default/dana'],
      },
      payload: {
        title: 'Second approval needed: dataproduct:default/records (clinical)',
        description: expect.stringContaining(
          'user:default/dana approved the access of group:default/team-b (asked by user:default/carol: readmission study)',
        ),
      },
    });

    // a second first-level approval is no second approval
    for (const user of ['dana', 'alice', 'erin']) {
      expect(await decide('approve', asked.id, user)).toMatchObject({
        status: 403,
        message:
          'you may not approve access to dataproduct:default/records: only the second-level approvers of port clinical (group:default/governance) may',
      });
    }
    expect(grantsOf(asked.id)).toBe(0);

    now = T0 + 2 * 3_600_000;
    const second = await decide('approve', asked.id, 'gwen', 'DPO ok');
    expect(second).toMatchObject({
      status: 200,
      state: 'active',
      firstApproval: null,
    });
    expect(second.body.decidedBy).toBe('user:default/gwen');
    expect(second.body.expiresAt).toBe(new Date(now + 90 * D).toISOString());
    expect(second.body.history.map((h: any) => [h.action, h.by])).toEqual([
      ['request', 'user:default/carol'],
      ['approve-first', 'user:default/dana'],
      ['approve', 'user:default/gwen'],
      ['grant', 'system'],
    ]);
    expect(grantsOf(asked.id)).toBe(1);
    expect(toldOf(asked.id).at(-1)!.payload.description).toContain(
      'was approved by user:default/gwen after user:default/dana: "DPO ok"',
    );
  });

  it('needs four eyes: whoever gave the first approval does not give the second', async () => {
    const asked = await ask();
    // hal owns the product and sits on the second level
    expect(await decide('approve', asked.id, 'hal')).toMatchObject({
      status: 200,
      state: 'pending',
    });
    expect(await decide('approve', asked.id, 'hal')).toMatchObject({
      status: 403,
      message:
        'user:default/hal gave the first-level approval of access request ' +
        `${asked.id}; the second must come from another of port clinical's second-level approvers`,
    });
    expect(await decide('approve', asked.id, 'ivy')).toMatchObject({
      status: 200,
      state: 'active',
    });
  });

  it('puts a request in the inbox of the level it waits for', async () => {
    const asked = await ask();
    const inboxes = async () =>
      Object.fromEntries(
        await Promise.all(
          ['alice', 'dana', 'gwen', 'hal'].map(
            async u => [u, (await inbox(u)).includes(asked.id)] as const,
          ),
        ),
      );
    // the first level: the owners (alice, hal) and the stewards
    expect(await inboxes()).toEqual({
      alice: true,
      dana: true,
      gwen: false,
      hal: true,
    });
    await decide('approve', asked.id, 'alice');
    // the second level: governance, hal among them (he did not give the first)
    expect(await inboxes()).toEqual({
      alice: false,
      dana: false,
      gwen: true,
      hal: true,
    });
    await decide('approve', asked.id, 'gwen');
    expect(Object.values(await inboxes())).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('lets either level reject, before or after the first approval', async () => {
    const early = await ask();
    expect(await decide('reject', early.id, 'gwen', 'no basis')).toMatchObject({
      status: 200,
      state: 'rejected',
    });
    const late = await ask();
    await decide('approve', late.id, 'alice');
    const rejected = await decide('reject', late.id, 'alice', 'changed mind');
    expect(rejected).toMatchObject({
      status: 200,
      state: 'rejected',
      firstApproval: null,
    });
    expect(grantsOf(late.id)).toBe(0);
  });

  it('grants once when two second-level approvers approve at the same time', async () => {
    const asked = await ask();
    await decide('approve', asked.id, 'dana');
    const results = await Promise.all([
      decide('approve', asked.id, 'gwen'),
      decide('approve', asked.id, 'ivy'),
    ]);
    expect(results.map(r => r.status).sort()).toEqual([200, 409]);
    expect(grantsOf(asked.id)).toBe(1);
  });

  it('takes two approvals to extend, and an extension asked anew starts over', async () => {
    const asked = await ask();
    await decide('approve', asked.id, 'dana');
    const granted = await decide('approve', asked.id, 'gwen');
    const expiry = granted.body.expiresAt;
    const ext = await post(`/${asked.id}/extend`, 'carol', {
      duration: '30d',
      comment: 'one more month',
    });
    expect(ext.status).toBe(200);
    expect(toldOf(asked.id).at(-1)).toMatchObject({
      recipients: {
        entityRef: ['group:default/team-a', 'group:default/stewards'],
      },
      payload: {
        title: 'Extension requested: dataproduct:default/records (clinical)',
      },
    });
    const first = await decide('approve', asked.id, 'alice');
    expect(first).toMatchObject({
      status: 200,
      state: 'active',
      firstApproval: { by: 'user:default/alice' },
    });
    expect(first.body.expiresAt).toBe(expiry);
    expect(first.body.extension).not.toBeNull();
    expect(first.body.history.at(-1).action).toBe('extend-approve-first');
    expect(toldOf(asked.id).at(-1)!.payload.description).toContain(
      'user:default/alice approved extending the access of group:default/team-b',
    );

    // asked again (a longer one): the first approval no longer holds
    const again = await post(`/${asked.id}/extend`, 'carol', {
      duration: '60d',
    });
    expect(again.body.firstApproval).toBeNull();
    expect(await decide('approve', asked.id, 'gwen')).toMatchObject({
      status: 403,
    });
    await decide('approve', asked.id, 'dana');
    const extended = await decide('approve', asked.id, 'gwen');
    expect(extended).toMatchObject({ status: 200, firstApproval: null });
    expect(extended.body.extension).toBeNull();
    expect(Date.parse(extended.body.expiresAt)).toBe(
      Date.parse(expiry) + 60 * D,
    );
  });

  it("takes the port's auto-approval as the first level only", async () => {
    const asked = await ask({ outputPort: 'open' });
    expect(asked).toMatchObject({
      state: 'pending',
      firstApproval: { by: 'system' },
    });
    expect(asked.history.at(-1)).toMatchObject({
      by: 'system',
      action: 'approve-first',
      comment: expect.stringContaining(
        "the port's second-level approvers decide",
      ),
    });
    expect(grantsOf(asked.id)).toBe(0);
    expect(toldOf(asked.id).at(-1)).toMatchObject({
      recipients: { entityRef: ['group:default/governance'] },
      payload: {
        title: 'Second approval needed: dataproduct:default/records (open)',
      },
    });
    expect(await decide('approve', asked.id, 'gwen')).toMatchObject({
      status: 200,
      state: 'active',
    });
  });

  it('decides in one step when the second level is named only in words', async () => {
    const asked = await ask({ outputPort: 'worded' });
    expect(await decide('approve', asked.id, 'alice')).toMatchObject({
      status: 200,
      state: 'active',
      firstApproval: null,
    });
  });

  it('reminds the level the request waits for', async () => {
    const asked = await ask();
    await decide('approve', asked.id, 'dana');
    now = T0 + 4 * D;
    await scheduler.triggerTask(ACCESS_EXPIRY_TASK_ID);
    const reminders = toldOf(asked.id).filter(n =>
      n.payload.title.startsWith('Waiting for your decision'),
    );
    expect(reminders.map(n => n.recipients)).toEqual([
      {
        type: 'entity',
        entityRef: ['group:default/governance'],
        excludeEntityRef: 'user:default/carol',
      },
    ]);
  });
});
