/*
 * Window evaluation from aggregated slice rows, pure.
 *
 * The backend never loops over history to evaluate a window: it sums slice
 * rows in SQL over a few fixed ranges (see {@link windowRanges}) and hands
 * the sums here, where the rules of `timeslices.ts` decide which ranges
 * count. {@link evaluateTimeslices} is the reference implementation of the
 * same rules over per-slice counts; the tests check both agree.
 */
import {
  type SloSummary,
  type WindowPlan,
  planWindow,
  sliceStartOf,
  summarizeSlo,
} from './timeslices';

/**
 * The slice ranges one aggregation sums, for one (window, slice) pair at
 * `now`. All are slice starts (epoch milliseconds). A slice row is GOOD as in
 * {@link isGoodSlice}: `checks > 0 and passed >= checks`.
 * @public
 */
export interface WindowRanges {
  /** The slice containing `now`: its checks and passed checks are summed. */
  current: number;
  /** `[middleStart, current)`: the slices every window counts. */
  middleStart: number;
  /** The oldest slice, counted only while the current slice is pending. */
  oldest: number;
  /** `[recentWithCurrent, current)`: good slices of the recent range when the current slice counts. */
  recentWithCurrent: number;
  /** `[recentWithoutCurrent, current)`: the same when it does not. */
  recentWithoutCurrent: number;
}

/** Sums over the {@link WindowRanges} of one monitor; missing rows sum to 0. @public */
export interface WindowSums {
  /** Slice rows in `[middleStart, current)`. */
  middleRows: number;
  /** Good slice rows in `[middleStart, current)`. */
  middleGood: number;
  /** Row of the oldest slice (0 or 1). */
  oldestRows: number;
  /** The oldest slice's row is good (0 or 1). */
  oldestGood: number;
  /** Checks in the current slice. */
  currentChecks: number;
  /** Passed checks in the current slice. */
  currentPassed: number;
  /** Good slice rows in `[recentWithCurrent, current)`. */
  recentGoodWithCurrent: number;
  /** Good slice rows in `[recentWithoutCurrent, current)`. */
  recentGoodWithoutCurrent: number;
}

/** @public */
export interface WindowShape {
  windowMs: number;
  sliceMs: number;
  /** Slices the recent burn rate covers (capped at the window's slices). */
  recentSlices: number;
}

/** The evaluation of one objective at one instant. @public */
export interface WindowEvaluation extends SloSummary {
  plan: WindowPlan;
  /** Counted slices without any observation (part of `bad`). */
  noData: number;
}

/** Slices in the window. @public */
export function slicesPerWindow(shape: WindowShape): number {
  return Math.round(shape.windowMs / shape.sliceMs);
}

function recentCount(shape: WindowShape): number {
  return Math.min(shape.recentSlices, slicesPerWindow(shape));
}

/** The ranges to sum for objectives of this shape at `now`. @public */
export function windowRanges(now: number, shape: WindowShape): WindowRanges {
  const { sliceMs } = shape;
  const n = slicesPerWindow(shape);
  const k = recentCount(shape);
  const current = sliceStartOf(now, sliceMs);
  return {
    current,
    middleStart: current - (n - 1) * sliceMs,
    oldest: current - n * sliceMs,
    recentWithCurrent: current - (k - 1) * sliceMs,
    recentWithoutCurrent: current - k * sliceMs,
  };
}

/**
 * SLI, error budget, burn rates and status of one objective from the sums
 * over its {@link windowRanges}.
 * @public
 */
export function evaluateWindow(
  input: WindowShape & {
    now: number;
    target: number;
    /** Earliest observation; undefined when never observed. */
    firstObservedAt?: number;
  },
  sums: WindowSums,
): WindowEvaluation {
  const { now, windowMs, sliceMs } = input;
  const plan = planWindow({
    now,
    windowMs,
    sliceMs,
    firstObservedAt: input.firstObservedAt,
    currentSliceFailed: sums.currentChecks > sums.currentPassed,
  });
  // With the current slice counted (it failed), the window is
  // [oldest + slice, current]; otherwise [oldest, current). Slices before the
  // first observation have no rows, so the sums need no clipping.
  const good = sums.middleGood + (plan.includesCurrent ? 0 : sums.oldestGood);
  const rowsCounted =
    sums.middleRows + (plan.includesCurrent ? 1 : sums.oldestRows);
  const recentStart = Math.max(
    plan.start,
    plan.end - recentCount(input) * sliceMs,
  );
  const summary = summarizeSlo({
    target: input.target,
    good,
    total: plan.slices,
    recentGood: plan.includesCurrent
      ? sums.recentGoodWithCurrent
      : sums.recentGoodWithoutCurrent,
    recentTotal: Math.round((plan.end - recentStart) / sliceMs),
  });
  return { ...summary, plan, noData: plan.slices - rowsCounted };
}
