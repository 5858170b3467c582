import {
  type PostgresWarehouseAdapter,
  createPgliteWarehouseAdapter,
  quotePgIdentifier,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
  type ExampleTable,
  createTableSql,
  pgTypeOf,
  pgTypeSql,
  refreshSql,
} from './sql';

const metadata = {
  loadedAt: 'loaded_at',
  recordType: 'record_type',
  sourceSystem: 'source_system',
};

describe('pgTypeOf', () => {
  it.each([
    ['varchar(20)', 'varchar(20)'],
    ['VARCHAR(6)', 'varchar(6)'],
    ['string', 'text'],
    ['integer', 'integer'],
    ['number(14,2)', 'numeric(14, 2)'],
    ['decimal(5, 4)', 'numeric(5, 4)'],
    ['number', 'numeric'],
    ['timestamp_ntz', 'timestamp'],
    ['timestamp_tz', 'timestamptz'],
    ['date', 'date'],
    ['boolean', 'boolean'],
    ['array<varchar(8)>', 'varchar(8)[]'],
    ['variant', 'jsonb'],
    ['geography', 'text'],
    ['varchar(20); drop table x', 'text'],
    ['number(3,9)', 'numeric'],
  ])('%s → %s', (type, sql) => {
    expect(pgTypeSql(pgTypeOf(type))).toBe(sql);
  });
});

describe('example table SQL', () => {
  const table = (columns: ExampleTable['columns']): ExampleTable => ({
    qualifiedName: '"s"."t"',
    columns,
    metadata,
  });

  it('refuses column names that are not plain identifiers', () => {
    expect(() =>
      createTableSql(
        table([{ name: 'x" text); drop table y; --', type: 'string' }]),
        quotePgIdentifier,
      ),
    ).toThrow();
  });

  it('refuses unsafe literals and row counts', () => {
    const t = table([{ name: 'id', type: 'integer' }]);
    const load = {
      loadedAt: 0,
      rows: 10,
      recordType: 'r',
      sourceSystem: 's',
    };
    expect(() =>
      refreshSql(t, quotePgIdentifier, { ...load, recordType: "r'; --" }),
    ).toThrow(/unsafe literal/);
    expect(() =>
      refreshSql(t, quotePgIdentifier, { ...load, rows: 1.5 }),
    ).toThrow(/invalid row count/);
  });

  it('adds only the metadata columns the spec does not declare', () => {
    const sql = createTableSql(
      table([
        { name: 'id', type: 'integer' },
        { name: 'loaded_at', type: 'timestamp_ntz' },
      ]),
      quotePgIdentifier,
    );
    expect(sql).toBe(
      'CREATE TABLE IF NOT EXISTS "s"."t" ("id" integer, "loaded_at" timestamptz not null, "record_type" text, "source_system" text not null)',
    );
  });

  describe('on PGlite', () => {
    let adapter: PostgresWarehouseAdapter;
    beforeAll(async () => {
      adapter = await createPgliteWarehouseAdapter({ inMemory: true });
      await adapter.connection.query('CREATE SCHEMA s');
    });
    afterAll(() => adapter?.close());

    it('loads values that fit every type, and replaces the rows on each load', async () => {
      const t = table(
        [
          'varchar(2)',
          'string',
          'integer',
          'bigint',
          'number(5,4)',
          'decimal(14,2)',
          'number(3,3)',
          'number',
          'double',
          'boolean',
          'date',
          'timestamp_ntz',
          'timestamp_tz',
          'time',
          'array<varchar(8)>',
          'object',
          'geography',
        ].map((type, i) => ({ name: `c${i}`, type })),
      );
      await adapter.connection.query(createTableSql(t, quotePgIdentifier));
      const load = (loadedAt: number, rows: number) =>
        adapter.connection.query(
          refreshSql(t, quotePgIdentifier, {
            loadedAt,
            rows,
            recordType: 'things',
            sourceSystem: 'erp+crm',
          }),
        );
      await load(Date.UTC(2025, 0, 1, 5), 500);
      await load(Date.UTC(2025, 0, 2, 5), 300);
      const [r] = await adapter.connection.query<Record<string, string>>(
        `select count(*)::text as n, max(loaded_at)::text as loaded,
                count(distinct c1)::text as texts, max(length(c0))::text as short,
                max(c4)::text as c4, min(record_type) as rt, min(source_system) as ss
         from s.t`,
      );
      expect(r.n).toBe('300');
      expect(new Date(r.loaded).getTime()).toBe(Date.UTC(2025, 0, 2, 5));
      expect(Number(r.texts)).toBeGreaterThan(250);
      expect(r.short).toBe('2');
      expect(Number(r.c4)).toBeLessThan(10);
      expect([r.rt, r.ss]).toEqual(['things', 'erp+crm']);
    });
  });
});
