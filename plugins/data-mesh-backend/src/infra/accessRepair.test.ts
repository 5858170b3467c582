/*
 * Repairing access drift through the REST API, in a test backend with the
 * real permission backend, on SQLite and PostgreSQL, against a real PGlite
 * warehouse granted by the real warehouse executor: a grant revoked by hand
 * is re-granted, a role given the consumer role by hand is revoked only
 * when asked, the request's history records the repair, the product's
 * audit trail keeps each repair with the unexplained grants it revoked, and
 * only owners may repair.
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import {
  type PostgresWarehouseAdapter,
  createPgliteWarehouseAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
  applyPlan,
  createWarehouseAccessGrantExecutor,
  planProducts,
  platformConfig,
} from '@datamesh/plugin-data-mesh-node';
import type { Knex } from 'knex';
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

describe.each(databases.eachSupportedId())('access drift repair on %s', id => {
  let server: any;
  let stop: () => Promise<void>;
  let warehouse: PostgresWarehouseAdapter;
  let consumerRole: string;
  let requestId: string;
  let requestRole: string;
  let grantee: string;
  let knex: Knex;
  const q = (name: string) => warehouse.dialect.quoteIdentifier(name);
  const { call, audited } = contractCalls(() => server, 'aisha');
  const repairs = () => audited('visits', 'access-repair');
  const repair = (user: string, body: object = {}) =>
    call('post', '/products/default/visits/access-drift/repair', user, body);
  const access = async () => {
    const res = await call(
      'get',
      '/products/default/visits/infrastructure',
      'aisha',
    );
    expect(res.status).toBe(200);
    return res.body.access;
  };

  beforeAll(async () => {
    warehouse = await createPgliteWarehouseAdapter({ inMemory: true });
    const { plan, desired } = await planProducts([visits], platform, warehouse);
    const provisioned = await applyPlan(plan!, warehouse);
    if (provisioned.error) throw new Error(provisioned.error.message);
    consumerRole = desired!.products[0].roles.consumer;
    await warehouse.execute([{ sql: 'CREATE ROLE "team_pophealth"' }]);
    knex = await databases.init(id);
    const backend = await startAccessTestBackend({
      databases,
      databaseId: id,
      knex,
      entities: [visits],
      memberships,
      clock: { now: () => T0 },
      sent: [] as NotificationSendOptions[],
      scheduler: mockServices.scheduler(),
      warehouse,
      executor: createWarehouseAccessGrantExecutor({
        warehouse: { getAdapter: async () => warehouse },
      }),
    });
    server = backend.server;
    stop = () => backend.stop();

    const asked = await call('post', '/access-requests', 'sofia', {
      product: 'visits',
      outputPort: 'events',
      consumer: 'group:default/pophealth',
      purpose: 'readmissions',
    });
    if (asked.status !== 201) throw new Error(JSON.stringify(asked.body));
    requestId = asked.body.id;
    const approved = await call(
      'post',
      `/access-requests/${requestId}/approve`,
      'aisha',
      {},
    );
    if (approved.body.state !== 'active') {
      throw new Error(`not granted: ${JSON.stringify(approved.body)}`);
    }
    requestRole = approved.body.role;
    grantee = approved.body.grantee;
  }, 120_000);

  afterAll(async () => {
    await stop?.();
    await warehouse?.close();
  });

  it('re-grants what was revoked by hand, revokes the unexplained only when asked, and only for owners', async () => {
    expect(await access()).toMatchObject({ inSync: true, active: 1 });
    await warehouse.execute([
      { sql: `REVOKE ${q(requestRole)} FROM ${q(grantee)}` },
      { sql: 'CREATE ROLE "stranger"' },
      { sql: `GRANT ${q(consumerRole)} TO "stranger"` },
    ]);
    const drifted = await access();
    expect([drifted.missing.length, drifted.unmanaged.length]).toEqual([1, 1]);

    // the requester is no owner: refused, nothing sent
    const refused = await repair('sofia');
    expect([refused.status, refused.body.error.message]).toEqual([
      403,
      'user:default/sofia may not repair access to dataproduct:default/visits: only its owners or an admin may',
    ]);
    expect(await access()).toEqual(drifted);
    expect(await repairs()).toEqual([]);
    const bad = await repair('aisha', { revokeUnmanaged: 'yes' });
    expect(bad.status).toBe(400);

    // missing grants are re-granted; the revoke waits to be asked for
    const first = await repair('aisha');
    expect(first.status).toBe(200);
    expect(first.body.applied.map((s: any) => s.sql)).toEqual([
      [`GRANT ${q(requestRole)} TO ${q(grantee)}`],
    ]);
    expect(first.body.skipped.map((s: any) => s.action)).toEqual([
      'revoke-role',
    ]);
    expect(first.body.requests).toEqual([requestId]);
    expect(first.body.access).toMatchObject({
      inSync: false,
      missing: [],
      unmanaged: [{ membership: { role: consumerRole, member: 'stranger' } }],
    });

    // the request's history records who repaired it and the SQL sent
    const listed = await call(
      'get',
      '/access-requests?product=visits',
      'aisha',
    );
    const history = listed.body.items[0].history;
    expect(history[history.length - 1]).toMatchObject({
      by: 'user:default/aisha',
      action: 'repair',
      state: 'active',
      statements: [`GRANT ${q(requestRole)} TO ${q(grantee)}`],
    });

    const second = await repair('aisha', { revokeUnmanaged: true });
    expect(second.body.applied.map((s: any) => s.sql)).toEqual([
      [`REVOKE ${q(consumerRole)} FROM "stranger"`],
    ]);
    expect(second.body.requests).toEqual([]);
    expect(second.body.access).toMatchObject({
      inSync: true,
      missing: [],
      unmanaged: [],
    });
    // the assessment afterwards is clean, and the grant works again
    expect(await access()).toMatchObject({ inSync: true, active: 1 });
    const held = await warehouse.introspect({
      computes: [],
      databases: [],
      schemas: [],
      roles: [requestRole, grantee],
      membersOf: [requestRole],
    });
    expect(held.memberships).toContainEqual({
      role: requestRole,
      member: grantee,
    });
    // the product's audit trail keeps both repairs: who, when, what was
    // sent, and the grant no request explained that the second revoked
    const at = new Date(T0).toISOString();
    expect(await repairs()).toEqual([
      {
        at,
        actor: 'user:default/aisha',
        action: 'access-repair',
        detail: {
          revokeUnmanaged: false,
          revoked: [],
          requests: [requestId],
          statements: [`GRANT ${q(requestRole)} TO ${q(grantee)}`],
        },
      },
      {
        at,
        actor: 'user:default/aisha',
        action: 'access-repair',
        detail: {
          revokeUnmanaged: true,
          revoked: [
            {
              role: 'stranger',
              membership: { role: consumerRole, member: 'stranger' },
              message: `stranger holds ${consumerRole}, which no active access request explains`,
              statements: [`REVOKE ${q(consumerRole)} FROM "stranger"`],
            },
          ],
          requests: [],
          statements: [`REVOKE ${q(consumerRole)} FROM "stranger"`],
        },
      },
    ]);

    // nothing left to repair: nothing sent, nothing audited
    const third = await repair('aisha', { revokeUnmanaged: true });
    expect([third.body.applied, third.body.skipped]).toEqual([[], []]);
    expect(await repairs()).toHaveLength(2);
  });

  it('answers with what a repair sent when its audit entry cannot be written', async () => {
    await warehouse.execute([
      { sql: `REVOKE ${q(requestRole)} FROM ${q(grantee)}` },
    ]);
    // the audit trail's table out of reach, as when its database fails
    await knex.schema.renameTable(
      'data_mesh_lifecycle_audit',
      'data_mesh_lifecycle_audit_away',
    );
    let res;
    try {
      res = await repair('aisha');
    } finally {
      await knex.schema.renameTable(
        'data_mesh_lifecycle_audit_away',
        'data_mesh_lifecycle_audit',
      );
    }
    expect([res.status, res.body.applied.map((s: any) => s.sql)]).toEqual([
      200,
      [[`GRANT ${q(requestRole)} TO ${q(grantee)}`]],
    ]);
    expect(res.body.access).toMatchObject({ inSync: true });
  });
});
