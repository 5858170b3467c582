/*
 * Access drift through the infrastructure API: requests from the real
 * store (SQLite, PostgreSQL), grants made by the warehouse executor in a
 * real warehouse (PGlite, a PostgreSQL server when configured), then
 * changed by hand, and the answers checked against the REST contract.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  type DataProductEntityV1alpha1,
  createDataMeshApiValidator,
} from '@datamesh/plugin-data-mesh-common';
import {
  type AccessGrant,
  createWarehouseAccessGrantExecutor,
  planProducts,
} from '@datamesh/plugin-data-mesh-node';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  type TestWarehouse,
  provision,
  sloProduct,
  warehouseFactories,
} from '../__testUtils__/warehouse';
import {
  type AccessRequestRecord,
  AccessRequestStore,
} from '../access/AccessRequestStore';
import { accessGrantSourceFromStore } from './accessDrift';
import type { LifecycleAuditRecord } from '../lifecycle/LifecycleStore';
import { AccessDriftRepair } from './accessRepair';
import { InfrastructureService } from './InfrastructureService';

const databases = createTestDatabases();

function record(
  id: string,
  over: Partial<AccessRequestRecord> = {},
): Omit<AccessRequestRecord, 'history' | 'warnedAt'> {
  return {
    id,
    product: 'dataproduct:default/orders',
    outputPort: 'events',
    consumer: 'group:default/team-b',
    requester: 'user:default/carol',
    purpose: 'churn model',
    pii: false,
    state: 'active',
    durationMs: 86_400_000,
    requestedAt: 1,
    grantee: 'team_b',
    providerRole: 'shop_orders_consumer',
    role: `access_${id}`,
    ...over,
  };
}

const first = {
  at: 1,
  actor: 'user:default/carol',
  action: 'request' as const,
  state: 'pending' as const,
};

describe.each(databases.eachSupportedId())(
  'accessGrantSourceFromStore on %s',
  id => {
    it('gives the active requests of the products asked for, and those the warehouse has yet to confirm apart', async () => {
      const store = await AccessRequestStore.create({
        getClient: () => databases.init(id),
      });
      await store.insert(record('a1'), first);
      await store.insert(
        record('a2', { product: 'dataproduct:default/other' }),
        first,
      );
      await store.insert(
        record('p1', { state: 'approved', warehousePending: 'grant' }),
        first,
      );
      await store.insert(
        record('p2', { state: 'revoked', warehousePending: 'revoke' }),
        first,
      );
      await store.insert(record('x1', { state: 'rejected' }), first);
      await store.insert(record('x2', { state: 'pending' }), first);

      const source = accessGrantSourceFromStore(store);
      const orders = await source.grants(['dataproduct:default/Orders']);
      expect(orders.active.map(g => g.id)).toEqual(['a1']);
      expect(orders.pending.map(g => g.id).sort()).toEqual(['p1', 'p2']);
      expect(orders.active[0]).toEqual({
        id: 'a1',
        product: 'dataproduct:default/orders',
        outputPort: 'events',
        role: 'access_a1',
        providerRole: 'shop_orders_consumer',
        grantee: 'team_b',
        pii: false,
      });
      const all = await source.grants();
      expect(all.active.map(g => g.id).sort()).toEqual(['a1', 'a2']);
    });
  },
);

describe.each(warehouseFactories)(
  'access drift in the infrastructure API on %s',
  (_, make) => {
    let w: TestWarehouse;
    let product: DataProductEntityV1alpha1;
    let consumer: string;
    let personalData: string;
    let owner: string;
    let team: string;
    const grants: AccessGrant[] = [];
    const validator = createDataMeshApiValidator();

    const asked: string[][] = [];
    const service = (
      consumersOf?: (roles: string[]) => Promise<Map<string, string>>,
    ) =>
      new InfrastructureService({
        catalog: catalogServiceMock({ entities: [product] }),
        platform: w.platform,
        getAdapter: async () => w.adapter,
        warehouseType: 'test',
        accessGrants: {
          grants: async () => ({ active: grants, pending: [] }),
          ...(consumersOf
            ? {
                consumersOf: async (roles: string[]) => {
                  asked.push(roles);
                  return consumersOf(roles);
                },
              }
            : {}),
        },
      });
    const q = (name: string) => w.adapter.dialect.quoteIdentifier(name);

    beforeAll(async () => {
      w = await make();
      product = sloProduct('orders', `${w.id}-shop`, []);
      // personal data: the product has a personal-data role besides its consumer role
      product.spec.datasets![0].columns!.push({
        name: 'email',
        type: 'text',
        pii: true,
      });
      // the run's own namespace: request markers of other runs never match
      product.metadata.namespace = w.id;
      await provision(w, [product]);
      const planned = await planProducts([product], w.platform, w.adapter);
      consumer = planned.desired!.products[0].roles.consumer;
      personalData = planned.desired!.products[0].piiRole!;
      owner = planned.desired!.products[0].roles.owner;
      team = `${w.id}_team_b`;
      await w.adapter.execute([{ sql: `CREATE ROLE ${q(team)}` }]);
      const executor = createWarehouseAccessGrantExecutor({
        warehouse: { getAdapter: async () => w.adapter },
      });
      for (const key of ['r1', 'r2']) {
        const grant: AccessGrant = {
          id: key,
          product: `dataproduct:${w.id}/orders`,
          outputPort: 'events',
          role: `${w.id}_access_${key}`,
          providerRole: consumer,
          grantee: team,
          pii: false,
        };
        await executor.grant(grant);
        grants.push(grant);
      }
    });

    afterAll(async () => {
      if (!w) return;
      try {
        for (const role of [
          ...grants.map(g => g.role),
          team,
          `${w.id}_stranger`,
        ])
          await w.adapter.execute([{ sql: `DROP ROLE IF EXISTS ${q(role)}` }]);
      } finally {
        await w.cleanup();
      }
    });

    it('answers in sync, with the active requests counted, while the grants hold', async () => {
      const body = await service().getProductInfrastructure(
        { namespace: w.id, name: 'orders' },
        mockCredentials.user(),
      );
      expect(body.status).toBe('in-sync');
      expect(body.access).toMatchObject({
        inSync: true,
        active: 2,
        missing: [],
        unmanaged: [],
        lines: [],
      });
      expect(
        validator.response(
          {
            method: 'get',
            path: '/products/{namespace}/{name}/infrastructure',
          },
          200,
          body,
        ),
      ).toEqual([]);
    });

    it('makes the product drift when a grant is removed and a role is given the consumer role by hand', async () => {
      const stranger = `${w.id}_stranger`;
      await w.adapter.execute([
        { sql: `REVOKE ${q(grants[0].role)} FROM ${q(team)}` },
        { sql: `CREATE ROLE ${q(stranger)}` },
        { sql: `GRANT ${q(consumer)} TO ${q(stranger)}` },
      ]);
      const body = await service().getProductInfrastructure(
        { namespace: w.id, name: 'orders' },
        mockCredentials.user(),
      );
      expect(body.status).toBe('drift');
      expect(body.inSync).toBe(false);
      // the product's own objects are as declared: only the access part differs
      expect(body.drift.steps).toEqual([]);
      expect(body.drift.destructive).toEqual([]);
      expect(
        body.access!.missing.map(f => [f.requestId, f.membership]),
      ).toEqual([['r1', { role: grants[0].role, member: team }]]);
      expect(body.access!.unmanaged.map(f => f.membership)).toEqual([
        { role: consumer, member: stranger },
      ]);
      expect(body.access!.steps.map(s => s.sql)).toEqual([
        [`GRANT ${q(grants[0].role)} TO ${q(team)}`],
      ]);
      expect(body.access!.destructive.map(s => s.action)).toEqual([
        'revoke-role',
      ]);
      expect(
        validator.response(
          {
            method: 'get',
            path: '/products/{namespace}/{name}/infrastructure',
          },
          200,
          body,
        ),
      ).toEqual([]);

      const summary = await service().getDriftSummary(mockCredentials.user());
      expect(summary.items).toEqual([
        expect.objectContaining({
          status: 'drift',
          access: { missing: 1, unmanaged: 1 },
        }),
      ]);
      expect(
        validator.response(
          { method: 'get', path: '/infrastructure/drift' },
          200,
          summary,
        ),
      ).toEqual([]);
    });

    it('repairs through the engine: the missing grant re-granted, the unexplained one revoked, the request audited', async () => {
      const store = await AccessRequestStore.create({
        getClient: () => databases.init('SQLITE_3'),
      });
      for (const g of grants) {
        await store.insert(
          record(g.id, {
            product: g.product,
            role: g.role,
            providerRole: g.providerRole,
            grantee: g.grantee,
          }),
          first,
        );
      }
      // the audit trail's own store is the API test's (accessRepair.test.ts)
      const audits: LifecycleAuditRecord[] = [];
      const repair = new AccessDriftRepair({
        infrastructure: service(),
        // who may repair is the API test's (accessRepair.test.ts)
        permissions: mockServices.permissions(),
        store,
        audit: { addAudit: async entry => void audits.push(entry) },
        logger: mockServices.logger.mock(),
        clock: { now: () => 5 },
      });
      const result = await repair.repair(
        { namespace: w.id, name: 'orders' },
        { revokeUnmanaged: true },
        mockCredentials.user('user:default/owner'),
      );
      expect(result.applied.map(s => s.sql)).toEqual([
        [`GRANT ${q(grants[0].role)} TO ${q(team)}`],
        [`REVOKE ${q(consumer)} FROM ${q(`${w.id}_stranger`)}`],
      ]);
      expect(result.requests).toEqual(['r1']);
      expect(result.access).toMatchObject({
        inSync: true,
        missing: [],
        unmanaged: [],
      });
      expect(
        validator.response(
          {
            method: 'post',
            path: '/products/{namespace}/{name}/access-drift/repair',
          },
          200,
          result,
        ),
      ).toEqual([]);
      const audited = await store.get('r1');
      expect(audited!.history.at(-1)).toEqual({
        at: 5,
        actor: 'user:default/owner',
        action: 'repair',
        state: 'active',
        statements: [`GRANT ${q(grants[0].role)} TO ${q(team)}`],
      });
      // the unexplained grant it revoked, which no request keeps, is audited
      expect(audits).toEqual([
        {
          product: `dataproduct:${w.id}/orders`,
          at: 5,
          actor: 'user:default/owner',
          action: 'access-repair',
          detail: {
            revokeUnmanaged: true,
            revoked: [
              {
                role: `${w.id}_stranger`,
                membership: { role: consumer, member: `${w.id}_stranger` },
                message: expect.stringContaining('no active access request'),
                statements: [
                  `REVOKE ${q(consumer)} FROM ${q(`${w.id}_stranger`)}`,
                ],
              },
            ],
            requests: ['r1'],
            statements: [
              `GRANT ${q(grants[0].role)} TO ${q(team)}`,
              `REVOKE ${q(consumer)} FROM ${q(`${w.id}_stranger`)}`,
            ],
          },
        },
      ]);
      const body = await service().getProductInfrastructure(
        { namespace: w.id, name: 'orders' },
        mockCredentials.user(),
      );
      expect([body.status, body.access!.inSync]).toEqual(['in-sync', true]);
    });

    it('names who reads through a grant made by hand, says what it reads and whether a request covers it', async () => {
      const stranger = `${w.id}_stranger`;
      const intern = `${w.id}_intern`;
      await w.adapter.execute([
        // the team's role given the consumer role by hand, as request r2 gives it through its own role
        { sql: `GRANT ${q(consumer)} TO ${q(team)}` },
        // a product's service role given the personal-data role by hand
        { sql: `GRANT ${q(personalData)} TO ${q(stranger)}` },
        // a role of nobody the catalog knows, given the consumer role
        { sql: `CREATE ROLE ${q(intern)}` },
        { sql: `GRANT ${q(consumer)} TO ${q(intern)}` },
        // the product's own owner role given to a stranger: not a read
        {
          sql: `GRANT ${q(owner)} TO ${q(stranger)}`,
        },
      ]);
      try {
        asked.length = 0;
        const body = await service(async roles => {
          const known: Record<string, string> = {
            [team]: 'group:default/team-b',
            [stranger]: 'dataproduct:default/churn-model',
          };
          return new Map(roles.filter(r => known[r]).map(r => [r, known[r]]));
        }).getProductInfrastructure(
          { namespace: w.id, name: 'orders' },
          mockCredentials.user(),
        );
        const byMember = Object.fromEntries(
          body.access!.unmanaged.map(f => [
            `${f.membership!.member} holds ${f.membership!.role}`,
            f.reader,
          ]),
        );
        expect(byMember).toEqual({
          [`${team} holds ${consumer}`]: {
            consumer: 'group:default/team-b',
            personalData: false,
            coveredBy: 'r1',
          },
          [`${stranger} holds ${personalData}`]: {
            consumer: 'dataproduct:default/churn-model',
            personalData: true,
          },
          [`${intern} holds ${consumer}`]: { personalData: false },
        });
        // not one of the read roles: reported, but nobody "reads" through the owner role
        expect(
          body.access!.unmanaged.find(
            f =>
              f.membership!.role === owner && f.membership!.member === stranger,
          ),
        ).toEqual(expect.not.objectContaining({ reader: expect.anything() }));
        expect(body.access!.unmanaged).toHaveLength(4);
        // one question for every role reading by hand, none for the owner role's member twice
        expect(asked.map(r => [...r].sort())).toEqual([
          [intern, stranger, team].sort(),
        ]);
        expect(
          validator.response(
            {
              method: 'get',
              path: '/products/{namespace}/{name}/infrastructure',
            },
            200,
            body,
          ),
        ).toEqual([]);

        // without a resolver: still what it reads, by role only
        const plain = await service().getProductInfrastructure(
          { namespace: w.id, name: 'orders' },
          mockCredentials.user(),
        );
        expect(
          plain.access!.unmanaged.find(f => f.membership!.member === intern)
            ?.reader,
        ).toEqual({ personalData: false });
      } finally {
        await w.adapter.execute([
          { sql: `REVOKE ${q(consumer)} FROM ${q(team)}` },
          { sql: `REVOKE ${q(personalData)} FROM ${q(stranger)}` },
          { sql: `REVOKE ${q(owner)} FROM ${q(stranger)}` },
          { sql: `DROP ROLE IF EXISTS ${q(intern)}` },
        ]);
      }
    });
  },
);
