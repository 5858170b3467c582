/*
 * SQL of the example tables, pure: the DDL of a dataset's table in its
 * product's output schema (the spec's columns plus the information
 * architecture's metadata columns) and the statement of one full refresh.
 *
 * Nothing the spec author wrote reaches SQL as text: column names go
 * through the dialect's identifier quoting (which refuses anything but a
 * plain identifier), and column types are parsed into one of a fixed set of
 * PostgreSQL types with validated lengths. Literals are produced here
 * (timestamps from numbers) or checked by the profile's schema.
 */
import type { DatasetColumn } from '@datamesh/plugin-data-mesh-common';

/** A PostgreSQL column type from a fixed set, with validated parameters. @public */
export type PgColumnType =
  | { kind: 'text'; length?: number }
  | { kind: 'integer' }
  | { kind: 'bigint' }
  | { kind: 'numeric'; precision?: number; scale?: number }
  | { kind: 'double' }
  | { kind: 'boolean' }
  | { kind: 'date' }
  | { kind: 'timestamp' }
  | { kind: 'timestamptz' }
  | { kind: 'time' }
  | { kind: 'jsonb' }
  | { kind: 'array'; of: PgColumnType };

const int = (s: string | undefined) =>
  s === undefined ? undefined : Number.parseInt(s, 10);

/**
 * The PostgreSQL type for a column type as spec authors write it (logical
 * ODCS types, Snowflake types, SQL types): `varchar(20)`, `string`,
 * `number(14,2)`, `timestamp_ntz`, `array<varchar(8)>`. Anything unknown is
 * stored as text, which holds every example value.
 * @public
 */
export function pgTypeOf(type: string): PgColumnType {
  const t = type.trim().toLowerCase();
  const array = /^array\s*<(.+)>$/.exec(t) ?? /^(.+)\[\]$/.exec(t);
  if (array) {
    const of = pgTypeOf(array[1]);
    return of.kind === 'array' ? of : { kind: 'array', of };
  }
  if (t === 'array') return { kind: 'array', of: { kind: 'text' } };
  const m =
    /^([a-z_ ]+?)\s*(?:\(\s*(\d{1,4})\s*(?:,\s*(\d{1,4})\s*)?\))?$/.exec(t);
  if (!m) return { kind: 'text' };
  const [, base, p1, p2] = m;
  switch (base) {
    case 'varchar':
    case 'character varying':
    case 'char':
    case 'character':
    case 'nvarchar':
    case 'nchar': {
      const length = int(p1);
      return length && length >= 1 && length <= 10_000
        ? { kind: 'text', length }
        : { kind: 'text' };
    }
    case 'int':
    case 'integer':
    case 'smallint':
    case 'tinyint':
    case 'byteint':
      return { kind: 'integer' };
    case 'bigint':
    case 'long':
      return { kind: 'bigint' };
    case 'number':
    case 'numeric':
    case 'decimal': {
      const precision = int(p1);
      const scale = int(p2) ?? 0;
      if (precision === undefined) return { kind: 'numeric' };
      if (precision < 1 || precision > 1000 || scale > precision)
        return { kind: 'numeric' };
      return { kind: 'numeric', precision, scale };
    }
    case 'float':
    case 'float4':
    case 'float8':
    case 'double':
    case 'double precision':
    case 'real':
      return { kind: 'double' };
    case 'boolean':
    case 'bool':
      return { kind: 'boolean' };
    case 'date':
      return { kind: 'date' };
    case 'timestamp':
    case 'timestamp_ntz':
    case 'datetime':
      return { kind: 'timestamp' };
    case 'timestamp_tz':
    case 'timestamp_ltz':
    case 'timestamptz':
      return { kind: 'timestamptz' };
    case 'time':
      return { kind: 'time' };
    case 'object':
    case 'variant':
    case 'json':
    case 'jsonb':
    case 'struct':
    case 'map':
    case 'record':
      return { kind: 'jsonb' };
    default:
      return { kind: 'text' };
  }
}

/** The type's SQL spelling; every parameter is a validated integer. @public */
export function pgTypeSql(type: PgColumnType): string {
  switch (type.kind) {
    case 'text':
      return type.length ? `varchar(${type.length})` : 'text';
    case 'numeric':
      return type.precision
        ? `numeric(${type.precision}, ${type.scale ?? 0})`
        : 'numeric';
    case 'double':
      return 'double precision';
    case 'timestamp':
      return 'timestamp';
    case 'array':
      return `${pgTypeSql(type.of)}[]`;
    default:
      return type.kind;
  }
}

/**
 * An expression for the value of row `g` (the `generate_series` column) of
 * a load, varying per column (`salt`) and per load (`seed`), always within
 * the type's limits. Cheap arithmetic only: a load writes thousands of rows.
 */
function valueSql(
  type: PgColumnType,
  salt: number,
  load: { atSql: string; seed: number },
): string {
  const n = `(g * ${7 + 2 * salt} + ${salt * 101 + load.seed})`;
  switch (type.kind) {
    case 'text': {
      const text = `upper(lpad(to_hex(${n} * 2654435761 % 4294967296), 8, '0'))`;
      return type.length ? `left(${text}, ${type.length})` : text;
    }
    case 'integer':
    case 'bigint':
      return `(${n} % 1000)`;
    case 'numeric': {
      if (!type.precision) return `round((${n} % 100000)::numeric / 100, 2)`;
      const scale = type.scale ?? 0;
      // largest whole part that fits: 10^(precision - scale) - 1, at most 999 999
      const whole = Math.min(10 ** (type.precision - scale) - 1, 999_999);
      const max = whole > 0 ? whole : 0.9;
      return `round((${n} % 1000)::numeric / 1000 * ${max}, ${scale})::numeric(${type.precision}, ${scale})`;
    }
    case 'double':
      return `((${n} % 100000) / 100.0)::double precision`;
    case 'boolean':
      return `(${n} % 5 = 0)`;
    case 'date':
      return `(${load.atSql}::date - (${n} % 365)::int)`;
    case 'timestamp':
      return `(${load.atSql} - make_interval(mins => (${n} % 10080)::int))::timestamp`;
    case 'timestamptz':
      return `(${load.atSql} - make_interval(mins => (${n} % 10080)::int))`;
    case 'time':
      return `(time '00:00' + make_interval(mins => (${n} % 1440)::int))`;
    case 'jsonb':
      return `jsonb_build_object('n', ${n} % 1000)`;
    case 'array':
      return `array[${valueSql(type.of, salt, load)}]`;
    default:
      return 'null';
  }
}

/** The metadata columns every example table carries (platform config names). @public */
export interface MetadataColumns {
  loadedAt: string;
  recordType: string;
  sourceSystem: string;
}

/** @public */
export interface ExampleTable {
  /** Quoted physical name, from the dialect. */
  qualifiedName: string;
  columns: DatasetColumn[];
  metadata: MetadataColumns;
}

/** Columns of the table: the spec's, then the metadata columns the spec does not declare itself. */
function tableColumns(
  table: ExampleTable,
  quote: (name: string) => string,
): {
  name: string;
  quoted: string;
  type: PgColumnType;
  metadata?: keyof MetadataColumns;
}[] {
  const declared = new Set(table.columns.map(c => c.name.toLowerCase()));
  const cols: {
    name: string;
    quoted: string;
    type: PgColumnType;
    metadata?: keyof MetadataColumns;
  }[] = table.columns.map(c => {
    const known = (
      Object.keys(table.metadata) as (keyof MetadataColumns)[]
    ).find(k => table.metadata[k].toLowerCase() === c.name.toLowerCase());
    return {
      name: c.name,
      quoted: quote(c.name),
      type: known === 'loadedAt' ? { kind: 'timestamptz' } : pgTypeOf(c.type),
      ...(known ? { metadata: known } : {}),
    };
  });
  const extra: [keyof MetadataColumns, PgColumnType][] = [
    ['loadedAt', { kind: 'timestamptz' }],
    ['recordType', { kind: 'text' }],
    ['sourceSystem', { kind: 'text' }],
  ];
  for (const [key, type] of extra) {
    const name = table.metadata[key];
    if (!declared.has(name.toLowerCase())) {
      cols.push({ name, quoted: quote(name), type, metadata: key });
    }
  }
  return cols;
}

/**
 * `CREATE TABLE IF NOT EXISTS` for the table, meant to run as the product's
 * service role so that the schema's default privileges (select for the
 * consumer role) apply to it.
 * @public
 */
export function createTableSql(
  table: ExampleTable,
  quote: (name: string) => string,
): string {
  const cols = tableColumns(table, quote).map(
    c =>
      `${c.quoted} ${pgTypeSql(c.type)}${
        c.metadata && c.metadata !== 'recordType' ? ' not null' : ''
      }`,
  );
  return `CREATE TABLE IF NOT EXISTS ${table.qualifiedName} (${cols.join(
    ', ',
  )})`;
}

/** The comment that labels an example table in the warehouse. @public */
export function commentSql(table: ExampleTable, text: string): string {
  if (/[^A-Za-z0-9 _.,:;()/+-]/.test(text)) {
    throw new Error(`unsafe comment text '${text}'`);
  }
  return `COMMENT ON TABLE ${table.qualifiedName} IS '${text}'`;
}

/**
 * One full refresh, as a single statement (so it is atomic when run in a
 * transaction, and never leaves an empty table for a collector to see):
 * truncate, then `rows` generated rows loaded at `loadedAt`.
 * @public
 */
export function refreshSql(
  table: ExampleTable,
  quote: (name: string) => string,
  load: {
    loadedAt: number;
    rows: number;
    recordType: string;
    sourceSystem: string;
  },
): string {
  if (!Number.isSafeInteger(load.rows) || load.rows < 0) {
    throw new Error(`invalid row count ${load.rows}`);
  }
  if (!Number.isFinite(load.loadedAt)) {
    throw new Error(`invalid load time ${load.loadedAt}`);
  }
  const literal = /^[A-Za-z0-9][A-Za-z0-9_.:+/-]{0,63}$/;
  for (const value of [load.recordType, load.sourceSystem]) {
    if (!literal.test(value)) throw new Error(`unsafe literal '${value}'`);
  }
  const at = `timestamptz '${new Date(load.loadedAt).toISOString()}'`;
  const cols = tableColumns(table, quote);
  const values = cols.map((c, i) => {
    if (c.metadata === 'loadedAt') return at;
    if (c.metadata === 'recordType') return `'${load.recordType}'`;
    if (c.metadata === 'sourceSystem') return `'${load.sourceSystem}'`;
    return valueSql(c.type, i + 1, {
      atSql: at,
      // minutes since the epoch, folded: the same load always writes the same rows
      seed: Math.floor(load.loadedAt / 60_000) % 1_000_003,
    });
  });
  const insert = `INSERT INTO ${table.qualifiedName} (${cols
    .map(c => c.quoted)
    .join(', ')}) SELECT ${values.join(', ')} FROM generate_series(1, ${
    load.rows
  }) AS g`;
  // A DO block is one statement: the truncate and the insert commit together.
  return `DO $refresh$ BEGIN TRUNCATE ${table.qualifiedName}; ${insert}; END $refresh$`;
}
