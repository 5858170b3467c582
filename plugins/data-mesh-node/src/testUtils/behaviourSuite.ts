/*
 * The behaviour every WarehouseAdapter must show, as one jest suite that
 * each adapter module runs against its own warehouse (PGlite, a real
 * PostgreSQL server, the Snowflake fake). Access control is proven the only
 * honest way: by queries the warehouse must refuse, run as the product's
 * roles, against tables created the way a pipeline creates them (as the
 * service or owner role, after provisioning).
 */
/* eslint-disable jest/no-export -- a suite shared by adapter modules, not a test file of its own */
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import { computeDesiredState } from '../warehouse/desiredState';
import type { PlatformConfig } from '../warehouse/platform';
import { applyPlan } from '../warehouse/apply';
import { detectDrift, planProducts } from '../warehouse/assess';
import { diff, isPlanEmpty, renderPlan } from '../warehouse/plan';
import { emptyState, scopeOf } from '../warehouse/scope';
import type {
  DesiredState,
  ProvisionedProduct,
  SchemaRef,
  WarehouseAdapter,
} from '../warehouse/types';
import { runAccessGrantBehaviourSuite } from './accessBehaviourSuite';
import { runAccessRevokesBehaviourSuite } from './accessRevokesBehaviourSuite';
import { runAccessDriftBehaviourSuite } from './accessDriftBehaviourSuite';
import { testDataProduct } from './products';

/**
 * What an adapter module gives the suite.
 * @public
 */
export interface WarehouseTestHarness {
  adapter: WarehouseAdapter;
  /**
   * Platform config for this run. Use names unique to the run (organisation
   * and domain prefix) on shared servers, so runs do not collide and
   * cleanup finds exactly what the run made.
   */
  platform: PlatformConfig;
  /** Prefix for the domains of this run (≤ 8 characters, a valid identifier start), e.g. `t4k2x9`. */
  domainPrefix: string;
  /** Run one statement as a product role (PostgreSQL `SET ROLE`, Snowflake `USE ROLE`); must reject when the warehouse refuses. */
  queryAs(role: string, database: string, sql: string): Promise<unknown[]>;
  /**
   * Run statements in order in a session of their own, as a person's SQL
   * client does after connecting (to `database` when given, else to the
   * connection's own), logged in as the platform; resolves to the last
   * statement's rows. Nothing the statements change in the session (a role
   * taken) outlives it. Rejects when the warehouse refuses one.
   */
  runSession(
    database: string | undefined,
    statements: string[],
  ): Promise<unknown[]>;
  /** Queries sent to the warehouse so far, counted at the wire or driver. */
  queryCount(): number;
  /**
   * Introspection queries the adapter needs per existing schema in scope
   * because the warehouse offers no bulk listing. Default 0. Snowflake: 1
   * (schema-level future grants are listed only by SHOW FUTURE GRANTS IN
   * SCHEMA, one schema at a time). Everything else must stay constant.
   */
  introspectionQueriesPerSchema?: number;
  /** Remove whatever the engine's own cleanup missed, then close. */
  cleanup(): Promise<void>;
}

/**
 * Register the shared behaviour suite. Call at the top level of a test file.
 * @public
 */
export function runWarehouseAdapterBehaviourSuite(
  name: string,
  makeHarness: () => Promise<WarehouseTestHarness>,
  options: { timeoutMs?: number } = {},
): void {
  const timeout = options.timeoutMs ?? 120_000;

  describe(`WarehouseAdapter behaviour: ${name}`, () => {
    let h: WarehouseTestHarness;
    let adapter: WarehouseAdapter;
    let domain: string;
    let product: DataProductEntityV1alpha1;
    let names: ProvisionedProduct;
    // every desired state this run applied, so cleanup can plan their removal
    const applied: DesiredState[] = [];

    const schema = (layer: 'raw' | 'intermediate' | 'output'): SchemaRef => ({
      database: names.database,
      schema: names.schemas[layer],
    });
    const table = (layer: 'raw' | 'intermediate' | 'output', t: string) =>
      adapter.dialect.qualifiedTable(schema(layer), t);
    const as = (role: 'consumer' | 'service' | 'owner', sql: string) =>
      h.queryAs(names.roles[role], names.database, sql);
    const count = async (
      role: 'consumer' | 'service' | 'owner',
      sql: string,
    ) => {
      const rows = (await as(role, sql)) as Record<string, unknown>[];
      const row = rows[0] ?? {};
      return Number(row.n ?? row.N ?? Object.values(row)[0]);
    };

    async function provision(products: DataProductEntityV1alpha1[]) {
      const { plan, desired, issues } = await planProducts(
        products,
        h.platform,
        adapter,
      );
      expect(issues).toEqual([]);
      applied.push(desired!);
      const result = await applyPlan(plan!, adapter);
      expect(result.error).toBeUndefined();
      return { plan: plan!, desired: desired!, result };
    }

    beforeAll(async () => {
      h = await makeHarness();
      adapter = h.adapter;
      domain = `${h.domainPrefix}_sales`;
      product = testDataProduct('orders', domain);
    }, timeout);

    afterAll(async () => {
      if (!h) return;
      try {
        // the engine removes what it made: plan an empty state over everything applied
        const scope = mergeScopes(applied);
        if (scope) {
          const actual = await adapter.introspect(scopeOf(scope));
          const plan = diff(emptyState(), actual, adapter);
          const result = await applyPlan(plan, adapter, {
            allowDestructive: true,
          });
          if (result.error) {
            // eslint-disable-next-line no-console
            console.warn(`engine cleanup failed: ${result.error.message}`);
          }
        }
      } finally {
        await h.cleanup();
      }
    }, timeout);

    it(
      'plans a new product with readable create and grant lines, and notes what it skips',
      async () => {
        const { plan, desired } = await planProducts(
          [product],
          h.platform,
          adapter,
        );
        expect(plan).toBeDefined();
        names = desired!.products[0];
        const lines = renderPlan(plan!);
        const q = (n: string) => adapter.dialect.quoteIdentifier(n);
        expect(lines).toContain(`+ create role ${q(names.roles.consumer)}`);
        expect(lines).toContain(
          `+ create schema ${adapter.dialect.qualifiedSchema(
            schema('raw'),
          )} owner ${q(names.roles.owner)}`,
        );
        expect(lines).toContain(
          `+ grant role ${q(names.roles.consumer)} to ${q(
            names.roles.service,
          )}`,
        );
        expect(lines).toContain(
          `+ grant usage on schema ${adapter.dialect.qualifiedSchema(
            schema('output'),
          )} to ${q(names.roles.consumer)}`,
        );
        expect(plan!.destructive).toEqual([]);
        // compute is either planned or noted as skipped, never silently dropped
        const computeShown = adapter.capabilities.compute
          ? lines.some(l =>
              l.startsWith(`+ create compute ${q(names.compute)}`),
            )
          : lines.some(l =>
              /^! note: compute per domain .* has no .* equivalent — skipped/.test(
                l,
              ),
            );
        expect(computeShown).toBe(true);
        // every step is backed by statements, except what the notes say is skipped
        const empty = plan!.steps.filter(
          s =>
            s.statements.length === 0 &&
            s.change.action !== 'create-compute' &&
            s.change.action !== 'create-database',
        );
        expect(empty).toEqual([]);
      },
      timeout,
    );

    it(
      'applies the plan, and applying again is a no-op',
      async () => {
        const { result, plan } = await provision([product]);
        expect(result.applied.length).toBe(plan.steps.length);
        const again = await planProducts([product], h.platform, adapter);
        expect(renderPlan(again.plan!)).toEqual(
          expect.arrayContaining([
            'no changes: the warehouse matches the declared state',
          ]),
        );
        expect(isPlanEmpty(again.plan!)).toBe(true);
        const second = await applyPlan(again.plan!, adapter);
        expect(second.applied).toEqual([]);
      },
      timeout,
    );

    it(
      'lets the service role read and write every layer',
      async () => {
        for (const layer of ['raw', 'intermediate', 'output'] as const) {
          await as(
            'service',
            `CREATE TABLE ${table(layer, 'events')} (id INT)`,
          );
          await as(
            'service',
            `INSERT INTO ${table(layer, 'events')} (id) VALUES (1)`,
          );
          expect(
            await count(
              'service',
              `SELECT count(*) AS n FROM ${table(layer, 'events')}`,
            ),
          ).toBe(1);
        }
      },
      timeout,
    );

    it(
      'lets the consumer read the output layer, including tables created after provisioning',
      async () => {
        // created by the service role above, after the grants were applied
        expect(
          await count(
            'consumer',
            `SELECT count(*) AS n FROM ${table('output', 'events')}`,
          ),
        ).toBe(1);
        // a table created later by the owner role is covered too
        await as(
          'owner',
          `CREATE TABLE ${table('output', 'by_owner')} (id INT)`,
        );
        await as(
          'service',
          `INSERT INTO ${table('output', 'by_owner')} (id) VALUES (7)`,
        );
        expect(
          await count(
            'consumer',
            `SELECT count(*) AS n FROM ${table('output', 'by_owner')}`,
          ),
        ).toBe(1);
        // and provisioning still has nothing to do
        const again = await planProducts([product], h.platform, adapter);
        expect(renderPlan(again.plan!)).toContain(
          'no changes: the warehouse matches the declared state',
        );
      },
      timeout,
    );

    it(
      'refuses the consumer the private layers and every write',
      async () => {
        await expect(
          as('consumer', `SELECT count(*) AS n FROM ${table('raw', 'events')}`),
        ).rejects.toThrow();
        await expect(
          as(
            'consumer',
            `SELECT count(*) AS n FROM ${table('intermediate', 'events')}`,
          ),
        ).rejects.toThrow();
        await expect(
          as(
            'consumer',
            `INSERT INTO ${table('output', 'events')} (id) VALUES (2)`,
          ),
        ).rejects.toThrow();
        await expect(
          as('consumer', `DELETE FROM ${table('output', 'events')}`),
        ).rejects.toThrow();
        await expect(
          as('consumer', `CREATE TABLE ${table('output', 'sneaky')} (id INT)`),
        ).rejects.toThrow();
        await expect(
          as(
            'consumer',
            `INSERT INTO ${table('raw', 'events')} (id) VALUES (2)`,
          ),
        ).rejects.toThrow();
        // the refusals changed nothing
        expect(
          await count(
            'service',
            `SELECT count(*) AS n FROM ${table('output', 'events')}`,
          ),
        ).toBe(1);
      },
      timeout,
    );

    it(
      'detects a grant revoked by hand as drift, and the next apply repairs it',
      async () => {
        const revoke = adapter.dialect.statements({
          action: 'revoke',
          target: { type: 'schema', ...schema('output') },
          privileges: ['usage'],
          grantee: names.roles.consumer,
        });
        await adapter.execute(revoke);
        await expect(
          as(
            'consumer',
            `SELECT count(*) AS n FROM ${table('output', 'events')}`,
          ),
        ).rejects.toThrow();

        const drift = await detectDrift([product], h.platform, adapter);
        expect(drift.inSync).toBe(false);
        expect(drift.lines).toContain(
          `+ grant usage on schema ${adapter.dialect.qualifiedSchema(
            schema('output'),
          )} to ${adapter.dialect.quoteIdentifier(names.roles.consumer)}`,
        );
        const result = await applyPlan(drift.plan!, adapter);
        expect(result.error).toBeUndefined();
        expect(
          await count(
            'consumer',
            `SELECT count(*) AS n FROM ${table('output', 'events')}`,
          ),
        ).toBe(1);
        expect((await detectDrift([product], h.platform, adapter)).inSync).toBe(
          true,
        );
      },
      timeout,
    );

    it(
      'detects a schema dropped by hand as drift, and the next apply recreates it with its grants',
      async () => {
        await adapter.execute(
          adapter.dialect.statements({
            action: 'drop-schema',
            schema: schema('intermediate'),
          }),
        );
        const drift = await detectDrift([product], h.platform, adapter);
        expect(drift.inSync).toBe(false);
        expect(drift.lines).toContain(
          `+ create schema ${adapter.dialect.qualifiedSchema(
            schema('intermediate'),
          )} owner ${adapter.dialect.quoteIdentifier(names.roles.owner)}`,
        );
        expect((await applyPlan(drift.plan!, adapter)).error).toBeUndefined();
        await as(
          'service',
          `CREATE TABLE ${table('intermediate', 'again')} (id INT)`,
        );
        await as(
          'service',
          `INSERT INTO ${table('intermediate', 'again')} (id) VALUES (1)`,
        );
        await expect(
          as(
            'consumer',
            `SELECT count(*) AS n FROM ${table('intermediate', 'again')}`,
          ),
        ).rejects.toThrow();
        expect((await detectDrift([product], h.platform, adapter)).inSync).toBe(
          true,
        );
      },
      timeout,
    );

    it(
      'lists an extra grant as a destructive revoke and runs it only when allowed',
      async () => {
        // someone gave the consumer the raw layer by hand
        await adapter.execute([
          ...adapter.dialect.statements({
            action: 'grant',
            target: { type: 'schema', ...schema('raw') },
            privileges: ['usage'],
            grantee: names.roles.consumer,
          }),
          ...adapter.dialect.statements({
            action: 'grant',
            target: { type: 'tables', ...schema('raw') },
            privileges: ['select'],
            grantee: names.roles.consumer,
          }),
        ]);
        expect(
          await count(
            'consumer',
            `SELECT count(*) AS n FROM ${table('raw', 'events')}`,
          ),
        ).toBe(1);

        const { plan } = await planProducts([product], h.platform, adapter);
        expect(plan!.steps).toEqual([]);
        const revokes = plan!.destructive.map(s => s.line);
        expect(revokes).toEqual(
          expect.arrayContaining([
            `- revoke usage on schema ${adapter.dialect.qualifiedSchema(
              schema('raw'),
            )} from ${adapter.dialect.quoteIdentifier(names.roles.consumer)}`,
          ]),
        );
        expect(renderPlan(plan!)).toContain(
          'destructive steps (run only when explicitly allowed):',
        );

        const cautious = await applyPlan(plan!, adapter);
        expect(cautious.applied).toEqual([]);
        expect(cautious.skipped.length).toBe(plan!.destructive.length);
        // not run: the consumer still reads raw
        expect(
          await count(
            'consumer',
            `SELECT count(*) AS n FROM ${table('raw', 'events')}`,
          ),
        ).toBe(1);

        const allowed = await applyPlan(plan!, adapter, {
          allowDestructive: true,
        });
        expect(allowed.error).toBeUndefined();
        await expect(
          as('consumer', `SELECT count(*) AS n FROM ${table('raw', 'events')}`),
        ).rejects.toThrow();
        expect((await detectDrift([product], h.platform, adapter)).inSync).toBe(
          true,
        );
      },
      timeout,
    );

    it(
      'rejects hostile names before any statement reaches the warehouse',
      async () => {
        const before = h.queryCount();
        const hostile = [
          testDataProduct('orders"; DROP ROLE postgres; --', domain),
          testDataProduct("x' OR '1'='1", domain),
          testDataProduct('ok', 'sales"; DROP SCHEMA public CASCADE; --'),
          testDataProduct('ORDERS', domain),
          testDataProduct('select', domain),
        ];
        for (const p of hostile) {
          const result = await planProducts([p], h.platform, adapter);
          expect(result.plan).toBeUndefined();
          expect(result.issues.length).toBeGreaterThan(0);
        }
        const badPlatform = await planProducts(
          [product],
          { ...h.platform, organization: 'a"b' },
          adapter,
        );
        expect(badPlatform.plan).toBeUndefined();
        const badTemplate = await planProducts(
          [product],
          {
            ...h.platform,
            naming: { ...h.platform.naming, schema: '{product}_{layer}"; --' },
          },
          adapter,
        );
        expect(badTemplate.plan).toBeUndefined();
        expect(() =>
          adapter.dialect.quoteIdentifier('a"; DROP TABLE x; --'),
        ).toThrow();
        expect(() =>
          adapter.dialect.qualifiedTable(schema('output'), 'x" --'),
        ).toThrow();
        await expect(
          adapter.tableStats(names.database, [
            { schema: names.schemas.output, table: 'e"; drop table x; --' },
          ]),
        ).rejects.toThrow();
        expect(h.queryCount()).toBe(before);
      },
      timeout,
    );

    it(
      'reports table stats in a constant number of queries',
      async () => {
        const loadedAt = h.platform.metadataColumns.loadedAt;
        await as(
          'service',
          `CREATE TABLE ${table(
            'output',
            'loads',
          )} (id INT, ${adapter.dialect.quoteIdentifier(loadedAt)} TIMESTAMP)`,
        );
        await as(
          'service',
          `INSERT INTO ${table(
            'output',
            'loads',
          )} (id, ${adapter.dialect.quoteIdentifier(
            loadedAt,
          )}) VALUES (1, '2024-01-02 03:04:05'), (2, '2024-01-03 03:04:05'), (3, '2024-01-01 00:00:00')`,
        );
        const one = [{ schema: names.schemas.output, table: 'loads' }];
        const many = [
          ...one,
          { schema: names.schemas.output, table: 'events' },
          { schema: names.schemas.output, table: 'by_owner' },
          { schema: names.schemas.raw, table: 'events' },
          { schema: names.schemas.output, table: 'missing' },
        ];
        let before = h.queryCount();
        const [loads] = await adapter.tableStats(names.database, one, {
          loadedAtColumn: loadedAt,
        });
        const queriesForOne = h.queryCount() - before;
        expect(loads.exists).toBe(true);
        expect(loads.rowCount).toBe(3);
        // the newest load timestamp, or the warehouse's own time of the insert above
        const mode = adapter.capabilities.lastAltered;
        const lastAltered = loads.lastAltered;
        const plausible =
          mode === 'load-timestamp-column'
            ? lastAltered?.slice(0, 10) === '2024-01-03'
            : Math.abs(Date.parse(lastAltered ?? '') - Date.now()) < 3_600_000;
        expect({ mode, lastAltered, plausible }).toMatchObject({
          plausible: true,
        });
        before = h.queryCount();
        const stats = await adapter.tableStats(names.database, many, {
          loadedAtColumn: loadedAt,
        });
        expect(h.queryCount() - before).toBe(queriesForOne);
        expect(stats.map(s => [s.table, s.exists, s.rowCount])).toEqual([
          ['loads', true, 3],
          ['events', true, 1],
          ['by_owner', true, 1],
          ['events', true, 1],
          ['missing', false, undefined],
        ]);
      },
      timeout,
    );

    it(
      'clones a schema for a sandbox, with its rows, honestly naming the method',
      async () => {
        const target = {
          database: names.database,
          schema: `${names.schemas.output}_sbx`,
        };
        const result = await adapter.sandboxClone([
          { source: schema('output'), target, owner: names.roles.owner },
        ]);
        expect(result.method).toBe(
          adapter.capabilities.zeroCopyClone ? 'zero-copy' : 'copy',
        );
        expect(result.schemas).toEqual([{ target, tables: 3 }]);
        const stats = await adapter.tableStats(names.database, [
          { schema: target.schema, table: 'loads' },
          { schema: target.schema, table: 'events' },
        ]);
        expect(stats.map(s => s.rowCount)).toEqual([3, 1]);
        // the clone is a copy, not a view of production: writes stay apart
        await as(
          'owner',
          `INSERT INTO ${adapter.dialect.qualifiedTable(
            target,
            'events',
          )} (id) VALUES (9)`,
        );
        expect(
          await count(
            'service',
            `SELECT count(*) AS n FROM ${table('output', 'events')}`,
          ),
        ).toBe(1);
      },
      timeout,
    );

    it(
      'stops at a name collision with another product instead of taking its objects over',
      async () => {
        // `<domain>_<product>` is ambiguous when names contain `_`: x_y/z and x/y_z
        const a = testDataProduct('zz', `${h.domainPrefix}_x_y`);
        const b = testDataProduct('y_zz', `${h.domainPrefix}_x`);
        await provision([a]);
        const { plan } = await planProducts([b], h.platform, adapter);
        expect(plan!.conflicts.length).toBeGreaterThan(0);
        expect(renderPlan(plan!)[0]).toMatch(
          /^! conflict: role .* belongs to dataproduct:default\/zz/,
        );
        const result = await applyPlan(plan!, adapter);
        expect(result.error?.message).toMatch(/conflicts/);
        expect(result.applied).toEqual([]);
      },
      timeout,
    );

    it(
      'introspects in a number of queries that does not grow with the number of products',
      async () => {
        const fifty = Array.from({ length: 50 }, (_, i) =>
          testDataProduct(`bulk${i}`, `${h.domainPrefix}_bulk`),
        );
        const { plan } = await provision(fifty);
        expect(plan.steps.length).toBeGreaterThan(50 * 6);

        const measure = async (products: DataProductEntityV1alpha1[]) => {
          const { desired } = computeDesiredState(products, {
            ...h.platform,
            parentRole: h.platform.parentRole ?? adapter.defaultParentRole,
          });
          const before = h.queryCount();
          const actual = await adapter.introspect(scopeOf(desired!));
          return {
            wire: h.queryCount() - before,
            reported: actual.queries,
            actual,
          };
        };
        const single = await measure(fifty.slice(0, 1));
        const all = await measure(fifty);
        expect(all.actual.roles.length).toBe(150);
        expect(single.wire).toBeGreaterThan(0);
        const perSchema = h.introspectionQueriesPerSchema ?? 0;
        expect(all.wire - single.wire).toBe(
          perSchema *
            (all.actual.schemas.length - single.actual.schemas.length),
        );
        expect(all.reported).toBe(all.wire);
        const again = await planProducts(fifty, h.platform, adapter);
        expect(isPlanEmpty(again.plan!)).toBe(true);
      },
      timeout,
    );

    it(
      'removes everything it made when asked, destructively, and only then',
      async () => {
        const desired = mergeScopes(applied)!;
        const actual = await adapter.introspect(scopeOf(desired));
        const plan = diff(emptyState(), actual, adapter);
        expect(plan.steps).toEqual([]);
        expect(
          plan.destructive.some(s => s.change.action === 'drop-role'),
        ).toBe(true);
        expect(
          plan.destructive.some(s => s.change.action === 'drop-schema'),
        ).toBe(true);
        const result = await applyPlan(plan, adapter, {
          allowDestructive: true,
        });
        expect(result.error).toBeUndefined();
        const after = await adapter.introspect(scopeOf(desired));
        expect(after.roles).toEqual([]);
        expect(after.schemas).toEqual([]);
        await expect(
          as(
            'service',
            `SELECT count(*) AS n FROM ${table('output', 'events')}`,
          ),
        ).rejects.toThrow();
      },
      timeout,
    );
  });

  runAccessGrantBehaviourSuite(name, makeHarness, options);
  runAccessRevokesBehaviourSuite(name, makeHarness, options);
  runAccessDriftBehaviourSuite(name, makeHarness, options);
}

function mergeScopes(states: DesiredState[]): DesiredState | undefined {
  if (states.length === 0) return undefined;
  const merged = emptyState();
  const seen = new Set<string>();
  const add = <T>(list: T[], items: T[], key: (t: T) => string) => {
    for (const item of items) {
      if (!seen.has(key(item))) {
        seen.add(key(item));
        list.push(item);
      }
    }
  };
  for (const s of states) {
    add(merged.computes, s.computes, c => `c|${c.name}`);
    add(merged.databases, s.databases, d => `d|${d.name}`);
    add(merged.schemas, s.schemas, x => `s|${x.database}|${x.schema}`);
    add(merged.roles, s.roles, r => `r|${r.name}`);
    merged.parentRole = s.parentRole;
  }
  return merged;
}
