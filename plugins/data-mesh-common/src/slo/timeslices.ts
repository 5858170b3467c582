/*
 * OpenSLO timeslices, pure.
 *
 * Time is cut into slices of fixed length aligned on the Unix epoch (a `1d`
 * slice runs from 00:00 to 24:00 UTC). Each slice collects check results;
 * it is GOOD when it has at least one check and every check passed (OpenSLO
 * `timeSliceTarget` = 1: "a slice is good when its checks passed"). The SLI
 * over a rolling window is good slices / counted slices.
 *
 * Decisions, each made so that a missing observation is never silently good:
 *
 * - A slice with no observation at all is BAD ("no data"): the platform
 *   promised to look, and if nobody could look, nobody can vouch for it.
 * - Slices before the monitor's first observation are NOT counted (the
 *   window is shortened): a product that has just been created, or a
 *   monitor that has just been added, did not fail during the days when it
 *   did not exist. Counting them as bad would open every new product with an
 *   exhausted budget; counting them as good would invent data.
 * - The current, incomplete slice counts as soon as its outcome is final,
 *   i.e. once one of its checks has failed (it can no longer become good);
 *   the window then ends with it and its oldest slice drops out. While all
 *   its checks so far passed it is "pending" and the window ends with the
 *   previous slice. So a breach shows up within one collection cycle, and a
 *   slice is never counted good before it is over.
 */

/** Check results collected in one slice. @public */
export interface SliceCounts {
  /** Epoch milliseconds of the slice's start. */
  start: number;
  /** Checks recorded in the slice. */
  checks: number;
  /** Of which passed. */
  passed: number;
}

/** @public */
export type SliceStatus = 'good' | 'bad' | 'no-data' | 'pending';

/** @public */
export type SloStatus = 'ok' | 'breaching' | 'no-data';

/** Start of the slice that contains `t` (slices are aligned on the epoch). @public */
export function sliceStartOf(t: number, sliceMs: number): number {
  return Math.floor(t / sliceMs) * sliceMs;
}

/** A slice is good when it has checks and all of them passed. @public */
export function isGoodSlice(counts: {
  checks: number;
  passed: number;
}): boolean {
  return counts.checks > 0 && counts.passed >= counts.checks;
}

/** Which slices an evaluation at `now` counts. @public */
export interface WindowPlan {
  /** Start of the slice containing `now`. */
  currentSliceStart: number;
  /** The current slice counts (it already has a failed check). */
  includesCurrent: boolean;
  /** Start of the full window (before shortening to the first observation). */
  windowStart: number;
  /** Start of the first counted slice. */
  start: number;
  /** End (exclusive) of the last counted slice. */
  end: number;
  /** Number of counted slices, `(end - start) / slice`. */
  slices: number;
}

/** @public */
export interface PlanWindowInput {
  now: number;
  windowMs: number;
  sliceMs: number;
  /** Earliest observation of the monitor; undefined when it was never observed. */
  firstObservedAt?: number;
  /** The current slice has at least one failed check. */
  currentSliceFailed: boolean;
}

/** Decide which slices count at `now` (see the file comment for the rules). @public */
export function planWindow(input: PlanWindowInput): WindowPlan {
  const { now, windowMs, sliceMs, firstObservedAt } = input;
  const currentSliceStart = sliceStartOf(now, sliceMs);
  const firstSlice =
    firstObservedAt === undefined
      ? undefined
      : sliceStartOf(firstObservedAt, sliceMs);
  // A failed check can only be in the current slice if something was observed there.
  const includesCurrent =
    input.currentSliceFailed &&
    firstSlice !== undefined &&
    firstSlice <= currentSliceStart;
  const end = includesCurrent ? currentSliceStart + sliceMs : currentSliceStart;
  const windowStart = end - windowMs;
  const start =
    firstSlice === undefined
      ? end
      : Math.min(end, Math.max(windowStart, firstSlice));
  return {
    currentSliceStart,
    includesCurrent,
    windowStart,
    start,
    end,
    slices: Math.round((end - start) / sliceMs),
  };
}

/** @public */
export interface ErrorBudget {
  /** Bad slices the target allows over the counted slices, `(1 - target) × total`. */
  allowedBad: number;
  /** Bad slices (failed or without data). */
  bad: number;
  /**
   * `1 - bad / allowedBad`: 1 untouched, 0 used up, negative overspent.
   * Null when the target is 100 % and a slice was bad (no budget to divide by).
   */
  remaining: number | null;
  /** No budget left (`remaining <= 0`, or a bad slice against a 100 % target). */
  exhausted: boolean;
}

/** @public */
export interface BurnRate {
  /**
   * Observed bad fraction / allowed bad fraction over the counted window:
   * 1 spends the budget exactly by the window's end, 2 twice as fast.
   * Null when the target is 100 % and a slice was bad.
   */
  window: number | null;
  /** The same over the latest counted slice(s) only, the fast signal. */
  recent: number | null;
  /** How many slices `recent` covers. */
  recentSlices: number;
}

/** @public */
export interface SloSummary {
  /** good / total; null when no slice counts yet. */
  sli: number | null;
  status: SloStatus;
  good: number;
  bad: number;
  total: number;
  errorBudget: ErrorBudget;
  burnRate: BurnRate;
}

/** @public */
export interface SummarizeSloInput {
  target: number;
  good: number;
  total: number;
  /** Good slices among the latest `recentTotal` counted slices. */
  recentGood: number;
  recentTotal: number;
}

// Fractions such as 1 − 0.8 are not exact in binary floating point
// (0.19999999999999996); results are rounded to 1e-9 so that a target that
// is met exactly reads as met, with a budget of exactly 0.
const round = (x: number) => Math.round(x * 1e9) / 1e9;

function burn(bad: number, total: number, target: number): number | null {
  if (total === 0) return 0;
  const allowedFraction = 1 - target;
  if (allowedFraction <= 0) return bad === 0 ? 0 : null;
  return round(bad / total / allowedFraction);
}

/**
 * SLI, status, error budget and burn rates from slice counts. Status is
 * `no-data` when no slice counts, `breaching` when the SLI is below the
 * target (equivalently: the budget is overspent), else `ok` — a target met
 * exactly is ok.
 * @public
 */
export function summarizeSlo(input: SummarizeSloInput): SloSummary {
  const { target, good, total, recentGood, recentTotal } = input;
  const bad = total - good;
  const allowedBad = round(total * (1 - target));
  let remaining: number | null;
  if (allowedBad > 0) remaining = round(1 - bad / allowedBad);
  else remaining = bad === 0 ? 1 : null;
  const exhausted = remaining === null || remaining <= 0;
  const sli = total > 0 ? round(good / total) : null;
  let status: SloStatus;
  if (total === 0) status = 'no-data';
  else if (remaining === null || remaining < 0) status = 'breaching';
  else status = 'ok';
  return {
    sli,
    status,
    good,
    bad,
    total,
    errorBudget: {
      allowedBad,
      bad,
      remaining: total === 0 ? 1 : remaining,
      exhausted: total > 0 && exhausted,
    },
    burnRate: {
      window: burn(bad, total, target),
      recent: burn(recentTotal - recentGood, recentTotal, target),
      recentSlices: recentTotal,
    },
  };
}

/** One slice of the history. @public */
export interface SliceOutcome {
  start: number;
  end: number;
  /** Checks passed in the slice. */
  good: number;
  /** Checks recorded in the slice. */
  total: number;
  status: SliceStatus;
}

/** @public */
export interface EvaluateTimeslicesInput {
  now: number;
  windowMs: number;
  sliceMs: number;
  target: number;
  firstObservedAt?: number;
  /** Per-slice counts; slices outside the window are ignored, missing ones have no data. */
  slices: SliceCounts[];
  /** Slices the recent burn rate covers. Default 1. */
  recentSlices?: number;
}

/** @public */
export interface SloEvaluation extends SloSummary {
  plan: WindowPlan;
  /** Counted slices without any observation (part of `bad`). */
  noData: number;
  /** Counted slices oldest first, then the current slice when it is still pending. */
  history: SliceOutcome[];
}

/**
 * Evaluate one objective from its slice counts: the reference
 * implementation of the rules above. (The backend sums slice rows in SQL
 * and calls `evaluateWindow` (window.ts); the tests check both agree.)
 * @public
 */
export function evaluateTimeslices(
  input: EvaluateTimeslicesInput,
): SloEvaluation {
  const { now, windowMs, sliceMs, target } = input;
  const bySlice = new Map<number, SliceCounts>();
  for (const s of input.slices) bySlice.set(s.start, s);
  const current = bySlice.get(sliceStartOf(now, sliceMs));
  const plan = planWindow({
    now,
    windowMs,
    sliceMs,
    firstObservedAt: input.firstObservedAt,
    currentSliceFailed: !!current && current.passed < current.checks,
  });
  const recentSlices = Math.max(1, input.recentSlices ?? 1);
  const recentStart = Math.max(plan.start, plan.end - recentSlices * sliceMs);
  const history: SliceOutcome[] = [];
  let good = 0;
  let noData = 0;
  let recentGood = 0;
  for (let start = plan.start; start < plan.end; start += sliceMs) {
    const c = bySlice.get(start);
    const checks = c?.checks ?? 0;
    const passed = c?.passed ?? 0;
    let status: SliceStatus;
    if (checks === 0) {
      status = 'no-data';
      noData++;
    } else if (isGoodSlice({ checks, passed })) {
      status = 'good';
      good++;
      if (start >= recentStart) recentGood++;
    } else {
      status = 'bad';
    }
    history.push({
      start,
      end: start + sliceMs,
      good: passed,
      total: checks,
      status,
    });
  }
  if (
    !plan.includesCurrent &&
    input.firstObservedAt !== undefined &&
    sliceStartOf(input.firstObservedAt, sliceMs) <= plan.currentSliceStart
  ) {
    history.push({
      start: plan.currentSliceStart,
      end: plan.currentSliceStart + sliceMs,
      good: current?.passed ?? 0,
      total: current?.checks ?? 0,
      status: 'pending',
    });
  }
  const summary = summarizeSlo({
    target,
    good,
    total: plan.slices,
    recentGood,
    recentTotal: Math.round((plan.end - recentStart) / sliceMs),
  });
  return { ...summary, plan, noData, history };
}
