/*
 * Reading data-quality checks (ODCS v3 `quality[]`): how a check written
 * by a spec author becomes the kind's `QualityCheck`. Every format reads
 * checks through `readQualityChecks` (ODCS contracts, the OAM spec, and the
 * native entity's validation), so a check means the same thing in every
 * format. The values a spec author lists reach SQL as literals (see
 * checks.ts and data-mesh-node quality.ts), so they are checked here (text
 * without control characters, at most 200 characters; finite numbers; at
 * most 100 of them) and quoted there; a check's own cron schedule must be
 * one the portal can follow.
 */
import type { DocumentPath, SpecIssue } from '../issues';
import {
  QUALITY_CHECK_TYPES,
  QUALITY_METRICS,
  QUALITY_OPERATORS,
  type QualityCheck,
  type QualityCheckType,
  type QualityMetric,
} from '../model';
import { showValue as show } from '../values';
import { parseCron } from './cron';
import { qualityPatternProblem } from './pattern';
import { qualityQueryProblem } from './sqlCheck';
import { isNumberText, isNumericColumnType, qualityCheckName } from './checks';

type Report = (
  path: DocumentPath,
  message: string,
  severity?: SpecIssue['severity'],
) => void;

/** Where a check is written: under a dataset (the table) or a column. @public */
export type QualityLevel = 'dataset' | 'column';

/** What the checks are read against. @public */
export type QualityReadContext = {
  /** A dataset's column names, which its checks over several columns must name. */
  columns?: readonly string[];
  /** A column's declared type: a numeric column's listed values must be numbers. */
  columnType?: string;
};

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
  context: QualityReadContext = {},
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
    const check = readCheck(item, at, report, level, context);
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
  context: QualityReadContext,
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
    const problem = qualityQueryProblem(query, level);
    if (problem) {
      report([...at, 'query'], problem);
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
        ? readColumns(item.columns, [...at, 'columns'], report, context.columns)
        : readColumns(
            args.properties,
            [...at, 'arguments', 'properties'],
            report,
            context.columns,
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
    const patternPath =
      item.pattern !== undefined
        ? [...at, 'pattern']
        : [...at, 'arguments', 'pattern'];
    const pattern = item.pattern ?? args.pattern;
    if (pattern !== undefined) {
      const given = listField('validValues');
      if (given.value !== undefined) {
        report(
          given.path,
          'invalidValues takes validValues or a pattern, not both: write two checks',
        );
        return undefined;
      }
      const problem =
        typeof pattern === 'string'
          ? qualityPatternProblem(pattern)
          : 'a pattern is a regular expression, e.g. ^[A-Z]{2}[0-9]{4}$';
      if (problem) {
        report(
          patternPath,
          `${problem}; a pattern the portal cannot measure can be a sql check in your warehouse's own regular expressions`,
        );
        return undefined;
      }
      check.pattern = pattern as string;
      return check;
    }
    const { value, path } = listField('validValues');
    const values = readValues(value, path, report, 'validValues', context);
    if (!values) return undefined;
    if (!values.length) {
      report(
        item.validValues === undefined && args.validValues === undefined
          ? at
          : path,
        'invalidValues needs the values the column may hold: list them in arguments.validValues, or give arguments.pattern',
      );
      return undefined;
    }
    check.validValues = values;
  }
  if (check.metric === 'missingValues') {
    const { value, path } = listField('missingValues');
    const values = readValues(value, path, report, 'missingValues', context);
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
  context: QualityReadContext,
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
  // a numeric column's values are compared as numbers (checks.ts): each
  // must be one, written as a number or as its text ("1.5")
  const numeric = isNumericColumnType(context.columnType);
  const out: (string | number)[] = [];
  for (const [k, v] of raw.entries()) {
    if (v === null) continue; // null is missing and never valid anyway
    if (numeric) {
      const n = typeof v === 'string' && isNumberText(v.trim()) ? Number(v) : v;
      if (isNumber(n)) {
        out.push(n);
        continue;
      }
      report(
        [...path, k],
        `${
          typeof v === 'string' ? JSON.stringify(v) : show(v)
        } is not a number, and the column holds numbers (${
          context.columnType
        }): list numbers, e.g. [1, 2.5]`,
      );
      return undefined;
    }
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
