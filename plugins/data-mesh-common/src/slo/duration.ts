/*
 * Durations of SLO windows, slices and freshness limits.
 *
 * The syntax is the kind's (see the `window`/`slice`/`maxAge` patterns in the
 * DataProduct JSON schema): a whole number and one unit, `m`, `h`, `d` or `w`.
 * The spec readers already normalise what authors write (`20 days`, `daily`)
 * into it, so here only the canonical form is accepted: a monitor never runs
 * with a duration that the catalog would have rejected.
 */

/** The canonical duration syntax, e.g. `20d`, `1d`, `24h`, `30m`, `4w`. @public */
export const SLO_DURATION_PATTERN = /^([1-9][0-9]{0,5})([mhdw])$/;

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
  if (typeof text !== 'string') return undefined;
  const m = SLO_DURATION_PATTERN.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * SLO_DURATION_UNITS[m[2]];
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
