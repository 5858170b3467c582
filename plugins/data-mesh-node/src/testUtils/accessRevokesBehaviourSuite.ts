/*
 * Batch revokes on every adapter, as the expiry sweep sends them: one
 * introspection for the whole batch, then only the drops of the roles that
 * are there; a refused name or a role marked for another request fails
 * that request alone. Registered by runWarehouseAdapterBehaviourSuite.
 */
/* eslint-disable jest/no-export -- a suite shared by adapter modules, not a test file of its own */
import type { AccessGrant } from '../access/executor';
import type { IntrospectionScope } from '../warehouse/types';
import { setUpAccessFixture } from './accessFixture';
import type { WarehouseTestHarness } from './behaviourSuite';

/** @public */
export function runAccessRevokesBehaviourSuite(
  name: string,
  makeHarness: () => Promise<WarehouseTestHarness>,
  options: { timeoutMs?: number } = {},
): void {
  const timeout = options.timeoutMs ?? 120_000;

  describe(`Access batch revokes: ${name}`, () => {
    const fx = setUpAccessFixture(makeHarness, {
      domain: 'revokes',
      requestRoles: 'revokes',
      team: 'team_batch',
      timeoutMs: timeout,
    });
    const { executor, request } = fx;
    const rolesScope = (roles: string[]): IntrospectionScope => ({
      computes: [],
      databases: [],
      schemas: [],
      roles,
    });

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
          await fx.adapter.introspect(rolesScope(valid.map(g => g.role)))
        ).queries;

        const before = fx.h.queryCount();
        const outcomes = await executor.revokeMany!(batch);
        const sent = fx.h.queryCount() - before;

        const drop = (g: AccessGrant) =>
          fx.adapter.dialect
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
            await fx.existingRoles(
              ['b1', 'b2', 'b3', 'b4'].map(k => request(k).role),
            )
          ).sort(),
        ).toEqual([request('b3').role, request('b4').role]);
        // a batch of nothing but refused names sends nothing
        const idle = fx.h.queryCount();
        expect(
          await executor.revokeMany!([{ ...request('b9'), role: 'x"' }]),
        ).toEqual([{ id: 'b9', error: expect.stringMatching(/refusing/) }]);
        expect(fx.h.queryCount()).toBe(idle);
      },
      timeout,
    );
  });
}
