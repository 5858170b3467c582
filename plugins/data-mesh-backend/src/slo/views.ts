/*
 * Records of the SLO store as the REST API shows them (times as ISO 8601).
 */
import {
  type SloFleetItem,
  type SloObjectiveReport,
  type SloObservationReport,
  evaluateTimeslices,
  millisToDuration,
  warehouseErrorOf,
} from '@datamesh/plugin-data-mesh-common';
import type { MonitorEvaluation } from './evaluation';
import type {
  FleetRow,
  MonitorRecord,
  MonitorStatusRecord,
  ObservationRecord,
  SliceRecord,
} from './SloStore';

export const isoAt = (t: number) => new Date(t).toISOString();
const iso = (t: number | undefined) => (t === undefined ? undefined : isoAt(t));

/** One objective: its definition, evaluation, history and latest observations. */
export function objectiveView(
  m: MonitorRecord,
  evaluation: MonitorEvaluation | undefined,
  extra: {
    now: number;
    /** The monitor's slice rows covering its window. */
    slices: SliceRecord[];
    observations: ObservationRecord[];
    status?: MonitorStatusRecord;
    recentSlices: number;
  },
): SloObjectiveReport {
  const observations = extra.observations.map(observationView);
  const base = {
    name: m.sloName,
    ...(m.title ? { title: m.title } : {}),
    dimension: m.dimension,
    objective: m.objective,
    ...(m.dataset ? { dataset: m.dataset } : {}),
    table: m.table
      ? `${m.table.database}.${m.table.schema}.${m.table.table}`
      : null,
    ...(m.problem ? { problem: m.problem } : {}),
    target: m.target,
    window: m.window,
    slice: m.slice,
    ...(m.maxAgeMs !== undefined
      ? { maxAge: millisToDuration(m.maxAgeMs) }
      : {}),
    ...(m.tolerance !== undefined ? { tolerance: m.tolerance } : {}),
  };
  if (!evaluation) {
    return {
      ...base,
      sli: null,
      status: 'no-data' as const,
      good: 0,
      bad: 0,
      noData: 0,
      total: 0,
      errorBudget: { allowedBad: 0, bad: 0, remaining: 1, exhausted: false },
      burnRate: { window: 0, recent: 0, recentSlices: 0 },
      windowStart: null,
      windowEnd: null,
      alert: { state: 'ok' },
      history: [],
      latestObservations: observations,
    };
  }
  // The history is laid out by the same rules as the SQL evaluation (the
  // reference implementation); its rows are at most window/slice + 1.
  const reference = evaluateTimeslices({
    now: extra.now,
    windowMs: m.windowMs,
    sliceMs: m.sliceMs,
    target: m.target,
    firstObservedAt: m.firstObservedAt,
    slices: extra.slices,
    recentSlices: extra.recentSlices,
  });
  const stats = new Map(extra.slices.map(s => [s.start, s]));
  return {
    ...base,
    sli: evaluation.sli,
    status: evaluation.status,
    good: evaluation.good,
    bad: evaluation.bad,
    noData: evaluation.noData,
    total: evaluation.total,
    errorBudget: evaluation.errorBudget,
    burnRate: evaluation.burnRate,
    // never observed: there is no window yet
    windowStart:
      m.firstObservedAt === undefined ? null : isoAt(evaluation.plan.start),
    windowEnd:
      m.firstObservedAt === undefined ? null : isoAt(evaluation.plan.end),
    alert: {
      state: extra.status?.alertState === 'breaching' ? 'breaching' : 'ok',
      ...(extra.status?.breachStartedAt !== undefined
        ? { since: iso(extra.status.breachStartedAt) }
        : {}),
      ...(extra.status?.notifiedAt !== undefined
        ? { notifiedAt: iso(extra.status.notifiedAt) }
        : {}),
    },
    history: reference.history.map(h => {
      const s = stats.get(h.start);
      return {
        start: isoAt(h.start),
        end: isoAt(h.end),
        good: h.good,
        total: h.total,
        status: h.status,
        ...(s?.rowCount !== undefined ? { rowCount: s.rowCount } : {}),
        ...(s?.lastAlteredAt !== undefined
          ? { lastAltered: iso(s.lastAlteredAt) }
          : {}),
      };
    }),
    latestObservations: observations,
  };
}

/** One stored check result. */
export function observationView(o: ObservationRecord): SloObservationReport {
  const warehouseError = warehouseErrorOf(o);
  return {
    observedAt: iso(o.observedAt)!,
    source: o.source,
    ...(o.reporter ? { reporter: o.reporter } : {}),
    ...(o.exists !== undefined ? { exists: o.exists } : {}),
    ...(o.rowCount !== undefined ? { rowCount: o.rowCount } : {}),
    ...(o.lastAlteredAt !== undefined
      ? { lastAltered: iso(o.lastAlteredAt) }
      : {}),
    ...(o.bytes !== undefined ? { bytes: o.bytes } : {}),
    passed: o.passed,
    ...(o.reason ? { reason: o.reason } : {}),
    ...(warehouseError ? { warehouseError } : {}),
    ...(o.details !== undefined ? { details: o.details } : {}),
  };
}

/** One product of the fleet summary. */
export function fleetItemView(r: FleetRow): SloFleetItem {
  return {
    entityRef: r.entityRef,
    namespace: r.namespace,
    name: r.name,
    ...(r.title ? { title: r.title } : {}),
    ...(r.owner ? { owner: r.owner } : {}),
    ...(r.domain ? { domain: r.domain } : {}),
    status: r.status,
    minErrorBudget: r.minErrorBudget ?? null,
    objectives: r.objectives,
    breaching: r.breaching,
    noData: r.noData,
    ...(r.evaluatedAt !== undefined ? { evaluatedAt: iso(r.evaluatedAt) } : {}),
  };
}
