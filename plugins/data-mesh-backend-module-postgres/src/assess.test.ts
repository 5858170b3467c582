/*
 * assessProducts through the real adapter on PGlite: the warehouse is
 * provisioned by the engine, changed by hand with SQL, and the assessment
 * must find each product's state in one introspection.
 */
import {
  applyPlan,
  assessProducts,
  planProducts,
  platformConfig,
} from '@datamesh/plugin-data-mesh-node';
import { testDataProduct } from '@datamesh/plugin-data-mesh-node/testUtils';
import { createPgliteWarehouseAdapter } from './adapters';
import type { PostgresWarehouseAdapter } from './PostgresWarehouseAdapter';

describe('assessProducts on PGlite', () => {
  const platform = platformConfig();
  const orders = testDataProduct('orders', 'sales');
  const invoices = testDataProduct('invoices', 'sales');
  const refunds = testDataProduct('refunds', 'sales');
  // valid everywhere, but `acme_clinical_operations_dev__<name>_intermediates` is longer
  // than the 63 characters PostgreSQL allows: PGlite's prefixed schemas
  const longName = testDataProduct(
    'patient-encounter-summary',
    'clinical-operations',
  );
  let adapter: PostgresWarehouseAdapter;

  beforeAll(async () => {
    adapter = await createPgliteWarehouseAdapter({ inMemory: true });
    const { plan, issues } = await planProducts(
      [orders, invoices],
      platform,
      adapter,
    );
    if (!plan) throw new Error(JSON.stringify(issues));
    const applied = await applyPlan(plan, adapter);
    if (applied.error) throw new Error(applied.error.message);
    // drift made by hand: the consumer loses the output schema
    await adapter.connection.query(
      `REVOKE USAGE ON SCHEMA ${adapter.dialect.qualifiedSchema({
        database: 'acme_sales_dev',
        schema: 'invoices_output',
      })} FROM "sales_invoices_consumer"`,
    );
  }, 60_000);
  afterAll(() => adapter?.close());

  it('finds each product in sync, drifted, not provisioned or invalid with one introspection', async () => {
    const before = adapter.connection.queryCount;
    const result = await assessProducts(
      [orders, invoices, refunds, longName],
      platform,
      adapter,
    );
    // PGlite: one query for roles, one for the database's schemas and grants
    expect(adapter.connection.queryCount - before).toBe(2);
    expect(result.queries).toBe(2);

    expect(result.products.map(p => [p.entityRef, p.status])).toEqual([
      ['dataproduct:default/orders', 'in-sync'],
      ['dataproduct:default/invoices', 'drift'],
      ['dataproduct:default/refunds', 'not-provisioned'],
      ['dataproduct:default/patient-encounter-summary', 'invalid'],
    ]);
    const [, drifted, fresh, invalid] = result.products;
    expect(drifted.plan!.steps.map(s => s.line)).toEqual([
      '+ grant usage on schema "acme_sales_dev__invoices_output" to "sales_invoices_consumer"',
    ]);
    expect(fresh.plan!.steps.map(s => s.change.action)).toContain(
      'create-role',
    );
    expect(fresh.actual!.roles).toEqual([]);
    expect(invalid.issues).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        path: 'metadata.name',
        message: expect.stringMatching(
          /^dataproduct:default\/patient-encounter-summary: .*\(PGlite\)$/,
        ),
      }),
    );
    // one product the warehouse cannot hold: no plan for the set
    expect(result.plan).toBeUndefined();
  });

  it('repairs what it found: applying a product plan brings it in sync', async () => {
    const { products } = await assessProducts([invoices], platform, adapter);
    expect((await applyPlan(products[0].plan!, adapter)).error).toBeUndefined();
    const again = await assessProducts([orders, invoices], platform, adapter);
    expect(again.products.map(p => p.status)).toEqual(['in-sync', 'in-sync']);
    expect(again.plan!.steps).toEqual([]);
  });
});
