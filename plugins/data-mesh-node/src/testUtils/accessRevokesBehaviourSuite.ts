/*
 * Batch revokes on every adapter, as the expiry sweep sends them: one
 * introspection for the whole batch, then only the drops of the roles that
 * are there; a refused name or a role marked for another request fails
 * that request alone. Registered by runWarehouseAdapterBehaviourSuite.
 */
/* eslint-disable jest/no-export -- a suite shared by adapter modules, not a test file of its own */
import {
  type AccessGrant,
  createWarehouseAccessGrantExecutor,
} from '../access/executor';
import { applyPlan } from '../warehouse/apply';
import { planProducts } from '../warehouse/assess';
import { diff } from '../warehouse/plan';
import { emptyState, scopeOf, unionScope } from '../warehouse/scope';
import type {
  Change,
  DesiredState,
  IntrospectionScope,
  WarehouseAdapter,
} from '../warehouse/types';
import type { WarehouseTestHarness } from './behaviourSuite';
import { testDataProduct } from './products';

/** @public */
export function runAccessRevokesBehaviourSuite(
  name: string,
  makeHarness: () => Promise<WarehouseTestHarness>,
  options: { timeoutMs?: number } = {},
): void {
  const timeout = options.timeoutMs ?? 120_000;

  describe(`Access batch revokes: ${name}`, () => {
    let h: WarehouseTestHarness;
    let adapter: WarehouseAdapter;
    let desired: DesiredState;
    let team: string;
    const executor = createWarehouseAccessGrantExecutor({
      warehouse: { getAdapter: async () => adapter },
    });
    const request = (key: string): AccessGrant => ({
      id: key,
      product: desired.products[0].entityRef,
      outputPort: 'events',
      role: `${h.domainPrefix}_revokes_${key}`,
      providerRole: desired.products[0].roles.consumer,
      grantee: team,
      pii: false,
    });
    const rolesScope = (roles: string[]): IntrospectionScope => ({
      computes: [],
      databases: [],
      schemas: [],
      roles,
    });
    const existing = async (roles: string[]) =>
      (await adapter.introspect(rolesScope(roles))).roles.map(r => r.name);

    beforeAll(async () => {
      h = await makeHarness();
      adapter = h.adapter;
      const product = testDataProduct('orders', `${h.domainPrefix}_revokes`);
      const planned = await planProducts([product], h.platform, adapter);
      if (!planned.plan || !planned.desired) throw new Error('not planned');
      desired = planned.desired;
      const provisioned = await applyPlan(planned.plan, adapter);
      if (provisioned.error) throw new Error(provisioned.error.message);
      team = `${h.domainPrefix}_team_batch`;
      const parent = h.platform.parentRole ?? adapter.defaultParentRole;
      await adapter.execute(
        [
          { action: 'create-role', role: { name: team } } as Change,
          ...(parent
            ? [
                {
                  action: 'grant-role',
                  membership: { role: team, member: parent },
                } as Change,
              ]
            : []),
        ].flatMap(c => adapter.dialect.statements(c)),
      );
    }, timeout);

    afterAll(async () => {
      if (!h) return;
      try {
        const roles = [
          team,
          ...['b1', 'b2', 'b3', 'b4'].map(k => request(k).role),
        ];
        const scope = unionScope([scopeOf(desired), rolesScope(roles)]);
        const plan = diff(
          emptyState(),
          await adapter.introspect(scope),
          adapter,
        );
        await applyPlan(plan, adapter, { allowDestructive: true });
      } finally {
        await h.cleanup();
      }
    }, timeout);

    it(
      'drops the roles of a batch after one introspection, and fails only the requests it must',
      async () => {
        for (const key of ['b1', 'b2', 'b3', 'b4']) {
          await executor.grant(request(key));
        }
        const batch: AccessGrant[] = [
          request('b1'),
          { ...request('b9'), role: 'x"; DROP ROLE postgres; --' },
          request('b2'),
          // b3's role, claimed by a request it does not belong to
          { ...request('b3'), id: 'someone-else' },
          // never granted, or already dropped: nothing to send
          request('b5'),
        ];
        const valid = [batch[0], batch[2], batch[3], batch[4]];
        const introspection = (
          await adapter.introspect(rolesScope(valid.map(g => g.role)))
        ).queries;

        const before = h.queryCount();
        const outcomes = await executor.revokeMany!(batch);
        const sent = h.queryCount() - before;

        const drop = (g: AccessGrant) =>
          adapter.dialect
            .statements({ action: 'drop-role', role: g.role, databases: [] })
            .map(s => s.sql);
        expect(outcomes).toEqual([
          { id: 'b1', statements: drop(batch[0]) },
          { id: 'b9', error: expect.stringMatching(/refusing/) },
          { id: 'b2', statements: drop(batch[2]) },
          { id: 'someone-else', error: expect.stringMatching(/belongs to/) },
          { id: 'b5', statements: [] },
        ]);
        // one introspection for the batch, then the two drops
        expect(sent).toBe(
          introspection + drop(batch[0]).length + drop(batch[2]).length,
        );
        expect(
          (
            await existing(['b1', 'b2', 'b3', 'b4'].map(k => request(k).role))
          ).sort(),
        ).toEqual([request('b3').role, request('b4').role]);
        // a batch of nothing but refused names sends nothing
        const idle = h.queryCount();
        expect(
          await executor.revokeMany!([{ ...request('b9'), role: 'x"' }]),
        ).toEqual([{ id: 'b9', error: expect.stringMatching(/refusing/) }]);
        expect(h.queryCount()).toBe(idle);
      },
      timeout,
    );
  });
}
