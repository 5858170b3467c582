/* eslint-disable jest/no-export -- a helper of suites shared by adapter modules */
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import { applyPlan } from '../warehouse/apply';
import { planProducts } from '../warehouse/assess';
import type { ProvisionedProduct } from '../warehouse/types';
import type { WarehouseTestHarness } from './behaviourSuite';

/**
 * Apply a product on the harness's warehouse and give its output layer a
 * table `events` of three rows, written by the product's service role.
 * @public
 */
export async function provisionWithRows(
  h: WarehouseTestHarness,
  product: DataProductEntityV1alpha1,
): Promise<ProvisionedProduct> {
  const { plan, desired, issues } = await planProducts(
    [product],
    h.platform,
    h.adapter,
  );
  expect(issues).toEqual([]);
  expect((await applyPlan(plan!, h.adapter)).error).toBeUndefined();
  const names = desired!.products[0];
  const table = h.adapter.dialect.qualifiedTable(
    { database: names.database, schema: names.outputSchema },
    'events',
  );
  await h.queryAs(
    names.roles.service,
    names.database,
    `CREATE TABLE ${table} (id INT)`,
  );
  await h.queryAs(
    names.roles.service,
    names.database,
    `INSERT INTO ${table} (id) VALUES (1), (2), (3)`,
  );
  return names;
}
