/*
 * The access-request API through a test backend with the real permission
 * backend, on SQLite and PostgreSQL: every transition, every refusal
 * (400/403/404/409), self-approval, deciding on another team's product,
 * nothing granted after reject/revoke/expiry, the expiry task with an
 * injected clock, and two approvals at once granting once.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  TEST_AUDITOR_GROUP,
  TEST_NO_REQUESTS_GROUP,
} from '../__testUtils__/permissions';
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
  'user:default/bob': ['group:default/team-a'],
  'user:default/carol': ['group:default/team-b'],
  // carol's teammate
  'user:default/frank': ['group:default/team-b'],
  'user:default/erin': [ADMIN_GROUP],
  'user:default/dana': ['group:default/stewards'],
  // in carol's team, but the permission policy lets her request nothing
  'user:default/gina': ['group:default/team-b', TEST_NO_REQUESTS_GROUP],
  'user:default/grace': [TEST_AUDITOR_GROUP],
};

const entities = [
  product('orders', 'group:default/team-a', 'domain:default/shop'),
  product('invoices', 'group:default/team-b', 'domain:default/finance'),
  // a consumer-side product of team-b in the shop domain
  product('churn', 'group:default/team-b', 'domain:default/shop'),
  product('catalogue', 'group:default/team-a', 'domain:default/shop', [
    {
      name: 'items',
      type: 'sql',
      dataset: 'events',
      access: { approval: 'auto', maxDuration: '30d' },
    },
    {
      name: 'open-items',
      type: 'sql',
      dataset: 'events',
      access: { approval: 'auto', autoApprove: 'any' },
    },
  ]),
];

// a product of team-a without personal data: nothing to read in clear
const stock = product('stock', 'group:default/team-a', 'domain:default/shop');
stock.spec.datasets = [
  { name: 'events', columns: [{ name: 'id', type: 'string' }] },
];
entities.push(stock);

// ODCS roles naming approvers: a group for one port, none for the other
const claims = product(
  'claims',
  'group:default/team-a',
  'domain:default/shop',
  [
    {
      name: 'lines',
      type: 'sql',
      dataset: 'events',
      access: {
        roles: [
          {
            role: 'claims_readers',
            firstLevelApprovers:
              'group:default/stewards, Data protection officer',
          },
        ],
      },
    },
    { name: 'plain', type: 'sql', dataset: 'events' },
    // approvers naming the owners again and a would-be requester (one
    // level: two levels are twoLevelApproval.test.ts')
    {
      name: 'shared',
      type: 'sql',
      dataset: 'events',
      access: {
        roles: [
          {
            role: 'shared_readers',
            firstLevelApprovers:
              'user:default/carol, group:default/team-a, group:default/stewards',
          },
        ],
      },
    },
  ],
);
entities.push(claims);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('access requests on %s', id => {
  let server: any;
  let stop: () => Promise<void>;
  let knex: Knex;
  let now = T0;
  let executor: InMemoryAccessGrantExecutor;
  const sent: NotificationSendOptions[] = [];
  const scheduler = mockServices.scheduler();
  const as = (user: string) =>
    mockCredentials.user.header(`user:default/${user}`);
  const post = (path: string, user: string, body: object = {}) =>
    request(server)
      .post(`/api/data-mesh/access-requests${path}`)
      .set('Authorization', as(user))
      .send(body);
  const list = async (user: string, query = '') => {
    const res = await request(server)
      .get(`/api/data-mesh/access-requests${query}`)
      .set('Authorization', as(user));
    expect(res.status).toBe(200);
    return res.body.items as any[];
  };
  const ask = async (user: string, body: object) => {
    const res = await post('', user, {
      product: 'orders',
      outputPort: 'events',
      consumer: 'group:default/team-b',
      purpose: 'churn model',
      ...body,
    });
    expect([res.status, res.body.error?.message]).toEqual([201, undefined]);
    return res.body;
  };
  const grantsOf = (requestId: string) =>
    executor.calls.filter(c => c.id === requestId && c.op === 'grant').length;
  const sweep = () => scheduler.triggerTask(ACCESS_EXPIRY_TASK_ID);

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

  // each test starts from an empty registry: a team asks for a port once
  // while its request is open, so tests asking the same would refuse each other
  beforeEach(async () => {
    await knex('data_mesh_access_history').delete();
    await knex('data_mesh_access_requests').delete();
  });

  it('creates a pending request and tells the owners', async () => {
    const created = await ask('carol', { pii: false });
    expect(created).toMatchObject({
      product: 'dataproduct:default/orders',
      outputPort: 'events',
      consumer: 'group:default/team-b',
      requester: 'user:default/carol',
      purpose: 'churn model',
      pii: false,
      state: 'pending',
      requestedAt: new Date(T0).toISOString(),
      duration: '90d',
      decidedBy: null,
      decidedAt: null,
      expiresAt: null,
      grantee: 'team_team_b',
      role: `acme_access_${created.id}`,
      extension: null,
      error: null,
      history: [
        {
          at: new Date(T0).toISOString(),
          by: 'user:default/carol',
          action: 'request',
          state: 'pending',
          comment: 'churn model',
        },
      ],
    });
    expect(sent.at(-1)).toMatchObject({
      recipients: { type: 'entity', entityRef: ['group:default/team-a'] },
      payload: { link: '/catalog/default/dataproduct/orders/access' },
    });
  });

  it('refuses bad input (400 naming the field), unknown products and ports (404) and foreign consumers (403)', async () => {
    const base = {
      product: 'orders',
      outputPort: 'events',
      consumer: 'group:default/team-b',
      purpose: 'x',
    };
    const refused = async (user: string, body: object) => {
      const res = await post('', user, body);
      return [res.status, res.body.error?.message];
    };
    const { purpose: _omitted, ...noPurpose } = base;
    expect(await refused('carol', noPurpose)).toEqual([
      400,
      expect.stringContaining('purpose'),
    ]);
    expect(await refused('carol', { ...base, duration: 'P400D' })).toEqual([
      400,
      expect.stringContaining('duration'),
    ]);
    expect(await refused('carol', { ...base, duration: 'soon' })).toEqual([
      400,
      expect.stringContaining('duration'),
    ]);
    expect(await refused('carol', { ...base, pii: 'yes' })).toEqual([
      400,
      expect.stringContaining('pii'),
    ]);
    expect(await refused('carol', { ...base, extra: 1 })).toEqual([
      400,
      expect.stringContaining('extra'),
    ]);
    expect(await refused('carol', { ...base, product: 'nope' })).toEqual([
      404,
      expect.stringContaining('product'),
    ]);
    expect(await refused('carol', { ...base, outputPort: 'nope' })).toEqual([
      404,
      expect.stringContaining('outputPort'),
    ]);
    // not carol's group, not her group's product
    expect(
      await refused('carol', { ...base, consumer: 'group:default/team-a' }),
    ).toEqual([403, expect.stringContaining('consumer')]);
    expect(
      await refused('alice', {
        ...base,
        consumer: 'dataproduct:default/churn',
      }),
    ).toEqual([403, expect.stringContaining('consumer')]);
    expect((await post('/0123456789abcdef/approve', 'alice')).status).toBe(404);
    expect((await post('/not-an-id/approve', 'alice')).status).toBe(400);
  });

  it('approves (owners only, never the requester), grants and activates', async () => {
    now = T0 + D;
    // personal data for bob's own team: a teammate decides (without it,
    // the team's own request would be approved at once)
    const mine = await ask('bob', {
      consumer: 'group:default/team-a',
      pii: true,
    });
    expect(mine.state).toBe('pending');
    // bob owns orders through team-a, but it is his own request
    const self = await post(`/${mine.id}/approve`, 'bob');
    expect(self.status).toBe(403);
    // carol's team does not own orders
    const foreign = await post(`/${mine.id}/approve`, 'carol');
    expect(foreign.status).toBe(403);
    expect((await post(`/${mine.id}/reject`, 'dave')).status).toBe(403);
    expect(grantsOf(mine.id)).toBe(0);

    const approved = await post(`/${mine.id}/approve`, 'alice', {
      comment: 'ok for the quarter',
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      state: 'active',
      decidedBy: 'user:default/alice',
      decidedAt: new Date(T0 + D).toISOString(),
      expiresAt: new Date(T0 + 91 * D).toISOString(),
      grantee: 'team_team_a',
    });
    expect(approved.body.history.map((h: any) => [h.action, h.state])).toEqual([
      ['request', 'pending'],
      ['approve', 'approved'],
      ['grant', 'active'],
    ]);
    expect(approved.body.history[1]).toMatchObject({
      by: 'user:default/alice',
      comment: 'ok for the quarter',
    });
    expect(approved.body.history[2]).toMatchObject({
      by: 'system',
      statements: expect.arrayContaining([
        `GRANT ROLE "${approved.body.role}" TO ROLE "team_team_a"`,
      ]),
    });
    expect(executor.roles.get(approved.body.role)).toMatchObject({
      grantee: 'team_team_a',
      providerRole: 'shop_orders_consumer_pii',
    });
    expect(sent.at(-1)).toMatchObject({
      recipients: { entityRef: ['user:default/bob'] },
      payload: {
        title: expect.stringContaining('approved'),
        description: expect.stringContaining('shows how to read it'),
      },
    });
    // decided once: a second approval conflicts
    expect((await post(`/${mine.id}/approve`, 'alice')).status).toBe(409);
    expect(grantsOf(mine.id)).toBe(1);
  });

  it("approves at once what the product's own team asks for itself or its products, personal data aside", async () => {
    now = T0 + D;
    // team-a's product catalogue reads team-a's orders: its pipeline's role
    const input = await ask('alice', {
      consumer: 'dataproduct:default/catalogue',
      purpose: 'Input of catalogue',
    });
    expect([input.state, input.decidedBy, input.grantee]).toEqual([
      'active',
      'system',
      'shop_catalogue_service',
    ]);
    expect(grantsOf(input.id)).toBe(1);
    // another team's product in the same domain still waits for team-a
    const churn = await ask('carol', { consumer: 'dataproduct:default/churn' });
    expect(churn.state).toBe('pending');
    // and so does the team's own request for personal data
    const pii = await ask('alice', {
      consumer: 'dataproduct:default/catalogue',
      pii: true,
    });
    expect(pii.state).toBe('pending');
    // nobody was asked to decide the first: the owners hear of the other two
    expect(
      sent.filter(n => n.payload.scope === `data-mesh:access:${input.id}`),
    ).toEqual([]);
  });

  it('takes a request for personal data of a product that holds none as a plain one', async () => {
    now = T0 + D;
    // team-a's own product asks: without personal data, approved at once
    const asked = await ask('alice', {
      product: 'stock',
      consumer: 'dataproduct:default/catalogue',
      pii: true,
    });
    expect([asked.pii, asked.state, asked.decidedBy]).toEqual([
      false,
      'active',
      'system',
    ]);
    expect(executor.roles.get(asked.role)).toMatchObject({
      providerRole: 'shop_stock_consumer',
    });
    // and it is not a read of personal data
    expect((await list('alice', '?pii=true')).map(r => r.id)).not.toContain(
      asked.id,
    );
  });

  it('lets the owning team of another product decide there, not elsewhere', async () => {
    const invoices = await ask('alice', {
      product: 'invoices',
      consumer: 'group:default/team-a',
    });
    expect((await post(`/${invoices.id}/approve`, 'bob')).status).toBe(403);
    const ok = await post(`/${invoices.id}/approve`, 'carol');
    expect([ok.status, ok.body.state]).toEqual([200, 'active']);
  });

  it("lets the approvers a port's ODCS roles name decide its requests, and see them, not other ports'", async () => {
    const lines = await ask('carol', {
      product: 'claims',
      outputPort: 'lines',
      consumer: 'group:default/team-b',
    });
    // the port's approvers are told besides the owners, the requester never
    expect(sent.at(-1)).toMatchObject({
      recipients: {
        type: 'entity',
        entityRef: ['group:default/team-a', 'group:default/stewards'],
        excludeEntityRef: 'user:default/carol',
      },
      payload: {
        title: 'Access requested: dataproduct:default/claims (lines)',
      },
    });
    const plain = await ask('carol', {
      product: 'claims',
      outputPort: 'plain',
      consumer: 'group:default/team-b',
    });
    expect(sent.at(-1)!.recipients).toEqual({
      type: 'entity',
      entityRef: ['group:default/team-a'],
      excludeEntityRef: 'user:default/carol',
    });
    // the steward sees the port they approve on the product's Access tab
    expect(
      (await list('dana', '?product=claims')).map((r: any) => r.id),
    ).toEqual([lines.id]);
    expect(await list('dana')).toEqual([]);
    // ... and in their inbox across products, pending only
    const inbox = async (user: string) =>
      (await list(user, '?inbox=true')).map((r: any) => r.id);
    expect(await inbox('dana')).toEqual([lines.id]);
    // the consumer filter narrows the approvers' part as it does the owners'
    expect(
      (await list('dana', '?inbox=true&consumer=group:default/team-b')).map(
        (r: any) => r.id,
      ),
    ).toEqual([lines.id]);
    expect(
      await list('dana', '?inbox=true&consumer=group:default/team-a'),
    ).toEqual([]);
    expect(await inbox('alice')).toEqual(
      expect.arrayContaining([lines.id, plain.id]),
    );
    // not the requester's own, not an admin's beyond their groups' products
    expect(await inbox('carol')).not.toContain(lines.id);
    expect(await inbox('erin')).not.toContain(plain.id);
    const refused = await post(`/${plain.id}/approve`, 'dana');
    expect([refused.status, refused.body.error.message]).toEqual([
      403,
      // the port names no approvers: the refusal names none
      'you may not approve access to dataproduct:default/claims: only its owners or an admin may',
    ]);
    const approved = await post(`/${lines.id}/approve`, 'dana', {
      comment: 'steward ok',
    });
    expect([
      approved.status,
      approved.body.state,
      approved.body.decidedBy,
    ]).toEqual([200, 'active', 'user:default/dana']);
    expect(await inbox('dana')).toEqual([]);
    // approvers decide; revoking stays with the owners
    expect((await post(`/${lines.id}/revoke`, 'dana')).status).toBe(403);
    // the owners still decide every port
    const owner = await post(`/${plain.id}/reject`, 'alice');
    expect([owner.status, owner.body.state]).toEqual([200, 'rejected']);
  });

  it("tells a port's approvers of a request or extension once each, never the requester as an approver of their own", async () => {
    const shared = await ask('carol', {
      product: 'claims',
      outputPort: 'shared',
      consumer: 'group:default/team-b',
    });
    const told = {
      type: 'entity',
      entityRef: ['group:default/team-a', 'group:default/stewards'],
      excludeEntityRef: 'user:default/carol',
    };
    expect(sent.at(-1)!.recipients).toEqual(told);
    const approved = await post(`/${shared.id}/approve`, 'dana');
    expect([approved.status, approved.body.state]).toEqual([200, 'active']);
    const extended = await post(`/${shared.id}/extend`, 'carol', {
      duration: '30d',
      comment: 'one more month',
    });
    expect(extended.status).toBe(200);
    expect(sent.at(-1)).toMatchObject({
      recipients: told,
      payload: {
        title: 'Extension requested: dataproduct:default/claims (shared)',
      },
    });
  });

  it('grants once when two owners approve at the same time', async () => {
    const pending = await ask('carol', {});
    const results = await Promise.all([
      post(`/${pending.id}/approve`, 'alice'),
      post(`/${pending.id}/approve`, 'erin'),
    ]);
    expect(results.map(r => r.status).sort()).toEqual([200, 409]);
    expect(grantsOf(pending.id)).toBe(1);
  });

  it('rejects, and never grants a rejected request', async () => {
    const pending = await ask('carol', {});
    const rejected = await post(`/${pending.id}/reject`, 'alice', {
      comment: 'use the aggregate instead',
    });
    expect(rejected.body).toMatchObject({
      state: 'rejected',
      decidedBy: 'user:default/alice',
      expiresAt: null,
    });
    // the requester is told who decided, and why
    expect(sent.at(-1)).toMatchObject({
      recipients: { entityRef: ['user:default/carol'] },
      payload: {
        title: 'Access rejected: dataproduct:default/orders (events)',
        description:
          'Your request for group:default/team-b was rejected by user:default/alice: "use the aggregate instead".',
      },
    });
    expect((await post(`/${pending.id}/approve`, 'alice')).status).toBe(409);
    expect((await post(`/${pending.id}/revoke`, 'alice')).status).toBe(409);
    await sweep();
    expect(executor.calls.filter(c => c.id === pending.id)).toEqual([]);
  });

  it('revokes by owners only, drops the role, and never grants again', async () => {
    const pending = await ask('carol', {});
    await post(`/${pending.id}/approve`, 'alice');
    expect((await post(`/${pending.id}/revoke`, 'carol')).status).toBe(403);
    const revoked = await post(`/${pending.id}/revoke`, 'bob', {
      comment: 'left the project',
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.state).toBe('revoked');
    expect(revoked.body.history.slice(-2)).toEqual([
      expect.objectContaining({
        action: 'revoke',
        by: 'user:default/bob',
        comment: 'left the project',
        state: 'revoked',
      }),
      expect.objectContaining({
        action: 'warehouse-revoke',
        by: 'system',
        statements: [`DROP ROLE IF EXISTS "${pending.role}"`],
      }),
    ]);
    expect(executor.roles.has(pending.role)).toBe(false);
    // told who and why, and no expiry that no longer holds
    expect(sent.at(-1)!.payload.description).toBe(
      'Your request for group:default/team-b was revoked by user:default/bob: "left the project".',
    );
    await sweep();
    expect(grantsOf(pending.id)).toBe(1);
    expect((await post(`/${pending.id}/revoke`, 'bob')).status).toBe(409);
  });

  it("extends on the requester's ask once an owner approves, within the maximum", async () => {
    now = T0 + 2 * D;
    const granted = await ask('carol', { duration: '30d' });
    await post(`/${granted.id}/approve`, 'alice');
    expect(
      (await post(`/${granted.id}/extend`, 'alice', { duration: '30d' }))
        .status,
    ).toBe(403);
    const tooLong = await post(`/${granted.id}/extend`, 'carol', {
      duration: '360d',
    });
    expect([tooLong.status, tooLong.body.error.message]).toEqual([
      400,
      expect.stringContaining('duration'),
    ]);
    expect((await post(`/${granted.id}/extend`, 'carol')).status).toBe(400);
    const asked = await post(`/${granted.id}/extend`, 'carol', {
      duration: '30d',
      comment: 'one more month',
    });
    expect(asked.body).toMatchObject({
      state: 'active',
      expiresAt: new Date(T0 + 32 * D).toISOString(),
      extension: {
        expiresAt: new Date(T0 + 62 * D).toISOString(),
        requestedBy: 'user:default/carol',
      },
    });
    expect(sent.at(-1)).toMatchObject({
      recipients: { entityRef: ['group:default/team-a'] },
      payload: { title: expect.stringContaining('Extension') },
    });
    expect((await post(`/${granted.id}/approve`, 'carol')).status).toBe(403);
    const extended = await post(`/${granted.id}/approve`, 'alice');
    expect(extended.body).toMatchObject({
      state: 'active',
      expiresAt: new Date(T0 + 62 * D).toISOString(),
      extension: null,
    });
    expect(extended.body.history.at(-1)).toMatchObject({
      action: 'extend-approve',
      by: 'user:default/alice',
    });
    // nothing pending any more
    expect((await post(`/${granted.id}/reject`, 'alice')).status).toBe(409);
    expect(grantsOf(granted.id)).toBe(1);
  });

  it("lets a member of the consumer ask to extend the team's access; nobody decides the extension they asked for", async () => {
    now = T0 + 5 * D;
    const granted = await ask('carol', { duration: '30d' });
    await post(`/${granted.id}/approve`, 'alice');
    const refused = await post(`/${granted.id}/extend`, 'bob', {
      duration: '30d',
    });
    expect([refused.status, refused.body.error.message]).toEqual([
      403,
      expect.stringContaining('or a member of group:default/team-b'),
    ]);
    // carol's teammate keeps the team's access while she is away
    const asked = await post(`/${granted.id}/extend`, 'frank', {
      duration: '30d',
      comment: 'carol is on leave',
    });
    expect([asked.status, asked.body.extension]).toEqual([
      200,
      expect.objectContaining({ requestedBy: 'user:default/frank' }),
    ]);
    expect(sent.at(-1)).toMatchObject({
      recipients: {
        entityRef: ['group:default/team-a'],
        excludeEntityRef: 'user:default/frank',
      },
      payload: {
        title: expect.stringContaining('Extension requested'),
        description: expect.stringMatching(
          /^user:default\/frank asks to extend .*: carol is on leave$/,
        ),
      },
    });
    expect((await post(`/${granted.id}/approve`, 'alice')).status).toBe(200);
    expect(sent.at(-1)!.recipients).toEqual({
      type: 'entity',
      entityRef: ['user:default/carol', 'user:default/frank'],
    });

    // a product of team-b asked for by carol: frank (team-b) extends it too
    const forChurn = await ask('carol', {
      consumer: 'dataproduct:default/churn',
      duration: '30d',
    });
    await post(`/${forChurn.id}/approve`, 'alice');
    expect(
      (await post(`/${forChurn.id}/extend`, 'frank', { duration: '10d' }))
        .status,
    ).toBe(200);

    // team-b owns invoices: frank, who asked for the extension, may not
    // decide it, nor carol, who asked for the access; an admin may
    const own = await post('', 'carol', {
      product: 'invoices',
      outputPort: 'events',
      consumer: 'group:default/team-b',
      purpose: 'reconciliation',
      duration: '30d',
    });
    // the team asks for its own product: approved at once, nobody asked
    expect([own.status, own.body.state]).toEqual([201, 'active']);
    expect(own.body.history[1]).toMatchObject({
      action: 'approve',
      by: 'system',
      comment:
        "auto-approved: group:default/team-b is of the product's own team, and asks for no personal data",
    });
    await post(`/${own.body.id}/extend`, 'frank', { duration: '30d' });
    const byAsker = await post(`/${own.body.id}/approve`, 'frank');
    expect([byAsker.status, byAsker.body.error.message]).toEqual([
      403,
      expect.stringContaining('the extension they asked for'),
    ]);
    expect((await post(`/${own.body.id}/reject`, 'frank')).status).toBe(403);
    expect((await post(`/${own.body.id}/approve`, 'carol')).status).toBe(403);
    const byAdmin = await post(`/${own.body.id}/approve`, 'erin');
    expect([byAdmin.status, byAdmin.body.expiresAt]).toEqual([
      200,
      new Date(T0 + 65 * D).toISOString(),
    ]);
  });

  it('lets the consumer withdraw a pending request and give up granted access; the owners are told', async () => {
    now = T0 + 6 * D;
    const pending = await ask('carol', { purpose: 'wrong port' });
    for (const [user, status] of [
      ['bob', 403], // not of team-b
      ['gina', 403], // of team-b, but may not request access
    ] as const) {
      expect((await post(`/${pending.id}/cancel`, user)).status).toBe(status);
    }
    const withdrawn = await post(`/${pending.id}/cancel`, 'frank', {
      comment: 'we need the other port',
    });
    expect(withdrawn.body).toMatchObject({ state: 'cancelled' });
    expect(withdrawn.body.history.at(-1)).toMatchObject({
      action: 'cancel',
      by: 'user:default/frank',
      state: 'cancelled',
      comment: 'we need the other port',
    });
    expect(sent.at(-1)).toMatchObject({
      recipients: {
        entityRef: ['group:default/team-a'],
        excludeEntityRef: 'user:default/frank',
      },
      payload: {
        title: 'Access request withdrawn: dataproduct:default/orders (events)',
        description:
          'user:default/frank withdrew the request of group:default/team-b: "we need the other port". Nothing is left to decide.',
      },
    });
    // nothing is left to decide, nor to grant
    expect((await post(`/${pending.id}/approve`, 'alice')).status).toBe(409);
    expect((await post(`/${pending.id}/cancel`, 'carol')).status).toBe(409);
    expect(executor.calls.filter(c => c.id === pending.id)).toEqual([]);
    expect(await list('alice', '?inbox=true')).not.toContainEqual(
      expect.objectContaining({ id: pending.id }),
    );

    // granted access given up: the grant is taken back as a revoke does
    const granted = await ask('carol', { purpose: 'done with it soon' });
    await post(`/${granted.id}/approve`, 'alice');
    expect(executor.roles.has(granted.role)).toBe(true);
    const givenUp = await post(`/${granted.id}/cancel`, 'carol');
    expect(givenUp.body.state).toBe('cancelled');
    expect(givenUp.body.history.slice(-2).map((h: any) => h.action)).toEqual([
      'cancel',
      'warehouse-revoke',
    ]);
    expect(executor.roles.has(granted.role)).toBe(false);
    expect(sent.at(-1)!.payload.title).toBe(
      'Access given up: dataproduct:default/orders (events)',
    );
    await sweep();
    expect(grantsOf(granted.id)).toBe(1);
    // a cancelled request lists under its own state
    expect(
      (await list('carol', '?state=cancelled')).map((r: any) => r.id),
    ).toEqual(expect.arrayContaining([pending.id, granted.id]));
  });

  it('refuses a second open request of a team for the same port (409), not one for more, nor after the first ended', async () => {
    now = T0 + 6 * D;
    const first = await ask('carol', {});
    const again = async (user: string, body: object = {}) =>
      post('', user, {
        product: 'orders',
        outputPort: 'events',
        consumer: 'group:default/team-b',
        purpose: 'churn model, again',
        ...body,
      });
    // the teammate does not know carol asked: the owners would decide twice
    const twice = await again('frank');
    expect([twice.status, twice.body.error.message]).toEqual([
      409,
      `consumer: group:default/team-b has already asked for port 'events' of dataproduct:default/orders (request ${first.id}); wait for its decision or withdraw it`,
    ]);
    await post(`/${first.id}/approve`, 'alice');
    const granted = await again('carol');
    expect([granted.status, granted.body.error.message]).toEqual([
      409,
      `consumer: group:default/team-b already reads port 'events' of dataproduct:default/orders (request ${first.id}); ask to extend it instead`,
    ]);
    // personal data on top is a new question; then that one covers both
    const withPii = await ask('frank', { pii: true });
    expect((await again('carol', { pii: true })).status).toBe(409);
    expect((await again('carol')).status).toBe(409);
    // another team, another port: their own questions
    await ask('dana', { consumer: 'group:default/stewards' });
    await ask('carol', { product: 'claims', outputPort: 'plain' });
    // once ended, the team may ask again
    await post(`/${withPii.id}/reject`, 'alice', { comment: 'no PII' });
    await post(`/${first.id}/revoke`, 'alice', { comment: 'model retired' });
    expect((await again('carol')).status).toBe(201);
    // nothing refused was stored
    expect(
      (await list('erin', '?product=orders')).filter(
        r => r.consumer === 'group:default/team-b',
      ),
    ).toHaveLength(3);
  });

  it('stores one of identical requests sent at the same instant and refuses the others (409)', async () => {
    now = T0 + 6 * D;
    // a double submit, or one request per replica: each checks before it stores
    const answers = await Promise.all(
      ['carol', 'frank', 'carol', 'frank', 'carol'].map(user =>
        post('', user, {
          product: 'orders',
          outputPort: 'events',
          consumer: 'group:default/team-b',
          purpose: 'churn model',
        }),
      ),
    );
    expect(answers.map(a => a.status).sort()).toEqual([
      201, 409, 409, 409, 409,
    ]);
    const stored = answers.find(a => a.status === 201)!.body.id;
    for (const refused of answers.filter(a => a.status === 409)) {
      expect(refused.body.error.message).toContain(`(request ${stored})`);
    }
    expect((await list('erin', '?product=orders')).map(r => r.id)).toEqual([
      stored,
    ]);
  });

  it('refuses the consumer side of a request to whom the policy lets request nothing', async () => {
    now = T0 + 7 * D;
    expect(
      (
        await post('', 'gina', {
          product: 'orders',
          outputPort: 'events',
          consumer: 'group:default/team-b',
          purpose: 'churn model',
        })
      ).status,
    ).toBe(403);
    const granted = await ask('carol', { duration: '30d' });
    await post(`/${granted.id}/approve`, 'alice');
    const extend = await post(`/${granted.id}/extend`, 'gina', {
      duration: '10d',
    });
    expect([extend.status, extend.body.error.message]).toEqual([
      403,
      `user:default/gina may not extend access request ${granted.id}`,
    ]);
  });

  it('lists extensions awaiting decision in the inbox of the owners and approvers, not the requester nor others', async () => {
    now = T0 + 3 * D;
    const inbox = async (user: string) =>
      (await list(user, '?inbox=true')).filter((r: any) => r.extension);
    const granted = await ask('carol', { duration: '30d' });
    await post(`/${granted.id}/approve`, 'alice');
    // a port whose ODCS roles name the stewards as approvers
    const lines = await ask('carol', {
      product: 'claims',
      outputPort: 'lines',
      duration: '30d',
    });
    await post(`/${lines.id}/approve`, 'dana');
    now = T0 + 4 * D;
    for (const asking of [granted.id, lines.id]) {
      const asked = await post(`/${asking}/extend`, 'carol', {
        duration: '30d',
        comment: 'model retraining',
      });
      expect(asked.status).toBe(200);
    }
    const ownerSees = await inbox('alice');
    expect(ownerSees.map((r: any) => r.id)).toEqual(
      expect.arrayContaining([granted.id, lines.id]),
    );
    expect(ownerSees.find((r: any) => r.id === granted.id)).toMatchObject({
      state: 'active',
      requester: 'user:default/carol',
      extension: {
        expiresAt: new Date(T0 + 63 * D).toISOString(),
        requestedBy: 'user:default/carol',
        comment: 'model retraining',
      },
    });
    // the port's approver sees that port's extension only
    const approverSees = (await inbox('dana')).map((r: any) => r.id);
    expect(approverSees).toContain(lines.id);
    expect(approverSees).not.toContain(granted.id);
    // the requester waits on their own; a non-owner decides nothing here
    const mine = (await inbox('carol')).map((r: any) => r.id);
    expect(mine).not.toContain(granted.id);
    expect(mine).not.toContain(lines.id);
    expect(await list('dave', '?inbox=true')).toEqual([]);
    // granted requests without an extension asked stay out of every inbox
    expect(
      (await list('alice', '?inbox=true')).every(
        (r: any) => r.state === 'pending' || r.extension,
      ),
    ).toBe(true);
    // deciding the extension takes it out of the inbox
    expect((await post(`/${granted.id}/approve`, 'alice')).status).toBe(200);
    expect((await post(`/${lines.id}/reject`, 'dana')).status).toBe(200);
    const left = (await list('alice', '?inbox=true')).map((r: any) => r.id);
    expect(left).not.toContain(granted.id);
    expect(left).not.toContain(lines.id);
    expect((await inbox('dana')).map((r: any) => r.id)).not.toContain(lines.id);
  });

  it('lists what each caller may see, filtered in the database', async () => {
    const carolOrders = await ask('carol', {});
    const rejected = await ask('carol', { pii: true });
    await post(`/${rejected.id}/reject`, 'alice', { comment: 'no' });
    // for team-b's consumer product, on team-a's claims
    const carolChurn = await ask('carol', {
      product: 'claims',
      outputPort: 'plain',
      consumer: 'dataproduct:default/churn',
    });
    // on team-b's invoices, for team-a
    const aliceInvoices = await ask('alice', {
      product: 'invoices',
      consumer: 'group:default/team-a',
    });
    // a third team on orders: team-b has no part in it
    const danaOrders = await ask('dana', {
      consumer: 'group:default/stewards',
    });
    const ids = (items: any[]) => items.map(i => i.id).sort();
    expect(ids(await list('erin'))).toEqual(
      ids([carolOrders, rejected, carolChurn, aliceInvoices, danaOrders]),
    );
    // carol: her own requests and those on team-b's products
    expect(ids(await list('carol'))).toEqual(
      ids([carolOrders, rejected, carolChurn, aliceInvoices]),
    );
    // alice: team-a's products (orders, claims) and her own
    expect(ids(await list('alice'))).toEqual(
      ids([carolOrders, rejected, carolChurn, aliceInvoices, danaOrders]),
    );
    // frank: team-b's products, and what was asked for team-b or its
    // products (churn) whoever asked; mine is empty, ours is the latter
    expect(ids(await list('frank'))).toEqual(
      ids([carolOrders, rejected, carolChurn, aliceInvoices]),
    );
    expect(await list('frank', '?mine=true')).toEqual([]);
    expect(ids(await list('frank', '?ours=true'))).toEqual(
      ids([carolOrders, rejected, carolChurn]),
    );
    expect(ids(await list('dana'))).toEqual(ids([danaOrders]));
    expect(await list('dave')).toEqual([]);
    // an auditor (the read permission on every product) sees everything,
    // and who reads personal data in clear apart
    expect(ids(await list('grace'))).toEqual(
      ids([carolOrders, rejected, carolChurn, aliceInvoices, danaOrders]),
    );
    expect(ids(await list('grace', '?pii=true'))).toEqual(ids([rejected]));
    expect(ids(await list('grace', '?pii=false'))).toEqual(
      ids([carolOrders, carolChurn, aliceInvoices, danaOrders]),
    );
    // … and decides on none
    expect((await post(`/${carolOrders.id}/approve`, 'grace', {})).status).toBe(
      403,
    );
    expect(
      (
        await request(server)
          .get('/api/data-mesh/access-requests?pii=yes')
          .set('Authorization', as('grace'))
      ).status,
    ).toBe(400);
    expect(ids(await list('alice', '?mine=true'))).toEqual(
      ids([aliceInvoices]),
    );
    expect(
      (await list('erin', '?state=rejected&product=orders')).map(i => i.id),
    ).toEqual([rejected.id]);
    expect(
      (
        await request(server)
          .get('/api/data-mesh/access-requests?state=granted')
          .set('Authorization', as('erin'))
      ).status,
    ).toBe(400);
  });

  it('warns once 7 days before the expiry, then expires and revokes on the scheduled task', async () => {
    now = T0 + 10 * D;
    const granted = await ask('carol', { duration: '20d' });
    await post(`/${granted.id}/approve`, 'alice');
    const expiresAt = T0 + 30 * D;
    const warnings = () =>
      sent.filter(
        n =>
          n.payload.scope === `data-mesh:access:${granted.id}` &&
          n.payload.title.startsWith('Access expires'),
      );
    now = expiresAt - 8 * D;
    await sweep();
    expect(warnings()).toHaveLength(0);
    now = expiresAt - 6 * D;
    await sweep();
    await sweep();
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0].recipients).toEqual({
      type: 'entity',
      entityRef: [
        'user:default/carol',
        'group:default/team-a',
        'group:default/team-b',
      ],
    });
    expect(warnings()[0].payload.description).toContain(
      'any member of group:default/team-b may ask to extend it',
    );
    now = expiresAt;
    await sweep();
    const [expired] = (await list('carol', '?state=expired')).filter(
      i => i.id === granted.id,
    );
    expect(expired.history.slice(-2).map((h: any) => [h.action, h.by])).toEqual(
      [
        ['expire', 'system'],
        ['warehouse-revoke', 'system'],
      ],
    );
    expect(executor.roles.has(granted.role)).toBe(false);
    now = expiresAt + D;
    await sweep();
    expect(grantsOf(granted.id)).toBe(1);
    expect(
      (await post(`/${granted.id}/extend`, 'carol', { duration: '1d' })).status,
    ).toBe(409);
  });

  it("reminds the owners and the port's approvers once of a request waiting 3 days, not the requester", async () => {
    now = T0 + 40 * D;
    const waiting = await ask('carol', {
      product: 'claims',
      outputPort: 'lines',
      purpose: 'claims audit',
    });
    const reminders = () =>
      sent.filter(
        n =>
          n.payload.scope === `data-mesh:access:${waiting.id}` &&
          n.payload.title.startsWith('Waiting for your decision'),
      );
    now = T0 + 42 * D;
    await sweep();
    expect(reminders()).toHaveLength(0);
    now = T0 + 43 * D + 3_600_000;
    await sweep();
    await sweep();
    expect(reminders()).toEqual([
      {
        recipients: {
          type: 'entity',
          entityRef: ['group:default/team-a', 'group:default/stewards'],
          excludeEntityRef: 'user:default/carol',
        },
        payload: expect.objectContaining({
          title:
            'Waiting for your decision: dataproduct:default/claims (lines)',
          description:
            'user:default/carol asked 3d 1h ago for access on behalf of group:default/team-b: claims audit. Approve or reject it on the Access tab; the team waits.',
        }),
      },
    ]);
    // decided: nothing more to remind of
    await post(`/${waiting.id}/approve`, 'dana');
    now = T0 + 50 * D;
    await sweep();
    expect(reminders()).toHaveLength(1);
  });

  it('records a failed grant with its error and retries it on the scheduled task', async () => {
    const pending = await ask('carol', {});
    executor.failWith = 'warehouse unreachable';
    const approved = await post(`/${pending.id}/approve`, 'alice');
    executor.failWith = undefined;
    expect(approved.body).toMatchObject({
      state: 'approved',
      error: 'warehouse unreachable',
    });
    expect(approved.body.history.at(-1)).toMatchObject({
      action: 'grant-failed',
      error: 'warehouse unreachable',
      state: 'approved',
    });
    await sweep();
    const [retried] = (await list('carol')).filter(i => i.id === pending.id);
    expect(retried).toMatchObject({ state: 'active', error: null });
  });

  it("auto-approves when the port's policy says so: non-PII, same domain", async () => {
    const auto = await ask('carol', {
      product: 'catalogue',
      outputPort: 'items',
      consumer: 'dataproduct:default/churn',
    });
    expect(auto).toMatchObject({
      state: 'active',
      decidedBy: 'system',
      grantee: 'shop_churn_service',
      duration: '30d',
    });
    const withPii = await ask('carol', {
      product: 'catalogue',
      outputPort: 'items',
      consumer: 'dataproduct:default/churn',
      pii: true,
    });
    expect(withPii.state).toBe('pending');
    const tooLong = await post('', 'carol', {
      product: 'catalogue',
      outputPort: 'items',
      consumer: 'dataproduct:default/churn',
      purpose: 'x',
      duration: '60d',
    });
    expect(tooLong.status).toBe(400);
    // a team is in no domain: only a port approving anyone's requests
    // approves it at once
    const team = { consumer: 'group:default/team-b' };
    const sameDomainOnly = await ask('carol', {
      product: 'catalogue',
      outputPort: 'items',
      ...team,
    });
    expect(sameDomainOnly.state).toBe('pending');
    const anyone = await ask('carol', {
      product: 'catalogue',
      outputPort: 'open-items',
      ...team,
    });
    expect(anyone).toMatchObject({ state: 'active', decidedBy: 'system' });
    expect(anyone.history[1].comment).toBe(
      "auto-approved: the port's policy approves non-PII requests",
    );
  });
});
