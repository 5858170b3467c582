/*
 * Which masking policy a Snowflake column needs. A policy's signature fixes
 * its type ("the return data type must match the input data type of the
 * first column", Snowflake's CREATE MASKING POLICY), and a policy can only
 * be set on a column of that type, so a product gets one policy per type
 * family its PII columns have — not one per column.
 *
 * Column types arrive as INFORMATION_SCHEMA.COLUMNS spells them (`TEXT`,
 * `NUMBER`, `TIMESTAMP_NTZ`, …); the synonyms CREATE TABLE accepts are
 * mapped too, so a type read from elsewhere is not silently left unmasked.
 * Types without an entry (GEOGRAPHY, VECTOR, …) cannot be masked here: the
 * plan says so instead of guessing.
 */

/** The policy for one type family: its name suffix, signature type and mask. @public */
export interface SnowflakeMaskingKind {
  /** Lower-case identifier part of the policy name (`pii_mask_<family>`). */
  family: string;
  /** The argument and return type of the policy. */
  type: string;
  /** What roles without the PII role read: `'***'` for text, NULL otherwise. */
  mask: string;
}

const kind = (family: string, type: string, mask = 'NULL') => ({
  family,
  type,
  mask,
});

/** Policy kinds by signature type: the only ones the dialect writes. */
const KINDS: Record<string, SnowflakeMaskingKind> = {
  VARCHAR: kind('string', 'VARCHAR', "'***'"),
  NUMBER: kind('number', 'NUMBER'),
  FLOAT: kind('float', 'FLOAT'),
  BOOLEAN: kind('boolean', 'BOOLEAN'),
  DATE: kind('date', 'DATE'),
  TIME: kind('time', 'TIME'),
  TIMESTAMP_NTZ: kind('timestamp_ntz', 'TIMESTAMP_NTZ'),
  TIMESTAMP_LTZ: kind('timestamp_ltz', 'TIMESTAMP_LTZ'),
  TIMESTAMP_TZ: kind('timestamp_tz', 'TIMESTAMP_TZ'),
  BINARY: kind('binary', 'BINARY'),
  VARIANT: kind('variant', 'VARIANT'),
  OBJECT: kind('object', 'OBJECT'),
  ARRAY: kind('array', 'ARRAY'),
};

/** Column type (without length or precision) → policy signature type. */
const SIGNATURE_OF: Record<string, string> = {
  TEXT: 'VARCHAR',
  VARCHAR: 'VARCHAR',
  STRING: 'VARCHAR',
  CHAR: 'VARCHAR',
  CHARACTER: 'VARCHAR',
  NCHAR: 'VARCHAR',
  NVARCHAR: 'VARCHAR',
  NVARCHAR2: 'VARCHAR',
  NUMBER: 'NUMBER',
  DECIMAL: 'NUMBER',
  NUMERIC: 'NUMBER',
  INT: 'NUMBER',
  INTEGER: 'NUMBER',
  BIGINT: 'NUMBER',
  SMALLINT: 'NUMBER',
  TINYINT: 'NUMBER',
  BYTEINT: 'NUMBER',
  FLOAT: 'FLOAT',
  FLOAT4: 'FLOAT',
  FLOAT8: 'FLOAT',
  DOUBLE: 'FLOAT',
  REAL: 'FLOAT',
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  TIME: 'TIME',
  DATETIME: 'TIMESTAMP_NTZ',
  TIMESTAMP: 'TIMESTAMP_NTZ',
  TIMESTAMP_NTZ: 'TIMESTAMP_NTZ',
  TIMESTAMP_LTZ: 'TIMESTAMP_LTZ',
  TIMESTAMP_TZ: 'TIMESTAMP_TZ',
  BINARY: 'BINARY',
  VARBINARY: 'BINARY',
  VARIANT: 'VARIANT',
  OBJECT: 'OBJECT',
  ARRAY: 'ARRAY',
};

/**
 * The masking policy a column of this type needs, or undefined when the
 * type cannot be masked by this adapter.
 * @public
 */
export function snowflakeMaskingPolicyType(
  columnType: string,
): SnowflakeMaskingKind | undefined {
  const base = String(columnType)
    .trim()
    .toUpperCase()
    .replace(/\s*\(.*$/, '');
  const signature = SIGNATURE_OF[base];
  return signature ? { ...KINDS[signature] } : undefined;
}

/**
 * The policy kind of a signature type, when `mask` is exactly that kind's
 * mask; undefined otherwise. The dialect writes only these, so neither the
 * type nor the mask expression of a change can carry SQL of its own.
 * @public
 */
export function knownMaskingKind(
  type: string,
  mask: string,
): SnowflakeMaskingKind | undefined {
  const k = Object.prototype.hasOwnProperty.call(KINDS, type)
    ? KINDS[type]
    : undefined;
  return k && k.mask === mask ? k : undefined;
}
