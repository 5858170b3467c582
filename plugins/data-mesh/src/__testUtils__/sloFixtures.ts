import {
  evaluateTimeslices,
  millisToDuration,
  resolveObjective,
  sliceStartOf,
  WAREHOUSE_UNREACHABLE_REASON_PREFIX,
  type ProductSlosResponse,
  type ServiceLevelObjective,
  type SliceCounts,
  type SloFleetItem,
  type SloFleetResponse,
  type SloObjectiveReport,
  type SloObservationReport,
} from '@datamesh/plugin-data-mesh-common';
import { patientEncounters } from './fixtures';

/*
 * Backend answers for the SLO components, computed with the real timeslices
 * maths of data-mesh-common from hand-written slice counts, so that the
 * numbers the components show (SLI, budget, burn rate) are the ones the
 * backend would send for this history.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** 21 Nov 2025, 09:30 UTC: the instant every fixture is evaluated at. */
export const SLO_NOW = Date.UTC(2025, 10, 21, 9, 30);
const TODAY = sliceStartOf(SLO_NOW, DAY);
/** Start of the day `n` days before today. */
const day = (n: number) => TODAY - n * DAY;
const iso = (t: number) => new Date(t).toISOString();

interface DayStats {
  checks: number;
  passed: number;
  rowCount?: number;
  lastAlteredAt?: number;
}

function sloOf(name: string): ServiceLevelObjective {
  const slo = patientEncounters.spec.slos!.find(s => s.name === name);
  if (!slo) throw new Error(`fixture has no SLO ${name}`);
  return slo;
}

function report(
  slo: ServiceLevelObjective,
  days: Map<number, DayStats>,
  latestObservations: SloObservationReport[],
  extra: Partial<SloObjectiveReport> = {},
): SloObjectiveReport {
  const { objective, problems } = resolveObjective(slo);
  if (!objective) throw new Error(problems.join('; '));
  const slices: SliceCounts[] = [...days].map(([start, d]) => ({
    start,
    checks: d.checks,
    passed: d.passed,
  }));
  const firstObservedAt = slices.length
    ? Math.min(...slices.map(s => s.start))
    : undefined;
  const ev = evaluateTimeslices({
    now: SLO_NOW,
    windowMs: objective.windowMs,
    sliceMs: objective.sliceMs,
    target: objective.target,
    firstObservedAt,
    slices,
    recentSlices: 3,
  });
  return {
    name: slo.name,
    ...(slo.title ? { title: slo.title } : {}),
    dimension: slo.dimension,
    objective: slo.objective,
    dataset: 'patient_encounters',
    table: 'clinical_care_prod.patient_encounters_public.patient_encounters',
    target: objective.target,
    window: objective.window,
    slice: objective.slice,
    ...(objective.maxAgeMs !== undefined
      ? { maxAge: millisToDuration(objective.maxAgeMs) }
      : {}),
    ...(objective.tolerance !== undefined
      ? { tolerance: objective.tolerance }
      : {}),
    status: ev.status,
    sli: ev.sli,
    good: ev.good,
    bad: ev.bad,
    noData: ev.noData,
    total: ev.total,
    errorBudget: ev.errorBudget,
    burnRate: ev.burnRate,
    // the router evaluates every measurable objective on request, so the
    // window is set even before the first observation (then it is empty)
    windowStart: iso(ev.plan.start),
    windowEnd: iso(ev.plan.end),
    alert:
      ev.status === 'breaching'
        ? {
            state: 'breaching',
            since: iso(TODAY - 4 * DAY + 9 * HOUR),
            notifiedAt: iso(TODAY - 4 * DAY + 9 * HOUR),
          }
        : { state: 'ok' },
    history: ev.history.map(h => {
      const d = days.get(h.start);
      return {
        start: iso(h.start),
        end: iso(h.end),
        good: h.good,
        total: h.total,
        status: h.status,
        ...(d?.rowCount !== undefined ? { rowCount: d.rowCount } : {}),
        ...(d?.lastAlteredAt !== undefined
          ? { lastAltered: iso(d.lastAlteredAt) }
          : {}),
      };
    }),
    latestObservations,
    ...extra,
  };
}

/**
 * The table is loaded nightly at 02:00 with ~400 more encounters a day, but
 * the loads of days 9 to 5 before today were missed (the data stayed at the
 * load of day 10), and the load of day 12 brought 40 % fewer rows. Hourly
 * checks; today has 10 of them so far.
 */
function history(): {
  freshness: Map<number, DayStats>;
  completeness: Map<number, DayStats>;
  availability: Map<number, DayStats>;
} {
  const freshness = new Map<number, DayStats>();
  const completeness = new Map<number, DayStats>();
  const availability = new Map<number, DayStats>();
  let lastLoad = day(21) + 2 * HOUR;
  for (let n = 20; n >= 0; n--) {
    const start = day(n);
    const missed = n >= 5 && n <= 9;
    if (!missed) lastLoad = start + 2 * HOUR;
    const rowCount = (n === 12 ? 72_000 : 120_000) + (20 - n) * 400;
    const checks = n === 0 ? 10 : 24;
    // A missed load fails every check of the day after the first 2 hours.
    const freshPassed = missed ? 2 : checks;
    freshness.set(start, {
      checks,
      passed: freshPassed,
      rowCount,
      lastAlteredAt: lastLoad,
    });
    completeness.set(start, {
      checks,
      passed: n === 12 ? 0 : checks,
      rowCount,
      lastAlteredAt: lastLoad,
    });
    // The availability monitor was added 3 days ago.
    if (n <= 3) {
      availability.set(start, {
        checks,
        passed: checks,
        rowCount,
        lastAlteredAt: lastLoad,
      });
    }
  }
  return { freshness, completeness, availability };
}

function collectorObservation(
  at: number,
  passed: boolean,
  reason: string,
  stats: Partial<SloObservationReport> = {},
): SloObservationReport {
  return {
    observedAt: iso(at),
    source: 'collector',
    passed,
    reason,
    exists: true,
    rowCount: 128_000,
    lastAltered: iso(TODAY + 2 * HOUR),
    ...stats,
  };
}

/** patient-encounters: freshness breaching (5 missed loads), completeness and availability ok. */
export function patientEncountersSlos(): ProductSlosResponse {
  const h = history();
  const latest = TODAY + 9 * HOUR;
  const objectives = [
    report(sloOf('nightly-refresh'), h.freshness, [
      collectorObservation(latest, true, 'last altered 7h ago, within 1d'),
      collectorObservation(
        latest - HOUR,
        true,
        'last altered 6h ago, within 1d',
      ),
    ]),
    report(sloOf('full-volume'), h.completeness, [
      collectorObservation(
        TODAY + 2 * HOUR + 5 * 60_000,
        true,
        '128000 rows, 0.3 % above the trailing average of 19 updates',
      ),
      {
        observedAt: iso(day(1) + 23 * HOUR),
        source: 'push',
        reporter: 'user:default/ci-bot',
        passed: true,
        reason: 'dbt test not_null_encounter_id passed',
      },
    ]),
    report(sloOf('queryable'), h.availability, [
      collectorObservation(
        latest,
        true,
        'the table exists and answered (128000 rows)',
      ),
    ]),
  ];
  return {
    entityRef: 'dataproduct:default/patient-encounters',
    evaluatedAt: iso(SLO_NOW),
    objectives,
  };
}

/** The same product right after its monitors were created: nothing observed yet. */
export function pendingSlos(): ProductSlosResponse {
  const empty = new Map<number, DayStats>();
  const objectives = patientEncounters.spec.slos!.map(slo =>
    report(slo, empty, []),
  );
  return { ...patientEncountersSlos(), objectives };
}

/** Today the warehouse could not be asked: every check of today failed with the adapter's message. */
export const WAREHOUSE_ERROR =
  'connect ECONNREFUSED 10.0.4.12:5432 (warehouse clinical_care_prod)';

export function warehouseDownSlos(): ProductSlosResponse {
  const h = history();
  for (const days of [h.freshness, h.completeness, h.availability]) {
    const today = days.get(TODAY)!;
    days.set(TODAY, { checks: today.checks, passed: 0 });
  }
  const down = (at: number): SloObservationReport => ({
    observedAt: iso(at),
    source: 'collector',
    passed: false,
    // what today's backend writes (no warehouseError field yet)
    reason: `${WAREHOUSE_UNREACHABLE_REASON_PREFIX}${WAREHOUSE_ERROR}`,
  });
  const obs = [down(TODAY + 9 * HOUR), down(TODAY + 8 * HOUR)];
  const objectives = [
    report(sloOf('nightly-refresh'), h.freshness, obs),
    report(sloOf('full-volume'), h.completeness, obs),
    report(sloOf('queryable'), h.availability, obs),
  ];
  return { ...patientEncountersSlos(), objectives };
}

/** Fleet rows, deliberately NOT in worst-first order. */
export const fleetItems: SloFleetItem[] = [
  {
    entityRef: 'dataproduct:default/readmission-risk',
    namespace: 'default',
    name: 'readmission-risk',
    title: 'Readmission risk',
    owner: 'group:default/population-health',
    domain: 'domain:default/population-health',
    status: 'ok',
    minErrorBudget: 1,
    objectives: 2,
    breaching: 0,
    noData: 0,
    evaluatedAt: iso(SLO_NOW),
  },
  {
    entityRef: 'dataproduct:default/patients',
    namespace: 'default',
    name: 'patients',
    title: 'Patient master',
    owner: 'group:default/ehr-team',
    domain: 'domain:default/patient-admin',
    status: 'ok',
    minErrorBudget: 0.5,
    objectives: 1,
    breaching: 0,
    noData: 0,
    evaluatedAt: iso(SLO_NOW),
  },
  {
    entityRef: 'dataproduct:default/bed-occupancy',
    namespace: 'default',
    name: 'bed-occupancy',
    owner: 'group:default/capacity-team',
    domain: 'domain:default/hospital-operations',
    status: 'no-data',
    minErrorBudget: null,
    objectives: 1,
    breaching: 0,
    noData: 1,
  },
  {
    entityRef: 'dataproduct:default/patient-encounters',
    namespace: 'default',
    name: 'patient-encounters',
    title: 'Patient encounters',
    owner: 'group:default/clinical-data-team',
    domain: 'domain:default/clinical-care',
    status: 'breaching',
    minErrorBudget: -0.25,
    objectives: 3,
    breaching: 1,
    noData: 0,
    evaluatedAt: iso(SLO_NOW),
  },
];

/** A `GET /slos` answer over some items, as the router builds it. */
export function fleetResponse(
  items: SloFleetItem[] = fleetItems,
): SloFleetResponse {
  return {
    total: items.length,
    counts: {
      ok: items.filter(i => i.status === 'ok').length,
      breaching: items.filter(i => i.status === 'breaching').length,
      noData: items.filter(i => i.status === 'no-data').length,
    },
    items,
  };
}
