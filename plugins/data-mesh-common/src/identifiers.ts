/*
 * Identifier rules for every name that later becomes a warehouse object:
 * organisation, domain, stage, product, dataset, port, column and SLO names.
 *
 * The rules are deliberately stricter than either warehouse needs, so that a
 * name valid here is valid everywhere downstream without quoting surprises:
 * PostgreSQL folds unquoted names to lower case and Snowflake to upper case,
 * so only one case is allowed; only `[a-z0-9_-]` can be written, so nothing
 * in a name can end a quoted identifier or start a comment; and no name is a
 * reserved word of either database, so even a careless unquoted use parses.
 */

/** The kinds of names that become (parts of) warehouse identifiers. @public */
export type IdentifierKind =
  | 'organization'
  | 'domain'
  | 'stage'
  | 'product'
  | 'dataset'
  | 'port'
  | 'column'
  | 'slo';

/**
 * Longest allowed name per kind, in characters (= bytes: the charset is ASCII).
 *
 * PostgreSQL truncates identifiers at 63 bytes (NAMEDATALEN - 1); Snowflake
 * allows 255 characters. The binding limit is therefore PostgreSQL's 63, and
 * it applies to the *composed* names the platform creates, with the default
 * naming templates:
 *
 * | composed name                      | longest                      |
 * |------------------------------------|------------------------------|
 * | database `<org>_<domain>_<stage>`  | 12 + 1 + 20 + 1 + 12 = 46    |
 * | warehouse `<org>_<domain>_wh`      | 12 + 1 + 20 + 3 = 36         |
 * | role `<domain>_<product>_consumer` | 20 + 1 + 32 + 9 = 62         |
 * | role `<domain>_<product>_service`  | 20 + 1 + 32 + 8 = 61         |
 * | schema `<product>_<layer>`         | 32 + 1 + up to 30 (layer)    |
 *
 * Dataset, port, column and SLO names are never composed (a dataset is a
 * table inside its product's own schema), so they get the full 63. A later
 * layer that composes them must revisit these numbers.
 * @public
 */
export const IDENTIFIER_MAX_LENGTH: Readonly<Record<IdentifierKind, number>> = {
  organization: 12,
  domain: 20,
  stage: 12,
  product: 32,
  dataset: 63,
  port: 63,
  column: 63,
  slo: 63,
};

/** PostgreSQL's identifier limit in bytes (NAMEDATALEN - 1). @public */
export const POSTGRES_MAX_IDENTIFIER_BYTES = 63;
/** Snowflake's identifier limit in characters. @public */
export const SNOWFLAKE_MAX_IDENTIFIER_LENGTH = 255;

/**
 * A lowercase letter, then lowercase letters, digits, `_` or `-`, ending in
 * a letter or digit (Backstage entity names must end that way too).
 * @public
 */
export const IDENTIFIER_PATTERN = /^[a-z](?:[a-z0-9_-]*[a-z0-9])?$/;

/**
 * Reserved key words of PostgreSQL (category "reserved" and "reserved (can be
 * function or type)" in src/include/parser/kwlist.h, PostgreSQL 17) ...
 */
const POSTGRES_RESERVED = [
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc',
  'asymmetric', 'authorization', 'binary', 'both', 'case', 'cast', 'check',
  'collate', 'collation', 'column', 'concurrently', 'constraint', 'create',
  'cross', 'current_catalog', 'current_date', 'current_role',
  'current_schema', 'current_time', 'current_timestamp', 'current_user',
  'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except',
  'false', 'fetch', 'for', 'foreign', 'freeze', 'from', 'full', 'grant',
  'group', 'having', 'ilike', 'in', 'initially', 'inner', 'intersect', 'into',
  'is', 'isnull', 'join', 'lateral', 'leading', 'left', 'like', 'limit',
  'localtime', 'localtimestamp', 'natural', 'not', 'notnull', 'null',
  'offset', 'on', 'only', 'or', 'order', 'outer', 'overlaps', 'placing',
  'primary', 'references', 'returning', 'right', 'select', 'session_user',
  'similar', 'some', 'symmetric', 'system_user', 'table', 'tablesample',
  'then', 'to', 'trailing', 'true', 'union', 'unique', 'user', 'using',
  'variadic', 'verbose', 'when', 'where', 'window', 'with',
]; // prettier-ignore

/**
 * ... and of Snowflake (docs.snowflake.com, "Reserved & limited keywords",
 * including the limited ones: they break SHOW commands, FROM clauses or
 * column references, exactly where provisioning and monitoring use names).
 */
const SNOWFLAKE_RESERVED = [
  'account', 'all', 'alter', 'and', 'any', 'as', 'asof', 'between', 'by',
  'case', 'cast', 'check', 'column', 'connect', 'connection', 'constraint',
  'create', 'cross', 'current', 'current_date', 'current_time',
  'current_timestamp', 'current_user', 'database', 'delete', 'distinct',
  'drop', 'else', 'exists', 'false', 'following', 'for', 'from', 'full',
  'grant', 'group', 'gscluster', 'having', 'ilike', 'in', 'increment',
  'inner', 'insert', 'intersect', 'into', 'is', 'issue', 'join', 'lateral',
  'left', 'like', 'localtime', 'localtimestamp', 'match_condition', 'minus',
  'natural', 'not', 'null', 'of', 'on', 'or', 'order', 'organization',
  'qualify', 'regexp', 'revoke', 'right', 'rlike', 'row', 'rows', 'sample',
  'schema', 'select', 'set', 'some', 'start', 'table', 'tablesample', 'then',
  'to', 'trigger', 'true', 'try_cast', 'union', 'unique', 'update', 'using',
  'values', 'view', 'when', 'whenever', 'where', 'with',
]; // prettier-ignore

/**
 * The union of PostgreSQL's and Snowflake's reserved key words, lower case.
 * Names are compared after {@link toSqlName}, so `current-date` is caught too.
 * @public
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  ...POSTGRES_RESERVED,
  ...SNOWFLAKE_RESERVED,
]);

const KIND_LABEL: Record<IdentifierKind, string> = {
  organization: 'organisation name',
  domain: 'domain name',
  stage: 'stage name',
  product: 'product name',
  dataset: 'dataset name',
  port: 'port name',
  column: 'column name',
  slo: 'objective name',
};

/**
 * The SQL spelling of an identifier: `-` becomes `_`, because `-` is not
 * allowed in unquoted SQL names. Every SQL layer uses this one mapping, so
 * `patient-visits` is always the table `patient_visits`.
 * @public
 */
export function toSqlName(identifier: string): string {
  return identifier.replace(/-/g, '_');
}

/** Show a value in a message so that control characters stay visible. */
function show(value: string): string {
  const visible = [...value].map(ch =>
    isControl(ch) ? escapeControl(ch) : ch,
  );
  return `'${visible.join('')}'`;
}

function isControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

function escapeControl(ch: string): string {
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  return `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function showChar(ch: string): string {
  if (ch === "'") return `"'"`;
  if (isControl(ch)) return `a control character (${escapeControl(ch)})`;
  return `'${ch}'`;
}

function listChars(chars: Iterable<string>): string {
  const unique = [...new Set(chars)];
  const shown = unique.filter(ch => !/[A-Z ]/.test(ch)).map(showChar);
  // one word for a class of characters reads better than a list of them
  if (unique.includes(' ')) shown.push('spaces');
  if (unique.some(ch => /[A-Z]/.test(ch))) shown.push('upper-case letters');
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/**
 * Check one name against the identifier rules.
 * @returns a sentence saying what is wrong, or undefined when the name is fine.
 * @public
 */
export function validateIdentifier(
  name: string,
  what: IdentifierKind,
): string | undefined {
  const label = KIND_LABEL[what];
  // callers holding parsed YAML may pass anything at runtime
  if (typeof name !== 'string') {
    const actual: unknown = name;
    return `${a(label)} must be text, not ${
      actual === null ? 'null' : typeof actual
    }`;
  }
  if (name.length === 0) return `${a(label)} must not be empty`;
  const max = IDENTIFIER_MAX_LENGTH[what];
  if (name.length > max) {
    return `${label} ${show(shortened(name))} is ${
      name.length
    } characters long; ${a(label)} may have at most ${max}`;
  }
  const bad = [...name].filter(ch => !/[a-z0-9_-]/.test(ch));
  if (bad.length > 0) {
    const upper = bad.every(ch => /[A-Z]/.test(ch));
    const hint =
      upper && /^[A-Za-z0-9_-]+$/.test(name)
        ? `: names are lower case, write ${show(name.toLowerCase())}`
        : ': use only lowercase letters, digits, _ and -';
    return `${label} ${show(name)} contains ${listChars(bad)}${hint}`;
  }
  if (!/^[a-z]/.test(name)) {
    return `${label} ${show(name)} must start with a lowercase letter`;
  }
  if (!/[a-z0-9]$/.test(name)) {
    return `${label} ${show(name)} must end with a letter or digit`;
  }
  if (RESERVED_WORDS.has(toSqlName(name))) {
    return `${label} ${show(
      name,
    )} is a reserved word in SQL (PostgreSQL or Snowflake); choose another name, e.g. ${show(
      `${name}s`,
    )} or ${show(`${name}-data`)}`;
  }
  return undefined;
}

function a(label: string): string {
  return /^[aeiou]/.test(label) ? `an ${label}` : `a ${label}`;
}

function shortened(name: string): string {
  return name.length > 40 ? `${name.slice(0, 37)}...` : name;
}

/** The outcome of {@link toIdentifier}: an identifier, or why there is none. @public */
export type IdentifierResult =
  | { identifier: string; error?: undefined }
  | { identifier?: undefined; error: string };

/**
 * Derive an identifier from a display name, e.g. "JDBC-Port of DP patients"
 * → `jdbc-port-of-dp-patients`.
 *
 * Only letters, digits, spaces, `_`, `-` and `.` may appear in the display
 * name. Anything else (quotes, semicolons, slashes, backslashes, control
 * characters) is rejected rather than stripped: a name like
 * `patients"; DROP TABLE x; --` is a mistake or an attack, and quietly
 * turning it into `patients-drop-table-x` would hide either. Accented Latin
 * letters lose their accents (`Zürich` → `zurich`); letters with no ASCII
 * spelling are rejected.
 *
 * With `what`, the result is also checked against that kind's length limit
 * and the reserved words.
 * @public
 */
export function toIdentifier(
  displayName: string,
  what?: IdentifierKind,
): IdentifierResult {
  const label = what ? KIND_LABEL[what] : 'name';
  if (typeof displayName !== 'string' || displayName.trim() === '') {
    return { error: `${a(label)} must not be empty` };
  }
  const bad = [...displayName].filter(ch => !/[\p{L}\p{N} _.-]/u.test(ch));
  if (bad.length > 0) {
    return {
      error: `${label} ${show(shortened(displayName))} contains ${listChars(
        bad,
      )}; a name may only contain letters, digits, spaces, _, - and .`,
    };
  }
  const ascii = displayName.normalize('NFKD').replace(/\p{M}/gu, '');
  const foreign = [...ascii].filter(ch => !/[A-Za-z0-9 _.-]/.test(ch));
  if (foreign.length > 0) {
    return {
      error: `${label} ${show(shortened(displayName))} contains ${listChars(
        foreign,
      )}, which has no plain ASCII spelling; write the name with the letters a-z`,
    };
  }
  const identifier = ascii
    .toLowerCase()
    // a run of separators becomes one: `_` if it was only underscores
    // (snake_case survives), otherwise `-`
    .replace(/[ ._-]+/g, run => (/^_+$/.test(run) ? '_' : '-'))
    .replace(/^[_-]+|[_-]+$/g, '');
  if (identifier === '') {
    return { error: `${label} ${show(displayName)} has no letters or digits` };
  }
  if (!/^[a-z]/.test(identifier)) {
    return {
      error: `${label} ${show(
        shortened(displayName),
      )} must start with a letter`,
    };
  }
  if (what) {
    const problem = validateIdentifier(identifier, what);
    if (problem) {
      return {
        error:
          identifier === displayName
            ? problem
            : `${problem} (derived from ${show(shortened(displayName))})`,
      };
    }
  } else if (identifier.length > POSTGRES_MAX_IDENTIFIER_BYTES) {
    return {
      error: `${label} ${show(shortened(displayName))} gives an identifier of ${
        identifier.length
      } characters; at most ${POSTGRES_MAX_IDENTIFIER_BYTES} are allowed`,
    };
  }
  return { identifier };
}
