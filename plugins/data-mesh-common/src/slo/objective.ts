/*
 * An objective as written in the spec → the numbers the engine computes with.
 */
import type { ServiceLevelObjective, SloDimension } from '../model';
import { durationToMillis } from './duration';

/** Platform defaults for what an objective leaves out. @public */
export interface SloDefaults {
  /** Rolling window. Default `20d` (seed part 2: "a 20-day rolling period"). */
  window: string;
  /** Time slice. Default `1d`. */
  slice: string;
  /** Fraction of good slices required. Default 0.8. */
  target: number;
  /** Completeness: largest acceptable drop below the trailing average. Default 0.05. */
  tolerance: number;
}

/** @public */
export const DEFAULT_SLO_DEFAULTS: Readonly<SloDefaults> = Object.freeze({
  window: '20d',
  slice: '1d',
  target: 0.8,
  tolerance: 0.05,
});

/**
 * More slices than this per window would make one objective's history
 * heavier than a whole fleet's summary (1m slices over 90 days are 129 600
 * rows); the longest sensible pairs (hourly over 90 days) stay well below.
 * @public
 */
export const MAX_SLICES_PER_WINDOW = 5000;

/** An objective with every default applied, durations in milliseconds. @public */
export interface ResolvedObjective {
  name: string;
  dimension: SloDimension;
  target: number;
  window: string;
  slice: string;
  windowMs: number;
  sliceMs: number;
  /** Slices in a full window (window / slice, a whole number). */
  slicesPerWindow: number;
  /** Freshness only: the longest acceptable age of the data. Defaults to the slice length. */
  maxAgeMs?: number;
  /** Completeness only. */
  tolerance?: number;
}

/** @public */
export interface ResolveObjectiveOptions {
  defaults?: Partial<SloDefaults>;
  /**
   * The collector's interval. A shorter slice would leave most slices
   * without any observation, i.e. bad, so it is reported as a problem.
   */
  collectionIntervalMs?: number;
}

/** @public */
export interface ResolveObjectiveResult {
  /** Present iff `problems` is empty. */
  objective?: ResolvedObjective;
  /** One sentence each, naming the field. */
  problems: string[];
}

/**
 * Apply the defaults to an objective and check that its numbers make a
 * timeslices SLO: the window is a whole number of slices, the target is in
 * (0, 1], the tolerance in [0, 1).
 * @public
 */
export function resolveObjective(
  slo: ServiceLevelObjective,
  options: ResolveObjectiveOptions = {},
): ResolveObjectiveResult {
  const d = { ...DEFAULT_SLO_DEFAULTS, ...options.defaults };
  const problems: string[] = [];
  const window = slo.window ?? d.window;
  const slice = slo.slice ?? d.slice;
  const windowMs = durationToMillis(window);
  const sliceMs = durationToMillis(slice);
  if (windowMs === undefined) {
    problems.push(
      `window '${window}' is not a duration (a whole number and m, h, d or w, e.g. 20d)`,
    );
  }
  if (sliceMs === undefined) {
    problems.push(
      `slice '${slice}' is not a duration (a whole number and m, h, d or w, e.g. 1d)`,
    );
  }
  if (windowMs !== undefined && sliceMs !== undefined) {
    if (sliceMs > windowMs) {
      problems.push(`slice ${slice} is longer than the window ${window}`);
    } else if (windowMs % sliceMs !== 0) {
      problems.push(
        `window ${window} is not a whole number of ${slice} slices, so the window's first slice would be partial`,
      );
    } else if (windowMs / sliceMs > MAX_SLICES_PER_WINDOW) {
      problems.push(
        `window ${window} has ${
          windowMs / sliceMs
        } slices of ${slice}; at most ${MAX_SLICES_PER_WINDOW} are supported — use a longer slice`,
      );
    }
    if (
      options.collectionIntervalMs !== undefined &&
      sliceMs < options.collectionIntervalMs
    ) {
      problems.push(
        `slice ${slice} is shorter than the collection interval, so most slices would have no observation`,
      );
    }
  }
  const target = slo.target ?? d.target;
  if (!(typeof target === 'number' && target > 0 && target <= 1)) {
    problems.push(`target ${String(target)} is not a fraction in (0, 1]`);
  }
  let maxAgeMs: number | undefined;
  if (slo.dimension === 'freshness') {
    maxAgeMs =
      slo.maxAge === undefined ? sliceMs : durationToMillis(slo.maxAge);
    if (slo.maxAge !== undefined && maxAgeMs === undefined) {
      problems.push(
        `maxAge '${slo.maxAge}' is not a duration (a whole number and m, h, d or w, e.g. 24h)`,
      );
    }
  }
  let tolerance: number | undefined;
  if (slo.dimension === 'completeness') {
    tolerance = slo.tolerance ?? d.tolerance;
    if (!(typeof tolerance === 'number' && tolerance >= 0 && tolerance < 1)) {
      problems.push(
        `tolerance ${String(tolerance)} is not a fraction in [0, 1)`,
      );
    }
  }
  if (problems.length > 0) return { problems };
  return {
    objective: {
      name: slo.name,
      dimension: slo.dimension,
      target,
      window,
      slice,
      windowMs: windowMs!,
      sliceMs: sliceMs!,
      slicesPerWindow: windowMs! / sliceMs!,
      ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
      ...(tolerance !== undefined ? { tolerance } : {}),
    },
    problems,
  };
}
