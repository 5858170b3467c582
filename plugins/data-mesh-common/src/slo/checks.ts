/*
 * The indicator checks of seed part 2, one observation at a time.
 *
 * Every check fails when it cannot see what it needs (no table, warehouse
 * unreachable, no last-altered time): an objective is a promise to
 * consumers, and "we could not look" is not evidence that it was kept.
 */
import { WAREHOUSE_UNREACHABLE_REASON_PREFIX } from './api';

/** What one stats query says about one table (as `TableStats` of the warehouse adapters). @public */
export interface TableObservation {
  exists: boolean;
  rowCount?: number;
  /** Epoch milliseconds of the last change, when the warehouse knows it. */
  lastAlteredAt?: number;
  /**
   * What `lastAlteredAt` is: the newest value of the dataset's load-timestamp
   * column, or the warehouse's own last-change time (which also moves on DDL
   * and background operations). Unknown when absent.
   */
  freshnessSource?: 'loaded_at' | 'last_altered';
}

/** How a freshness reason names what the age was measured on. */
const MEASURED_ON: Record<
  NonNullable<TableObservation['freshnessSource']>,
  string
> = {
  loaded_at: '; measured on the load-timestamp column',
  last_altered:
    "; measured on the warehouse's last-change time (no load-timestamp column)",
};

/** @public */
export interface CheckResult {
  passed: boolean;
  /** Why, in one sentence, for the history and the notification. */
  reason: string;
}

/** Why the warehouse could not be asked at all (connection refused, query error). @public */
export interface ObservationFailure {
  error: string;
}

function unobserved(
  stats: TableObservation | ObservationFailure | undefined,
): CheckResult | undefined {
  if (!stats) return { passed: false, reason: 'no observation of the table' };
  if ('error' in stats) {
    return {
      passed: false,
      reason: `${WAREHOUSE_UNREACHABLE_REASON_PREFIX}${stats.error}`,
    };
  }
  if (!stats.exists)
    return { passed: false, reason: 'the table does not exist' };
  return undefined;
}

/**
 * Availability: the table exists and answers (its row count could be read).
 * @public
 */
export function checkAvailability(
  stats: TableObservation | ObservationFailure | undefined,
): CheckResult {
  const missing = unobserved(stats);
  if (missing) return missing;
  const s = stats as TableObservation;
  if (s.rowCount === undefined) {
    return { passed: false, reason: 'the table exists but did not answer' };
  }
  return {
    passed: true,
    reason: `the table exists and answered (${s.rowCount} rows)`,
  };
}

/** Age in words for reasons: `3h 20m`, `2d 4h`. @public */
export function formatAge(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  return `${m}m`;
}

/**
 * Freshness: the table was last loaded (else last altered) at most
 * `maxAgeMs` before `now`.
 * A change stamped in the future (clock skew) counts as fresh.
 * @public
 */
export function checkFreshness(
  stats: TableObservation | ObservationFailure | undefined,
  options: { now: number; maxAgeMs: number },
): CheckResult {
  const missing = unobserved(stats);
  if (missing) return missing;
  const s = stats as TableObservation;
  if (s.lastAlteredAt === undefined) {
    return {
      passed: false,
      reason:
        'the warehouse reports no last-altered time for the table (PostgreSQL: it has no load-timestamp column, or no rows)',
    };
  }
  const age = options.now - s.lastAlteredAt;
  const measuredOn = s.freshnessSource ? MEASURED_ON[s.freshnessSource] : '';
  // the newest load timestamp says when rows were loaded; the warehouse's
  // own record only when the table last changed
  const last =
    s.freshnessSource === 'loaded_at' ? 'last loaded' : 'last altered';
  if (age > options.maxAgeMs) {
    return {
      passed: false,
      reason: `${last} ${formatAge(age)} ago, more than the ${formatAge(
        options.maxAgeMs,
      )} promised${measuredOn}`,
    };
  }
  return {
    passed: true,
    reason: `${last} ${formatAge(Math.max(0, age))} ago, within ${formatAge(
      options.maxAgeMs,
    )}${measuredOn}`,
  };
}

/** The previous updates a completeness check compares with. @public */
export interface TrailingUpdates {
  /** How many previous updates are in the window. */
  count: number;
  /** Their average row count (ignored when `count` is 0). */
  average: number;
}

/**
 * Completeness (seed part 2, "volume"): the row count of the latest update
 * is not more than `tolerance` below the average row count of the previous
 * updates in the window. With no previous update there is nothing to fall
 * below, so the first update passes.
 * @public
 */
export function checkCompleteness(
  stats: TableObservation | ObservationFailure | undefined,
  options: { trailing: TrailingUpdates; tolerance: number },
): CheckResult {
  const missing = unobserved(stats);
  if (missing) return missing;
  const s = stats as TableObservation;
  if (s.rowCount === undefined) {
    return { passed: false, reason: 'the row count could not be read' };
  }
  const { trailing, tolerance } = options;
  if (trailing.count === 0) {
    return {
      passed: true,
      reason: `${s.rowCount} rows; no earlier update in the window to compare with`,
    };
  }
  const minimum = trailing.average * (1 - tolerance);
  const average = Math.round(trailing.average * 100) / 100;
  const updates = `${trailing.count} previous update${
    trailing.count === 1 ? '' : 's'
  }`;
  // 1e-9: 1000 × (1 − 0.05) is 949.9999999999999 in binary floating point
  if (s.rowCount < minimum - 1e-9) {
    const drop = Math.round((1 - s.rowCount / trailing.average) * 1000) / 10;
    return {
      passed: false,
      reason: `${
        s.rowCount
      } rows, ${drop} % below the average ${average} of the ${updates} (tolerance ${
        Math.round(tolerance * 1000) / 10
      } %)`,
    };
  }
  return {
    passed: true,
    reason: `${s.rowCount} rows, within ${
      Math.round(tolerance * 1000) / 10
    } % of the average ${average} of the ${updates}`,
  };
}
