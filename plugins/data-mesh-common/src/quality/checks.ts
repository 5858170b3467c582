/*
 * Data-quality checks (ODCS v3 `quality[]`): how a check written by a spec
 * author becomes the kind's `QualityCheck`, what has to be counted in the
 * warehouse to measure it, and whether a measurement passes.
 *
 * Every format reads checks through `readQualityChecks` (ODCS contracts,
 * the OAM spec, and the native entity's validation), so a check means the
 * same thing in every format. The counting is expressed as `QualityMeasure`s,
 * which each warehouse dialect turns into SQL (data-mesh-node quality.ts):
 * the values a spec author lists reach SQL as literals, so they are checked
 * here (text without control characters, at most 200 characters; finite
 * numbers; at most 100 of them) and quoted there.
 */
import type { DocumentPath, SpecIssue } from '../issues';
import {
  QUALITY_CHECK_TYPES,
  QUALITY_METRICS,
  QUALITY_OPERATORS,
  type QualityCheck,
  type QualityCheckType,
  type QualityMetric,
  type QualityOperator,
} from '../model';
import { toSqlName } from '../identifiers';
import { showValue as show } from '../values';
import { type CronSchedule, parseCron } from './cron';

type Report = (
  path: DocumentPath,
  message: string,
  severity?: SpecIssue['severity'],
) => void;

/** Where a check is written: under a dataset (the table) or a column. @public */
export type QualityLevel = 'dataset' | 'column';

const DATASET_METRICS: readonly QualityMetric[] = ['rowCount'];

/** Longest value a list of valid or missing values may hold. */
const MAX_LISTED_TEXT = 200;
/** Most values a list may hold: each becomes a literal in the statement. */
const MAX_LISTED_VALUES = 100;
const MAX_QUERY = 10_000;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
const isNumber = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v);

/**
 * The checks of one dataset or column, read from ODCS-shaped input (an
 * ODCS contract's `quality`, the OAM spec's `quality`, or the kind's own
 * `quality`, where `validValues` and `missingValues` sit beside `metric`
 * instead of under `arguments`). Problems are reported at their path; a
 * check with a problem is left out, the others are kept.
 * @public
 */
export function readQualityChecks(
  raw: unknown,
  path: DocumentPath,
  report: Report,
  level: QualityLevel,
  /** A dataset's column names, which its checks over several columns must name. */
  columns?: readonly string[],
): QualityCheck[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    report(
      path,
      'quality must be a list of checks, e.g. - metric: nullValues, mustBe: 0',
    );
    return [];
  }
  const out: QualityCheck[] = [];
  const names = new Map<string, number>();
  raw.forEach((item, i) => {
    const at = [...path, i];
    const check = readCheck(item, at, report, level, columns);
    if (!check) return;
    const key = qualityCheckName(check);
    if (check.name !== undefined && names.has(key)) {
      report(
        [...at, 'name'],
        `quality check '${key}' is named twice here; give each check its own id or name`,
      );
      return;
    }
    names.set(key, i);
    out.push(check);
  });
  return out;
}

function readCheck(
  item: unknown,
  at: DocumentPath,
  report: Report,
  level: QualityLevel,
  known: readonly string[] | undefined,
): QualityCheck | undefined {
  if (!isObj(item)) {
    report(
      at,
      'a quality check must be a mapping, e.g. metric: nullValues, mustBe: 0',
    );
    return undefined;
  }
  const metricField = item.metric !== undefined ? 'metric' : 'rule';
  const rawMetric = item[metricField];
  const typeText = text(item.type)?.toLowerCase();
  let type: QualityCheckType = 'library';
  if (typeText !== undefined) {
    if (!(QUALITY_CHECK_TYPES as readonly string[]).includes(typeText)) {
      report(
        [...at, 'type'],
        `quality check type ${show(
          item.type,
        )} is not one of ${QUALITY_CHECK_TYPES.join(', ')}`,
      );
      return undefined;
    }
    type = typeText as QualityCheckType;
  } else if (rawMetric === undefined && item.query !== undefined) {
    type = 'sql';
  }
  const check: QualityCheck = {};
  const name = text(item.id) ?? text(item.name);
  if (name !== undefined) {
    if (name.length > 100 || CONTROL.test(name)) {
      report(
        [...at, item.id !== undefined ? 'id' : 'name'],
        'a quality check name is one line of at most 100 characters',
      );
      return undefined;
    }
    check.name = name;
  }
  const description = text(item.description);
  if (description) check.description = description;
  if (type !== 'library') check.type = type;
  for (const field of ['severity', 'dimension'] as const) {
    const v = text(item[field]);
    if (v) check[field] = v;
  }
  if (!readSchedule(item, at, report, check)) return undefined;
  if (type === 'text' || type === 'custom') return check;
  if (type === 'sql') {
    const query = text(item.query);
    if (!query || query.length > MAX_QUERY) {
      report(
        [...at, 'query'],
        `a sql quality check needs its query (at most ${MAX_QUERY} characters)`,
      );
      return undefined;
    }
    check.query = query;
    return readComparison(item, at, report, check) ? check : undefined;
  }

  // library: a metric the portal measures
  const metric = text(rawMetric);
  if (!metric || !(QUALITY_METRICS as readonly string[]).includes(metric)) {
    report(
      [...at, metricField],
      metric
        ? `quality metric ${show(
            rawMetric,
          )} is not one of ${QUALITY_METRICS.join(', ')}`
        : `a quality check needs a metric: one of ${QUALITY_METRICS.join(
            ', ',
          )}`,
    );
    return undefined;
  }
  check.metric = metric as QualityMetric;
  const forDataset = DATASET_METRICS.includes(check.metric);
  if (level === 'column' && forDataset) {
    report(
      [...at, metricField],
      `${metric} counts a table's rows: write it under the dataset, not a column`,
    );
    return undefined;
  }
  const args = isObj(item.arguments) ? item.arguments : {};
  if (level === 'dataset' && check.metric === 'duplicateValues') {
    // duplicates over several columns: ODCS arguments.properties, or the
    // kind's own `columns`
    const columns =
      item.columns !== undefined
        ? readColumns(item.columns, [...at, 'columns'], report, known)
        : readColumns(
            args.properties,
            [...at, 'arguments', 'properties'],
            report,
            known,
          );
    if (!columns) return undefined;
    check.columns = columns;
  } else if (level === 'dataset' && !forDataset) {
    report(
      [...at, metricField],
      `${metric} is about a column's values: write it under that column`,
    );
    return undefined;
  }
  if (item.unit !== undefined) {
    const unit = text(item.unit)?.toLowerCase();
    if (unit !== 'rows' && unit !== 'percent') {
      report([...at, 'unit'], `unit ${show(item.unit)} is not rows or percent`);
      return undefined;
    }
    if (unit === 'percent' && check.metric === 'rowCount') {
      report(
        [...at, 'unit'],
        'a row count is a number of rows, not a percentage',
      );
      return undefined;
    }
    if (unit === 'percent') check.unit = 'percent';
  }
  if (!readComparison(item, at, report, check)) return undefined;
  const listField = (field: 'validValues' | 'missingValues') =>
    item[field] !== undefined
      ? { value: item[field], path: [...at, field] }
      : { value: args[field], path: [...at, 'arguments', field] };
  if (check.metric === 'invalidValues') {
    if (args.pattern !== undefined || item.pattern !== undefined) {
      report(
        [...at, 'arguments', 'pattern'],
        'the portal does not measure patterns: list the validValues instead, or make it a custom check',
      );
      return undefined;
    }
    const { value, path } = listField('validValues');
    const values = readValues(value, path, report, 'validValues');
    if (!values) return undefined;
    if (!values.length) {
      report(
        item.validValues === undefined && args.validValues === undefined
          ? at
          : path,
        'invalidValues needs the values the column may hold: list them in arguments.validValues',
      );
      return undefined;
    }
    check.validValues = values;
  }
  if (check.metric === 'missingValues') {
    const { value, path } = listField('missingValues');
    const values = readValues(value, path, report, 'missingValues');
    if (!values) return undefined;
    if (values.length) check.missingValues = values;
  }
  return check;
}

/**
 * A check's own schedule: with the `cron` scheduler (or none), `schedule`
 * must be a cron expression the portal can follow; another scheduler's
 * schedule is kept as written, for readers.
 */
function readSchedule(
  item: Record<string, unknown>,
  at: DocumentPath,
  report: Report,
  check: QualityCheck,
): boolean {
  const scheduler = text(item.scheduler);
  const schedule = text(item.schedule);
  if (scheduler !== undefined) {
    if (scheduler.length > 100 || CONTROL.test(scheduler)) {
      report(
        [...at, 'scheduler'],
        'a scheduler is one line of at most 100 characters',
      );
      return false;
    }
    check.scheduler = scheduler;
  }
  if (schedule === undefined) {
    if (scheduler?.toLowerCase() === 'cron') {
      report(
        [...at, 'schedule'],
        'scheduler cron needs a schedule, e.g. schedule: "0 20 * * *" (UTC)',
      );
      return false;
    }
    return true;
  }
  if (schedule.length > 200 || CONTROL.test(schedule)) {
    report(
      [...at, 'schedule'],
      'a schedule is one line of at most 200 characters',
    );
    return false;
  }
  if (scheduler === undefined || scheduler.toLowerCase() === 'cron') {
    const parsed = parseCron(schedule);
    if ('problem' in parsed) {
      report(
        [...at, 'schedule'],
        `${parsed.problem}; the portal reads it in UTC`,
      );
      return false;
    }
  }
  check.schedule = schedule;
  return true;
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

function readComparison(
  item: Record<string, unknown>,
  at: DocumentPath,
  report: Report,
  check: QualityCheck,
): boolean {
  const given = QUALITY_OPERATORS.filter(op => item[op] !== undefined);
  if (given.length !== 1) {
    report(
      at,
      given.length
        ? `a quality check compares once; it has ${given.join(' and ')}`
        : 'say what the measure must be, e.g. mustBe: 0 or mustBeLessThan: 10',
    );
    return false;
  }
  const op = given[0];
  const v = item[op];
  if (op === 'mustBeBetween' || op === 'mustNotBeBetween') {
    if (
      !Array.isArray(v) ||
      v.length !== 2 ||
      !isNumber(v[0]) ||
      !isNumber(v[1]) ||
      v[0] >= v[1]
    ) {
      report(
        [...at, op],
        `${op} takes two numbers, the smaller first, e.g. [10, 100]`,
      );
      return false;
    }
    check[op] = [v[0], v[1]];
  } else {
    if (!isNumber(v)) {
      report([...at, op], `${op} takes a number, not ${show(v)}`);
      return false;
    }
    check[op] = v;
  }
  if (check.unit === 'percent') {
    const values = Array.isArray(check[op])
      ? (check[op] as number[])
      : [check[op] as number];
    if (values.some(x => x < 0 || x > 100)) {
      report([...at, op], 'a percentage lies between 0 and 100');
      return false;
    }
  }
  return true;
}

/** The columns of a dataset's duplicateValues check: two or more plain names. */
function readColumns(
  raw: unknown,
  path: DocumentPath,
  report: Report,
  known: readonly string[] | undefined,
): string[] | undefined {
  const names = Array.isArray(raw) ? raw : [];
  const valid = names.every(
    n => typeof n === 'string' && /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/.test(n),
  );
  if (!Array.isArray(raw) || names.length < 2 || names.length > 10 || !valid) {
    report(
      path,
      'duplicateValues of a dataset needs the columns whose values together must not repeat: list two to ten column names in arguments.properties (one column: write the check under it)',
    );
    return undefined;
  }
  if (new Set(names).size !== names.length) {
    report(path, 'a column is listed twice');
    return undefined;
  }
  const unknown = known && names.findIndex(n => !known.includes(n));
  if (known && unknown !== undefined && unknown >= 0) {
    report(
      [...path, unknown],
      `column '${names[unknown]}' is not a column of this dataset`,
    );
    return undefined;
  }
  return names as string[];
}

function readValues(
  raw: unknown,
  path: DocumentPath,
  report: Report,
  field: string,
): (string | number)[] | undefined {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    report(path, `${field} must be a list of values`);
    return undefined;
  }
  if (raw.length > MAX_LISTED_VALUES) {
    report(path, `${field} may list at most ${MAX_LISTED_VALUES} values`);
    return undefined;
  }
  const out: (string | number)[] = [];
  for (const [k, v] of raw.entries()) {
    if (v === null) continue; // null is missing and never valid anyway
    if (isNumber(v)) out.push(v);
    else if (
      typeof v === 'string' &&
      v.length <= MAX_LISTED_TEXT &&
      !CONTROL.test(v)
    )
      out.push(v);
    else {
      report(
        [...path, k],
        `${
          typeof v === 'string' ? JSON.stringify(v) : show(v)
        } cannot be listed: a value is a number or one line of text of at most ${MAX_LISTED_TEXT} characters`,
      );
      return undefined;
    }
  }
  return out;
}

/** What a check's results are kept under: its name, or its metric (or type). @public */
export function qualityCheckName(check: QualityCheck): string {
  return check.name ?? check.metric ?? check.type ?? 'library';
}

/** Whether the portal measures the check in the warehouse. @public */
export function isMeasuredQualityCheck(check: QualityCheck): boolean {
  return (check.type ?? 'library') === 'library' && check.metric !== undefined;
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
  const what = check.metric
    ? `${METRIC_WORDS[check.metric]}${
        check.columns ? ` of (${check.columns.join(', ')})` : ''
      }`
    : check.type ?? '';
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
 * Something to count in one table for a check: all rows, a column's
 * non-null values, its distinct values, its values in a list, its non-null
 * values outside a list. Values are compared as text (the column cast to
 * text, as the warehouse writes it).
 * @public
 */
export type QualityMeasure =
  | { kind: 'rows' }
  | { kind: 'nonNull'; column: string }
  | { kind: 'distinct'; column: string }
  | { kind: 'inList'; column: string; values: string[] }
  | { kind: 'notInList'; column: string; values: string[] }
  /** Rows with a value in every one of the columns. */
  | { kind: 'nonNullRows'; columns: string[] }
  /** Distinct combinations of the columns' values, among those rows. */
  | { kind: 'distinctRows'; columns: string[] };

/** A stable key of a measure, to count it once per table however many checks need it. @public */
export function qualityMeasureKey(measure: QualityMeasure): string {
  return JSON.stringify(measure);
}

/** The counts a check needs (besides the rows, always counted). @public */
export function qualityMeasuresOf(
  check: QualityCheck,
  column: string | undefined,
): QualityMeasure[] {
  if (!isMeasuredQualityCheck(check)) return [];
  const rows: QualityMeasure = { kind: 'rows' };
  if (
    check.metric === 'duplicateValues' &&
    column === undefined &&
    check.columns
  ) {
    const columns = check.columns.map(toSqlName);
    return [
      rows,
      { kind: 'nonNullRows', columns },
      { kind: 'distinctRows', columns },
    ];
  }
  if (check.metric === 'rowCount' || column === undefined) return [rows];
  const nonNull: QualityMeasure = { kind: 'nonNull', column };
  switch (check.metric) {
    case 'nullValues':
      return [rows, nonNull];
    case 'missingValues':
      return check.missingValues?.length
        ? [
            rows,
            nonNull,
            {
              kind: 'inList',
              column,
              values: check.missingValues.map(String),
            },
          ]
        : [rows, nonNull];
    case 'invalidValues':
      return [
        rows,
        {
          kind: 'notInList',
          column,
          values: (check.validValues ?? []).map(String),
        },
      ];
    case 'duplicateValues':
      return [rows, nonNull, { kind: 'distinct', column }];
    default:
      return [rows];
  }
}

/** A check's outcome. @public */
export type QualityCheckOutcome = {
  /** The measured value, in the check's unit (rows, or percent of the rows). */
  value: number;
  /** The number of rows it was measured on. */
  rows: number;
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
  column: string | undefined,
  counts: ReadonlyMap<string, number>,
): QualityCheckOutcome | undefined {
  const measures = qualityMeasuresOf(check, column);
  const comparison = qualityComparison(check);
  if (!measures.length || !comparison || !check.metric) return undefined;
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

/**
 * Every check of a product's datasets, with the key its results are kept
 * under (`dataset`, `dataset.column`, then `:name`).
 * @public
 */
export function qualityChecksOfDatasets(
  datasets: readonly {
    name: string;
    quality?: QualityCheck[];
    columns: readonly { name: string; quality?: QualityCheck[] }[];
  }[],
): {
  key: string;
  dataset: string;
  column?: string;
  check: QualityCheck;
}[] {
  const out: {
    key: string;
    dataset: string;
    column?: string;
    check: QualityCheck;
  }[] = [];
  for (const d of datasets) {
    const add = (checks: QualityCheck[] | undefined, column?: string) => {
      const seen = new Map<string, number>();
      for (const check of checks ?? []) {
        const base = qualityCheckName(check);
        const n = (seen.get(base) ?? 0) + 1;
        seen.set(base, n);
        const name = n === 1 ? base : `${base}#${n}`;
        out.push({
          key: `${d.name}${column ? `.${column}` : ''}:${name}`,
          dataset: d.name,
          ...(column ? { column } : {}),
          check,
        });
      }
    };
    add(d.quality);
    for (const c of d.columns) add(c.quality, c.name);
  }
  return out;
}

/**
 * A check as ODCS v3 writes it (`validValues` and `missingValues` under
 * `arguments`), for the exporters; `readQualityChecks` reads it back.
 * @public
 */
export function qualityCheckToOdcs(
  check: QualityCheck,
): Record<string, unknown> {
  const { validValues, missingValues, columns, name, ...rest } = check;
  const args = {
    ...(validValues ? { validValues } : {}),
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
