/*
 * Access grants on every adapter: the warehouse executor of access
 * requests, proven by queries the warehouse must refuse or answer as the
 * grantee (a team role), against a product provisioned by the engine.
 * Registered by runWarehouseAdapterBehaviourSuite with its own harness, so
 * every adapter module runs it.
 */
/* eslint-disable jest/no-export -- a suite shared by adapter modules, not a test file of its own */
import type { AccessGrant } from '../access/executor';
import {
  accessRoleMarker,
  planAccessGrant,
  planAccessRevoke,
} from '../access/grants';
import { type PortReading, portReading } from '../access/reading';
import { applyPlan } from '../warehouse/apply';
import { planProducts } from '../warehouse/assess';
import { isPlanEmpty } from '../warehouse/plan';
import type { Change } from '../warehouse/types';
import { type AccessFixture, setUpAccessFixture } from './accessFixture';
import type { WarehouseTestHarness } from './behaviourSuite';

/**
 * The test product's `events` table in one of its layers; `consumed` is
 * what a plain consumer reads: the masked views where the warehouse masks
 * with views, else the output table (masked by policies).
 */
function eventsTable(
  { adapter, names }: Pick<AccessFixture, 'adapter' | 'names'>,
  layer: 'output' | 'raw' | 'consumed',
) {
  return adapter.dialect.qualifiedTable(
    {
      database: names.database,
      schema:
        layer === 'consumed'
          ? names.maskedSchema ?? names.schemas.output
          : names.schemas[layer],
    },
    'events',
  );
}

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
    const fx = setUpAccessFixture(makeHarness, {
      domain: 'access',
      requestRoles: 'access',
      team: 'team_analysts',
      product: { pii: true },
      timeoutMs: timeout,
      afterProvision: async provisioned => {
        const { h, adapter, names, product } = provisioned;
        // data in the output and raw layers, written the way a pipeline does
        for (const table of [
          eventsTable(provisioned, 'output'),
          eventsTable(provisioned, 'raw'),
        ]) {
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
      },
    });
    const { executor, request, existingRoles } = fx;
    const output = () => eventsTable(fx, 'output');
    const raw = () => eventsTable(fx, 'raw');
    const consumed = () => eventsTable(fx, 'consumed');

    const queryAsTeam = async (column: string, table: string) => {
      const rows = (await fx.h.queryAs(
        fx.team,
        fx.names.database,
        `SELECT ${column} FROM ${table}`,
      )) as Record<string, unknown>[];
      return rows[0] ?? {};
    };
    const emailAsTeam = async (table: string) => {
      const row = await queryAsTeam('email AS e', table);
      return row.e ?? row.E;
    };
    const readAsTeam = async (table: string) => {
      const row = await queryAsTeam('count(*) AS n', table);
      return Number(row.n ?? row.N ?? Object.values(row)[0]);
    };
    const piiRequest = (key: string): AccessGrant => ({
      ...request(key),
      providerRole: fx.names.piiRole!,
      pii: true,
    });
    const sql = (...changes: Change[]) =>
      changes.flatMap(c => fx.adapter.dialect.statements(c)).map(s => s.sql);

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
              membership: { role: first.role, member: fx.team },
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
        expect(isPlanEmpty(await planAccessGrant(first, fx.adapter))).toBe(
          true,
        );
        let before = fx.h.queryCount();
        await planAccessGrant(first, fx.adapter);
        const introspectionOnly = fx.h.queryCount() - before;
        before = fx.h.queryCount();
        expect(await executor.grant(first)).toEqual([]);
        expect(fx.h.queryCount() - before).toBe(introspectionOnly);

        // someone took the role from the team by hand: a retry gives it back, and only that
        const membership = { role: first.role, member: fx.team };
        await fx.adapter.execute(
          fx.adapter.dialect.statements({ action: 'revoke-role', membership }),
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
          [fx.product],
          fx.h.platform,
          fx.adapter,
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
          isPlanEmpty(await planAccessRevoke(request('r1'), fx.adapter)),
        ).toBe(true);
      },
      timeout,
    );

    it(
      'refuses hostile names before any query reaches the warehouse',
      async () => {
        const before = fx.h.queryCount();
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
        expect(fx.h.queryCount()).toBe(before);
      },
      timeout,
    );

    it(
      'refuses a grant whose product or team has no role, sending no statement',
      async () => {
        const grant = {
          ...request('r4'),
          grantee: `${fx.h.domainPrefix}_no_team`,
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

    it(
      "gives the consumer statements that, run as given in a client's session, read the port as the grantee: masked without PII, in clear with it",
      async () => {
        const reading = (pii: boolean) =>
          portReading(
            {
              product: fx.product,
              names: fx.names,
              outputPort: 'events',
              grantee: fx.team,
              pii,
            },
            fx.adapter,
          );
        const email = async (r: PortReading) => {
          const rows = (await fx.h.runSession(
            r.database,
            r.statements,
          )) as Record<string, unknown>[];
          expect(rows).toHaveLength(1);
          return rows[0].email ?? rows[0].EMAIL;
        };
        expect(reading(false).tables).toEqual([
          { dataset: 'events', table: consumed(), maskedColumns: ['email'] },
        ]);
        expect(reading(true).tables).toEqual([
          { dataset: 'events', table: output(), maskedColumns: [] },
        ]);
        await expect(email(reading(false))).rejects.toThrow();
        const plain = request('s1');
        await executor.grant(plain);
        expect(await email(reading(false))).toBe('***');
        const pii = piiRequest('s2');
        await executor.grant(pii);
        expect(await email(reading(true))).toBe('ana@example.org');
        await executor.revoke(pii);
        await executor.revoke(plain);
        await expect(email(reading(false))).rejects.toThrow();
      },
      timeout,
    );

    // every fx.adapter masks PII: views (PostgreSQL, PGlite) or policies (Snowflake)
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
          fx.names.maskedSchema
            ? emailAsTeam(output()).then(
                () => 'read',
                () => 'refused',
              )
            : emailAsTeam(output());
        const expectedWithoutPii = fx.names.maskedSchema ? 'refused' : '***';
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
