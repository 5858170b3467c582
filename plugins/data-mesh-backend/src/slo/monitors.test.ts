import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import { DEFAULT_SLO_DEFAULTS } from '@datamesh/plugin-data-mesh-common';
import { platformConfig } from '@datamesh/plugin-data-mesh-node';
import { isDataProduct, monitorsFromEntity } from './monitors';

const D = 86_400_000;

function product(
  spec: Partial<DataProductEntityV1alpha1['spec']>,
  name = 'orders',
): DataProductEntityV1alpha1 {
  return {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name, namespace: 'default', title: 'Orders' },
    spec: {
      type: 'source-aligned',
      lifecycle: 'production',
      owner: 'sales-data',
      domain: 'domain:default/sales',
      certified: false,
      datasets: [{ name: 'order_lines', columns: [] }],
      ...spec,
    },
  };
}

const options = {
  platform: platformConfig(),
  defaults: { ...DEFAULT_SLO_DEFAULTS },
};

describe('monitorsFromEntity', () => {
  it('derives one monitor per objective, on the table provisioning creates', () => {
    const monitors = monitorsFromEntity(
      product({
        slos: [
          { name: 'available', dimension: 'availability', objective: 'up' },
          {
            name: 'fresh',
            dimension: 'freshness',
            objective: 'daily',
            maxAge: '26h',
            target: 0.9,
          },
        ],
      }),
      options,
    );
    expect(monitors).toEqual([
      {
        entityRef: 'dataproduct:default/orders',
        namespace: 'default',
        name: 'orders',
        productTitle: 'Orders',
        owner: 'group:default/sales-data',
        domain: 'domain:default/sales',
        sloName: 'available',
        dimension: 'availability',
        objective: 'up',
        dataset: 'order_lines',
        target: 0.8,
        window: '20d',
        slice: '1d',
        windowMs: 20 * D,
        sliceMs: D,
        // DEFAULT_PLATFORM_CONFIG: database {org}_{domain}_{stage}, schema {product}_{layer}
        table: {
          database: 'acme_sales_dev',
          schema: 'orders_output',
          table: 'order_lines',
        },
      },
      expect.objectContaining({
        sloName: 'fresh',
        target: 0.9,
        maxAgeMs: 26 * 3_600_000,
        table: {
          database: 'acme_sales_dev',
          schema: 'orders_output',
          table: 'order_lines',
        },
      }),
    ]);
  });

  it('uses the dataset table when the spec names it, case-insensitively', () => {
    const [full, partial, bare] = monitorsFromEntity(
      product({
        datasets: [
          { name: 'a', table: 'EH_SALES_PROD.ORDERS.ORDER_LINES', columns: [] },
          { name: 'b', table: 'reporting.daily', columns: [] },
          { name: 'c-d', columns: [] },
        ],
        slos: [
          {
            name: 'x',
            dimension: 'availability',
            objective: 'x',
            dataset: 'a',
          },
          {
            name: 'y',
            dimension: 'availability',
            objective: 'y',
            dataset: 'b',
          },
          {
            name: 'z',
            dimension: 'availability',
            objective: 'z',
            dataset: 'c-d',
          },
        ],
      }),
      options,
    );
    expect(full.table).toEqual({
      database: 'eh_sales_prod',
      schema: 'orders',
      table: 'order_lines',
    });
    expect(partial.table).toEqual({
      database: 'acme_sales_dev',
      schema: 'reporting',
      table: 'daily',
    });
    expect(bare.table).toEqual({
      database: 'acme_sales_dev',
      schema: 'orders_output',
      table: 'c_d',
    });
  });

  it('keeps objectives that cannot be monitored, with the reason', () => {
    const monitors = monitorsFromEntity(
      product({
        datasets: [
          { name: 'a', table: 'db."odd name".t', columns: [] },
          { name: 'b', columns: [] },
        ],
        slos: [
          {
            name: 'p1',
            dimension: 'availability',
            objective: 'x',
            dataset: 'a',
          },
          {
            name: 'p2',
            dimension: 'availability',
            objective: 'x',
            dataset: 'nope',
          },
          {
            name: 'p3',
            dimension: 'freshness',
            objective: 'x',
            dataset: 'b',
            window: '20d',
            slice: '7h',
          },
        ],
      }),
      options,
    );
    expect(monitors.map(m => m.problem)).toEqual([
      `table 'db."odd name".t': '"odd name"' is not a plain identifier (letters, digits and _; quoted names are not supported)`,
      "dataset 'nope' is not one of the product's datasets",
      "window 20d is not a whole number of 7h slices, so the window's first slice would be partial",
    ]);
    expect(monitors[0].table).toBeUndefined();
    expect(monitors[2].table).toBeDefined();
  });

  it('reports a product whose provisioned names cannot be derived', () => {
    const [m] = monitorsFromEntity(
      product({
        domain: 'domain:default/Not_An_Identifier!',
        slos: [{ name: 'x', dimension: 'availability', objective: 'x' }],
      }),
      options,
    );
    expect(m.problem).toMatch(
      /^the provisioned table names cannot be derived: /,
    );
    expect(m.table).toBeUndefined();
  });

  it('applies platform defaults and rejects slices below the collection interval', () => {
    const [m] = monitorsFromEntity(
      product({
        slos: [
          {
            name: 'x',
            dimension: 'completeness',
            objective: 'x',
            slice: '1m',
            window: '1d',
          },
        ],
      }),
      {
        ...options,
        defaults: { ...options.defaults, tolerance: 0.1 },
        collectionIntervalMs: 300_000,
      },
    );
    expect(m.tolerance).toBe(0.1);
    expect(m.problem).toBe(
      'slice 1m is shorter than the collection interval, so most slices would have no observation',
    );
  });

  it('has no monitors without objectives, and recognises the kind', () => {
    expect(monitorsFromEntity(product({ slos: [] }), options)).toEqual([]);
    expect(isDataProduct(product({}))).toBe(true);
    expect(
      isDataProduct({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'x' },
      }),
    ).toBe(false);
  });
});
