/*
 * Access drift on every adapter: grants made by the warehouse executor,
 * then changed by hand the way people do — a membership revoked, a request
 * role dropped, a hand-made role given the consumer role, a request role
 * left behind — and found by one introspection whose number of queries
 * does not depend on the number of grants. Registered by
 * runWarehouseAdapterBehaviourSuite, so every adapter module runs it.
 */
/* eslint-disable jest/no-export -- a suite shared by adapter modules, not a test file of its own */
import { accessDriftProducts, assessAccessDrift } from '../access/drift';
import type { AccessGrant } from '../access/executor';
import { applyPlan } from '../warehouse/apply';
import { isPlanEmpty } from '../warehouse/plan';
import { setUpAccessFixture } from './accessFixture';
import type { WarehouseTestHarness } from './behaviourSuite';

/**
 * Register the access-drift suite. Call at the top level of a test file
 * (runWarehouseAdapterBehaviourSuite does).
 * @public
 */
export function runAccessDriftBehaviourSuite(
  name: string,
  makeHarness: () => Promise<WarehouseTestHarness>,
  options: { timeoutMs?: number } = {},
): void {
  const timeout = options.timeoutMs ?? 120_000;

  describe(`Access drift: ${name}`, () => {
    let stranger: string;
    const fx = setUpAccessFixture(makeHarness, {
      domain: 'adrift',
      requestRoles: 'dacc',
      team: 'team_drift',
      // personal data: the product has a personal-data role, which must be explained too
      product: { pii: true },
      timeoutMs: timeout,
      afterProvision: async ({ h, makeRole }) => {
        // outside the parent role's hierarchy: found all the same (Snowflake lists who holds a product role, not only what the connection can see)
        stranger = `${h.domainPrefix}_handmade`;
        await makeRole(stranger, { underParent: false });
      },
    });
    const { executor, request, run } = fx;
    const assess = (active: AccessGrant[], pending: AccessGrant[] = []) =>
      assessAccessDrift(
        { products: accessDriftProducts(fx.desired), active, pending },
        fx.adapter,
      );

    it(
      'finds nothing when the active requests are granted as the executor grants them',
      async () => {
        const before = await assess([]);
        expect(before.products[0]).toMatchObject({
          inSync: true,
          missing: [],
          unmanaged: [],
        });
        await executor.grant(request('r1'));
        await executor.grant(request('r2'));
        const report = await assess([request('r1'), request('r2')]);
        expect(report.products[0]).toMatchObject({
          entityRef: fx.names.entityRef,
          inSync: true,
          missing: [],
          unmanaged: [],
          issues: [],
        });
        expect(isPlanEmpty(report.plan)).toBe(true);
      },
      timeout,
    );

    it(
      'reports a grant removed by hand as missing, and its repair re-grants only that',
      async () => {
        const [r1, r2] = [request('r1'), request('r2')];
        const membership = { role: r1.role, member: fx.team };
        await run({ action: 'revoke-role', membership });
        await run({ action: 'drop-role', role: r2.role, databases: [] });

        const report = await assess([r1, r2]);
        const drift = report.products[0];
        expect(drift.inSync).toBe(false);
        expect(drift.unmanaged).toEqual([]);
        expect(
          drift.missing.map(f => [f.requestId, f.role, f.membership]),
        ).toEqual([
          ['r1', r1.role, membership],
          ['r2', r2.role, undefined],
        ]);
        expect(drift.plan.destructive).toEqual([]);
        expect(drift.plan.steps.map(s => s.change.action)).toEqual([
          'create-role',
          'grant-role',
          'grant-role',
          'grant-role',
        ]);

        const result = await applyPlan(report.plan, fx.adapter);
        expect(result.error).toBeUndefined();
        expect((await assess([r1, r2])).products[0].inSync).toBe(true);
      },
      timeout,
    );

    it(
      'reports a hand-made role given the consumer role, and a request role no active request explains, as unmanaged',
      async () => {
        const [r1, r2, r3] = [request('r1'), request('r2'), request('r3')];
        await executor.grant(r3);
        const held = { role: fx.names.roles.consumer, member: stranger };
        await run({ action: 'grant-role', membership: held });

        // while r3 is still being revoked it is under way, not judged
        expect(
          (await assess([r1, r2], [r3])).products[0].unmanaged.map(f => f.role),
        ).toEqual([stranger]);

        const report = await assess([r1, r2]);
        const drift = report.products[0];
        expect(drift.missing).toEqual([]);
        expect(
          drift.unmanaged.map(f => [f.requestId, f.role, f.membership]),
        ).toEqual([
          ['r3', r3.role, undefined],
          [undefined, stranger, held],
        ]);
        // removing them is destructive: nothing in the safe steps
        expect(drift.plan.steps).toEqual([]);
        expect(drift.plan.destructive.map(s => s.change)).toEqual([
          { action: 'revoke-role', membership: held },
          { action: 'drop-role', role: r3.role, databases: [] },
        ]);
        expect((await applyPlan(report.plan, fx.adapter)).applied).toEqual([]);
        const result = await applyPlan(report.plan, fx.adapter, {
          allowDestructive: true,
        });
        expect(result.error).toBeUndefined();
        expect((await assess([r1, r2])).products[0].inSync).toBe(true);
        // the hand-made role lost the membership, not its existence
        expect(await fx.existingRoles([stranger, r3.role])).toEqual([stranger]);
      },
      timeout,
    );

    it(
      'reports a role given the personal-data role by hand as unmanaged: it reads personal data in clear',
      async () => {
        const [r1, r2] = [request('r1'), request('r2')];
        const piiRole = fx.names.piiRole!;
        expect(piiRole).toBeDefined();
        const held = { role: piiRole, member: stranger };
        await run({ action: 'grant-role', membership: held });

        const report = await assess([r1, r2]);
        const drift = report.products[0];
        expect(drift.inSync).toBe(false);
        expect(drift.unmanaged.map(f => [f.role, f.membership])).toEqual([
          [stranger, held],
        ]);
        expect(drift.plan.destructive.map(s => s.change)).toEqual([
          { action: 'revoke-role', membership: held },
        ]);
        const result = await applyPlan(report.plan, fx.adapter, {
          allowDestructive: true,
        });
        expect(result.error).toBeUndefined();
        expect((await assess([r1, r2])).products[0].inSync).toBe(true);
      },
      timeout,
    );

    it(
      'sends the same number of queries for 2 grants as for 8',
      async () => {
        const few = [request('r1'), request('r2')];
        let before = fx.h.queryCount();
        const small = await assess(few);
        const fewQueries = fx.h.queryCount() - before;

        const many = [...few];
        for (let i = 4; i < 10; i++) {
          const g = request(`r${i}`);
          await executor.grant(g);
          many.push(g);
        }
        before = fx.h.queryCount();
        const large = await assess(many);
        const manyQueries = fx.h.queryCount() - before;

        expect(large.products[0].inSync).toBe(true);
        expect(large.queries).toBe(small.queries);
        expect(manyQueries).toBe(fewQueries);
        expect(manyQueries).toBe(large.queries);
      },
      timeout,
    );

    it(
      'refuses a product role the dialect cannot name before any query, and reports a request it cannot check',
      async () => {
        const before = fx.h.queryCount();
        await expect(
          assessAccessDrift(
            {
              products: [
                {
                  ...accessDriftProducts(fx.desired)[0],
                  roles: ['x"; DROP ROLE y; --'],
                },
              ],
              active: [],
            },
            fx.adapter,
          ),
        ).rejects.toThrow(/refusing/);
        expect(fx.h.queryCount()).toBe(before);

        const hostile = { ...request('r1'), id: 'bad', role: "r' OR '1'='1" };
        const report = await assess([request('r1'), request('r2'), hostile]);
        expect(report.products[0].issues).toEqual([
          expect.stringMatching(/^access request bad: not checked: .*refusing/),
        ]);
        expect(report.products[0].missing).toEqual([]);
        expect(report.products[0].inSync).toBe(false);
      },
      timeout,
    );
  });
}
