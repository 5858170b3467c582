/*
 * Access grants on every adapter: the warehouse executor of access
 * requests, proven by queries the warehouse must refuse or answer as the
 * grantee (a team role), against a product provisioned by the engine.
 * Registered by runWarehouseAdapterBehaviourSuite with its own harness, so
 * every adapter module runs it.
 */
/* eslint-disable jest/no-export -- a suite shared by adapter modules, not a test file of its own */
import {
  type AccessGrant,
  createWarehouseAccessGrantExecutor,
} from '../access/executor';
import {
  accessRoleMarker,
  planAccessGrant,
  planAccessRevoke,
} from '../access/grants';
import { applyPlan } from '../warehouse/apply';
import { planProducts } from '../warehouse/assess';
import { diff, isPlanEmpty } from '../warehouse/plan';
import { emptyState, scopeOf, unionScope } from '../warehouse/scope';
import type {
  Change,
  DesiredState,
  ProvisionedProduct,
  WarehouseAdapter,
} from '../warehouse/types';
import type { WarehouseTestHarness } from './behaviourSuite';
import { testDataProduct } from './products';

/**
 * Register the access-grant suite. Call at the top level of a test file
 * (runWarehouseAdapterBehaviourSuite does).
 * @public
 */
export function runAccessGrantBehaviourSuite(
  name: string,
  makeHarness: () => Promise<WarehouseTestHarness>,
  options: { timeoutMs?: number } = {},
): void {
  const timeout = options.timeoutMs ?? 120_000;

  describe(`Access grants: ${name}`, () => {
    let h: WarehouseTestHarness;
    let adapter: WarehouseAdapter;
    let desired: DesiredState;
    let names: ProvisionedProduct;
    let team: string;
    const executor = createWarehouseAccessGrantExecutor({
      warehouse: { getAdapter: async () => adapter },
    });
    const requestRoles: string[] = [];

    const request = (key: string): AccessGrant => {
      const role = `${h.domainPrefix}_access_${key}`;
      if (!requestRoles.includes(role)) requestRoles.push(role);
      return {
        id: key,
        product: names.entityRef,
        outputPort: 'events',
        role,
        providerRole: names.roles.consumer,
        grantee: team,
        pii: false,
      };
    };
    const output = () =>
      adapter.dialect.qualifiedTable(
        { database: names.database, schema: names.schemas.output },
        'events',
      );
    // what a plain consumer reads: the masked views where the warehouse
    // masks with views, else the output table (masked by policies)
    const consumed = () =>
      adapter.dialect.qualifiedTable(
        {
          database: names.database,
          schema: names.maskedSchema ?? names.schemas.output,
        },
        'events',
      );
    const emailAsTeam = async (table: string) => {
      const rows = (await h.queryAs(
        team,
        names.database,
        `SELECT email AS e FROM ${table}`,
      )) as Record<string, unknown>[];
      const row = rows[0] ?? {};
      return row.e ?? row.E;
    };
    const piiRequest = (key: string): AccessGrant => ({
      ...request(key),
      providerRole: names.piiRole!,
      pii: true,
    });
    const raw = () =>
      adapter.dialect.qualifiedTable(
        { database: names.database, schema: names.schemas.raw },
        'events',
      );
    const readAsTeam = async (table: string) => {
      const rows = (await h.queryAs(
        team,
        names.database,
        `SELECT count(*) AS n FROM ${table}`,
      )) as Record<string, unknown>[];
      const row = rows[0] ?? {};
      return Number(row.n ?? row.N ?? Object.values(row)[0]);
    };
    const sql = (...changes: Change[]) =>
      changes.flatMap(c => adapter.dialect.statements(c)).map(s => s.sql);
    const existingRoles = async (roles: string[]) =>
      (
        await adapter.introspect({
          computes: [],
          databases: [],
          schemas: [],
          roles,
        })
      ).roles.map(r => r.name);

    beforeAll(async () => {
      h = await makeHarness();
      adapter = h.adapter;
      const product = testDataProduct('orders', `${h.domainPrefix}_access`, {
        pii: true,
      });
      const planned = await planProducts([product], h.platform, adapter);
      if (!planned.plan || !planned.desired) {
        throw new Error(
          `test product not planned: ${JSON.stringify(planned.issues)}`,
        );
      }
      desired = planned.desired;
      names = desired.products[0];
      const provisioned = await applyPlan(planned.plan, adapter);
      if (provisioned.error) throw new Error(provisioned.error.message);
      // data in the output and raw layers, written the way a pipeline does
      for (const table of [output(), raw()]) {
        await h.queryAs(
          names.roles.service,
          names.database,
          `CREATE TABLE ${table} (id INT, email VARCHAR(100))`,
        );
        await h.queryAs(
          names.roles.service,
          names.database,
          `INSERT INTO ${table} (id, email) VALUES (1, 'ana@example.org')`,
        );
      }
      // the table exists now: the next plan masks its PII column
      const masked = await planProducts([product], h.platform, adapter);
      const maskedResult = await applyPlan(masked.plan!, adapter);
      if (maskedResult.error) throw new Error(maskedResult.error.message);
      // a team role as an identity provider sync makes it; where the
      // warehouse has a parent role (Snowflake SYSADMIN) it sits under it,
      // which is also what lets the test session switch to it
      team = `${h.domainPrefix}_team_analysts`;
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
        const scope = unionScope([
          scopeOf(desired),
          { ...scopeOf(emptyState()), roles: [team, ...requestRoles] },
        ]);
        const plan = diff(
          emptyState(),
          await adapter.introspect(scope),
          adapter,
        );
        const result = await applyPlan(plan, adapter, {
          allowDestructive: true,
        });
        if (result.error) {
          // eslint-disable-next-line no-console
          console.warn(`engine cleanup failed: ${result.error.message}`);
        }
      } finally {
        await h.cleanup();
      }
    }, timeout);

    it(
      'refuses the grantee before the grant, and lets it read the output layer (only) after it',
      async () => {
        await expect(readAsTeam(consumed())).rejects.toThrow();
        const first = request('r1');
        const statements = await executor.grant(first);
        // create the request role, give it the product's consumer role, give it to the team
        expect(statements).toEqual(
          sql(
            {
              action: 'create-role',
              role: { name: first.role, comment: accessRoleMarker(first) },
            },
            {
              action: 'grant-role',
              membership: { role: first.providerRole, member: first.role },
            },
            {
              action: 'grant-role',
              membership: { role: first.role, member: team },
            },
          ),
        );
        expect(await readAsTeam(consumed())).toBe(1);
        await expect(readAsTeam(raw())).rejects.toThrow();
      },
      timeout,
    );

    it(
      'sends nothing when the grant is made again, and completes a grant that was undone half-way',
      async () => {
        const first = request('r1');
        expect(isPlanEmpty(await planAccessGrant(first, adapter))).toBe(true);
        let before = h.queryCount();
        await planAccessGrant(first, adapter);
        const introspectionOnly = h.queryCount() - before;
        before = h.queryCount();
        expect(await executor.grant(first)).toEqual([]);
        expect(h.queryCount() - before).toBe(introspectionOnly);

        // someone took the role from the team by hand: a retry gives it back, and only that
        const membership = { role: first.role, member: team };
        await adapter.execute(
          adapter.dialect.statements({ action: 'revoke-role', membership }),
        );
        await expect(readAsTeam(consumed())).rejects.toThrow();
        expect(await executor.grant(first)).toEqual(
          sql({ action: 'grant-role', membership }),
        );
        expect(await readAsTeam(consumed())).toBe(1);
      },
      timeout,
    );

    it(
      "revokes one request without touching the grantee's other request on the same product",
      async () => {
        const first = request('r1');
        const second = request('r2');
        expect((await executor.grant(second)).length).toBeGreaterThan(0);
        expect(await executor.revoke(first)).toEqual(
          sql({ action: 'drop-role', role: first.role, databases: [] }),
        );
        expect(await existingRoles([first.role, second.role])).toEqual([
          second.role,
        ]);
        expect(await readAsTeam(consumed())).toBe(1);

        expect((await executor.revoke(second)).length).toBeGreaterThan(0);
        await expect(readAsTeam(consumed())).rejects.toThrow();
        // the product's own roles are untouched by the drops
        const product = await planProducts(
          [
            testDataProduct('orders', `${h.domainPrefix}_access`, {
              pii: true,
            }),
          ],
          h.platform,
          adapter,
        );
        expect(isPlanEmpty(product.plan!)).toBe(true);
      },
      timeout,
    );

    it(
      'revokes again without error and without statements',
      async () => {
        expect(await executor.revoke(request('r1'))).toEqual([]);
        expect(await executor.revoke(request('r2'))).toEqual([]);
        expect(
          isPlanEmpty(await planAccessRevoke(request('r1'), adapter)),
        ).toBe(true);
      },
      timeout,
    );

    it(
      'refuses hostile names before any query reaches the warehouse',
      async () => {
        const before = h.queryCount();
        const hostile: Partial<AccessGrant>[] = [
          { role: 'x"; DROP ROLE postgres; --' },
          { providerRole: "c' OR '1'='1" },
          { grantee: 'team"; GRANT ALL ON SCHEMA public TO PUBLIC; --' },
        ];
        for (const patch of hostile) {
          const grant = { ...request('r3'), ...patch };
          await expect(executor.grant(grant)).rejects.toThrow(/refusing/);
        }
        await expect(
          executor.revoke({ ...request('r3'), role: 'x"; --' }),
        ).rejects.toThrow(/refusing/);
        expect(h.queryCount()).toBe(before);
      },
      timeout,
    );

    it(
      'refuses a grant whose product or team has no role, sending no statement',
      async () => {
        const grant = {
          ...request('r4'),
          grantee: `${h.domainPrefix}_no_team`,
        };
        await expect(executor.grant(grant)).rejects.toThrow(
          /the grantee role .* does not exist/,
        );
        expect(await existingRoles([grant.role])).toEqual([]);
      },
      timeout,
    );

    it(
      'does not drop a role of the same name that belongs to another request',
      async () => {
        const mine = request('r5');
        await executor.grant(mine);
        const other = { ...mine, id: 'someone-else' };
        await expect(executor.revoke(other)).rejects.toThrow(
          /belongs to .* not to this request/,
        );
        expect(await existingRoles([mine.role])).toEqual([mine.role]);
        expect(await readAsTeam(consumed())).toBe(1);
        await executor.revoke(mine);
        await expect(readAsTeam(consumed())).rejects.toThrow();
      },
      timeout,
    );

    // every adapter masks PII: views (PostgreSQL, PGlite) or policies (Snowflake)
    it(
      'masks PII for a grant without PII, shows it clear with a PII grant, and refuses both after revoke',
      async () => {
        const plain = request('p1');
        const pii = piiRequest('p2');
        await expect(emailAsTeam(consumed())).rejects.toThrow();
        await executor.grant(plain);
        expect(await emailAsTeam(consumed())).toBe('***');
        // masked views: the full table is the PII role's alone; policies: masked there too
        const fullWithoutPii = () =>
          names.maskedSchema
            ? emailAsTeam(output()).then(
                () => 'read',
                () => 'refused',
              )
            : emailAsTeam(output());
        const expectedWithoutPii = names.maskedSchema ? 'refused' : '***';
        expect(await fullWithoutPii()).toBe(expectedWithoutPii);
        await executor.grant(pii);
        expect(await emailAsTeam(output())).toBe('ana@example.org');
        await executor.revoke(pii);
        expect(await fullWithoutPii()).toBe(expectedWithoutPii);
        await executor.revoke(plain);
        await expect(emailAsTeam(consumed())).rejects.toThrow();
        await expect(emailAsTeam(output())).rejects.toThrow();
      },
      timeout,
    );
  });
}
