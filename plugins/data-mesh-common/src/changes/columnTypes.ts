/*
 * Whether a column's new type still serves the consumers of the old one.
 *
 * Types are compared by dialect-neutral meaning, not by spelling: case,
 * aliases (`int4` = `integer`, `character varying` = `varchar`, `decimal` =
 * `numeric`) and the ODCS logical names (`string`, `integer`, `number`) are
 * normalised first. A change is compatible only when every value of the old
 * type is a value of the new one, so a consumer's reads, casts and
 * comparisons keep working: longer strings, wider integers, wider numeric
 * precision, single to double precision floats. Everything else (narrowing,
 * another family, a date becoming a timestamp) is incompatible.
 */

/** A column type reduced to what decides compatibility. */
export type NormalisedType =
  | { family: 'string'; length: number } // Infinity when unbounded
  | { family: 'integer'; bits: number }
  | { family: 'decimal'; precision: number; scale: number } // Infinity: unbounded
  | { family: 'float'; bits: number }
  | { family: 'other'; name: string };

/** How the type of a column changed. @public */
export type ColumnTypeChange = 'same' | 'widened' | 'incompatible';

const INTEGER_BITS: Record<string, number> = {
  tinyint: 8,
  byteint: 8,
  smallint: 16,
  int2: 16,
  int: 32,
  int4: 32,
  integer: 32,
  bigint: 64,
  int8: 64,
  long: 64,
};
const FLOAT_BITS: Record<string, number> = {
  real: 32,
  float4: 32,
  float: 64,
  float8: 64,
  double: 64,
  'double precision': 64,
};
const OTHER_ALIASES: Record<string, string> = {
  bool: 'boolean',
  datetime: 'timestamp',
  timestamp_ntz: 'timestamp',
  'timestamp without time zone': 'timestamp',
  timestamptz: 'timestamptz',
  timestamp_tz: 'timestamptz',
  timestamp_ltz: 'timestamptz',
  'timestamp with time zone': 'timestamptz',
  timetz: 'timetz',
  'time with time zone': 'timetz',
  'time without time zone': 'time',
  json: 'json',
  jsonb: 'json',
  variant: 'json',
  object: 'json',
  bytea: 'binary',
  varbinary: 'binary',
};
/** Decimal digits an integer of so many bits needs. */
const INTEGER_DIGITS: Record<number, number> = { 8: 3, 16: 5, 32: 10, 64: 19 };

function numbers(args: string | undefined): number[] {
  if (!args) return [];
  return args.split(',').map(a => Number(a.trim()));
}

/** The dialect-neutral form of a type as an author wrote it. */
export function normaliseColumnType(written: string): NormalisedType {
  const text = written.trim().toLowerCase().replace(/\s+/g, ' ');
  const match = /^([a-z_][a-z0-9_ ]*?)\s*(?:\(([^)]*)\))?$/.exec(text);
  if (!match) return { family: 'other', name: text };
  const base = match[1];
  const args = numbers(match[2]);
  if (
    /^(n?varchar|n?char|character|character varying|varchar2|text|string|bpchar)$/.test(
      base,
    )
  ) {
    const bounded = base !== 'text' && base !== 'string' && args.length > 0;
    return { family: 'string', length: bounded ? args[0] : Infinity };
  }
  if (base in INTEGER_BITS)
    return { family: 'integer', bits: INTEGER_BITS[base] };
  if (/^(numeric|decimal|number|dec)$/.test(base)) {
    // Snowflake's NUMBER(p) and the standard's NUMERIC(p) have scale 0;
    // without precision the type holds any number the dialect can
    if (args.length === 0) {
      return { family: 'decimal', precision: Infinity, scale: Infinity };
    }
    return { family: 'decimal', precision: args[0], scale: args[1] ?? 0 };
  }
  if (base in FLOAT_BITS) {
    // float(p): up to 24 binary digits is single precision (SQL standard)
    if (base === 'float' && args.length) {
      return { family: 'float', bits: args[0] <= 24 ? 32 : 64 };
    }
    return { family: 'float', bits: FLOAT_BITS[base] };
  }
  return { family: 'other', name: OTHER_ALIASES[base] ?? base };
}

/** Integer and fractional digits a decimal can hold. */
function digits(t: { precision: number; scale: number }) {
  return { whole: t.precision - t.scale, fraction: t.scale };
}

function holds(before: NormalisedType, after: NormalisedType): boolean {
  switch (before.family) {
    case 'string':
      return after.family === 'string' && after.length >= before.length;
    case 'integer':
      if (after.family === 'integer') return after.bits >= before.bits;
      if (after.family === 'decimal') {
        return digits(after).whole >= INTEGER_DIGITS[before.bits];
      }
      // a double holds every integer up to 2^53 exactly
      return after.family === 'float' && after.bits === 64 && before.bits <= 32;
    case 'decimal':
      if (after.family !== 'decimal') return false;
      if (after.precision === Infinity) return true;
      return (
        digits(after).whole >= digits(before).whole &&
        digits(after).fraction >= digits(before).fraction
      );
    case 'float':
      return after.family === 'float' && after.bits >= before.bits;
    default:
      return after.family === 'other' && after.name === before.name;
  }
}

function same(a: NormalisedType, b: NormalisedType): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * `same` when the two spellings mean one type, `widened` when the new type
 * holds every value of the old one, `incompatible` otherwise.
 * @public
 */
export function compareColumnTypes(
  before: string,
  after: string,
): ColumnTypeChange {
  const a = normaliseColumnType(before);
  const b = normaliseColumnType(after);
  if (same(a, b)) return 'same';
  return holds(a, b) ? 'widened' : 'incompatible';
}
