/*
 * The fake account's object types, Snowflake's constants (privileges per
 * object type, warehouse sizes, statement type ids) and the helpers every
 * part of the executor shares: display names, result sets, row matching.
 */
import { SnowflakeSqlError } from './errors';
import type { Condition, SelectItem, Statement, Value } from './parser';
import type { PolicyBody } from './statements';

/** @internal */
export type ColumnType =
  | 'text'
  | 'fixed'
  | 'real'
  | 'boolean'
  | 'timestamp_ltz';

/** @internal */
export interface ResultColumn {
  name: string;
  type: ColumnType;
  /** A table column's type as created, e.g. NUMBER(10,2). */
  declared?: string;
}

/** Cells are JS values; the server serialises them as Snowflake does. @internal */
export type Cell = string | number | boolean | Date | null;

/** @internal */
export interface ResultSet {
  columns: ResultColumn[];
  rows: Cell[][];
  /** Snowflake's statement type id; DML ids make the driver report affected rows. */
  statementTypeId: number;
}

/** @public */
export interface FakeTable {
  name: string;
  /** `maskingPolicy`: the path of the policy set on the column (ALTER TABLE … SET MASKING POLICY). */
  columns: { name: string; type: string; maskingPolicy?: string[] }[];
  rows: Value[][];
  owner: string;
  createdOn: Date;
  /** Moved by DML and DDL alike, as Snowflake's LAST_ALTERED ("DML, DDL, or background metadata operation"). */
  lastAltered: Date;
  /** Last DDL (ALTER TABLE …); the creation time until then. */
  lastDdl?: Date;
  comment?: string;
  rowCount: number;
  bytes: number;
}

/** @public */
export interface FakeSchema {
  name: string;
  owner: string;
  createdOn: Date;
  comment?: string;
  /** A managed-access schema: its owner, not the objects' owners, decides grants. */
  managedAccess?: boolean;
  tables: Map<string, FakeTable>;
  views: Map<string, FakeView>;
  policies: Map<string, FakeMaskingPolicy>;
}

/** A masking policy: a schema object evaluated for every value of the columns it is set on. @public */
export interface FakeMaskingPolicy {
  name: string;
  owner: string;
  createdOn: Date;
  comment?: string;
  /** The signature type, which is also the return type. */
  type: string;
  body: PolicyBody;
}

/** A view: a stored SELECT that runs with its owner's privileges. @public */
export interface FakeView {
  name: string;
  owner: string;
  createdOn: Date;
  lastAltered: Date;
  comment?: string;
  query: Extract<Statement, { kind: 'select' }>;
}

/** @public */
export interface FakeDatabase {
  name: string;
  owner: string;
  createdOn: Date;
  comment?: string;
  /** Source database when created by CLONE (the fake's own record; SHOW does not show it). */
  origin?: string;
  schemas: Map<string, FakeSchema>;
}

/** @public */
export interface FakeWarehouse {
  name: string;
  /** Snowflake's display form: X-Small, Small, Medium, ... */
  size: string;
  autoSuspend: number | null;
  autoResume: boolean;
  initiallySuspended: boolean;
  state: 'STARTED' | 'SUSPENDED';
  owner: string;
  createdOn: Date;
  resumedOn: Date;
  updatedOn: Date;
  comment?: string;
}

/** @public */
export interface FakeRole {
  name: string;
  owner: string;
  createdOn: Date;
  comment?: string;
}

/** @public */
export interface FakeUser {
  name: string;
  password?: string;
  /** PEM or bare base64 SPKI, as `RSA_PUBLIC_KEY` takes it. */
  rsaPublicKey?: string;
  defaultRole?: string;
  defaultWarehouse?: string;
  owner: string;
  createdOn: Date;
}

/** Where a privilege applies: `[]` for the account, else the object's path. @public */
export type SecurableType =
  | 'ACCOUNT'
  | 'WAREHOUSE'
  | 'DATABASE'
  | 'SCHEMA'
  | 'TABLE'
  | 'VIEW';

/** @public */
export interface PrivilegeGrant {
  privilege: string;
  on: SecurableType;
  name: string[];
  grantee: string;
  /**
   * What kind of grantee holds it (absent: an account role). Snowflake also
   * grants to database roles, applications and application roles, which may
   * share a name with an account role but confer nothing on it.
   */
  grantedTo?: GranteeKind;
  grantOption: boolean;
  grantedBy: string;
  createdOn: Date;
}

/** SHOW GRANTS' `granted_to` values for privilege grantees. @public */
export type GranteeKind =
  | 'ROLE'
  | 'DATABASE_ROLE'
  | 'APPLICATION'
  | 'APPLICATION_ROLE';

/** @public */
export interface RoleGrant {
  role: string;
  granteeType: 'ROLE' | 'USER';
  grantee: string;
  grantedBy: string;
  createdOn: Date;
}

/** @public */
export interface FutureGrant {
  privilege: string;
  objectType: 'TABLE' | 'VIEW' | 'SCHEMA';
  containerType: 'SCHEMA' | 'DATABASE';
  container: string[];
  grantee: string;
  grantOption: boolean;
  createdOn: Date;
}

/** The mutable context of one session. @internal */
export interface SessionContext {
  user: string;
  role: string;
  warehouse?: string;
  database?: string;
  schema?: string;
  /** Set while a view's query runs as its owner: the caller's warehouse was already checked. */
  viewOwnerRights?: boolean;
  /**
   * The caller's role while a view runs as its owner: masking policies
   * still see the querying session's roles (IS_ROLE_IN_SESSION looks at the
   * session, not at the view owner).
   */
  invokerRole?: string;
}

export const SYSTEM_ROLES = [
  'ORGADMIN',
  'ACCOUNTADMIN',
  'SECURITYADMIN',
  'USERADMIN',
  'SYSADMIN',
  'PUBLIC',
];

export const VALID_PRIVILEGES: Record<SecurableType, string[]> = {
  ACCOUNT: [
    'CREATE ROLE',
    'CREATE USER',
    'CREATE WAREHOUSE',
    'CREATE DATABASE',
    'MANAGE GRANTS',
    'APPLY MASKING POLICY',
    'MONITOR USAGE',
    'EXECUTE TASK',
  ],
  WAREHOUSE: ['USAGE', 'OPERATE', 'MONITOR', 'MODIFY'],
  DATABASE: ['USAGE', 'MONITOR', 'CREATE SCHEMA', 'MODIFY'],
  SCHEMA: [
    'USAGE',
    'MONITOR',
    'MODIFY',
    'CREATE TABLE',
    'CREATE VIEW',
    'CREATE STAGE',
    'CREATE MASKING POLICY',
  ],
  TABLE: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES'],
  VIEW: ['SELECT', 'REFERENCES'],
};

/**
 * WAREHOUSE_SIZE as CREATE WAREHOUSE takes it — `XSMALL | SMALL | MEDIUM |
 * LARGE | XLARGE | XXLARGE | XXXLARGE | X4LARGE | X5LARGE | X6LARGE` in
 * Snowflake's documentation, plus the quoted display spellings — to the
 * form SHOW WAREHOUSES displays.
 */
export const SIZES: Record<string, string> = {
  XSMALL: 'X-Small',
  'X-SMALL': 'X-Small',
  SMALL: 'Small',
  MEDIUM: 'Medium',
  LARGE: 'Large',
  XLARGE: 'X-Large',
  'X-LARGE': 'X-Large',
  XXLARGE: '2X-Large',
  X2LARGE: '2X-Large',
  '2X-LARGE': '2X-Large',
  XXXLARGE: '3X-Large',
  X3LARGE: '3X-Large',
  '3X-LARGE': '3X-Large',
  X4LARGE: '4X-Large',
  '4X-LARGE': '4X-Large',
  X5LARGE: '5X-Large',
  '5X-LARGE': '5X-Large',
  X6LARGE: '6X-Large',
  '6X-LARGE': '6X-Large',
};

export const STMT_DDL = 0x6000;
export const STMT_SELECT = 0x1000;
export const STMT_INSERT = 0x3100;
export const STMT_DELETE = 0x3300;

/**
 * Shows a name part the way Snowflake's SHOW output does: plain when it
 * reads back unquoted as itself, otherwise double-quoted with `""` escapes.
 * @public
 */
export function displayPart(part: string): string {
  return /^[A-Z_][A-Z0-9_$]*$/.test(part)
    ? part
    : `"${part.replace(/"/g, '""')}"`;
}

/** @public */
export function displayName(parts: string[]): string {
  return parts.map(displayPart).join('.');
}

export function likeToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map(c => {
      if (c === '%') return '.*';
      if (c === '_') return '.';
      return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${body}$`, 'is');
}

export function statusResult(message: string): ResultSet {
  return {
    columns: [{ name: 'status', type: 'text' }],
    rows: [[message]],
    statementTypeId: STMT_DDL,
  };
}

export const key = (on: SecurableType, name: string[]) =>
  `${on}:${JSON.stringify(name)}`;

export function startsWith(path: string[], prefix: string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

/** Options for {@link FakeAccount}. @public */
export interface FakeAccountOptions {
  /** Account locator, e.g. `TEST_ACCOUNT`. */
  name?: string;
  /** Clock used for created_on / last_altered; tests may move it. */
  now?: () => Date;
}

export function invalidIdentifier(name: string) {
  return new SnowflakeSqlError(
    '000904',
    '42000',
    `SQL compilation error: error line 1 at position 7\ninvalid identifier '${displayPart(
      name,
    )}'`,
  );
}

export function sqlTypeToColumnType(type: string): ColumnType {
  const base = type.replace(/\(.*$/, '');
  if (
    [
      'NUMBER',
      'INT',
      'INTEGER',
      'BIGINT',
      'SMALLINT',
      'DECIMAL',
      'NUMERIC',
    ].includes(base)
  )
    return 'fixed';
  if (['FLOAT', 'DOUBLE', 'REAL'].includes(base)) return 'real';
  if (base === 'BOOLEAN') return 'boolean';
  if (base.startsWith('TIMESTAMP') || base === 'DATETIME')
    return 'timestamp_ltz';
  return 'text';
}

export function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  if ((x as number) < (y as number)) return -1;
  return (x as number) > (y as number) ? 1 : 0;
}

export function valueType(v: unknown): ColumnType {
  if (typeof v === 'number') return 'fixed';
  if (typeof v === 'boolean') return 'boolean';
  return 'text';
}

export function matches(
  row: unknown[],
  names: string[],
  where: Condition[],
): boolean {
  return where.every(c => {
    const v = row[names.indexOf(c.column)];
    switch (c.kind) {
      case 'null':
        return (v === null || v === undefined) !== c.not;
      case 'in':
        return c.values.some(x => compare(v, x) === 0) !== c.not;
      default: {
        if (v === null || v === undefined || c.value === null) return false;
        const r = compare(v, c.value);
        switch (c.op) {
          case '=':
            return r === 0;
          case '<>':
            return r !== 0;
          case '<':
            return r < 0;
          case '>':
            return r > 0;
          case '<=':
            return r <= 0;
          default:
            return r >= 0;
        }
      }
    }
  });
}

export function project(
  items: SelectItem[],
  columns: ResultColumn[],
  rows: Cell[][],
): ResultSet {
  if (
    items.some(i =>
      ['count', 'countIf', 'countNotNull', 'countNotMatching', 'max'].includes(
        i.kind,
      ),
    )
  )
    return aggregate(items, columns, rows);
  const outColumns: ResultColumn[] = [];
  const getters: ((r: Cell[]) => Cell)[] = [];
  const names = columns.map(c => c.name);
  for (const item of items) {
    if (item.kind === 'star') {
      columns.forEach((c, i) => {
        outColumns.push(c);
        getters.push(r => r[i]);
      });
    } else if (item.kind === 'column') {
      const i = names.indexOf(item.name);
      if (i < 0) throw invalidIdentifier(item.name);
      outColumns.push({
        name: item.alias ?? columns[i].name,
        type: columns[i].type,
      });
      getters.push(r => r[i]);
    } else if (item.kind === 'value') {
      const v = item.value;
      outColumns.push({
        name: item.alias ?? item.text.toUpperCase(),
        type: typeof v === 'number' ? 'fixed' : 'text',
      });
      getters.push(() => v);
    } else {
      throw new SnowflakeSqlError(
        '001003',
        '42000',
        'SQL compilation error:\nCOUNT(*) cannot be combined with other columns without GROUP BY',
      );
    }
  }
  return {
    columns: outColumns,
    rows: rows.map(r => getters.map(g => g(r))),
    statementTypeId: STMT_SELECT,
  };
}

/** A time as Snowflake reads a timestamp literal: without a zone, UTC here. */
function toTime(v: Cell): Date | null {
  if (v === null || v instanceof Date) return v;
  const text = String(v);
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(text);
  const d = new Date(zoned ? text : `${text.replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * A cell as `CAST(… AS VARCHAR)` writes it: a NUMBER(p, s) with all its
 * s decimals, as Snowflake does (1.5 in a NUMBER(10,2) is '1.50').
 */
function castToText(v: Cell, type?: string): string {
  if (v instanceof Date) return v.toISOString();
  const scale = /^(?:NUMBER|DECIMAL|NUMERIC)\(\s*\d+\s*,\s*(\d+)\s*\)$/i.exec(
    type ?? '',
  );
  if (typeof v === 'number' && scale) return v.toFixed(Number(scale[1]));
  return String(v);
}

/** One row: COUNT(*), COUNT(col), COUNT(DISTINCT col[, col…]), COUNT_IF(…) and MAX(column), with constants beside them (no GROUP BY). */
function aggregate(
  items: SelectItem[],
  columns: ResultColumn[],
  rows: Cell[][],
): ResultSet {
  const outColumns: ResultColumn[] = [];
  const row: Cell[] = [];
  const names = columns.map(c => c.name);
  for (const item of items) {
    if (item.kind === 'count' && item.column === undefined) {
      outColumns.push({ name: item.alias ?? 'COUNT(*)', type: 'fixed' });
      row.push(rows.length);
    } else if (
      item.kind === 'countNotNull' ||
      (item.kind === 'count' && item.columns)
    ) {
      // rows with a value in every column; COUNT(DISTINCT a, b) their combinations
      const columnsOf = item.columns!.map(c => {
        const i = names.indexOf(c);
        if (i < 0) throw invalidIdentifier(c);
        return i;
      });
      const full = rows.filter(r =>
        columnsOf.every(i => r[i] !== null && r[i] !== undefined),
      );
      outColumns.push({
        name:
          item.alias ?? (item.kind === 'count' ? 'COUNT(…)' : 'COUNT_IF(…)'),
        type: 'fixed',
      });
      row.push(
        item.kind === 'count'
          ? new Set(
              full.map(r =>
                JSON.stringify(columnsOf.map(i => castToText(r[i]))),
              ),
            ).size
          : full.length,
      );
    } else if (item.kind === 'count' || item.kind === 'countIf') {
      const column = item.column!;
      const i = names.indexOf(column);
      if (i < 0) throw invalidIdentifier(column);
      const present = rows
        .map(r => r[i])
        .filter(v => v !== null && v !== undefined);
      let n: number;
      if (item.kind === 'countIf') {
        // [NOT] IN (…): NULL is neither in nor out
        if (item.asText) {
          const type = columns[i].declared;
          const listed = new Set(item.values.map(v => String(v)));
          n = present.filter(
            v => listed.has(castToText(v, type)) !== item.not,
          ).length;
        } else {
          if (item.values.some(v => typeof v !== 'number')) {
            throw new SnowflakeSqlError(
              '100038',
              '22018',
              `Numeric value '${item.values.find(
                v => typeof v !== 'number',
              )}' is not recognized`,
            );
          }
          // the column's values are cast to numbers, as Snowflake does:
          // text that is not one fails the statement
          const bad = present.find(v => Number.isNaN(Number(v)));
          if (bad !== undefined) {
            throw new SnowflakeSqlError(
              '100038',
              '22018',
              `Numeric value '${String(bad)}' is not recognized`,
            );
          }
          const listed = new Set(item.values as number[]);
          n = present.filter(v => listed.has(Number(v)) !== item.not).length;
        }
      } else if (item.distinct) {
        n = new Set(present.map(v => castToText(v))).size;
      } else n = present.length;
      outColumns.push({
        name:
          item.alias ??
          (item.kind === 'countIf' ? 'COUNT_IF(…)' : `COUNT(${column})`),
        type: 'fixed',
      });
      row.push(n);
    } else if (item.kind === 'countNotMatching') {
      // the platform sends only patterns JavaScript reads as Snowflake does
      const i = names.indexOf(item.column);
      if (i < 0) throw invalidIdentifier(item.column);
      const pattern = new RegExp(item.pattern);
      outColumns.push({ name: item.alias ?? 'COUNT_IF(…)', type: 'fixed' });
      row.push(
        rows.filter(
          r =>
            r[i] !== null &&
            r[i] !== undefined &&
            !pattern.test(castToText(r[i], columns[i].declared)),
        ).length,
      );
    } else if (item.kind === 'max') {
      const i = names.indexOf(item.column);
      if (i < 0) throw invalidIdentifier(item.column);
      const type = columns[i].type;
      const values = rows
        .map(r => (type === 'timestamp_ltz' ? toTime(r[i]) : r[i]))
        .filter(v => v !== null && v !== undefined);
      outColumns.push({ name: item.alias ?? `MAX(${item.column})`, type });
      row.push(
        values.reduce<Cell>(
          (m, v) => (m === null || compare(v, m) > 0 ? v : m),
          null,
        ),
      );
    } else if (item.kind === 'value') {
      outColumns.push({
        name: item.alias ?? item.text.toUpperCase(),
        type: item.numeric ? 'fixed' : valueType(item.value),
      });
      row.push(item.value);
    } else {
      throw new SnowflakeSqlError(
        '000979',
        '42601',
        `SQL compilation error:\n[${
          item.kind === 'column' ? item.name : '*'
        }] is not a valid group by expression`,
      );
    }
  }
  return { columns: outColumns, rows: [row], statementTypeId: STMT_SELECT };
}
