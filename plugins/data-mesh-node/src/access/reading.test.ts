import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import { computeDesiredState } from '../warehouse/desiredState';
import { platformConfig } from '../warehouse/platform';
import type { WarehouseDialect } from '../warehouse/types';
import { testDataProduct } from '../testUtils/products';
import { portReading } from './reading';

const dialect: WarehouseDialect = {
  id: 'test',
  displayName: 'TestSQL',
  maxIdentifierLength: 63,
  quoteIdentifier: n => {
    if (!/^[a-z_][a-z0-9_]*$/.test(n)) throw new Error(`refusing '${n}'`);
    return `"${n}"`;
  },
  qualifiedSchema: r => `"${r.database}"."${r.schema}"`,
  qualifiedTable: (r, t) => `"${r.database}"."${r.schema}"."${t}"`,
  readerSession: ({ role, compute }) => ({
    statements: [
      `USE ROLE "${role}"`,
      ...(compute ? [`USE COMPUTE "${compute}"`] : []),
    ],
  }),
  statements: () => [],
};

/** Two datasets (one with personal data), a port on each and one on none. */
function product(): DataProductEntityV1alpha1 {
  const p = testDataProduct('orders', 'sales', { pii: true });
  p.spec.datasets!.push({
    name: 'daily-totals',
    columns: [{ name: 'total', type: 'number' }],
  });
  p.spec.outputPorts = [
    { name: 'events', type: 'sql', dataset: 'events' },
    { name: 'totals', type: 'sql', dataset: 'daily-totals' },
    { name: 'everything', type: 'sql' },
  ];
  return p;
}

function reading(
  options: {
    port?: string;
    pii?: boolean;
    masking?: 'masked-views' | 'masking-policies';
    compute?: boolean;
    grantee?: string;
  } = {},
) {
  const entity = product();
  const names = computeDesiredState(
    [entity],
    platformConfig({ organization: 'acme' }),
    { masking: options.masking },
  ).desired!.products[0];
  return portReading(
    {
      product: entity,
      names,
      outputPort: options.port ?? 'events',
      grantee: options.grantee ?? 'team_analysts',
      pii: options.pii ?? false,
    },
    { dialect, capabilities: { compute: options.compute ?? true } },
  );
}

describe('portReading', () => {
  it("reads a port's dataset from the masked views without PII, from the output table with it", () => {
    expect(reading()).toEqual({
      role: '"team_analysts"',
      tables: [
        {
          dataset: 'events',
          table: '"acme_sales_dev"."orders_masked"."events"',
          maskedColumns: ['email'],
        },
      ],
      statements: [
        'USE ROLE "team_analysts"',
        'USE COMPUTE "acme_sales_wh"',
        'SELECT * FROM "acme_sales_dev"."orders_masked"."events" LIMIT 10',
      ],
    });
    expect(reading({ pii: true }).tables).toEqual([
      {
        dataset: 'events',
        table: '"acme_sales_dev"."orders_output"."events"',
        maskedColumns: [],
      },
    ]);
  });

  it('reads the output tables with masking policies, the PII columns masked for a plain request', () => {
    expect(reading({ masking: 'masking-policies' }).tables).toEqual([
      {
        dataset: 'events',
        table: '"acme_sales_dev"."orders_output"."events"',
        maskedColumns: ['email'],
      },
    ]);
  });

  it("names the table by the dataset's SQL name, and a port without a dataset serves every dataset", () => {
    expect(reading({ port: 'totals' }).tables.map(t => t.table)).toEqual([
      '"acme_sales_dev"."orders_masked"."daily_totals"',
    ]);
    expect(reading({ port: 'everything' }).statements.slice(2)).toEqual([
      'SELECT * FROM "acme_sales_dev"."orders_masked"."events" LIMIT 10',
      'SELECT * FROM "acme_sales_dev"."orders_masked"."daily_totals" LIMIT 10',
    ]);
  });

  it('leaves the compute out where the warehouse has none', () => {
    expect(reading({ compute: false }).statements).toEqual([
      'USE ROLE "team_analysts"',
      'SELECT * FROM "acme_sales_dev"."orders_masked"."events" LIMIT 10',
    ]);
  });

  it('refuses a grantee the dialect refuses', () => {
    expect(() => reading({ grantee: 'x"; DROP ROLE y; --' })).toThrow(
      /refusing/,
    );
  });
});
