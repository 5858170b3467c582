import { createServiceFactory } from '@backstage/backend-plugin-api';
import type { WarehouseAdapter } from '../warehouse/types';
import { warehouseServiceRef } from '../service/warehouseService';

/**
 * A warehouse service factory for test backends that serves an adapter the
 * test opened and owns: the backend never closes it. `adapter` may be a
 * function, called on each use, for tests that swap warehouses.
 * @public
 */
export function testWarehouseServiceFactory(
  adapter: WarehouseAdapter | (() => WarehouseAdapter | undefined),
  options: { type?: string } = {},
) {
  const current = () => (typeof adapter === 'function' ? adapter() : adapter);
  return createServiceFactory({
    service: warehouseServiceRef,
    deps: {},
    factory: () => ({
      type: options.type ?? 'pglite',
      description: `test warehouse (${options.type ?? 'pglite'})`,
      async getAdapter() {
        const a = current();
        if (!a) throw new Error('no warehouse in this test backend');
        return a;
      },
    }),
  });
}
