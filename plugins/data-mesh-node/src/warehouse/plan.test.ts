import { testDataProduct } from '../testUtils/products';
import { computeDesiredState } from './desiredState';
import { applyPlan } from './apply';
import { infrastructureOf } from './assess';
import { diff, isPlanEmpty, renderPlan } from './plan';
import { platformConfig } from './platform';
import {
  type ActualState,
  type Change,
  type DesiredState,
  type Statement,
  type WarehouseAdapter,
  type WarehouseCapabilities,
  type WarehouseDialect,
  WarehouseError,
} from './types';

/** A transparent dialect: each change becomes one statement naming it. */
const dialect: WarehouseDialect = {
  id: 'test',
  displayName: 'TestSQL',
  maxIdentifierLength: 63,
  quoteIdentifier: n => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n))
      throw new Error(`bad identifier ${n}`);
    return `"${n}"`;
  },
  qualifiedSchema: r => `"${r.database}"."${r.schema}"`,
  qualifiedTable: (r, t) => `"${r.database}"."${r.schema}"."${t}"`,
  readerSession: ({ role }) => ({ statements: [`SET ROLE "${role}"`] }),
  statements: (c: Change) => [{ sql: c.action }],
};

const caps = (
  over: Partial<WarehouseCapabilities> = {},
): WarehouseCapabilities => ({
  compute: true,
  databases: 'native',
  futureGrants: 'per-creator-role',
  zeroCopyClone: false,
  lastAltered: 'warehouse',
  ...over,
});

const desiredOf = (...names: string[]): DesiredState =>
  computeDesiredState(
    names.map(n => testDataProduct(n, 'sales')),
    platformConfig(),
  ).desired!;

const nothing = (): ActualState => ({
  computes: [],
  databases: [],
  schemas: [],
  roles: [],
  memberships: [],
  grants: [],
  queries: 1,
});

/** What a warehouse would report after applying `desired` (empty schemas). */
const applied = (desired: DesiredState): ActualState => ({
  computes: [...desired.computes],
  databases: [...desired.databases],
  roles: [...desired.roles],
  memberships: [...desired.memberships],
  schemas: desired.schemas.map(s => ({ ...s, tableCount: 0 })),
  grants: desired.grants.filter(g => g.target.type !== 'tables'),
  queries: 1,
});

describe('diff', () => {
  it('orders creates before grants and skips "all tables" grants on new schemas', () => {
    const plan = diff(desiredOf('orders'), nothing(), {
      dialect,
      capabilities: caps(),
    });
    const actions = plan.steps.map(s => s.change.action);
    const first = (a: string) => actions.indexOf(a as Change['action']);
    expect(first('create-compute')).toBe(0);
    expect(first('create-database')).toBeLessThan(first('create-role'));
    expect(first('create-role')).toBeLessThan(first('grant-role'));
    expect(first('grant-role')).toBeLessThan(first('create-schema'));
    expect(first('create-schema')).toBeLessThan(first('grant'));
    expect(
      plan.steps.some(
        s => s.change.action === 'grant' && s.change.target.type === 'tables',
      ),
    ).toBe(false);
    expect(plan.destructive).toEqual([]);
    expect(plan.steps.every(s => !s.destructive)).toBe(true);
  });

  it('is empty when the warehouse already matches', () => {
    const desired = desiredOf('orders', 'invoices');
    const plan = diff(desired, applied(desired), {
      dialect,
      capabilities: caps(),
    });
    expect(isPlanEmpty(plan)).toBe(true);
    expect(renderPlan(plan)).toEqual([
      'no changes: the warehouse matches the declared state',
    ]);
  });

  it('needs "all tables" grants again once a schema has a table nobody was granted', () => {
    const desired = desiredOf('orders');
    const actual = applied(desired);
    actual.schemas = actual.schemas.map(s => ({ ...s, tableCount: 1 }));
    // the service role owns the tables it made: implicit, enough for the service grants
    for (const s of desired.schemas) {
      for (const privilege of [
        'select',
        'insert',
        'update',
        'delete',
        'truncate',
      ] as const) {
        actual.grants.push({
          target: { type: 'tables', database: s.database, schema: s.schema },
          privilege,
          grantee: 'sales_orders_service',
          implicit: true,
        });
      }
    }
    actual.grants.push({
      target: {
        type: 'tables',
        database: 'acme_sales_dev',
        schema: 'orders_output',
      },
      privilege: 'select',
      grantee: 'sales_orders_consumer',
      partial: true,
    });
    // an admin owning every table of raw is neither desired nor revoked
    actual.grants.push({
      target: {
        type: 'tables',
        database: 'acme_sales_dev',
        schema: 'orders_raw',
      },
      privilege: 'select',
      grantee: 'postgres',
      implicit: true,
    });
    const plan = diff(desired, actual, { dialect, capabilities: caps() });
    expect(plan.steps.map(s => s.line)).toEqual([
      '+ grant select on all tables in schema "acme_sales_dev"."orders_output" to "sales_orders_consumer"',
    ]);
    expect(plan.destructive).toEqual([]);
  });

  it('spells future grants per schema for warehouses without creator roles', () => {
    const plan = diff(desiredOf('orders'), nothing(), {
      dialect,
      capabilities: caps({ futureGrants: 'per-schema' }),
    });
    const future = plan.steps.filter(s => s.line.includes('future tables'));
    expect(future.map(s => s.line)).toEqual([
      '+ grant select, insert, update, delete, truncate on future tables in schema "acme_sales_dev"."orders_raw" to "sales_orders_service"',
      '+ grant select, insert, update, delete, truncate on future tables in schema "acme_sales_dev"."orders_intermediates" to "sales_orders_service"',
      '+ grant select, insert, update, delete, truncate on future tables in schema "acme_sales_dev"."orders_output" to "sales_orders_service"',
      '+ grant select on future tables in schema "acme_sales_dev"."orders_output" to "sales_orders_consumer"',
    ]);
  });

  it('says what it skips where the warehouse has no compute or one database', () => {
    const plan = diff(desiredOf('orders'), nothing(), {
      dialect: { ...dialect, notes: () => ['one database only'] },
      capabilities: caps({ compute: false, databases: 'schema-prefix' }),
    });
    expect(plan.steps.some(s => /compute|database/.test(s.change.action))).toBe(
      false,
    );
    expect(
      plan.steps.some(
        s =>
          s.change.action === 'grant' &&
          /compute|database/.test(s.change.target.type),
      ),
    ).toBe(false);
    expect(renderPlan(plan).slice(-2)).toEqual([
      "! note: compute per domain (acme_sales_wh) has no TestSQL equivalent — skipped; queries run on the server's shared compute",
      '! note: one database only',
    ]);
  });

  it("revokes strangers on product schemas but never other products' access to shared objects", () => {
    const desired = desiredOf('orders');
    const actual = applied(desired);
    actual.grants.push(
      {
        target: { type: 'database', name: 'acme_sales_dev' },
        privilege: 'usage',
        grantee: 'sales_invoices_consumer',
      },
      {
        target: { type: 'database', name: 'acme_sales_dev' },
        privilege: 'usage',
        grantee: 'PUBLIC',
      },
      {
        target: { type: 'compute', name: 'acme_sales_wh' },
        privilege: 'usage',
        grantee: 'sales_invoices_consumer',
      },
      {
        target: { type: 'database', name: 'acme_sales_dev' },
        privilege: 'create',
        grantee: 'sales_orders_service',
      },
      {
        target: {
          type: 'schema',
          database: 'acme_sales_dev',
          schema: 'orders_raw',
        },
        privilege: 'usage',
        grantee: 'analyst',
      },
      {
        target: {
          type: 'schema',
          database: 'acme_sales_dev',
          schema: 'orders_raw',
        },
        privilege: 'usage',
        grantee: 'PUBLIC',
      },
      {
        target: {
          type: 'tables',
          database: 'acme_sales_dev',
          schema: 'orders_raw',
        },
        privilege: 'select',
        grantee: 'analyst',
        partial: true,
      },
    );
    const plan = diff(desired, actual, { dialect, capabilities: caps() });
    expect(plan.steps).toEqual([]);
    expect(plan.destructive.map(s => s.line)).toEqual([
      '- revoke select on all tables in schema "acme_sales_dev"."orders_raw" from "analyst"',
      '- revoke usage on schema "acme_sales_dev"."orders_raw" from PUBLIC',
      '- revoke usage on schema "acme_sales_dev"."orders_raw" from "analyst"',
      '- revoke create on database "acme_sales_dev" from "sales_orders_service"',
    ]);
    expect(
      plan.destructive.every(s => s.destructive && s.kind === 'revoke'),
    ).toBe(true);
  });

  it('revokes memberships between product roles that are not declared', () => {
    const desired = desiredOf('orders');
    const actual = applied(desired);
    actual.memberships.push({
      role: 'sales_orders_owner',
      member: 'sales_orders_consumer',
    });
    const plan = diff(desired, actual, { dialect, capabilities: caps() });
    expect(plan.destructive.map(s => s.line)).toEqual([
      '- revoke role "sales_orders_owner" from "sales_orders_consumer"',
    ]);
  });

  it('repairs a schema owner and adopts unmarked objects, with a note', () => {
    const desired = desiredOf('orders');
    const actual = applied(desired);
    actual.schemas[0] = {
      ...actual.schemas[0],
      owner: 'postgres',
      comment: undefined,
    };
    const plan = diff(desired, actual, { dialect, capabilities: caps() });
    expect(plan.steps.map(s => s.line)).toEqual([
      '~ comment on schema "acme_sales_dev"."orders_raw" is \'datamesh:dataproduct:default/orders\'',
      '~ alter schema "acme_sales_dev"."orders_raw" owner to "sales_orders_owner"',
    ]);
    expect(plan.steps.every(s => s.kind === 'alter')).toBe(true);
    expect(plan.notes).toContain(
      'schema acme_sales_dev.orders_raw exists without a datamesh marker; it is adopted by this product',
    );
  });

  it('stops with a conflict when an object belongs to another product', () => {
    const desired = desiredOf('orders');
    const actual = nothing();
    actual.roles.push({
      name: 'sales_orders_service',
      comment: 'datamesh:dataproduct:default/elsewhere',
    });
    const plan = diff(desired, actual, { dialect, capabilities: caps() });
    expect(plan.steps).toEqual([]);
    expect(renderPlan(plan)[0]).toBe(
      '! conflict: role sales_orders_service already exists and belongs to dataproduct:default/elsewhere, not dataproduct:default/orders',
    );
  });

  it('plans drops, in dependency order, for objects in scope that are no longer desired', () => {
    const desired = desiredOf('orders');
    const plan = diff(
      {
        ...desired,
        ...{
          computes: [],
          databases: [],
          schemas: [],
          roles: [],
          memberships: [],
          grants: [],
          products: [],
        },
      },
      applied(desired),
      { dialect, capabilities: caps() },
    );
    const actions = plan.destructive.map(s => s.change.action);
    expect(plan.steps).toEqual([]);
    expect(actions.lastIndexOf('revoke')).toBeLessThan(
      actions.indexOf('revoke-role'),
    );
    expect(actions.lastIndexOf('revoke-role')).toBeLessThan(
      actions.indexOf('drop-schema'),
    );
    expect(actions.lastIndexOf('drop-schema')).toBeLessThan(
      actions.indexOf('drop-role'),
    );
    expect(actions.lastIndexOf('drop-role')).toBeLessThan(
      actions.indexOf('drop-database'),
    );
    expect(actions[actions.length - 1]).toBe('drop-compute');
    // grants on schemas being dropped go with them
    expect(
      plan.destructive.some(
        s =>
          s.change.action === 'revoke' &&
          s.change.target.type !== 'compute' &&
          s.change.target.type !== 'database',
      ),
    ).toBe(false);
  });
});

/** A warehouse that records statements and can be told to refuse one. */
function recordingAdapter(
  refuse?: string,
): WarehouseAdapter & { executed: Statement[] } {
  const executed: Statement[] = [];
  return {
    executed,
    dialect,
    capabilities: caps(),
    introspect: async () => nothing(),
    async execute(statements) {
      for (const s of statements) {
        if (s.sql === refuse)
          throw new WarehouseError('permission denied', {
            code: '42501',
            statement: s,
          });
        executed.push(s);
      }
    },
    tableStats: async () => [],
    sandboxClone: async () => ({ method: 'copy', schemas: [], notes: [] }),
    schemasMarked: async () => [],
    close: async () => {},
  };
}

describe('applyPlan', () => {
  const desired = desiredOf('orders');
  const withExtra = applied(desired);
  withExtra.grants.push({
    target: {
      type: 'schema',
      database: 'acme_sales_dev',
      schema: 'orders_raw',
    },
    privilege: 'usage',
    grantee: 'analyst',
  });

  it('runs destructive steps only when allowed', async () => {
    const plan = diff(desired, withExtra, { dialect, capabilities: caps() });
    const a = recordingAdapter();
    const cautious = await applyPlan(plan, a);
    expect(a.executed).toEqual([]);
    expect(cautious.skipped).toHaveLength(1);
    const allowed = await applyPlan(plan, a, { allowDestructive: true });
    expect(allowed.applied).toHaveLength(1);
    expect(a.executed).toEqual([{ sql: 'revoke' }]);
  });

  it('stops at the first refused statement and reports the warehouse code', async () => {
    const plan = diff(desired, nothing(), { dialect, capabilities: caps() });
    const a = recordingAdapter('create-schema');
    const result = await applyPlan(plan, a);
    expect(result.error).toMatchObject({
      message: 'permission denied',
      code: '42501',
    });
    expect(result.error!.step!.change.action).toBe('create-schema');
    expect(result.applied.every(s => s.change.action !== 'create-schema')).toBe(
      true,
    );
    expect(result.skipped.length).toBe(
      plan.steps.length - result.applied.length - 1,
    );
  });

  it('refuses a plan made for another dialect or with conflicts', async () => {
    const plan = diff(desired, nothing(), { dialect, capabilities: caps() });
    const a = recordingAdapter();
    expect(
      (await applyPlan({ ...plan, dialect: 'other' }, a)).error?.message,
    ).toMatch(/made for other/);
    expect(
      (
        await applyPlan(
          {
            ...plan,
            conflicts: [
              { object: { kind: 'role', name: 'x' }, message: 'taken' },
            ],
          },
          a,
        )
      ).error?.message,
    ).toMatch(/conflicts: taken/);
    expect(a.executed).toEqual([]);
  });
});

describe('infrastructureOf', () => {
  it('describes the provisioned names for spec.infrastructure', () => {
    const product = desiredOf('orders').products[0];
    expect(
      infrastructureOf(product, {
        dialect,
        capabilities: caps({ compute: false }),
      }),
    ).toEqual({
      stage: 'dev',
      platform: 'test',
      database: 'acme_sales_dev',
      schema: 'orders_output',
      roles: {
        consumer: 'sales_orders_consumer',
        service: 'sales_orders_service',
        owner: 'sales_orders_owner',
      },
    });
    expect(
      infrastructureOf(product, { dialect, capabilities: caps() }).warehouse,
    ).toBe('acme_sales_wh');
  });
});
