/*
 * Usage by role from SNOWFLAKE.ACCOUNT_USAGE: ACCESS_HISTORY lists, per
 * query, the objects it read (BASE_OBJECTS_ACCESSED: the tables under any
 * view, as JSON objects with objectName `DB.SCHEMA.TABLE` and
 * objectDomain), and QUERY_HISTORY the role the query ran as (ROLE_NAME);
 * they join on QUERY_ID. ACCESS_HISTORY has no role column, hence the join.
 *
 * One statement per database: the requested tables are one IN list, the
 * window is bounded on both views' start times (both are partitioned by
 * time, an unbounded scan reads a year of history). Days are UTC. The
 * views lag by up to three hours (Snowflake's documentation), which is why
 * the collector recounts whole days rather than adding new reads.
 */
import type {
  TableRef,
  TableUsage,
  UsageReading,
} from '@datamesh/plugin-data-mesh-node';
import { InvalidIdentifierError } from '@datamesh/plugin-data-mesh-node';
import { physicalName, quoteLiteral } from './dialect';
import type { Row } from './introspection';

/** Notes every by-role answer carries. @public */
export const SNOWFLAKE_USAGE_NOTES = [
  'from SNOWFLAKE.ACCOUNT_USAGE.ACCESS_HISTORY joined with QUERY_HISTORY: reads by the role each query ran as; these views lag by up to three hours',
  'a query that reads several of a product’s tables counts once per table',
];

/** `DB.SCHEMA.TABLE` as ACCESS_HISTORY spells objectName (unquoted names upper case). */
export const accessHistoryName = (database: string, t: TableRef) =>
  [database, t.schema, t.table].map(physicalName).join('.');

/** The statement; `since` an ISO time (validated: it is a literal in SQL). @public */
export function usageSql(
  database: string,
  tables: TableRef[],
  since: string,
): string {
  const at = new Date(since);
  if (Number.isNaN(at.getTime())) {
    throw new InvalidIdentifierError(
      `usage window start '${since}' is not a time`,
    );
  }
  const start = `${quoteLiteral(at.toISOString())}::TIMESTAMP_LTZ`;
  const names = tables.map(t => quoteLiteral(accessHistoryName(database, t)));
  return [
    `SELECT q.ROLE_NAME AS ROLE_NAME, f.value:"objectName"::STRING AS OBJECT_NAME,`,
    `TO_CHAR(CONVERT_TIMEZONE('UTC', a.QUERY_START_TIME), 'YYYY-MM-DD') AS DAY,`,
    `COUNT(DISTINCT a.QUERY_ID) AS READS,`,
    `DATE_PART(EPOCH_MILLISECOND, MAX(a.QUERY_START_TIME)) AS LAST_READ`,
    `FROM SNOWFLAKE.ACCOUNT_USAGE.ACCESS_HISTORY a,`,
    `LATERAL FLATTEN(input => a.BASE_OBJECTS_ACCESSED) f,`,
    `SNOWFLAKE.ACCOUNT_USAGE.QUERY_HISTORY q`,
    `WHERE q.QUERY_ID = a.QUERY_ID`,
    `AND a.QUERY_START_TIME >= ${start} AND q.START_TIME >= ${start}`,
    `AND f.value:"objectName"::STRING IN (${names.join(', ')})`,
    `GROUP BY 1, 2, 3`,
  ].join(' ');
}

/** The rows, matched back to the requested tables. @public */
export function readUsageRows(
  database: string,
  tables: TableRef[],
  rows: Row[],
): UsageReading {
  const byName = new Map(tables.map(t => [accessHistoryName(database, t), t]));
  const out: TableUsage[] = [];
  for (const r of rows) {
    const t = byName.get(String(r.OBJECT_NAME));
    if (!t) continue;
    const last = Number(r.LAST_READ);
    out.push({
      schema: t.schema,
      table: t.table,
      role: String(r.ROLE_NAME),
      day: String(r.DAY),
      reads: Number(r.READS),
      ...(Number.isFinite(last) && r.LAST_READ !== null
        ? { lastRead: new Date(last).toISOString() }
        : {}),
    });
  }
  return { source: 'by-role', rows: out, notes: SNOWFLAKE_USAGE_NOTES };
}
