/*
 * The SQL half of window evaluation: per monitor, the sums of its slice rows
 * over the fixed ranges of `windowRanges` (data-mesh-common). The pure half,
 * `evaluateWindow`, decides which of the ranges count.
 */
import type {
  WindowRanges,
  WindowSums,
} from '@datamesh/plugin-data-mesh-common';
import type { Knex } from 'knex';
import { SLICES, chunks } from './records';

/** A slice row is good when it has checks and all of them passed (`isGoodSlice`). */
const GOOD = 's.checks > 0 and s.passed >= s.checks';

/**
 * One grouped query per 500 monitors, reading at most window/slice + 1 rows
 * per monitor. Monitors without rows get no entry.
 */
export async function sumWindowSlices(
  db: Knex,
  monitorIds: number[],
  r: WindowRanges,
): Promise<Map<number, WindowSums>> {
  const sums = new Map<number, WindowSums>();
  const inRange = `s.slice_start >= ? and s.slice_start < ?`;
  const sum = (
    alias: string,
    when: string,
    value: string,
    bindings: number[],
  ) =>
    db.raw(
      `sum(case when ${when} then ${value} else 0 end) as ${alias}`,
      bindings,
    );
  for (const batch of chunks(monitorIds, 500)) {
    const rows = await db(`${SLICES} as s`)
      .whereIn('s.monitor_id', batch)
      .where('s.slice_start', '>=', r.oldest)
      .where('s.slice_start', '<=', r.current)
      .groupBy('s.monitor_id')
      .select(
        's.monitor_id',
        sum('middle_rows', inRange, '1', [r.middleStart, r.current]),
        sum('middle_good', `${inRange} and ${GOOD}`, '1', [
          r.middleStart,
          r.current,
        ]),
        sum('oldest_rows', 's.slice_start = ?', '1', [r.oldest]),
        sum('oldest_good', `s.slice_start = ? and ${GOOD}`, '1', [r.oldest]),
        sum('current_checks', 's.slice_start = ?', 's.checks', [r.current]),
        sum('current_passed', 's.slice_start = ?', 's.passed', [r.current]),
        sum('recent_with', `${inRange} and ${GOOD}`, '1', [
          r.recentWithCurrent,
          r.current,
        ]),
        sum('recent_without', `${inRange} and ${GOOD}`, '1', [
          r.recentWithoutCurrent,
          r.current,
        ]),
      );
    for (const row of rows as any[]) {
      sums.set(Number(row.monitor_id), {
        middleRows: Number(row.middle_rows),
        middleGood: Number(row.middle_good),
        oldestRows: Number(row.oldest_rows),
        oldestGood: Number(row.oldest_good),
        currentChecks: Number(row.current_checks),
        currentPassed: Number(row.current_passed),
        recentGoodWithCurrent: Number(row.recent_with),
        recentGoodWithoutCurrent: Number(row.recent_without),
      });
    }
  }
  return sums;
}
