import type { DocumentPath } from '../issues';
import type { QualityCheck } from '../model';
import {
  describeQualityCheck,
  evaluateQualityCheck,
  isNumberText,
  isNumericColumnType,
  qualityCheckCron,
  qualityCheckRunner,
  qualityCheckToOdcs,
  qualityChecksOfDatasets,
  qualityMeasureKey,
  qualityMeasuresOf,
} from './checks';
import { type QualityLevel, readQualityChecks } from './read';
import { qualityQueryStatement } from './sqlCheck';
import { qualityPatternProblem } from './pattern';

function read(raw: unknown, level: QualityLevel = 'column') {
  const problems: string[] = [];
  const checks = readQualityChecks(
    raw,
    ['quality'],
    (path: DocumentPath, message: string, severity = 'error') =>
      problems.push(`${severity} ${path.join('.')}: ${message}`),
    level,
  );
  return { checks, problems };
}

/** Counts as a warehouse would return them for a column's values. */
function countsFor(values: (string | number | null)[], check: QualityCheck) {
  const counts = new Map<string, number>();
  for (const m of qualityMeasuresOf(check, { name: 'c' })) {
    const present = values.filter(v => v !== null).map(String);
    let n: number;
    if (m.kind === 'rows') n = values.length;
    else if (m.kind === 'nonNull') n = present.length;
    else if (m.kind === 'distinct') n = new Set(present).size;
    else if (m.kind === 'inList')
      n = present.filter(v => m.values.includes(v)).length;
    else if (m.kind === 'notInList')
      n = present.filter(v => !m.values.includes(v)).length;
    else throw new Error(`${m.kind}: over several columns`);
    counts.set(qualityMeasureKey(m), n);
  }
  return counts;
}

describe('readQualityChecks', () => {
  it('reads ODCS library checks, with their arguments and words', () => {
    const { checks, problems } = read([
      { metric: 'nullValues', mustBe: 0, severity: 'error' },
      {
        id: 'known-states',
        type: 'library',
        metric: 'invalidValues',
        arguments: { validValues: ['open', 'closed', 3] },
        mustBeLessThan: 1,
        unit: 'Percent',
        dimension: 'conformity',
      },
      {
        rule: 'missingValues', // the deprecated spelling of metric
        arguments: { missingValues: [null, '', 'N/A'] },
        mustBeLessOrEqualTo: 10,
      },
      { metric: 'duplicateValues', mustBeBetween: [0, 5] },
      { type: 'text', description: 'Values are checked by the stewards' },
      {
        type: 'sql',
        query: 'SELECT COUNT(*) FROM ${table} WHERE amount < 0',
        mustBe: 0,
      },
    ]);
    expect(problems).toEqual([]);
    expect(checks).toEqual([
      { metric: 'nullValues', mustBe: 0, severity: 'error' },
      {
        name: 'known-states',
        metric: 'invalidValues',
        validValues: ['open', 'closed', 3],
        mustBeLessThan: 1,
        unit: 'percent',
        dimension: 'conformity',
      },
      {
        metric: 'missingValues',
        missingValues: ['', 'N/A'],
        mustBeLessOrEqualTo: 10,
      },
      { metric: 'duplicateValues', mustBeBetween: [0, 5] },
      { type: 'text', description: 'Values are checked by the stewards' },
      {
        type: 'sql',
        query: 'SELECT COUNT(*) FROM ${table} WHERE amount < 0',
        mustBe: 0,
      },
    ]);
    expect(checks.map(describeQualityCheck)).toEqual([
      'null values must be 0',
      'invalid values (percent of rows) must be less than 1 %',
      'missing values must be at most 10',
      'duplicate values must be between 0 and 5',
      'Values are checked by the stewards',
      "the query's result must be 0",
    ]);
  });

  it('reads the kind’s own form (lists beside the metric) and writes ODCS back', () => {
    const odcs = qualityCheckToOdcs({
      name: 'states',
      metric: 'invalidValues',
      validValues: ['a'],
      mustBe: 0,
    });
    expect(odcs).toEqual({
      name: 'states',
      type: 'library',
      metric: 'invalidValues',
      mustBe: 0,
      arguments: { validValues: ['a'] },
    });
    const both = read([
      odcs,
      { metric: 'invalidValues', validValues: ['b'], mustBe: 0 },
    ]);
    expect(both.problems).toEqual([]);
    expect(both.checks.map(c => c.validValues)).toEqual([['a'], ['b']]);
  });

  it('says what is wrong, where, and keeps the other checks', () => {
    const { checks, problems } = read([
      { metric: 'nullValue', mustBe: 0 },
      { metric: 'nullValues' },
      { metric: 'nullValues', mustBe: 0, mustBeLessThan: 2 },
      { metric: 'rowCount', mustBeGreaterThan: 10 },
      { metric: 'nullValues', mustBe: '0' },
      { metric: 'nullValues', mustBeBetween: [5, 1] },
      { metric: 'nullValues', mustBeLessThan: 120, unit: 'percent' },
      { metric: 'nullValues', mustBe: 0, unit: 'lines' },
      { metric: 'invalidValues', mustBe: 0 },
      { metric: 'invalidValues', mustBe: 0, arguments: { pattern: '^A+?' } },
      {
        metric: 'invalidValues',
        mustBe: 0,
        arguments: { validValues: ["it's\nfine"] },
      },
      {
        metric: 'invalidValues',
        mustBe: 0,
        arguments: { validValues: Array.from({ length: 101 }, (_, i) => i) },
      },
      { type: 'sql', mustBe: 0 },
      { type: 'great-expectations' },
      'nullValues',
      { name: 'same', metric: 'nullValues', mustBe: 0 },
      { name: 'same', metric: 'duplicateValues', mustBe: 0 },
      { metric: 'duplicateValues', mustBe: 0 },
    ]);
    expect(problems).toEqual([
      "error quality.0.metric: quality metric 'nullValue' is not one of rowCount, nullValues, missingValues, invalidValues, duplicateValues",
      'error quality.1: say what the measure must be, e.g. mustBe: 0 or mustBeLessThan: 10',
      'error quality.2: a quality check compares once; it has mustBe and mustBeLessThan',
      'error quality.3.metric: rowCount counts a table’s rows: write it under the dataset, not a column'.replace(
        '’',
        "'",
      ),
      "error quality.4.mustBe: mustBe takes a number, not '0'",
      'error quality.5.mustBeBetween: mustBeBetween takes two numbers, the smaller first, e.g. [10, 100]',
      'error quality.6.mustBeLessThan: a percentage lies between 0 and 100',
      "error quality.7.unit: unit 'lines' is not rows or percent",
      'error quality.8: invalidValues needs the values the column may hold: list them in arguments.validValues, or give arguments.pattern',
      "error quality.9.arguments.pattern: a lazy or possessive quantifier (+?) is read differently by the warehouses; the portal measures literals, ., ^, $, *, +, ?, {n,m}, |, ( ), [ ] without backslashes, \\d \\w \\s and escaped punctuation; a pattern the portal cannot measure can be a sql check in your warehouse's own regular expressions",
      `error quality.10.arguments.validValues.0: "it's\\nfine" cannot be listed: a value is a number or one line of text of at most 200 characters`,
      'error quality.11.arguments.validValues: validValues may list at most 100 values',
      'error quality.12.query: a sql quality check needs its query (at most 10000 characters)',
      "error quality.13.type: quality check type 'great-expectations' is not one of library, sql, custom, text",
      'error quality.14: a quality check must be a mapping, e.g. metric: nullValues, mustBe: 0',
      "error quality.16.name: quality check 'same' is named twice here; give each check its own id or name",
    ]);
    expect(checks).toEqual([
      { name: 'same', metric: 'nullValues', mustBe: 0 },
      { metric: 'duplicateValues', mustBe: 0 },
    ]);
  });

  it('keeps a check’s own cron schedule, refuses one the portal cannot follow, and keeps another scheduler’s as written', () => {
    const { checks, problems } = read(
      [
        { metric: 'nullValues', mustBe: 0, schedule: '0 20 * * *' },
        {
          name: 'weekly',
          metric: 'duplicateValues',
          mustBe: 0,
          scheduler: 'cron',
          schedule: '@weekly',
        },
        {
          name: 'airflow',
          metric: 'nullValues',
          mustBe: 0,
          scheduler: 'airflow',
          schedule: 'daily_dq_dag',
        },
        {
          name: 'bad',
          metric: 'nullValues',
          mustBe: 0,
          schedule: '0 25 * * *',
        },
        { name: 'none', metric: 'nullValues', mustBe: 0, scheduler: 'cron' },
      ],
      'column',
    );
    expect(checks.map(c => [c.name, c.scheduler, c.schedule])).toEqual([
      [undefined, undefined, '0 20 * * *'],
      ['weekly', 'cron', '@weekly'],
      ['airflow', 'airflow', 'daily_dq_dag'],
    ]);
    expect(problems).toEqual([
      "error quality.3.schedule: '0 25 * * *': hour 25 is outside 0–23; the portal reads it in UTC",
      'error quality.4.schedule: scheduler cron needs a schedule, e.g. schedule: "0 20 * * *" (UTC)',
    ]);
    // the portal follows the cron ones only
    expect(checks.map(c => qualityCheckCron(c)?.expression)).toEqual([
      '0 20 * * *',
      '@weekly',
      undefined,
    ]);
    // written back to ODCS as read
    expect(qualityCheckToOdcs(checks[1])).toMatchObject({
      scheduler: 'cron',
      schedule: '@weekly',
    });
    expect(read(checks.map(qualityCheckToOdcs)).checks).toEqual(checks);
  });

  it('reads duplicates over several columns of a dataset (ODCS arguments.properties), naming columns it does not know', () => {
    const problems: string[] = [];
    const checks = readQualityChecks(
      [
        {
          name: 'one-line-per-claim',
          metric: 'duplicateValues',
          mustBe: 0,
          arguments: { properties: ['claim_id', 'line-no'] },
        },
        {
          name: 'one',
          metric: 'duplicateValues',
          mustBe: 0,
          arguments: { properties: ['claim_id'] },
        },
        { name: 'none', metric: 'duplicateValues', mustBe: 0 },
        {
          name: 'twice',
          metric: 'duplicateValues',
          mustBe: 0,
          arguments: { properties: ['claim_id', 'claim_id'] },
        },
        {
          name: 'stranger',
          metric: 'duplicateValues',
          mustBe: 0,
          arguments: { properties: ['claim_id', 'nope'] },
        },
        {
          name: 'hostile',
          metric: 'duplicateValues',
          mustBe: 0,
          arguments: { properties: ['claim_id', 'x"; DROP'] },
        },
        { name: 'nulls', metric: 'nullValues', mustBe: 0 },
      ],
      ['quality'],
      (path, message) => problems.push(`${path.join('.')}: ${message}`),
      'dataset',
      { columns: ['claim_id', 'line-no'] },
    );
    expect(checks).toEqual([
      {
        name: 'one-line-per-claim',
        metric: 'duplicateValues',
        mustBe: 0,
        columns: ['claim_id', 'line-no'],
      },
    ]);
    const needs =
      'duplicateValues of a dataset needs the columns whose values together must not repeat: list two to ten column names in arguments.properties (one column: write the check under it)';
    expect(problems).toEqual([
      `quality.1.arguments.properties: ${needs}`,
      `quality.2.arguments.properties: ${needs}`,
      'quality.3.arguments.properties: a column is listed twice',
      "quality.4.arguments.properties.1: column 'nope' is not a column of this dataset",
      `quality.5.arguments.properties: ${needs}`,
      "quality.6.metric: nullValues is about a column's values: write it under that column",
    ]);
    const [key] = checks;
    expect(describeQualityCheck(key)).toBe(
      'duplicate values of (claim_id, line-no) must be 0',
    );
    // counted in SQL names: rows with both values, and their distinct pairs
    expect(qualityMeasuresOf(key, undefined)).toEqual([
      { kind: 'rows' },
      { kind: 'nonNullRows', columns: ['claim_id', 'line_no'] },
      { kind: 'distinctRows', columns: ['claim_id', 'line_no'] },
    ]);
    const counts = new Map(
      [
        [{ kind: 'rows' }, 10],
        [{ kind: 'nonNullRows', columns: ['claim_id', 'line_no'] }, 9],
        [{ kind: 'distinctRows', columns: ['claim_id', 'line_no'] }, 7],
      ].map(([m, n]) => [qualityMeasureKey(m as any), n as number]),
    );
    expect(evaluateQualityCheck(key, undefined, counts)).toEqual({
      value: 2,
      rows: 10,
      passed: false,
      reason:
        '2 duplicate values (20 % of 10 rows); duplicate values of (claim_id, line-no) must be 0',
    });
    // ODCS written back, and read again the same
    expect(qualityCheckToOdcs(key)).toEqual({
      name: 'one-line-per-claim',
      type: 'library',
      metric: 'duplicateValues',
      mustBe: 0,
      arguments: { properties: ['claim_id', 'line-no'] },
    });
    expect(read([qualityCheckToOdcs(key)], 'dataset').checks).toEqual([key]);
  });

  it('puts row counts on datasets and value checks on columns', () => {
    expect(
      read([{ metric: 'rowCount', mustBeGreaterThan: 0 }], 'dataset'),
    ).toEqual({
      checks: [{ metric: 'rowCount', mustBeGreaterThan: 0 }],
      problems: [],
    });
    expect(
      read([{ metric: 'duplicateValues', mustBe: 0 }], 'dataset').problems,
    ).toEqual([
      'error quality.0.arguments.properties: duplicateValues of a dataset needs the columns whose values together must not repeat: list two to ten column names in arguments.properties (one column: write the check under it)',
    ]);
    expect(
      read([{ metric: 'rowCount', mustBe: 5, unit: 'percent' }], 'dataset')
        .problems,
    ).toEqual([
      'error quality.0.unit: a row count is a number of rows, not a percentage',
    ]);
    expect(read(undefined)).toEqual({ checks: [], problems: [] });
    expect(read({ metric: 'nullValues' }).problems).toEqual([
      'error quality: quality must be a list of checks, e.g. - metric: nullValues, mustBe: 0',
    ]);
  });
});

describe('evaluateQualityCheck', () => {
  const values = ['a', 'b', 'b', null, '', 'N/A', 'x', null, 'a', 'c'];

  it.each<[QualityCheck, boolean, string]>([
    [
      { metric: 'nullValues', mustBe: 0 },
      false,
      '2 null values (20 % of 10 rows); null values must be 0',
    ],
    [
      { metric: 'nullValues', mustBeLessOrEqualTo: 20, unit: 'percent' },
      true,
      '2 null values (20 % of 10 rows); null values (percent of rows) must be at most 20 %',
    ],
    [
      {
        metric: 'missingValues',
        missingValues: ['', 'N/A'],
        mustBeLessThan: 4,
      },
      false,
      '4 missing values (40 % of 10 rows); missing values must be less than 4',
    ],
    [
      { metric: 'missingValues', mustBeLessThan: 4 },
      true,
      '2 missing values (20 % of 10 rows); missing values must be less than 4',
    ],
    [
      {
        metric: 'invalidValues',
        validValues: ['a', 'b', 'c', ''],
        mustBe: 2,
      },
      true, // N/A and x; nulls are missing, not invalid
      '2 invalid values (20 % of 10 rows); invalid values must be 2',
    ],
    [
      { metric: 'duplicateValues', mustBe: 0 },
      false, // b and a repeat; nulls are not duplicates
      '2 duplicate values (20 % of 10 rows); duplicate values must be 0',
    ],
    [
      { metric: 'duplicateValues', mustNotBeBetween: [1, 3] },
      false,
      '2 duplicate values (20 % of 10 rows); duplicate values must not be between 1 and 3',
    ],
    [
      { metric: 'nullValues', mustBeBetween: [10, 20], unit: 'percent' },
      true,
      '2 null values (20 % of 10 rows); null values (percent of rows) must be between 10 % and 20 %',
    ],
  ])('%j', (check, passed, reason) => {
    expect(
      evaluateQualityCheck(check, { name: 'c' }, countsFor(values, check)),
    ).toMatchObject({ passed, reason });
  });

  it('counts rows, compares percentages as shown, and an empty table has 0 %', () => {
    const rows = { metric: 'rowCount', mustBeGreaterThan: 1000 } as const;
    const key = qualityMeasureKey({ kind: 'rows' });
    expect(
      evaluateQualityCheck(rows, undefined, new Map([[key, 1000]])),
    ).toEqual({
      value: 1000,
      rows: 1000,
      passed: false,
      reason: '1,000 rows; rows must be more than 1,000',
    });
    const third = {
      metric: 'nullValues',
      mustBe: 33.33,
      unit: 'percent',
    } as const;
    expect(
      evaluateQualityCheck(
        third,
        { name: 'c' },
        countsFor(['a', null, 'b'], third),
      )?.passed,
    ).toBe(true);
    expect(
      evaluateQualityCheck(third, { name: 'c' }, countsFor([], third)),
    ).toMatchObject({ value: 0, passed: false });
    // a count the warehouse did not return: no verdict
    expect(
      evaluateQualityCheck(third, { name: 'c' }, new Map()),
    ).toBeUndefined();
    // checks nobody runs have no measures
    expect(
      qualityMeasuresOf({ type: 'custom', mustBe: 0 }, { name: 'c' }),
    ).toEqual([]);
  });
});

describe('listed values in a numeric column', () => {
  const readIn = (columnType: string, raw: unknown) => {
    const problems: string[] = [];
    const checks = readQualityChecks(
      raw,
      ['quality'],
      (path, message) => problems.push(`${path.join('.')}: ${message}`),
      'column',
      { columnType },
    );
    return { checks, problems };
  };

  it('reads them as numbers, written as numbers or as their text', () => {
    expect(
      readIn('decimal(10,2)', [
        {
          metric: 'invalidValues',
          arguments: { validValues: [1.5, '2.25', ' -3 ', '1e3'] },
          mustBe: 0,
        },
      ]),
    ).toEqual({
      checks: [
        {
          metric: 'invalidValues',
          validValues: [1.5, 2.25, -3, 1000],
          mustBe: 0,
        },
      ],
      problems: [],
    });
    // ODCS logical types too; text columns keep numbers and text as written
    expect(
      readIn('integer', [
        { metric: 'missingValues', missingValues: ['-1', 0], mustBe: 0 },
      ]).checks,
    ).toEqual([{ metric: 'missingValues', missingValues: [-1, 0], mustBe: 0 }]);
    expect(
      readIn('varchar(5)', [
        { metric: 'invalidValues', validValues: ['01234', 5], mustBe: 0 },
      ]).checks[0].validValues,
    ).toEqual(['01234', 5]);
  });

  it('locates a value that is not a number', () => {
    expect(
      readIn('number', [
        {
          metric: 'invalidValues',
          arguments: { validValues: [1, 'N/A'] },
          mustBe: 0,
        },
      ]),
    ).toEqual({
      checks: [],
      problems: [
        'quality.0.arguments.validValues.1: "N/A" is not a number, and the column holds numbers (number): list numbers, e.g. [1, 2.5]',
      ],
    });
  });

  it('compares them as numbers: 1.5 is the 1.50 of a decimal column', () => {
    const check: QualityCheck = {
      metric: 'invalidValues',
      validValues: [1.5, 2],
      mustBe: 0,
    };
    expect(
      qualityMeasuresOf(check, { name: 'price', type: 'NUMERIC(10,2)' }),
    ).toEqual([
      { kind: 'rows' },
      {
        kind: 'notInList',
        column: 'price',
        values: ['1.5', '2'],
        numeric: true,
      },
    ]);
    // without a declared type, or in a text column, as text
    for (const type of [undefined, 'string']) {
      expect(qualityMeasuresOf(check, { name: 'price', type })[1]).toEqual({
        kind: 'notInList',
        column: 'price',
        values: ['1.5', '2'],
      });
    }
    expect(
      qualityMeasuresOf(
        { metric: 'missingValues', missingValues: [-1], mustBe: 0 },
        { name: 'age', type: 'int' },
      )[2],
    ).toEqual({ kind: 'inList', column: 'age', values: ['-1'], numeric: true });
  });

  it('tells number text from other text, once for the reader, the SQL and the drivers', () => {
    expect(
      ['0', '-1.5', '2e3', '1.50', '-0.25', '1E-7'].map(isNumberText),
    ).toEqual([true, true, true, true, true, true]);
    expect(
      [
        '',
        ' 1',
        '1.',
        '.5',
        '1,5',
        '0x10',
        'NaN',
        'Infinity',
        '1e999',
        '1) OR (1=1',
      ].map(isNumberText),
    ).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('tells numeric column types from the others', () => {
    expect(
      [
        'integer',
        'BIGINT',
        'number',
        'NUMBER(38,0)',
        'decimal(10,2)',
        'double precision',
        'float',
      ].map(isNumericColumnType),
    ).toEqual([true, true, true, true, true, true, true]);
    expect(
      ['string', 'varchar(10)', 'date', 'timestamp', 'boolean', undefined].map(
        t => isNumericColumnType(t),
      ),
    ).toEqual([false, false, false, false, false, false]);
  });
});

describe('patterns (invalidValues)', () => {
  const readOne = (raw: unknown) => {
    const problems: string[] = [];
    const checks = readQualityChecks(
      [raw],
      ['quality'],
      (path, message) => problems.push(`${path.join('.')}: ${message}`),
      'column',
    );
    return { checks, problems };
  };

  it('reads the patterns every warehouse reads alike, counts the values not matching and writes ODCS back', () => {
    const patterns = [
      '^[A-Z]{2}[0-9]{4}$',
      '^\\d{3}-\\d{2}$',
      '^(EUR|USD|GBP)$',
      '^[^@ ]+@[a-z0-9.-]+\\.[a-z]{2,}$',
      'x\\.y?z*',
    ];
    for (const pattern of patterns) {
      expect(
        readOne({ metric: 'invalidValues', arguments: { pattern }, mustBe: 0 }),
      ).toEqual({
        checks: [{ metric: 'invalidValues', pattern, mustBe: 0 }],
        problems: [],
      });
    }
    const check: QualityCheck = {
      metric: 'invalidValues',
      pattern: '^[A-Z]{2}$',
      mustBe: 0,
    };
    const measures = qualityMeasuresOf(check, { name: 'country' });
    expect(measures).toEqual([
      { kind: 'rows' },
      { kind: 'notMatching', column: 'country', pattern: '^[A-Z]{2}$' },
    ]);
    expect(describeQualityCheck(check)).toBe(
      'invalid values (not matching ^[A-Z]{2}$) must be 0',
    );
    expect(
      evaluateQualityCheck(
        check,
        { name: 'country' },
        new Map(measures.map((m, i) => [qualityMeasureKey(m), [10, 2][i]])),
      ),
    ).toMatchObject({ value: 2, passed: false });
    expect(qualityCheckToOdcs(check)).toEqual({
      type: 'library',
      metric: 'invalidValues',
      mustBe: 0,
      arguments: { pattern: '^[A-Z]{2}$' },
    });
    expect(readOne(qualityCheckToOdcs(check)).checks).toEqual([check]);
  });

  it.each([
    ['^a*?$', 'a lazy or possessive quantifier (*?)'],
    ['(?=a)a', '(?'],
    ['^(?:a|b)$', '(?'],
    ['(a)\\1', '\\1'],
    ['\\bword\\b', '\\b'],
    ['[\\d.]', 'a backslash inside [ ]'],
    ['[[:alpha:]]', '[: :], [= =] and [. .]'],
    ['a{2', 'a { that is not a count'],
    ['[]a]', '[] and [^]'],
    ['\\u00e9', '\\u'],
    ['a\\nb', '\\n'],
  ])('refuses %s, located', (pattern, what) => {
    expect(
      readOne({ metric: 'invalidValues', pattern, mustBe: 0 }).problems,
    ).toEqual([
      expect.stringMatching(
        new RegExp(
          `^quality\\.0\\.pattern: ${what.replace(
            /[.*+?^${}()|[\]\\]/g,
            '\\$&',
          )} is read differently by the warehouses`,
        ),
      ),
    ]);
  });

  it('refuses what is no pattern, and a pattern with validValues', () => {
    expect(
      readOne({ metric: 'invalidValues', pattern: '(', mustBe: 0 }).problems,
    ).toEqual([
      expect.stringMatching(/^quality\.0\.pattern: not a regular expression: /),
    ]);
    expect(
      readOne({
        metric: 'invalidValues',
        arguments: { pattern: '^a$', validValues: ['a'] },
        mustBe: 0,
      }).problems,
    ).toEqual([
      'quality.0.arguments.validValues: invalidValues takes validValues or a pattern, not both: write two checks',
    ]);
    expect(qualityPatternProblem('x'.repeat(501))).toBe(
      'a pattern has 1 to 500 characters',
    );
  });
});

describe('sql checks', () => {
  const query = 'SELECT COUNT(*) FROM ${table} WHERE ${column} < 0';
  const check: QualityCheck = { type: 'sql', query, mustBe: 0 };

  it('are run by the pipeline, counted as their one number and judged', () => {
    expect(qualityCheckRunner(check)).toBe('pipeline');
    expect(qualityCheckRunner({ metric: 'nullValues', mustBe: 0 })).toBe(
      'portal',
    );
    expect(
      qualityCheckRunner({ type: 'text', description: 'x' }),
    ).toBeUndefined();
    const measures = qualityMeasuresOf(check, { name: 'amount' });
    expect(measures).toEqual([{ kind: 'query', query }]);
    const key = qualityMeasureKey(measures[0]);
    expect(
      evaluateQualityCheck(check, { name: 'amount' }, new Map([[key, 3]])),
    ).toEqual({
      value: 3,
      passed: false,
      reason: "the query returned 3; the query's result must be 0",
    });
    expect(
      evaluateQualityCheck(check, { name: 'amount' }, new Map([[key, 0]]))
        ?.passed,
    ).toBe(true);
    // another query's number is not this check's
    const other = qualityMeasureKey({ kind: 'query', query: 'SELECT 0' });
    expect(
      evaluateQualityCheck(check, { name: 'amount' }, new Map([[other, 0]])),
    ).toBeUndefined();
  });

  it('read one SELECT with known placeholders, problems located', () => {
    const problems: string[] = [];
    const readAt = (level: QualityLevel, raw: unknown) =>
      readQualityChecks(
        raw,
        ['quality'],
        (path, message) => problems.push(`${path.join('.')}: ${message}`),
        level,
      );
    expect(
      readAt('dataset', [
        {
          type: 'sql',
          query:
            "-- orphans\nWITH o AS (SELECT * FROM ${object} WHERE note = 'a;b') SELECT COUNT(*) FROM o;",
          mustBe: 0,
        },
        { type: 'sql', query: 'DELETE FROM ${table}', mustBe: 0 },
        { type: 'sql', query: 'SELECT 1; DROP TABLE x', mustBe: 0 },
        { type: 'sql', query: 'SELECT COUNT(*) FROM ${tabel}', mustBe: 0 },
        {
          type: 'sql',
          query: 'SELECT COUNT(${column}) FROM ${table}',
          mustBe: 0,
        },
      ]),
    ).toHaveLength(1);
    expect(
      readAt('column', [
        {
          type: 'sql',
          query: 'SELECT COUNT(${property}) FROM ${table}',
          mustBe: 0,
        },
      ]),
    ).toHaveLength(1);
    expect(problems).toEqual([
      'quality.1.query: a sql check runs one SELECT statement (or WITH … SELECT) that returns one number',
      'quality.2.query: a sql check runs one statement: remove the ; between statements',
      'quality.3.query: ${tabel} is not a placeholder the query may hold: ${table} and ${column} (or ${object} and ${property})',
      "quality.4.query: ${column} names the check's column, and this check is a dataset's: name the column in the query, or write the check under it",
    ]);
  });

  it('become the statement to run, with the names filled in', () => {
    expect(
      qualityQueryStatement(`  /* c */ ${query};  `, {
        table: '"db"."s"."t"',
        column: '"amount"',
      }),
    ).toBe('SELECT COUNT(*) FROM "db"."s"."t" WHERE "amount" < 0');
    expect(() =>
      qualityQueryStatement('SELECT 1; SELECT 2', { table: 't' }),
    ).toThrow(/one statement/);
  });
});

describe('qualityChecksOfDatasets', () => {
  it('keys results by dataset, column and name, numbering repeats', () => {
    expect(
      qualityChecksOfDatasets([
        {
          name: 'visits',
          quality: [{ metric: 'rowCount', mustBeGreaterThan: 0 }],
          columns: [
            {
              name: 'ward',
              quality: [
                { metric: 'nullValues', mustBe: 0 },
                { metric: 'nullValues', mustBeLessThan: 5, unit: 'percent' },
                {
                  name: 'wards',
                  metric: 'invalidValues',
                  validValues: ['a'],
                  mustBe: 0,
                },
              ],
            },
            { name: 'at' },
          ],
        },
      ]).map(c => c.key),
    ).toEqual([
      'visits:rowCount',
      'visits.ward:nullValues',
      'visits.ward:nullValues#2',
      'visits.ward:wards',
    ]);
  });
});
