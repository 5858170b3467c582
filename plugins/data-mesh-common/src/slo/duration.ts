/*
 * Durations of SLO windows, slices and freshness limits, in milliseconds.
 *
 * The syntax is the kind's (values.ts DURATION_PATTERN, the `window`/
 * `slice`/`maxAge` pattern of the DataProduct JSON schema): a whole number
 * and one unit, `m`, `h`, `d` or `w`. The spec readers normalise what
 * authors write (`20 days`, `daily`) into it with values.ts parseDuration,
 * so here only the canonical form is accepted: a monitor never runs with a
 * duration that the catalog would have rejected.
 */
import { DURATION_PATTERN, durationParts } from '../values';

/** The canonical duration syntax, e.g. `20d`, `1d`, `24h`, `30m`, `4w`. @public */
export const SLO_DURATION_PATTERN = DURATION_PATTERN;

const MINUTE = 60_000;

/** Milliseconds per unit. @public */
export const SLO_DURATION_UNITS: Readonly<Record<string, number>> = {
  m: MINUTE,
  h: 60 * MINUTE,
  d: 24 * 60 * MINUTE,
  w: 7 * 24 * 60 * MINUTE,
};

/**
 * `20d` → 1 728 000 000. Undefined for anything that is not a canonical
 * duration (a caller reports that as a problem with the objective).
 * @public
 */
export function durationToMillis(text: unknown): number | undefined {
  const parts = durationParts(text);
  return parts && parts.amount * SLO_DURATION_UNITS[parts.unit];
}

/**
 * 1 728 000 000 → `20d`: the largest unit that divides the value, so that
 * `durationToMillis(millisToDuration(x)) === x` for every whole minute.
 * @public
 */
export function millisToDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm']) {
    const size = SLO_DURATION_UNITS[unit];
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}
