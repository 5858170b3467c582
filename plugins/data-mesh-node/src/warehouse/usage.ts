/*
 * Who reads a product's tables: the optional usage reading of a warehouse
 * adapter (issue 9 §3). Warehouses differ in what they can tell, so the
 * answer says which kind it is instead of pretending every warehouse knows
 * the reading role:
 * - `by-role` (Snowflake ACCOUNT_USAGE.ACCESS_HISTORY joined with
 *   QUERY_HISTORY): reads per table, role and UTC day inside the window,
 *   recounted on every call — the caller replaces the days it asked for;
 * - `table-level` (PostgreSQL / PGlite cumulative statistics): scans per
 *   table since the statistics were last reset, with no role and no day —
 *   the caller keeps the previous counter and books the difference.
 */
import type { TableRef } from './types';

/** @public */
export type UsageSource = 'by-role' | 'table-level';

/** One row of a usage reading. @public */
export interface TableUsage extends TableRef {
  /** `by-role`: the role the reading queries ran as (upper case in Snowflake). `table-level`: absent. */
  role?: string;
  /** `by-role`: the UTC day, `YYYY-MM-DD`. `table-level`: absent (the counter is cumulative). */
  day?: string;
  /** `by-role`: queries that read the table that day. `table-level`: scans (sequential and index) since the statistics reset. */
  reads: number;
  /** ISO time of the newest read, when the warehouse knows it. */
  lastRead?: string;
}

/** @public */
export interface UsageReading {
  source: UsageSource;
  rows: TableUsage[];
  /** What the numbers cannot tell, for the UI (e.g. ACCOUNT_USAGE latency, scans are not queries). */
  notes: string[];
}

/** @public */
export interface UsageOptions {
  /** ISO time; `by-role` readings count reads from then on (a bounded window). `table-level` ignores it. */
  since: string;
}
