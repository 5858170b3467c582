/*
 * Turn table stats into check results: completeness compares a detected
 * update with the previous ones (read from the store), availability and
 * freshness look at the stats alone.
 */
import {
  type CheckResult,
  type ObservationInput,
  checkAvailability,
  checkCompleteness,
  checkFreshness,
} from '@datamesh/plugin-data-mesh-common';
import type { MonitorRecord, SloStore, UpdateInput } from '../SloStore';
import { type ObservedTable, type TableStatsByKey, tableKey } from './stats';

/** @public */
export interface CompletenessOutcome {
  /** Per completeness monitor with usable stats: its result. */
  results: Map<number, CheckResult>;
  /** Table updates detected now, to store. */
  updates: UpdateInput[];
}

const statsOf = (m: MonitorRecord, stats: TableStatsByKey) =>
  stats.get(tableKey(m.table!));

/**
 * Completeness: a table whose row count or last-altered time changed since
 * the last cycle was updated, and the update is checked against the previous
 * updates in the window; an unchanged table keeps its latest update's result
 * (completeness holds until the next update).
 */
export async function checkCompletenessOfUpdates(options: {
  store: Pick<SloStore, 'trailingUpdates' | 'latestUpdateResults'>;
  monitors: MonitorRecord[];
  stats: TableStatsByKey;
  now: number;
  defaultTolerance: number;
}): Promise<CompletenessOutcome> {
  const { store, now, stats } = options;
  const updated: { monitor: MonitorRecord; stats: ObservedTable }[] = [];
  const unchanged: MonitorRecord[] = [];
  for (const m of options.monitors) {
    if (m.dimension !== 'completeness') continue;
    const s = statsOf(m, stats);
    if (!s || 'error' in s || !s.exists || s.rowCount === undefined) continue;
    const isUpdate =
      m.lastStatsAt === undefined ||
      s.rowCount !== m.lastRowCount ||
      (s.lastAlteredAt ?? null) !== (m.lastAlteredAt ?? null);
    if (isUpdate) updated.push({ monitor: m, stats: s });
    else unchanged.push(m);
  }
  const trailing = await store.trailingUpdates(
    updated.map(u => ({ id: u.monitor.id, windowMs: u.monitor.windowMs })),
    now,
  );
  const previous = await store.latestUpdateResults(unchanged.map(m => m.id));
  const results = new Map<number, CheckResult>();
  const updates: UpdateInput[] = [];
  for (const { monitor, stats: s } of updated) {
    const result = checkCompleteness(s, {
      trailing: trailing.get(monitor.id) ?? { count: 0, average: 0 },
      tolerance: monitor.tolerance ?? options.defaultTolerance,
    });
    results.set(monitor.id, result);
    updates.push({
      monitorId: monitor.id,
      detectedAt: now,
      rowCount: s.rowCount!,
      lastAlteredAt: s.lastAlteredAt,
      passed: result.passed,
      reason: result.reason,
    });
  }
  for (const m of unchanged) {
    const p = previous.get(m.id);
    if (p) results.set(m.id, p);
  }
  return { results, updates };
}

/** One observation per monitor: its check result and the stats it saw. */
export function observationsFromStats(options: {
  monitors: MonitorRecord[];
  stats: TableStatsByKey;
  completeness: Map<number, CheckResult>;
  now: number;
  defaultTolerance: number;
}): ObservationInput[] {
  const { now } = options;
  return options.monitors.map(m => {
    const s = statsOf(m, options.stats);
    let result: CheckResult;
    if (m.dimension === 'availability') {
      result = checkAvailability(s);
    } else if (m.dimension === 'freshness') {
      result = checkFreshness(s, { now, maxAgeMs: m.maxAgeMs ?? m.sliceMs });
    } else {
      result =
        options.completeness.get(m.id) ??
        // no usable stats, or the latest update was pruned: check afresh
        checkCompleteness(s, {
          trailing: { count: 0, average: 0 },
          tolerance: m.tolerance ?? options.defaultTolerance,
        });
    }
    const o = s && !('error' in s) ? s : undefined;
    const observation: ObservationInput = {
      monitorId: m.id,
      observedAt: now,
      source: 'collector',
      exists: o?.exists,
      rowCount: o?.rowCount,
      lastAlteredAt: o?.lastAlteredAt,
      bytes: o?.bytes,
      passed: result.passed,
      reason: result.reason,
    };
    // the SLO tab shows which time freshness was measured on
    if (m.dimension === 'freshness' && o?.freshnessSource) {
      observation.details = { freshnessSource: o.freshnessSource };
    }
    return observation;
  });
}
