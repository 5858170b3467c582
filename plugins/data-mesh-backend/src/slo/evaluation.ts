/*
 * Evaluating monitors: the store sums slice rows in SQL, the window rules of
 * data-mesh-common turn the sums into SLI, error budget, burn rates and
 * status.
 */
import {
  type WindowEvaluation,
  evaluateWindow,
  windowRanges,
} from '@datamesh/plugin-data-mesh-common';
import type { MonitorRecord, SloStore } from './SloStore';

/** The evaluation of one monitor at one instant. @public */
export interface MonitorEvaluation extends WindowEvaluation {
  monitorId: number;
}

const NO_ROWS = {
  middleRows: 0,
  middleGood: 0,
  oldestRows: 0,
  oldestGood: 0,
  currentChecks: 0,
  currentPassed: 0,
  recentGoodWithCurrent: 0,
  recentGoodWithoutCurrent: 0,
};

/**
 * Evaluate monitors at `now`: one aggregation per (window, slice) pair.
 * Monitors that cannot be measured (a problem, no valid slice) get no entry.
 * @public
 */
export async function evaluateMonitors(
  store: Pick<SloStore, 'windowSums'>,
  monitors: MonitorRecord[],
  options: { now: number; recentSlices: number },
): Promise<Map<number, MonitorEvaluation>> {
  const { now, recentSlices } = options;
  const result = new Map<number, MonitorEvaluation>();
  const groups = new Map<string, MonitorRecord[]>();
  for (const m of monitors) {
    if (m.problem || !(m.sliceMs > 0) || !(m.windowMs >= m.sliceMs)) continue;
    const key = `${m.windowMs}:${m.sliceMs}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  for (const group of groups.values()) {
    const shape = {
      windowMs: group[0].windowMs,
      sliceMs: group[0].sliceMs,
      recentSlices,
    };
    const sums = await store.windowSums(
      group.map(m => m.id),
      windowRanges(now, shape),
    );
    for (const m of group) {
      const evaluation = evaluateWindow(
        { ...shape, now, target: m.target, firstObservedAt: m.firstObservedAt },
        sums.get(m.id) ?? NO_ROWS,
      );
      result.set(m.id, { ...evaluation, monitorId: m.id });
    }
  }
  return result;
}
