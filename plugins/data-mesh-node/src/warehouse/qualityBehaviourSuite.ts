/*
 * Counting for data-quality checks on a real warehouse: every adapter
 * module runs this suite against its own warehouse (PGlite, PostgreSQL,
 * the Snowflake fake). Many tables are counted in one statement; a table
 * or column that is not there costs its own counts only; values a spec
 * author lists reach SQL as literals and cannot break out of them.
 */
/* eslint-disable jest/no-export -- a suite shared by adapter modules, not a test file of its own */
import {
  type QualityMeasure,
  qualityMeasureKey,
} from '@datamesh/plugin-data-mesh-common';
import type { WarehouseTestHarness } from '../testUtils/behaviourSuite';
import { type ProductQualityCheck, runQualityChecks } from './qualityRun';
import { testDataProduct } from '../testUtils/products';
import { provisionWithRows } from '../testUtils/provision';

/**
 * Register the quality-counting suite for one adapter. Call at the top level of a test file.
 * @public
 */
export function runQualityBehaviourSuite(
  name: string,
  makeHarness: () => Promise<WarehouseTestHarness>,
  options: {
    timeoutMs?: number;
    /** The adapter runs a sql check's query in a read-only transaction (PostgreSQL). */
    readOnlyQueries?: boolean;
  } = {},
): void {
  const timeout = options.timeoutMs ?? 300_000;

  describe(`Data-quality counts: ${name}`, () => {
    let h: WarehouseTestHarness;

    beforeAll(async () => {
      h = await makeHarness();
    }, timeout);
    afterAll(async () => {
      await h?.cleanup();
    }, timeout);

    it(
      'counts the measures of several tables in one statement, and a broken table on its own',
      async () => {
        if (!h.adapter.measureQuality) {
          throw new Error(`${name}: the adapter does not count quality`);
        }
        // `events` (three rows) comes with the product
        const names = await provisionWithRows(
          h,
          testDataProduct('gauges', `${h.domainPrefix}_dq`),
        );
        const ref = { database: names.database, schema: names.outputSchema };
        const readings = h.adapter.dialect.qualifiedTable(ref, 'readings');
        await h.queryAs(
          names.roles.service,
          names.database,
          `CREATE TABLE ${readings} (id INT, ward VARCHAR(20), code INT, price NUMERIC(10,2))`,
        );
        await h.queryAs(
          names.roles.service,
          names.database,
          `INSERT INTO ${readings} (id, ward, code, price) VALUES (1, 'a', 1, 1.5), (2, 'a', 2, 1.5), (3, NULL, NULL, NULL), (4, '', 3, 2), (5, 'O''Brien', 3, -0.25), (6, 'b', 4, 3.75)`,
        );
        // a composite key: (1, 1) twice, and a row with a null in it
        const pairs = h.adapter.dialect.qualifiedTable(ref, 'pairs');
        await h.queryAs(
          names.roles.service,
          names.database,
          `CREATE TABLE ${pairs} (a INT, b VARCHAR(5))`,
        );
        await h.queryAs(
          names.roles.service,
          names.database,
          `INSERT INTO ${pairs} (a, b) VALUES (1, '1'), (1, '1'), (1, '2'), (NULL, '1'), (2, NULL)`,
        );
        const m = {
          rows: { kind: 'rows' },
          pairsPresent: { kind: 'nonNullRows', columns: ['a', 'b'] },
          pairsDistinct: { kind: 'distinctRows', columns: ['a', 'b'] },
          wardPresent: { kind: 'nonNull', column: 'ward' },
          wardDistinct: { kind: 'distinct', column: 'ward' },
          wardMissing: { kind: 'inList', column: 'ward', values: ['', 'N/A'] },
          // a value that would end a literal, and one with a backslash
          wardInvalid: {
            kind: 'notInList',
            column: 'ward',
            values: ['a', 'b', "x'); DROP TABLE x; --", 'x\\'],
          },
          codeDistinct: { kind: 'distinct', column: 'code' },
          codeInvalid: {
            kind: 'notInList',
            column: 'code',
            values: ['1', '2', '3'],
          },
          // a decimal column: as numbers 1.5 is 1.50 and 2 is 2.00 (one
          // price outside the list); as text neither is
          priceInvalid: {
            kind: 'notInList',
            column: 'price',
            values: ['1.5', '2', '-0.25'],
            numeric: true,
          },
          priceInvalidAsText: {
            kind: 'notInList',
            column: 'price',
            values: ['1.5', '2', '-0.25'],
          },
          priceMissing: {
            kind: 'inList',
            column: 'price',
            values: ['-0.25'],
            numeric: true,
          },
          // patterns, searched: '' and O'Brien are not lower-case
          // letters; only O'Brien holds a quote; every code is one digit
          wardNotWord: {
            kind: 'notMatching',
            column: 'ward',
            pattern: '^[a-z]+$',
          },
          wardNoQuote: { kind: 'notMatching', column: 'ward', pattern: "'" },
          codeNotDigit: {
            kind: 'notMatching',
            column: 'code',
            pattern: '^\\d$',
          },
          missingColumn: { kind: 'nonNull', column: 'nothing_here' },
        } satisfies Record<string, QualityMeasure>;
        const schema = names.outputSchema;
        const before = h.queryCount();
        const counted = await h.adapter.measureQuality(names.database, [
          {
            schema,
            table: 'readings',
            measures: [
              m.rows,
              m.wardPresent,
              m.wardDistinct,
              m.wardMissing,
              m.wardInvalid,
              m.codeDistinct,
              m.codeInvalid,
              m.priceInvalid,
              m.priceInvalidAsText,
              m.priceMissing,
              m.wardNotWord,
              m.wardNoQuote,
              m.codeNotDigit,
              m.rows, // asked twice, counted once
            ],
          },
          { schema, table: 'events', measures: [m.rows] },
          {
            schema,
            table: 'pairs',
            measures: [m.rows, m.pairsPresent, m.pairsDistinct],
          },
        ]);
        expect(h.queryCount() - before).toBe(1);
        const counts = (i: number) =>
          Object.fromEntries(
            Object.entries(m)
              .filter(([, v]) => counted[i].counts?.has(qualityMeasureKey(v)))
              .map(([k, v]) => [
                k,
                counted[i].counts!.get(qualityMeasureKey(v)),
              ]),
          );
        expect(counted.map(c => [c.table, c.error])).toEqual([
          ['readings', undefined],
          ['events', undefined],
          ['pairs', undefined],
        ]);
        expect(counts(0)).toEqual({
          rows: 6,
          wardPresent: 5,
          wardDistinct: 4, // a, '', O'Brien, b
          wardMissing: 1, // ''; the null is counted by the reader apart
          wardInvalid: 2, // '' and O'Brien
          codeDistinct: 4,
          codeInvalid: 1, // 4 (compared as text)
          priceInvalid: 1, // 3.75
          priceInvalidAsText: 4, // 1.50, 1.50, 2.00 and 3.75
          priceMissing: 1,
          wardNotWord: 2,
          wardNoQuote: 4,
          codeNotDigit: 0,
        });
        expect(counts(1)).toEqual({ rows: 3 });
        // rows with both values: 3, of which 2 distinct pairs (1 duplicate)
        expect(counts(2)).toEqual({
          rows: 5,
          pairsPresent: 3,
          pairsDistinct: 2,
        });
        // the table is still there, untouched by the listed values
        await expect(
          h.queryAs(
            names.roles.service,
            names.database,
            `SELECT id FROM ${readings}`,
          ),
        ).resolves.toHaveLength(6);

        // a missing table costs its own counts only, a missing column and
        // one compared as numbers though it holds text theirs only: the
        // table's other counts stand
        const wardAsNumber: QualityMeasure = {
          kind: 'notInList',
          column: 'ward',
          values: ['1'],
          numeric: true,
        };
        // and one that is no name at all is refused before it is sent
        const notAName: QualityMeasure = {
          kind: 'nonNull',
          column: 'ward"; DROP TABLE x; --',
        };
        const brokenBefore = h.queryCount();
        const broken = await h.adapter.measureQuality(names.database, [
          {
            schema,
            table: 'readings',
            measures: [m.rows, m.missingColumn, wardAsNumber, notAName],
          },
          { schema, table: 'events', measures: [m.rows] },
          {
            schema,
            table: 'no_such_table',
            measures: [m.rows, m.wardPresent, m.wardDistinct],
          },
        ]);
        expect(broken.map(b => [b.table, b.counts?.size, !!b.error])).toEqual([
          ['readings', 1, false],
          ['events', 1, false],
          ['no_such_table', undefined, true],
        ]);
        expect(broken[0].counts?.get(qualityMeasureKey(m.rows))).toBe(6);
        expect([...broken[0].failed!.keys()].sort()).toEqual(
          [
            qualityMeasureKey(m.missingColumn),
            qualityMeasureKey(wardAsNumber),
            qualityMeasureKey(notAName),
          ].sort(),
        );
        expect(broken[0].failed!.get(qualityMeasureKey(notAName))).toMatch(
          /ward/,
        );
        expect(
          broken[0].failed!.get(qualityMeasureKey(m.missingColumn)),
        ).toMatch(/nothing_here/i);
        expect(broken[1].counts?.get(qualityMeasureKey(m.rows))).toBe(3);
        // the extra statements only where something broke: the chunk, then
        // each table, then the rows of each broken table and, where they
        // count, each of its other measures
        expect(broken[2].error).toMatch(/no_such_table/i);
        expect(h.queryCount() - brokenBefore).toBe(1 + 3 + (1 + 2) + 1);
      },
      timeout,
    );

    it(
      "runs a sql check's own query (the pipeline's, with --sql) as one statement, its number judged",
      async () => {
        const names = await provisionWithRows(
          h,
          testDataProduct('meters', `${h.domainPrefix}_dqs`),
        );
        const table = {
          database: names.database,
          schema: names.outputSchema,
          table: 'events',
        };
        const sqlCheck = (
          key: string,
          query: string,
          mustBe: number,
          column?: string,
        ): ProductQualityCheck => ({
          key,
          dataset: 'events',
          ...(column ? { column } : {}),
          check: { type: 'sql', query, mustBe },
          table,
        });
        const checks = [
          sqlCheck('late', 'SELECT COUNT(*) FROM ${table} WHERE id > 1', 0),
          sqlCheck('ids', 'SELECT COUNT(${column}) FROM ${table};', 3, 'id'),
          sqlCheck('none', 'SELECT id FROM ${table} WHERE id = 9', 0),
          ...(options.readOnlyQueries
            ? [
                sqlCheck(
                  'writes',
                  'WITH d AS (DELETE FROM ${table} RETURNING id) SELECT COUNT(*) FROM d',
                  0,
                ),
              ]
            : []),
        ];
        const readOnly = expect.stringMatching(/read-only/);
        // the portal's run leaves them to the pipeline, sending nothing
        let before = h.queryCount();
        const portal = await runQualityChecks(h.adapter, checks);
        expect(portal.map(r => r.status)).toEqual(checks.map(() => 'not-run'));
        expect(h.queryCount()).toBe(before);

        before = h.queryCount();
        const results = await runQualityChecks(h.adapter, checks, {
          sql: true,
        });
        expect(h.queryCount() - before).toBeGreaterThanOrEqual(checks.length);
        expect(
          results.map(r => [r.key, r.status, r.outcome?.value ?? r.message]),
        ).toEqual([
          ['late', 'failed', 2],
          ['ids', 'passed', 3],
          [
            'none',
            'error',
            'the query must return one row with one number; it returned 0 rows',
          ],
          ...(options.readOnlyQueries ? [['writes', 'error', readOnly]] : []),
        ]);
        expect(results[0].counts).toEqual([
          {
            measure: { kind: 'query', query: checks[0].check.query },
            count: 2,
          },
        ]);
        // one statement only, whoever assembled it
        const qualified = h.adapter.dialect.qualifiedTable(
          { database: names.database, schema: names.outputSchema },
          'events',
        );
        await expect(
          h.adapter.runQualityQuery!(
            names.database,
            `SELECT COUNT(*) FROM ${qualified}; DELETE FROM ${qualified}`,
          ),
        ).rejects.toThrow();
        await expect(
          h.queryAs(
            names.roles.service,
            names.database,
            `SELECT id FROM ${qualified}`,
          ),
        ).resolves.toHaveLength(3);
      },
      timeout,
    );

    it('refuses a listed value that is not a number in a numeric comparison before anything is sent', async () => {
      const before = h.queryCount();
      const [reading] = await h.adapter.measureQuality!('nowhere', [
        {
          schema: 'nowhere',
          table: 'readings',
          measures: [
            {
              kind: 'notInList',
              column: 'price',
              values: ['1', '1) OR (1=1'],
              numeric: true,
            },
          ],
        },
      ]);
      expect(reading.counts).toBeUndefined();
      expect(reading.error).toMatch(/is not a number/);
      expect(h.queryCount()).toBe(before);
    });

    it('refuses a column name that is not an identifier before anything is sent', async () => {
      const before = h.queryCount();
      const [reading] = await h.adapter.measureQuality!('nowhere', [
        {
          schema: 'nowhere',
          table: 'readings',
          measures: [{ kind: 'nonNull', column: 'ward"; DROP TABLE x; --' }],
        },
      ]);
      expect(reading.counts).toBeUndefined();
      expect(reading.error).toMatch(/ward/);
      expect(h.queryCount()).toBe(before);
    });
  });
}
