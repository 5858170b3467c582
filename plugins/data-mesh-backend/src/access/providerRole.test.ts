import { DEFAULT_PLATFORM_CONFIG } from '@datamesh/plugin-data-mesh-node';
import { testDataProduct } from '@datamesh/plugin-data-mesh-node/testUtils';
import { productRoles, readRoleOf } from './policy';

describe('the product role a request receives', () => {
  const platform = DEFAULT_PLATFORM_CONFIG;

  it('is the PII consumer role for a PII request on a product with PII columns, else the consumer role', () => {
    const product = testDataProduct('orders', 'sales', { pii: true });
    expect(productRoles(product, platform, 'product')).toEqual({
      consumer: 'sales_orders_consumer',
      service: 'sales_orders_service',
      owner: 'sales_orders_owner',
      pii: 'sales_orders_consumer_pii',
    });
    expect(readRoleOf(product, platform, true, 'product')).toEqual({
      role: 'sales_orders_consumer_pii',
      pii: true,
    });
    expect(readRoleOf(product, platform, false, 'product')).toEqual({
      role: 'sales_orders_consumer',
      pii: false,
    });
  });

  it('is the consumer role on a product without PII columns, and no read of personal data: there is nothing to unmask', () => {
    const product = testDataProduct('orders', 'sales');
    expect(productRoles(product, platform, 'product').pii).toBeUndefined();
    expect(readRoleOf(product, platform, true, 'product')).toEqual({
      role: 'sales_orders_consumer',
      pii: false,
    });
  });
});
