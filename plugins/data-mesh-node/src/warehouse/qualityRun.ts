/*
 * Running products' data-quality checks: each check's table (as the SLO
 * monitors find it), the counts of every table of one database in one
 * statement per chunk (quality.ts), and each check's verdict. Shared by
 * the CLI (`datamesh quality`) and the portal.
 */
import {
  type DataProductEntityV1alpha1,
  type DatasetQualityCheck,
  type QualityCheck,
  type QualityCheckOutcome,
  type QualityMeasure,
  evaluateQualityCheck,
  isMeasuredQualityCheck,
  isNumberText,
  qualityCheckColumn,
  qualityCheckRunner,
  qualityChecksOfDatasets,
  qualityMeasureKey,
  qualityMeasuresOf,
  qualityQueryStatement,
  toSqlName,
} from '@datamesh/plugin-data-mesh-common';
import { type DatasetTable, datasetTables } from './datasetTables';
import type { PlatformConfig } from './platform';
import { sandboxSchemaName } from './sandbox';
import type { QualityTableReading, QualityTableRequest } from './quality';
import type { WarehouseAdapter } from './types';

/** One check of one product, with the table it is measured on. @public */
export interface ProductQualityCheck extends DatasetQualityCheck {
  table?: DatasetTable;
  /** Why the check cannot be measured (its table cannot be told). */
  problem?: string;
}

/** @public */
export type QualityCheckStatus = 'passed' | 'failed' | 'error' | 'not-run';

/** A check's result. @public */
export interface QualityCheckResult extends ProductQualityCheck {
  status: QualityCheckStatus;
  outcome?: QualityCheckOutcome;
  /** The counts the verdict was made of (measured checks only). */
  counts?: { measure: QualityMeasure; count: number }[];
  /** `error`: why it was not measured; `not-run`: why the portal does not run it. */
  message?: string;
}

/** Why a check is not measured by the platform (`sql`, `custom`, `text`). @public */
export function qualityNotRunReason(check: QualityCheck): string {
  return qualityCheckRunner(check) === 'pipeline'
    ? "run by the product's pipeline (datamesh quality --sql), which reports it: the portal does not run a spec's SQL with the platform's privileges"
    : `a ${check.type} check is not measured by the portal`;
}

/** The one number of a `sql` check's rows, or why there is none. */
function queryNumber(
  rows: Record<string, unknown>[],
): { value: number } | { error: string } {
  const cells = rows.length === 1 ? Object.values(rows[0]) : [];
  if (rows.length !== 1 || cells.length === 0) {
    return {
      error: `the query must return one row with one number; it returned ${rows.length} rows`,
    };
  }
  const cell = cells[0];
  // drivers give a bigint or a numeric as text (pg) or a bigint (PGlite)
  const numeric =
    typeof cell === 'number' ||
    typeof cell === 'bigint' ||
    (typeof cell === 'string' && isNumberText(cell.trim()));
  const value = numeric ? Number(cell) : NaN;
  return Number.isFinite(value)
    ? { value }
    : {
        error: `the query must return one number; its first column holds ${
          cell === null ? 'null' : JSON.stringify(String(cell)).slice(0, 100)
        }`,
      };
}

/**
 * Run the `sql` checks among `checks`: each its own statement, the
 * placeholders filled with the names of the table it is measured on.
 * Results by check.
 */
async function runSqlChecks(
  adapter: WarehouseAdapter,
  checks: ProductQualityCheck[],
): Promise<Map<ProductQualityCheck, { value: number } | { error: string }>> {
  const out = new Map<
    ProductQualityCheck,
    { value: number } | { error: string }
  >();
  for (const c of checks) {
    if (qualityCheckRunner(c.check) !== 'pipeline' || !c.table) continue;
    if (!adapter.runQualityQuery) {
      out.set(c, {
        error: `${adapter.dialect.displayName} does not run sql checks here`,
      });
      continue;
    }
    const { database, schema, table } = c.table;
    try {
      const statement = qualityQueryStatement(c.check.query!, {
        table: adapter.dialect.qualifiedTable({ database, schema }, table),
        ...(c.column
          ? { column: adapter.dialect.quoteIdentifier(toSqlName(c.column)) }
          : {}),
      });
      out.set(
        c,
        queryNumber(await adapter.runQualityQuery(database, statement)),
      );
    } catch (e) {
      out.set(c, {
        error: (e instanceof Error ? e.message : String(e)).slice(0, 500),
      });
    }
  }
  return out;
}

/**
 * The checks of a product's datasets and columns, each with its table;
 * with `sandbox` (a branch's suffix), the table of the branch's sandbox
 * instead: the same table in the sandbox copy of its product schema.
 * @public
 */
export function productQualityChecks(
  entity: DataProductEntityV1alpha1,
  platform: PlatformConfig,
  options: { sandbox?: string } = {},
): ProductQualityCheck[] {
  const checks = qualityChecksOfDatasets(entity.spec?.datasets ?? []);
  if (!checks.length) return [];
  const { tables, provisioned } = datasetTables(entity, platform);
  const where = (
    table: DatasetTable,
  ): { table: DatasetTable } | { problem: string } => {
    if (options.sandbox === undefined) return { table };
    const product = provisioned();
    if ('problem' in product) return product;
    const inProduct =
      table.database === product.database &&
      Object.values(product.schemas).includes(table.schema);
    return inProduct
      ? {
          table: {
            ...table,
            schema: sandboxSchemaName(table.schema, options.sandbox),
          },
        }
      : {
          problem: `${table.database}.${table.schema}.${table.table} is not in the product's schemas, so not in its sandbox`,
        };
  };
  return checks.map(c => {
    const table = tables.get(c.dataset);
    if (!table) return { ...c, problem: `dataset '${c.dataset}' not found` };
    if ('problem' in table) return { ...c, problem: table.problem };
    return { ...c, ...where(table) };
  });
}

const tableKey = (t: DatasetTable) => `${t.database}.${t.schema}.${t.table}`;

/**
 * Measure checks in the warehouse: one `measureQuality` call per database
 * (each table once, whatever its checks), then each check's verdict.
 * @public
 */
export async function runQualityChecks(
  adapter: WarehouseAdapter,
  checks: ProductQualityCheck[],
  options: {
    /**
     * Also run the `sql` checks, the spec's own queries, with the
     * adapter's credentials: for the product's own pipeline only.
     */
    sql?: boolean;
  } = {},
): Promise<QualityCheckResult[]> {
  const byDatabase = new Map<string, Map<string, QualityTableRequest>>();
  for (const c of checks) {
    if (!c.table || !isMeasuredQualityCheck(c.check)) continue;
    const tables = byDatabase.get(c.table.database) ?? new Map();
    byDatabase.set(c.table.database, tables);
    const request = tables.get(tableKey(c.table)) ?? {
      schema: c.table.schema,
      table: c.table.table,
      measures: [] as QualityMeasure[],
    };
    tables.set(tableKey(c.table), request);
    request.measures.push(...qualityMeasuresOf(c.check, qualityCheckColumn(c)));
  }
  const readings = new Map<
    string,
    Pick<QualityTableReading, 'counts' | 'error' | 'failed'>
  >();
  if (byDatabase.size && !adapter.measureQuality) {
    return checks.map(c => ({
      ...c,
      status: 'not-run',
      message: `${adapter.dialect.displayName} does not count data-quality checks here`,
    }));
  }
  for (const [database, tables] of byDatabase) {
    const requests = [...tables.values()].map(r => ({
      ...r,
      measures: [
        ...new Map(r.measures.map(m => [qualityMeasureKey(m), m])).values(),
      ],
    }));
    try {
      const counted = await adapter.measureQuality!(database, requests);
      for (const r of counted) {
        readings.set(
          tableKey({ database, schema: r.schema, table: r.table }),
          r,
        );
      }
    } catch (e) {
      for (const r of requests) {
        readings.set(tableKey({ database, schema: r.schema, table: r.table }), {
          error: e instanceof Error ? e.message : String(e),
        });
      }
    }
  }
  const queried = options.sql ? await runSqlChecks(adapter, checks) : new Map();
  return checks.map((c): QualityCheckResult => {
    const runner = qualityCheckRunner(c.check);
    if (!runner || (runner === 'pipeline' && !options.sql)) {
      return { ...c, status: 'not-run', message: qualityNotRunReason(c.check) };
    }
    if (!c.table) return { ...c, status: 'error', message: c.problem };
    if (runner === 'pipeline') {
      const answer = queried.get(c)!;
      if ('error' in answer) {
        return { ...c, status: 'error', message: answer.error };
      }
      const [measure] = qualityMeasuresOf(c.check, qualityCheckColumn(c));
      const outcome = evaluateQualityCheck(
        c.check,
        qualityCheckColumn(c),
        new Map([[qualityMeasureKey(measure), answer.value]]),
      )!;
      return {
        ...c,
        status: outcome.passed ? 'passed' : 'failed',
        outcome,
        counts: [{ measure, count: answer.value }],
      };
    }
    const reading = readings.get(tableKey(c.table));
    if (!reading?.counts) {
      return {
        ...c,
        status: 'error',
        message: reading?.error ?? 'not counted',
      };
    }
    const column = qualityCheckColumn(c);
    // a measure that failed while the table's others were counted
    const failed = qualityMeasuresOf(c.check, column)
      .map(m => reading.failed?.get(qualityMeasureKey(m)))
      .find(message => message !== undefined);
    if (failed) return { ...c, status: 'error', message: failed };
    const outcome = evaluateQualityCheck(c.check, column, reading.counts);
    if (!outcome) return { ...c, status: 'error', message: 'not counted' };
    const counts = qualityMeasuresOf(c.check, column).map(measure => ({
      measure,
      count: reading.counts!.get(qualityMeasureKey(measure))!,
    }));
    return {
      ...c,
      status: outcome.passed ? 'passed' : 'failed',
      outcome,
      counts,
    };
  });
}
