/*
 * The value rules of the spec formats: how a duration, a percentage, a
 * yes/no flag, a product type or a display name written by a spec author
 * becomes the value the DataProduct kind holds.
 *
 * Every author-facing reader (OAM `data_product_spec.yml`, ODPS products
 * and their ODCS contracts) goes through these functions, so a value means
 * the same thing in every format. The native entity format is the kind
 * itself and accepts only the canonical forms these functions produce
 * (`20d`, `0.8`, `true`); so do the SLO monitors (see slo/duration.ts).
 *
 * The rules, in short (README "Value rules" has the table):
 * - durations: a whole number from 1 to 999999 and a unit, `m`/`min`/
 *   `minutes`, `h`/`hr`/`hours`, `d`/`days`, `w`/`wk`/`weeks`, any case,
 *   with or without a space (`20d`, `20 days`, `24 Hours`), or `hourly`,
 *   `daily`, `weekly`. Zero, negatives, fractions (`1.5d`), bare numbers
 *   (which unit?) and other units (`10s`, `3 fortnights`) are not durations.
 * - fractions: `80%`, `99.9 %`, `0.8`, `80`, `"0.8"`: a `%` sign or a
 *   number above 1 is a percentage, a number from 0 to 1 is the fraction
 *   itself (so `1` is 100 %, never 1 %). Above 100 %, negative, text other
 *   than a number, and booleans are not fractions. Results are rounded to 9
 *   decimals, so `57%` is 0.57, not 0.5700000000000001. A target lies in
 *   (0, 1] (a target of 0 promises nothing), a tolerance in [0, 1], as the
 *   kind's schema says.
 * - booleans: `true`/`false`, `yes`/`no`, `y`/`n`, any case; anything else
 *   (`maybe`, `1`, `on`) is not a yes/no value rather than a guess.
 * - product types: `source-aligned`/`Source Oriented`/`sourceAligned`,
 *   `aggregate`/`Aggregated`, `consumer-aligned`/`Consumer Oriented`, ignoring
 *   case, spaces, `-` and `_`.
 * - names as identifiers: a display name that already is a valid identifier
 *   is used as written; otherwise the identifier is derived with
 *   toIdentifier and the display name becomes the title.
 */
import type { DataProductType } from './model';
import {
  toIdentifier,
  validateIdentifier,
  type IdentifierKind,
  type IdentifierResult,
} from './identifiers';

// ------------------------------------------------------------- durations

/**
 * The canonical duration of the kind (the `window`/`slice`/`maxAge` pattern
 * of the DataProduct JSON schema): `20d`, `24h`, `30m`, `4w`.
 * @public
 */
export const DURATION_PATTERN = /^[1-9][0-9]{0,5}[mhdw]$/;

const DURATION_UNIT_SPELLINGS = new Map<string, string>(
  Object.entries({
    m: ['m', 'min', 'mins', 'minute', 'minutes'],
    h: ['h', 'hr', 'hrs', 'hour', 'hours'],
    d: ['d', 'day', 'days'],
    w: ['w', 'wk', 'wks', 'week', 'weeks'],
  }).flatMap(([unit, spellings]) => spellings.map(s => [s, unit] as const)),
);

const DURATION_ADVERBS = new Map([
  ['hourly', '1h'],
  ['daily', '1d'],
  ['weekly', '1w'],
]);

/** What to tell an author whose duration was not understood. */
export const DURATION_HINT =
  'write a whole number and a unit (m, h, d or w), e.g. 20d, 1d or 24h';

/**
 * `20d`, `20 days`, `24 Hours`, `daily` → the kind's duration (`20d`,
 * `24h`, `1d`); undefined for anything else, numbers included (a number
 * alone has no unit).
 * @public
 */
export function parseDuration(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  const adverb = DURATION_ADVERBS.get(text);
  if (adverb) return adverb;
  const m = /^([1-9][0-9]{0,5})\s*([a-z]+)$/.exec(text);
  const unit = m && DURATION_UNIT_SPELLINGS.get(m[2]);
  return unit ? `${m[1]}${unit}` : undefined;
}

/**
 * A canonical duration's amount and unit: `24h` → `{ amount: 24, unit: 'h' }`;
 * undefined for anything that is not canonical (surrounding blanks aside).
 * @public
 */
export function durationParts(
  canonical: unknown,
): { amount: number; unit: 'm' | 'h' | 'd' | 'w' } | undefined {
  if (typeof canonical !== 'string') return undefined;
  const text = canonical.trim();
  if (!DURATION_PATTERN.test(text)) return undefined;
  return {
    amount: Number(text.slice(0, -1)),
    unit: text.slice(-1) as 'm' | 'h' | 'd' | 'w',
  };
}

/**
 * A duration written as an amount and a separate unit, as ODCS
 * `slaProperties` do (`value: 4, unit: h`); the unit defaults to days, as
 * in ODCS. A value that is a whole duration itself (`value: 4h`) needs no
 * unit.
 * @public
 */
export function parseDurationAmount(
  value: unknown,
  unit: unknown,
): string | undefined {
  const whole = parseDuration(value);
  if (whole !== undefined) return whole;
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  if (unit !== undefined && unit !== null && typeof unit !== 'string')
    return undefined;
  return parseDuration(`${String(value).trim()} ${unit ?? 'd'}`);
}

// ------------------------------------------------------------- fractions

/**
 * `80%`, `99.9 %`, `80`, `0.8`, `"0.8"`, `1` → 0.8, 0.999, 0.8, 0.8, 0.8, 1.
 * A `%` sign or a number above 1 makes a percentage; undefined for
 * negatives, more than 100 %, booleans and text that is not a number.
 * @public
 */
export function parseFraction(value: unknown): number | undefined {
  let n: number;
  let percent = false;
  if (typeof value === 'number') {
    n = value;
  } else if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(value);
    if (!m) return undefined;
    n = Number(m[1]);
    percent = m[2] === '%';
  } else {
    return undefined;
  }
  if (!Number.isFinite(n) || n < 0) return undefined;
  if (percent || n > 1) n /= 100;
  if (n > 1) return undefined;
  // 80 / 100 is 0.8 exactly, but 57 / 100 is 0.5700000000000001
  return Math.round(n * 1e9) / 1e9;
}

/**
 * An amount and a unit, as ODCS `slaProperties` write them: `value: 99.5,
 * unit: '%'` (or `percent`) is always a percentage, so `value: 1, unit: %`
 * is 1 %, not 100 %.
 * @public
 */
export function parseFractionAmount(
  value: unknown,
  unit: unknown,
): number | undefined {
  const isPercent =
    typeof unit === 'string' &&
    ['%', 'percent', 'percentage'].includes(unit.trim().toLowerCase());
  if (isPercent && (typeof value === 'number' || typeof value === 'string')) {
    const text = String(value).trim();
    return parseFraction(text.endsWith('%') ? text : `${text}%`);
  }
  return parseFraction(value);
}

/** An SLO target: a fraction above 0 and at most 1. @public */
export function parseTarget(value: unknown): number | undefined {
  const n = parseFraction(value);
  return n !== undefined && n > 0 ? n : undefined;
}

/** A completeness tolerance: a fraction from 0 to 1. @public */
export function parseTolerance(value: unknown): number | undefined {
  return parseFraction(value);
}

/** What to tell an author whose target was not understood. */
export const TARGET_HINT =
  'write a percentage above 0 and at most 100, e.g. 80% (or 0.8)';
/** What to tell an author whose tolerance was not understood. */
export const TOLERANCE_HINT =
  'write a percentage from 0 to 100, e.g. 5% (or 0.05)';

// -------------------------------------------------------------- booleans

/**
 * `true`/`false`, `yes`/`no`, `y`/`n` in any case → the boolean; undefined
 * for anything else, numbers included.
 * @public
 */
export function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (['true', 'yes', 'y'].includes(text)) return true;
  if (['false', 'no', 'n'].includes(text)) return false;
  return undefined;
}

/** What to tell an author whose yes/no value was not understood. */
export const BOOLEAN_HINT = 'write Yes or No';

// ---------------------------------------------------------- enumerations

/**
 * The product type, from the spellings of the kind (`source-aligned`), ODPS
 * 1.1 (`sourceAligned`) and the OAM articles (`Source Oriented`), ignoring
 * case, spaces, `-` and `_`; undefined for anything else.
 * @public
 */
export function parseDataProductType(
  value: unknown,
): DataProductType | undefined {
  if (typeof value !== 'string') return undefined;
  switch (value.toLowerCase().replace(/[^a-z]/g, '')) {
    case 'sourcealigned':
    case 'sourceoriented':
    case 'source':
      return 'source-aligned';
    case 'aggregate':
    case 'aggregated':
    case 'aggregateoriented':
      return 'aggregate';
    case 'consumeraligned':
    case 'consumeroriented':
    case 'consumer':
      return 'consumer-aligned';
    default:
      return undefined;
  }
}

// ---------------------------------------------------- names as identifiers

/**
 * The identifier a display name stands for: the name itself when it already
 * is one (toIdentifier would fold `a__b` to `a_b`), else the derived one.
 * The exporter uses the same rule to decide whether a display name is enough.
 * @public
 */
export function deriveIdentifier(
  display: string,
  what: IdentifierKind,
): IdentifierResult {
  const trimmed = display.trim();
  return validateIdentifier(trimmed, what) === undefined
    ? { identifier: trimmed }
    : toIdentifier(display, what);
}

// ------------------------------------------------------------------ text

/** `'text'` for messages; other values as JSON. */
export function showValue(value: unknown): string {
  return typeof value === 'string'
    ? `'${value}'`
    : JSON.stringify(value) ?? String(value);
}
