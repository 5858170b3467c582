/*
 * Counting for data-quality checks (ODCS `quality[]`, see data-mesh-common
 * quality/checks.ts): what the checks of many tables need, counted in ONE
 * statement per database (in chunks of tables), each table scanned once
 * however many checks it has.
 *
 * The statement is a UNION ALL of one aggregate row per table:
 *
 *   SELECT '0' AS qt, COUNT(*) AS q0, COUNT("ward") AS q1, NULL AS q2 FROM …
 *   UNION ALL SELECT '1' AS qt, COUNT(*) AS q0, … FROM …
 *
 * padded with NULLs to one width. When it fails (a table or column gone, a
 * privilege missing), each table of the chunk is counted on its own, and
 * a table whose statement fails each of its measures on its own, so a
 * broken table costs its own checks only, a broken column (renamed, or
 * not of its declared type) the checks that count it, each saying why.
 * Those extra statements are sent only when something is broken.
 */
import {
  type QualityMeasure,
  isNumberText,
  qualityMeasureKey,
  qualityPatternProblem,
} from '@datamesh/plugin-data-mesh-common';
import type { TableRef, WarehouseDialect } from './types';

/** The counts one table's checks need. @public */
export interface QualityTableRequest extends TableRef {
  measures: QualityMeasure[];
}

/** What was counted in one table: counts by `qualityMeasureKey`, or why not. @public */
export interface QualityTableReading extends TableRef {
  counts?: Map<string, number>;
  /** Why nothing could be counted in the table. */
  error?: string;
  /**
   * Measures that could not be counted while the table's others were (a
   * column gone or of another type than declared), by key: why.
   */
  failed?: Map<string, string>;
}

/**
 * The dialect's spelling of the parts of a counting statement that differ
 * between warehouses.
 * @public
 */
export interface QualitySqlSpelling {
  /** A string literal; throws for text that cannot be one safely. */
  literal(text: string): string;
  /** Rows where `condition` holds, as an aggregate. */
  countIf(condition: string): string;
  /**
   * Distinct combinations of the (quoted) columns' values among the rows
   * with a value in each, as an aggregate.
   */
  countDistinctRows(columns: string[]): string;
  /**
   * A condition: `value` (text) has no match of `pattern` (a literal)
   * anywhere, as ECMAScript's `test` searches; null for a null value.
   */
  notMatching(value: string, pattern: string): string;
}

/** A number as an SQL literal; throws for anything else, so no text reaches SQL unquoted. */
function numberLiteral(text: string): string {
  if (!isNumberText(text)) {
    throw new Error(`${JSON.stringify(text)} is not a number`);
  }
  return text;
}

/** How long a `sql` check's own query may run (PostgreSQL's statement_timeout). @public */
export const QUALITY_QUERY_TIMEOUT_MS = 5 * 60_000;

/** Most tables counted in one statement (PostgreSQL allows 1,664 result columns). @public */
export const QUALITY_TABLES_PER_STATEMENT = 100;

function measureSql(
  m: QualityMeasure,
  dialect: WarehouseDialect,
  spelling: QualitySqlSpelling,
): string {
  if (m.kind === 'rows') return 'COUNT(*)';
  if (m.kind === 'query') {
    throw new Error("a sql check's query runs on its own (runQualityQuery)");
  }
  if (m.kind === 'nonNullRows' || m.kind === 'distinctRows') {
    const columns = m.columns.map(c => dialect.quoteIdentifier(c));
    return m.kind === 'nonNullRows'
      ? spelling.countIf(columns.map(c => `${c} IS NOT NULL`).join(' AND '))
      : spelling.countDistinctRows(columns);
  }
  const column = dialect.quoteIdentifier(m.column);
  switch (m.kind) {
    case 'nonNull':
      return `COUNT(${column})`;
    case 'distinct':
      return `COUNT(DISTINCT ${column})`;
    case 'notMatching': {
      // the pattern was read as one every warehouse reads alike
      // (data-mesh-common quality/pattern.ts); checked again here
      const problem = qualityPatternProblem(m.pattern);
      if (problem) throw new Error(`pattern ${m.pattern}: ${problem}`);
      return spelling.countIf(
        spelling.notMatching(
          `CAST(${column} AS VARCHAR)`,
          spelling.literal(m.pattern),
        ),
      );
    }
    default: {
      // in a column declared numeric values are compared as numbers (1.5
      // is 1.50); otherwise as text, so a list of numbers on a text column
      // (zip codes, say) does not fail and 01234 stays 01234
      const list = m.values
        .map(v => (m.numeric ? numberLiteral(v) : spelling.literal(v)))
        .join(', ');
      const not = m.kind === 'notInList' ? 'NOT ' : '';
      const value = m.numeric ? column : `CAST(${column} AS VARCHAR)`;
      // NULL [NOT] IN (…) is never true: nulls are counted apart
      return spelling.countIf(`${value} ${not}IN (${list})`);
    }
  }
}

/**
 * One statement counting every measure of `tables` (one row per table), and
 * the measure keys in the order of its columns per table.
 * @public
 */
export function qualityStatement(
  dialect: WarehouseDialect,
  spelling: QualitySqlSpelling,
  database: string,
  tables: QualityTableRequest[],
): { sql: string; keys: string[][] } {
  const keys = tables.map(t => [...new Set(t.measures.map(qualityMeasureKey))]);
  const width = Math.max(1, ...keys.map(k => k.length));
  const branches = tables.map((t, i) => {
    const measures = keys[i].map(k => JSON.parse(k) as QualityMeasure);
    const columns = Array.from({ length: width }, (_, j) =>
      j < measures.length
        ? `${measureSql(measures[j], dialect, spelling)} AS q${j}`
        : // typed: PostgreSQL types a UNION pairwise, so an untyped NULL
          // in the first two branches would become text
          `CAST(NULL AS BIGINT) AS q${j}`,
    );
    const from = dialect.qualifiedTable(
      { database, schema: t.schema },
      t.table,
    );
    return `SELECT '${i}' AS qt, ${columns.join(', ')} FROM ${from}`;
  });
  return { sql: branches.join(' UNION ALL '), keys };
}

const cell = (row: Record<string, unknown>, name: string) =>
  row[name] ?? row[name.toUpperCase()];

const tableOf = (t: TableRef): TableRef => ({
  schema: t.schema,
  table: t.table,
});
const messageOf = (e: unknown) =>
  (e instanceof Error ? e.message : String(e))
    .split('\n')
    .join(' ')
    .slice(0, 500);

/**
 * Count the measures of `tables` in `database` through `run` (one statement
 * per chunk; per table when a chunk's statement fails).
 * @public
 */
export async function measureQuality(options: {
  dialect: WarehouseDialect;
  spelling: QualitySqlSpelling;
  database: string;
  tables: QualityTableRequest[];
  run: (sql: string) => Promise<Record<string, unknown>[]>;
}): Promise<QualityTableReading[]> {
  const { tables } = options;
  const count = async (
    chunk: QualityTableRequest[],
  ): Promise<QualityTableReading[]> => {
    const { sql, keys } = qualityStatement(
      options.dialect,
      options.spelling,
      options.database,
      chunk,
    );
    const rows = await options.run(sql);
    const readings: QualityTableReading[] = chunk.map(t => ({
      schema: t.schema,
      table: t.table,
      error: 'the warehouse returned no row for the table',
    }));
    for (const row of rows) {
      const i = Number(cell(row, 'qt'));
      if (!(i >= 0 && i < chunk.length)) continue;
      const counts = new Map<string, number>();
      keys[i].forEach((k, j) => counts.set(k, Number(cell(row, `q${j}`))));
      readings[i] = { schema: chunk[i].schema, table: chunk[i].table, counts };
    }
    return readings;
  };
  // one table whose statement failed: its rows first (a table that is not
  // there, or not readable, costs one statement more), then each other
  // measure on its own
  const rowsKey = qualityMeasureKey({ kind: 'rows' });
  const countEach = async (
    t: QualityTableRequest,
    failure: unknown,
  ): Promise<QualityTableReading> => {
    const others = [
      ...new Map(t.measures.map(m => [qualityMeasureKey(m), m])).values(),
    ].filter(m => qualityMeasureKey(m) !== rowsKey);
    if (!others.length) return { ...tableOf(t), error: messageOf(failure) };
    const counts = new Map<string, number>();
    const failed = new Map<string, string>();
    try {
      const [rows] = await count([{ ...t, measures: [{ kind: 'rows' }] }]);
      if (!rows.counts) return { ...tableOf(t), error: rows.error };
      if (t.measures.some(m => qualityMeasureKey(m) === rowsKey)) {
        counts.set(rowsKey, rows.counts.get(rowsKey)!);
      }
    } catch (err) {
      return { ...tableOf(t), error: messageOf(err) };
    }
    for (const m of others) {
      try {
        const [reading] = await count([{ ...t, measures: [m] }]);
        const n = reading.counts?.get(qualityMeasureKey(m));
        if (n === undefined) failed.set(qualityMeasureKey(m), reading.error!);
        else counts.set(qualityMeasureKey(m), n);
      } catch (err) {
        failed.set(qualityMeasureKey(m), messageOf(err));
      }
    }
    return { ...tableOf(t), counts, failed };
  };
  // a measure that cannot be written as SQL (a name that is not an
  // identifier, a value or pattern refused) costs its own checks only and
  // is never sent
  const prepared = tables.map(t => {
    const refused = new Map<string, string>();
    const measures = t.measures.filter(m => {
      try {
        measureSql(m, options.dialect, options.spelling);
        return true;
      } catch (e) {
        refused.set(qualityMeasureKey(m), messageOf(e));
        return false;
      }
    });
    return { request: { ...t, measures }, refused };
  });
  const readings = new Map<QualityTableRequest, QualityTableReading>();
  const sendable = prepared.map(p => p.request).filter(t => t.measures.length);
  for (let i = 0; i < sendable.length; i += QUALITY_TABLES_PER_STATEMENT) {
    const chunk = sendable.slice(i, i + QUALITY_TABLES_PER_STATEMENT);
    const keep = (counted: QualityTableReading[], of = chunk) =>
      counted.forEach((r, j) => readings.set(of[j], r));
    try {
      keep(await count(chunk));
    } catch (e) {
      if (chunk.length === 1) {
        readings.set(chunk[0], await countEach(chunk[0], e));
        continue;
      }
      for (const t of chunk) {
        try {
          keep(await count([t]), [t]);
        } catch (err) {
          readings.set(t, await countEach(t, err));
        }
      }
    }
  }
  return prepared.map(({ request, refused }): QualityTableReading => {
    const reading = readings.get(request);
    if (!reading) {
      return { ...tableOf(request), error: [...refused.values()][0] };
    }
    if (!refused.size || !reading.counts) return reading;
    return {
      ...reading,
      failed: new Map([...refused, ...(reading.failed ?? [])]),
    };
  });
}
