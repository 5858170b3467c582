/*
 * Data-quality checks (ODCS v3 `quality[]`) once read (read.ts): what has
 * to be counted in the warehouse to measure a check, whether a measurement
 * passes, the check in words, its key, its own schedule, and ODCS written
 * back. The counting is expressed as `QualityMeasure`s, which each
 * warehouse dialect turns into SQL (data-mesh-node quality.ts).
 */
import {
  QUALITY_OPERATORS,
  type QualityCheck,
  type QualityMetric,
  type QualityOperator,
} from '../model';
import { toSqlName } from '../identifiers';
import { normaliseColumnType } from '../changes/columnTypes';
import { type CronSchedule, parseCron } from './cron';

/** What a check's results are kept under: its name, or its metric (or type). @public */
export function qualityCheckName(check: QualityCheck): string {
  return check.name ?? check.metric ?? check.type ?? 'library';
}

/**
 * Who measures a check: the portal (a library metric, counted in the
 * warehouse), the product's pipeline (a `sql` check: the spec's own query,
 * run with the pipeline's credentials and reported, see sqlCheck.ts), or
 * nobody (`custom` and `text` checks, shown only).
 * @public
 */
export function qualityCheckRunner(
  check: QualityCheck,
): 'portal' | 'pipeline' | undefined {
  const type = check.type ?? 'library';
  if (type === 'library' && check.metric !== undefined) return 'portal';
  if (type === 'sql' && check.query !== undefined) return 'pipeline';
  return undefined;
}

/** Whether the portal measures the check in the warehouse. @public */
export function isMeasuredQualityCheck(check: QualityCheck): boolean {
  return qualityCheckRunner(check) === 'portal';
}

/**
 * The cron schedule the portal follows for a check, if it has one of its
 * own (no scheduler, or `cron`).
 * @public
 */
export function qualityCheckCron(
  check: QualityCheck,
): CronSchedule | undefined {
  if (check.schedule === undefined) return undefined;
  if (
    check.scheduler !== undefined &&
    check.scheduler.toLowerCase() !== 'cron'
  ) {
    return undefined;
  }
  const parsed = parseCron(check.schedule);
  return 'problem' in parsed ? undefined : parsed;
}

/** The one comparison of a check. @public */
export function qualityComparison(
  check: QualityCheck,
): { operator: QualityOperator; value: number | [number, number] } | undefined {
  for (const operator of QUALITY_OPERATORS) {
    const value = check[operator];
    if (value !== undefined) return { operator, value };
  }
  return undefined;
}

const OPERATOR_WORDS: Record<QualityOperator, string> = {
  mustBe: 'must be',
  mustNotBe: 'must not be',
  mustBeGreaterThan: 'must be more than',
  mustBeGreaterOrEqualTo: 'must be at least',
  mustBeLessThan: 'must be less than',
  mustBeLessOrEqualTo: 'must be at most',
  mustBeBetween: 'must be between',
  mustNotBeBetween: 'must not be between',
};

const METRIC_WORDS: Record<QualityMetric, string> = {
  rowCount: 'rows',
  nullValues: 'null values',
  missingValues: 'missing values',
  invalidValues: 'invalid values',
  duplicateValues: 'duplicate values',
};

function showAmount(value: number, unit: QualityCheck['unit']) {
  return unit === 'percent'
    ? `${Number(value.toFixed(2))} %`
    : value.toLocaleString('en-US');
}

/**
 * The check in words, e.g. "null values must be 0" or "rows must be more
 * than 1,000,000", for pages and notifications.
 * @public
 */
export function describeQualityCheck(check: QualityCheck): string {
  const comparison = qualityComparison(check);
  let what = check.type === 'sql' ? "the query's result" : check.type ?? '';
  if (check.metric) {
    what = `${METRIC_WORDS[check.metric]}${
      check.columns ? ` of (${check.columns.join(', ')})` : ''
    }${check.pattern !== undefined ? ` (not matching ${check.pattern})` : ''}`;
  }
  if (!comparison) return check.description ?? what;
  const { operator, value } = comparison;
  const amount = Array.isArray(value)
    ? `${showAmount(value[0], check.unit)} and ${showAmount(
        value[1],
        check.unit,
      )}`
    : showAmount(value, check.unit);
  return `${what}${check.unit === 'percent' ? ' (percent of rows)' : ''} ${
    OPERATOR_WORDS[operator]
  } ${amount}`;
}

/**
 * Whether text is a plain number as SQL and JSON write it (`-1.5`, `2e3`):
 * what a spec may write for a number, a driver may return for one, and a
 * statement may hold unquoted.
 * @public
 */
export function isNumberText(text: string): boolean {
  return (
    /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(text) && Number.isFinite(Number(text))
  );
}

/**
 * Whether a column's declared type holds numbers (integers, decimals,
 * floats, ODCS `number` and `integer`): its listed values are then
 * compared as numbers, so `1.5` is the `1.50` of a `decimal(10,2)`.
 * @public
 */
export function isNumericColumnType(type: string | undefined): boolean {
  if (type === undefined) return false;
  const { family } = normaliseColumnType(type);
  return family === 'integer' || family === 'decimal' || family === 'float';
}

/**
 * Something to count in one table for a check: all rows, a column's
 * non-null values, its distinct values, its values in a list, its non-null
 * values outside a list. Listed values are compared as text (the column
 * cast to text, as the warehouse writes it), or as numbers (`numeric`) in
 * a column declared numeric.
 * @public
 */
export type QualityMeasure =
  | { kind: 'rows' }
  | { kind: 'nonNull'; column: string }
  | { kind: 'distinct'; column: string }
  | { kind: 'inList'; column: string; values: string[]; numeric?: true }
  | { kind: 'notInList'; column: string; values: string[]; numeric?: true }
  /** Non-null values (as text) that do not match a pattern (quality/pattern.ts). */
  | { kind: 'notMatching'; column: string; pattern: string }
  /** Rows with a value in every one of the columns. */
  | { kind: 'nonNullRows'; columns: string[] }
  /** Distinct combinations of the columns' values, among those rows. */
  | { kind: 'distinctRows'; columns: string[] }
  /** A `sql` check's number: its query as the spec writes it (run by the pipeline). */
  | { kind: 'query'; query: string };

/** A stable key of a measure, to count it once per table however many checks need it. @public */
export function qualityMeasureKey(measure: QualityMeasure): string {
  return JSON.stringify(measure);
}

/**
 * Where a check is counted: the column's SQL name (none for a dataset's
 * check) and its declared type, which says how listed values compare.
 * @public
 */
export type QualityCheckColumn = { name: string; type?: string } | undefined;

/** The counts a check needs (besides the rows, always counted). @public */
export function qualityMeasuresOf(
  check: QualityCheck,
  target: QualityCheckColumn,
): QualityMeasure[] {
  const runner = qualityCheckRunner(check);
  if (runner === 'pipeline') return [{ kind: 'query', query: check.query! }];
  if (runner !== 'portal') return [];
  const rows: QualityMeasure = { kind: 'rows' };
  if (
    check.metric === 'duplicateValues' &&
    target === undefined &&
    check.columns
  ) {
    const columns = check.columns.map(toSqlName);
    return [
      rows,
      { kind: 'nonNullRows', columns },
      { kind: 'distinctRows', columns },
    ];
  }
  if (check.metric === 'rowCount' || target === undefined) return [rows];
  const column = target.name;
  const numeric = isNumericColumnType(target.type);
  // a listed value a numeric column cannot hold (read.ts refuses it) is
  // left out rather than compared as text
  const listed = (values: (string | number)[]) =>
    numeric
      ? {
          values: values.map(Number).filter(Number.isFinite).map(String),
          numeric: true as const,
        }
      : { values: values.map(String) };
  const nonNull: QualityMeasure = { kind: 'nonNull', column };
  switch (check.metric) {
    case 'nullValues':
      return [rows, nonNull];
    case 'missingValues':
      return check.missingValues?.length
        ? [
            rows,
            nonNull,
            { kind: 'inList', column, ...listed(check.missingValues) },
          ]
        : [rows, nonNull];
    case 'invalidValues':
      return check.pattern !== undefined
        ? [rows, { kind: 'notMatching', column, pattern: check.pattern }]
        : [
            rows,
            { kind: 'notInList', column, ...listed(check.validValues ?? []) },
          ];
    case 'duplicateValues':
      return [rows, nonNull, { kind: 'distinct', column }];
    default:
      return [rows];
  }
}

/** A check's outcome. @public */
export type QualityCheckOutcome = {
  /** The measured value, in the check's unit (rows, or percent of the rows; a `sql` check's number). */
  value: number;
  /** The number of rows it was measured on (not known of a `sql` check). */
  rows?: number;
  passed: boolean;
  /** In words, e.g. "3 null values (0.3 %); must be 0". */
  reason: string;
};

/**
 * Whether a check passes, from the counts of its measures (by
 * {@link qualityMeasureKey}); undefined when a count is missing.
 * @public
 */
export function evaluateQualityCheck(
  check: QualityCheck,
  target: QualityCheckColumn,
  counts: ReadonlyMap<string, number>,
): QualityCheckOutcome | undefined {
  const measures = qualityMeasuresOf(check, target);
  const comparison = qualityComparison(check);
  if (!measures.length || !comparison) return undefined;
  if (measures[0].kind === 'query') {
    const value = counts.get(qualityMeasureKey(measures[0]));
    if (value === undefined) return undefined;
    return {
      value,
      passed: compare(comparison.operator, value, comparison.value),
      reason: `the query returned ${value.toLocaleString(
        'en-US',
      )}; ${describeQualityCheck(check)}`,
    };
  }
  if (!check.metric) return undefined;
  const values = measures.map(m => counts.get(qualityMeasureKey(m)));
  if (values.some(v => v === undefined)) return undefined;
  const [rows, a = 0, b = 0] = values as number[];
  let count: number;
  switch (check.metric) {
    case 'rowCount':
      count = rows;
      break;
    case 'nullValues':
      count = rows - a;
      break;
    case 'missingValues':
      count = rows - a + b;
      break;
    case 'invalidValues':
      count = a;
      break;
    default: // duplicateValues: non-null values that repeat an earlier one
      count = a - b;
  }
  const percent = rows ? (count / rows) * 100 : 0;
  const value = check.unit === 'percent' ? percent : count;
  const passed = compare(comparison.operator, value, comparison.value);
  const measured =
    check.metric === 'rowCount'
      ? `${count.toLocaleString('en-US')} rows`
      : `${count.toLocaleString('en-US')} ${
          METRIC_WORDS[check.metric]
        } (${showAmount(percent, 'percent')} of ${rows.toLocaleString(
          'en-US',
        )} rows)`;
  return {
    value,
    rows,
    passed,
    reason: `${measured}; ${describeQualityCheck(check)}`,
  };
}

function compare(
  operator: QualityOperator,
  value: number,
  expected: number | [number, number],
): boolean {
  // percentages are compared as shown, to two decimals
  const v = Math.round(value * 100) / 100;
  if (Array.isArray(expected)) {
    const inside = v >= expected[0] && v <= expected[1];
    return operator === 'mustBeBetween' ? inside : !inside;
  }
  switch (operator) {
    case 'mustBe':
      return v === expected;
    case 'mustNotBe':
      return v !== expected;
    case 'mustBeGreaterThan':
      return v > expected;
    case 'mustBeGreaterOrEqualTo':
      return v >= expected;
    case 'mustBeLessThan':
      return v < expected;
    default:
      return v <= expected;
  }
}

/** One check of a dataset or of one of its columns. @public */
export type DatasetQualityCheck = {
  /** `dataset`, `dataset.column`, then `:name`: what its results are kept under. */
  key: string;
  dataset: string;
  column?: string;
  /** The column's declared type. */
  columnType?: string;
  check: QualityCheck;
};

/**
 * Every check of a product's datasets, with the key its results are kept
 * under (`dataset`, `dataset.column`, then `:name`).
 * @public
 */
export function qualityChecksOfDatasets(
  datasets: readonly {
    name: string;
    quality?: QualityCheck[];
    columns: readonly {
      name: string;
      type?: string;
      quality?: QualityCheck[];
    }[];
  }[],
): DatasetQualityCheck[] {
  const out: DatasetQualityCheck[] = [];
  for (const d of datasets) {
    const add = (
      checks: QualityCheck[] | undefined,
      column?: { name: string; type?: string },
    ) => {
      const seen = new Map<string, number>();
      for (const check of checks ?? []) {
        const base = qualityCheckName(check);
        const n = (seen.get(base) ?? 0) + 1;
        seen.set(base, n);
        const name = n === 1 ? base : `${base}#${n}`;
        out.push({
          key: `${d.name}${column ? `.${column.name}` : ''}:${name}`,
          dataset: d.name,
          ...(column ? { column: column.name } : {}),
          ...(column?.type ? { columnType: column.type } : {}),
          check,
        });
      }
    };
    add(d.quality);
    for (const c of d.columns) add(c.quality, c);
  }
  return out;
}

/**
 * Where a check of a dataset is counted, for {@link qualityMeasuresOf}:
 * its column's SQL name and declared type, none for a dataset's check.
 * @public
 */
export function qualityCheckColumn(c: {
  column?: string;
  columnType?: string;
}): QualityCheckColumn {
  return c.column === undefined
    ? undefined
    : { name: toSqlName(c.column), type: c.columnType };
}

/**
 * A check as ODCS v3 writes it (`validValues` and `missingValues` under
 * `arguments`), for the exporters; `readQualityChecks` reads it back.
 * @public
 */
export function qualityCheckToOdcs(
  check: QualityCheck,
): Record<string, unknown> {
  const { validValues, missingValues, columns, name, pattern, ...rest } = check;
  const args = {
    ...(validValues ? { validValues } : {}),
    ...(pattern !== undefined ? { pattern } : {}),
    ...(missingValues ? { missingValues } : {}),
    ...(columns ? { properties: columns } : {}),
  };
  return {
    ...(name ? { name } : {}),
    ...(check.metric ? { type: 'library' } : {}),
    ...rest,
    ...(Object.keys(args).length ? { arguments: args } : {}),
  };
}

/**
 * Whether a failing check needs its owners: severity `error`, the default.
 * `warning` and `info` checks are shown and do not fail a pipeline or page
 * anyone.
 * @public
 */
export function isBlockingQualityCheck(check: QualityCheck): boolean {
  const severity = (check.severity ?? 'error').toLowerCase();
  return severity !== 'warning' && severity !== 'info';
}
