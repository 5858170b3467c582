import { loadTimestampCarriers, readTableStats, tableStatsSql } from './stats';

const tables = [
  { schema: 'orders_output', table: 'orders' },
  { schema: 'orders_raw', table: 'events' },
];

describe('tableStatsSql', () => {
  it('reads INFORMATION_SCHEMA.TABLES alone when no load-timestamp column is asked for', () => {
    expect(tableStatsSql('acme_sales_dev', tables)).toBe(
      `SELECT 'table' AS KIND, TABLE_SCHEMA, TABLE_NAME, ROW_COUNT, BYTES, LAST_ALTERED, NULL AS LOADED_AT FROM "ACME_SALES_DEV".INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA IN ('ORDERS_OUTPUT', 'ORDERS_RAW')`,
    );
  });

  it('adds which tables carry the column, and max(column) of those known to', () => {
    const sql = tableStatsSql('acme_sales_dev', tables, {
      column: 'loaded_at',
      carriers: [tables[0]],
    });
    const parts = sql.split(' UNION ALL ');
    expect(parts).toHaveLength(3);
    expect(parts[1]).toBe(
      `SELECT 'column' AS KIND, TABLE_SCHEMA, TABLE_NAME, NULL AS ROW_COUNT, NULL AS BYTES, NULL AS LAST_ALTERED, NULL AS LOADED_AT FROM "ACME_SALES_DEV".INFORMATION_SCHEMA.COLUMNS WHERE COLUMN_NAME = 'LOADED_AT' AND TABLE_SCHEMA IN ('ORDERS_OUTPUT', 'ORDERS_RAW')`,
    );
    expect(parts[2]).toBe(
      `SELECT 'loaded' AS KIND, 'ORDERS_OUTPUT' AS TABLE_SCHEMA, 'ORDERS' AS TABLE_NAME, NULL AS ROW_COUNT, NULL AS BYTES, NULL AS LAST_ALTERED, MAX("LOADED_AT") AS LOADED_AT FROM "ACME_SALES_DEV"."ORDERS_OUTPUT"."ORDERS"`,
    );
    expect(() =>
      tableStatsSql('acme_sales_dev', tables, {
        column: 'loaded_at"; DROP TABLE x; --',
        carriers: [],
      }),
    ).toThrow();
  });
});

describe('readTableStats', () => {
  const row = (kind: string, schema: string, table: string, extra = {}) => ({
    KIND: kind,
    TABLE_SCHEMA: schema,
    TABLE_NAME: table,
    ROW_COUNT: null,
    BYTES: null,
    LAST_ALTERED: null,
    LOADED_AT: null,
    ...extra,
  });
  const altered = new Date('2024-06-03T00:00:00Z');
  const rows = [
    row('table', 'ORDERS_OUTPUT', 'ORDERS', {
      ROW_COUNT: 2,
      BYTES: 10,
      LAST_ALTERED: altered,
    }),
    row('table', 'ORDERS_RAW', 'EVENTS', {
      ROW_COUNT: 0,
      LAST_ALTERED: altered,
    }),
    row('column', 'ORDERS_OUTPUT', 'ORDERS'),
    row('loaded', 'ORDERS_OUTPUT', 'ORDERS', {
      LOADED_AT: new Date('2024-06-01T12:00:00Z'),
    }),
  ];

  it('prefers the newest load timestamp, says which source it used, and lists the carriers', () => {
    expect(readTableStats(tables, rows)).toEqual([
      {
        ...tables[0],
        exists: true,
        rowCount: 2,
        bytes: 10,
        lastAltered: '2024-06-01T12:00:00.000Z',
        freshnessSource: 'loaded_at',
      },
      {
        ...tables[1],
        exists: true,
        rowCount: 0,
        bytes: undefined,
        lastAltered: altered.toISOString(),
        freshnessSource: 'last_altered',
      },
    ]);
    expect([...loadTimestampCarriers(rows)]).toEqual(['ORDERS_OUTPUT.ORDERS']);
  });

  it('reports no freshness for a carrier with no rows rather than LAST_ALTERED', () => {
    const empty = rows.map(r =>
      r.KIND === 'loaded' ? { ...r, LOADED_AT: null } : r,
    );
    expect(readTableStats([tables[0]], empty)[0]).toEqual({
      ...tables[0],
      exists: true,
      rowCount: 2,
      bytes: 10,
      freshnessSource: 'loaded_at',
    });
  });
});
