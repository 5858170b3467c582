import { testDataProduct } from '../testUtils/products';
import { assessProducts, planProducts } from './assess';
import { platformConfig } from './platform';
import type {
  ActualState,
  Change,
  DesiredState,
  IntrospectionScope,
  WarehouseAdapter,
  WarehouseCapabilities,
  WarehouseDialect,
} from './types';
import { computeDesiredState } from './desiredState';

/** A dialect that refuses names ending in `_wh`, as a warehouse refuses a reserved word. */
const dialect: WarehouseDialect = {
  id: 'test',
  displayName: 'TestSQL',
  maxIdentifierLength: 63,
  quoteIdentifier: n => {
    if (n.endsWith('_wh')) throw new Error(`'${n}' is a reserved name`);
    return `"${n}"`;
  },
  qualifiedSchema: r => `"${r.database}"."${r.schema}"`,
  qualifiedTable: (r, t) => `"${r.database}"."${r.schema}"."${t}"`,
  readerSession: ({ role }) => ({ statements: [`SET ROLE "${role}"`] }),
  statements: (c: Change) => [{ sql: c.action }],
};

/**
 * A warehouse holding `state`: introspection answers with the objects in
 * the scope, and counts itself. Nothing is ever executed.
 */
function warehouse(
  state: Omit<ActualState, 'queries'>,
  capabilities: Partial<WarehouseCapabilities> = {},
) {
  const scopes: IntrospectionScope[] = [];
  const adapter: WarehouseAdapter = {
    dialect,
    capabilities: {
      compute: true,
      databases: 'native',
      futureGrants: 'per-creator-role',
      zeroCopyClone: false,
      lastAltered: 'warehouse',
      ...capabilities,
    },
    async introspect(scope) {
      scopes.push(scope);
      const roles = new Set(scope.roles);
      const schemas = new Set(
        scope.schemas.map(s => `${s.database}|${s.schema}`),
      );
      const inSchemas = (t: { database: string; schema: string }) =>
        schemas.has(`${t.database}|${t.schema}`);
      return {
        computes: state.computes.filter(c => scope.computes.includes(c.name)),
        databases: state.databases.filter(d =>
          scope.databases.includes(d.name),
        ),
        schemas: state.schemas.filter(inSchemas),
        roles: state.roles.filter(r => roles.has(r.name)),
        memberships: state.memberships.filter(m => roles.has(m.role)),
        grants: state.grants.filter(g => {
          if (g.target.type === 'compute')
            return scope.computes.includes(g.target.name);
          if (g.target.type === 'database')
            return scope.databases.includes(g.target.name);
          return inSchemas(g.target);
        }),
        queries: 3,
      };
    },
    execute: async () => {
      throw new Error('assessment never executes');
    },
    tableStats: async () => [],
    sandboxClone: async () => ({ schemas: [], method: 'copy', notes: [] }),
    schemasMarked: async () => [],
    close: async () => {},
  };
  return { adapter, scopes };
}

/** What a warehouse holds after `desired` was applied (empty schemas). */
const appliedState = (desired: DesiredState): Omit<ActualState, 'queries'> => ({
  computes: [...desired.computes],
  databases: [...desired.databases],
  roles: [...desired.roles],
  memberships: [...desired.memberships],
  schemas: desired.schemas.map(s => ({ ...s, tableCount: 0 })),
  grants: desired.grants.filter(g => g.target.type !== 'tables'),
});

/** Names that keep clear of the test dialect's reserved `_wh` suffix. */
const platform = platformConfig({
  naming: { compute: '{org}_{domain}_compute' },
});

describe('assessProducts', () => {
  const orders = testDataProduct('orders', 'sales');
  const invoices = testDataProduct('invoices', 'sales');
  const refunds = testDataProduct('refunds', 'sales');
  const broken = testDataProduct('broken', 'sales');
  broken.spec.domain = 'not a reference';

  it('introspects once, and gives each product its desired state, its part of the warehouse, a plan and a status', async () => {
    const provisioned = computeDesiredState([orders, invoices], platform)
      .desired!;
    const state = appliedState(provisioned);
    // drift: a grant of invoices' consumer role revoked by hand
    state.grants = state.grants.filter(
      g =>
        !(
          g.grantee === 'sales_invoices_consumer' && g.target.type === 'schema'
        ),
    );
    const { adapter, scopes } = warehouse(state);

    const result = await assessProducts(
      [orders, invoices, refunds, broken],
      platform,
      adapter,
    );

    expect(scopes).toHaveLength(1);
    expect(result.queries).toBe(3);
    expect(result.products.map(p => [p.entityRef, p.status])).toEqual([
      ['dataproduct:default/orders', 'in-sync'],
      ['dataproduct:default/invoices', 'drift'],
      ['dataproduct:default/refunds', 'not-provisioned'],
      ['dataproduct:default/broken', 'invalid'],
    ]);
    const [o, i, r, b] = result.products;
    expect(o.plan!.steps).toEqual([]);
    expect(i.plan!.steps.map(s => s.line)).toEqual([
      expect.stringMatching(
        /^\+ grant usage on schema .*invoices_output.* to "sales_invoices_consumer"$/,
      ),
    ]);
    expect(r.plan!.steps.length).toBeGreaterThan(5);
    // each product sees only its own objects
    expect(i.actual!.roles.map(x => x.name).sort()).toEqual([
      'sales_invoices_consumer',
      'sales_invoices_owner',
      'sales_invoices_service',
    ]);
    expect(i.desired!.products.map(p => p.entityRef)).toEqual([
      'dataproduct:default/invoices',
    ]);
    // the invalid product is reported, and hides nobody else
    expect(b.desired).toBeUndefined();
    expect(b.plan).toBeUndefined();
    expect(b.issues.some(x => x.severity === 'error')).toBe(true);
    expect(result.issues).toEqual(expect.arrayContaining(b.issues));
    // no plan for the set while one of its products is invalid
    expect(result.plan).toBeUndefined();
  });

  it('plans the set together when every product is valid: shared objects once', async () => {
    const { adapter, scopes } = warehouse(
      appliedState(computeDesiredState([], platform).desired!),
    );
    const result = await assessProducts([orders, invoices], platform, adapter);
    expect(scopes).toHaveLength(1);
    const lines = result.plan!.steps.map(s => s.line);
    expect(lines.filter(l => /create database/.test(l))).toHaveLength(1);
    expect(
      lines.filter(l => /create compute|create warehouse/.test(l)),
    ).toHaveLength(1);
    expect(result.desired!.products).toHaveLength(2);
  });

  it('asks the warehouse nothing for invalid input when every product must be valid (apply flows)', async () => {
    const { adapter, scopes } = warehouse(
      appliedState(computeDesiredState([], platform).desired!),
    );
    const result = await assessProducts([orders, broken], platform, adapter, {
      requireAllValid: true,
    });
    expect(scopes).toEqual([]);
    expect(result.queries).toBe(0);
    expect(result.products.map(p => p.status)).toEqual(['invalid', 'invalid']);
    const planned = await planProducts([broken], platform, adapter);
    expect(planned.plan).toBeUndefined();
    expect(planned.issues.some(x => x.severity === 'error')).toBe(true);
    expect(scopes).toEqual([]);
  });

  it('checks every name the dialect will quote, the compute too where the warehouse has one', async () => {
    // the default compute name, `acme_sales_wh`, is reserved in this dialect
    const defaults = platformConfig();
    const withCompute = warehouse(
      appliedState(computeDesiredState([], defaults).desired!),
    );
    const refused = await assessProducts(
      [orders],
      defaults,
      withCompute.adapter,
    );
    expect(refused.products[0].status).toBe('invalid');
    expect(refused.products[0].issues).toContainEqual({
      severity: 'error',
      path: 'metadata.name',
      message:
        "dataproduct:default/orders: 'acme_sales_wh' is a reserved name (TestSQL)",
    });
    expect(withCompute.scopes).toEqual([]);
    // the set plan refuses it too: the same check
    expect(
      (await planProducts([orders], defaults, withCompute.adapter)).issues,
    ).toEqual(refused.products[0].issues);

    // a warehouse without compute never quotes that name
    const withoutCompute = warehouse(
      appliedState(computeDesiredState([], defaults).desired!),
      { compute: false },
    );
    const accepted = await assessProducts(
      [orders],
      defaults,
      withoutCompute.adapter,
    );
    expect(accepted.products[0].status).toBe('not-provisioned');
  });

  it('names only: the dialect checks every name, and the warehouse is asked nothing', async () => {
    const { adapter, scopes } = warehouse(
      appliedState(computeDesiredState([], platform).desired!),
    );
    const named = await assessProducts([orders], platform, adapter, {
      requireAllValid: true,
      namesOnly: true,
    });
    expect(named.desired!.products[0].entityRef).toBe(
      'dataproduct:default/orders',
    );
    expect(named.plan).toBeUndefined();
    expect(scopes).toEqual([]);
    // a name the dialect refuses is still refused
    const refused = await assessProducts([orders], platformConfig(), adapter, {
      requireAllValid: true,
      namesOnly: true,
    });
    expect(refused.desired).toBeUndefined();
    expect(refused.products[0].issues.map(i => i.message)).toContainEqual(
      expect.stringMatching(/is a reserved name/),
    );
    expect(scopes).toEqual([]);
  });
});
