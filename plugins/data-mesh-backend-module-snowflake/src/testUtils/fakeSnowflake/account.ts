/*
 * The in-memory Snowflake account behind the fake server: warehouses,
 * databases, schemas, tables, roles, users, privilege grants, role grants,
 * future grants and ownership — the objects the data-mesh adapter's SQL
 * touches — and an executor that applies parsed statements to them with
 * Snowflake's access-control rules as far as they matter for us:
 *
 * - objects are owned by the role that created them; the owner has every
 *   privilege on them;
 * - a role holds the privileges of every role granted to it (transitively)
 *   and of PUBLIC; ACCOUNTADMIN > SYSADMIN, ACCOUNTADMIN > SECURITYADMIN >
 *   USERADMIN as in a new account;
 * - reading or writing a table needs USAGE on its database and schema, the
 *   table privilege, and a warehouse the role may use;
 * - objects a role has no privilege on "do not exist or are not authorized";
 * - GRANT needs ownership of the object or MANAGE GRANTS; future grants are
 *   materialised when a table is created, schema-level ones taking precedence
 *   over database-level ones; ALL TABLES expands to one grant per table;
 * - CLONE copies child objects with their grants but not the container's own
 *   grants (Snowflake's documented rule); future grants are not copied.
 */
import {
  alreadyExists,
  doesNotExist,
  insufficientPrivileges,
  noActiveWarehouse,
  SnowflakeSqlError,
  unsupported,
} from './errors';
import {
  Condition,
  GrantTarget,
  NameRef,
  SelectItem,
  Statement,
  Value,
} from './parser';

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
  columns: { name: string; type: string }[];
  rows: Value[][];
  owner: string;
  createdOn: Date;
  lastAltered: Date;
  rowCount: number;
  bytes: number;
}

/** @public */
export interface FakeSchema {
  name: string;
  owner: string;
  createdOn: Date;
  comment?: string;
  tables: Map<string, FakeTable>;
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
  grantOption: boolean;
  grantedBy: string;
  createdOn: Date;
}

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
}

const SYSTEM_ROLES = [
  'ORGADMIN',
  'ACCOUNTADMIN',
  'SECURITYADMIN',
  'USERADMIN',
  'SYSADMIN',
  'PUBLIC',
];

const VALID_PRIVILEGES: Record<SecurableType, string[]> = {
  ACCOUNT: [
    'CREATE ROLE',
    'CREATE USER',
    'CREATE WAREHOUSE',
    'CREATE DATABASE',
    'MANAGE GRANTS',
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
  ],
  TABLE: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES'],
  VIEW: ['SELECT', 'REFERENCES'],
};

const SIZES: Record<string, string> = {
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
};

const STMT_DDL = 0x6000;
const STMT_SELECT = 0x1000;
const STMT_INSERT = 0x3100;
const STMT_DELETE = 0x3300;

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

function likeToRegExp(pattern: string): RegExp {
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

function statusResult(message: string): ResultSet {
  return {
    columns: [{ name: 'status', type: 'text' }],
    rows: [[message]],
    statementTypeId: STMT_DDL,
  };
}

const key = (on: SecurableType, name: string[]) =>
  `${on}:${JSON.stringify(name)}`;

function startsWith(path: string[], prefix: string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

/** Options for {@link FakeAccount}. @public */
export interface FakeAccountOptions {
  /** Account locator, e.g. `TEST_ACCOUNT`. */
  name?: string;
  /** Clock used for created_on / last_altered; tests may move it. */
  now?: () => Date;
}

/**
 * The object model and executor. Tests reach it through
 * `FakeSnowflake.account` to seed users and table statistics or to look at
 * what the adapter created, without going through SQL.
 * @public
 */
export class FakeAccount {
  readonly name: string;
  readonly warehouses = new Map<string, FakeWarehouse>();
  readonly databases = new Map<string, FakeDatabase>();
  readonly roles = new Map<string, FakeRole>();
  readonly users = new Map<string, FakeUser>();
  grants: PrivilegeGrant[] = [];
  roleGrants: RoleGrant[] = [];
  futureGrants: FutureGrant[] = [];
  private readonly clock: () => Date;

  constructor(options: FakeAccountOptions = {}) {
    this.name = (options.name ?? 'TEST_ACCOUNT').toUpperCase();
    this.clock = options.now ?? (() => new Date());
    const t = this.now();
    for (const role of SYSTEM_ROLES) {
      this.roles.set(role, {
        name: role,
        owner: role === 'PUBLIC' ? '' : 'ACCOUNTADMIN',
        createdOn: t,
      });
    }
    const hierarchy: [string, string][] = [
      ['SYSADMIN', 'ACCOUNTADMIN'],
      ['SECURITYADMIN', 'ACCOUNTADMIN'],
      ['USERADMIN', 'SECURITYADMIN'],
    ];
    for (const [role, grantee] of hierarchy) {
      this.roleGrants.push({
        role,
        granteeType: 'ROLE',
        grantee,
        grantedBy: '',
        createdOn: t,
      });
    }
    const accountPrivileges: [string, string][] = [
      ['CREATE WAREHOUSE', 'SYSADMIN'],
      ['CREATE DATABASE', 'SYSADMIN'],
      ['CREATE ROLE', 'USERADMIN'],
      ['CREATE USER', 'USERADMIN'],
      ['MANAGE GRANTS', 'SECURITYADMIN'],
    ];
    for (const [privilege, grantee] of accountPrivileges) {
      this.grants.push({
        privilege,
        on: 'ACCOUNT',
        name: [],
        grantee,
        grantOption: false,
        grantedBy: '',
        createdOn: t,
      });
    }
  }

  now(): Date {
    return new Date(this.clock().getTime());
  }

  /** Adds a user directly (test setup). Roles are granted to the user. */
  addUser(user: {
    name: string;
    password?: string;
    rsaPublicKey?: string;
    defaultRole?: string;
    defaultWarehouse?: string;
    roles?: string[];
  }): void {
    const t = this.now();
    this.users.set(user.name, {
      name: user.name,
      password: user.password,
      rsaPublicKey: user.rsaPublicKey,
      defaultRole: user.defaultRole,
      defaultWarehouse: user.defaultWarehouse,
      owner: 'ACCOUNTADMIN',
      createdOn: t,
    });
    for (const role of user.roles ?? []) {
      if (!this.roles.has(role)) throw doesNotExist('Role', displayPart(role));
      this.roleGrants.push({
        role,
        granteeType: 'USER',
        grantee: user.name,
        grantedBy: 'ACCOUNTADMIN',
        createdOn: t,
      });
    }
  }

  /** Overrides a table's statistics, as if loads had happened (SLO tests). */
  setTableStats(
    path: [string, string, string],
    stats: { rowCount?: number; bytes?: number; lastAltered?: Date },
  ): void {
    const table = this.databases
      .get(path[0])
      ?.schemas.get(path[1])
      ?.tables.get(path[2]);
    if (!table) throw doesNotExist('Object', displayName(path));
    if (stats.rowCount !== undefined) table.rowCount = stats.rowCount;
    if (stats.bytes !== undefined) table.bytes = stats.bytes;
    if (stats.lastAltered !== undefined)
      table.lastAltered = new Date(stats.lastAltered.getTime());
  }

  // ------------------------------------------------------------------ roles

  /** The role, every role granted to it transitively, and PUBLIC. */
  effectiveRoles(role: string): Set<string> {
    const out = new Set<string>([role, 'PUBLIC']);
    const queue = [role];
    while (queue.length) {
      const r = queue.pop()!;
      for (const g of this.roleGrants) {
        if (g.granteeType === 'ROLE' && g.grantee === r && !out.has(g.role)) {
          out.add(g.role);
          queue.push(g.role);
        }
      }
    }
    return out;
  }

  /** Roles a user may activate: those granted to it and everything below them. */
  userRoles(user: string): Set<string> {
    const out = new Set<string>(['PUBLIC']);
    for (const g of this.roleGrants) {
      if (g.granteeType === 'USER' && g.grantee === user) {
        for (const r of this.effectiveRoles(g.role)) out.add(r);
      }
    }
    return out;
  }

  // ------------------------------------------------------------- privileges

  private ownerOf(on: SecurableType, name: string[]): string | undefined {
    switch (on) {
      case 'WAREHOUSE':
        return this.warehouses.get(name[0])?.owner;
      case 'DATABASE':
        return this.databases.get(name[0])?.owner;
      case 'SCHEMA':
        return this.databases.get(name[0])?.schemas.get(name[1])?.owner;
      case 'TABLE':
        return this.databases
          .get(name[0])
          ?.schemas.get(name[1])
          ?.tables.get(name[2])?.owner;
      default:
        return undefined;
    }
  }

  private has(
    roles: Set<string>,
    on: SecurableType,
    name: string[],
    privilege?: string,
  ): boolean {
    const owner = this.ownerOf(on, name);
    if (owner && roles.has(owner)) return true;
    const k = key(on, name);
    return this.grants.some(
      g =>
        roles.has(g.grantee) &&
        key(g.on, g.name) === k &&
        (privilege === undefined ||
          g.privilege === privilege ||
          g.privilege === 'ALL'),
    );
  }

  private hasAccount(roles: Set<string>, privilege: string): boolean {
    return (
      roles.has('ACCOUNTADMIN') || this.has(roles, 'ACCOUNT', [], privilege)
    );
  }

  private canManage(
    roles: Set<string>,
    on: SecurableType,
    name: string[],
  ): boolean {
    const owner = this.ownerOf(on, name);
    return (
      (owner !== undefined && roles.has(owner)) ||
      this.hasAccount(roles, 'MANAGE GRANTS')
    );
  }

  // --------------------------------------------------------- name resolution

  private qualifySchema(
    ref: NameRef,
    s: SessionContext,
    verb: string,
  ): [string, string] {
    if (ref.length === 2) return [ref[0], ref[1]];
    if (ref.length === 1 && s.database) return [s.database, ref[0]];
    throw this.noCurrent('database', verb);
  }

  private qualifyTable(
    ref: NameRef,
    s: SessionContext,
    verb: string,
  ): [string, string, string] {
    if (ref.length === 3) return [ref[0], ref[1], ref[2]];
    if (ref.length === 2 && s.database) return [s.database, ref[0], ref[1]];
    if (ref.length === 1 && s.database && s.schema)
      return [s.database, s.schema, ref[0]];
    throw this.noCurrent(s.database ? 'schema' : 'database', verb);
  }

  private noCurrent(what: 'database' | 'schema', verb: string) {
    return new SnowflakeSqlError(
      '090105',
      '22000',
      `Cannot perform ${verb}. This session does not have a current ${what}. Call 'USE ${what.toUpperCase()}', or use a qualified name.`,
      'EXECUTION',
    );
  }

  private single(
    ref: NameRef,
    kind: 'Object' | 'Role' | 'User' | 'Database' | 'Warehouse',
  ): string {
    if (ref.length !== 1) throw doesNotExist(kind, displayName(ref));
    return ref[0];
  }

  private database(name: string, roles: Set<string>): FakeDatabase {
    const db = this.databases.get(name);
    if (!db || !this.has(roles, 'DATABASE', [name]))
      throw doesNotExist('Database', displayPart(name));
    return db;
  }

  private schema(path: [string, string], roles: Set<string>): FakeSchema {
    const db = this.databases.get(path[0]);
    // Resolution goes level by level, and each level names what is missing.
    if (!db || !this.has(roles, 'DATABASE', [path[0]])) {
      throw doesNotExist('Database', displayPart(path[0]));
    }
    const schema = db.schemas.get(path[1]);
    const visible =
      schema &&
      this.has(roles, 'DATABASE', [path[0]], 'USAGE') &&
      this.has(roles, 'SCHEMA', path);
    if (!visible) throw doesNotExist('Schema', displayName(path));
    return schema!;
  }

  private table(path: [string, string, string], roles: Set<string>): FakeTable {
    const schema = this.schema([path[0], path[1]], roles);
    if (!this.has(roles, 'SCHEMA', [path[0], path[1]], 'USAGE')) {
      throw doesNotExist('Schema', displayName([path[0], path[1]]));
    }
    const table = schema.tables.get(path[2]);
    if (!table || !this.has(roles, 'TABLE', path))
      throw doesNotExist('Object', displayName(path));
    return table;
  }

  private role(name: string): FakeRole {
    const role = this.roles.get(name);
    if (!role) throw doesNotExist('Role', displayPart(name));
    return role;
  }

  /** Resolves the session's warehouse for statements that need compute. */
  private compute(s: SessionContext, roles: Set<string>): FakeWarehouse {
    const wh = s.warehouse ? this.warehouses.get(s.warehouse) : undefined;
    if (!wh || !this.has(roles, 'WAREHOUSE', [wh.name], 'USAGE'))
      throw noActiveWarehouse();
    if (wh.state === 'SUSPENDED') {
      if (!wh.autoResume) {
        throw new SnowflakeSqlError(
          '000606',
          '57P03',
          `Warehouse '${displayPart(
            wh.name,
          )}' cannot be resumed because AUTO_RESUME is FALSE.`,
          'EXECUTION',
        );
      }
      wh.state = 'STARTED';
      wh.resumedOn = this.now();
    }
    return wh;
  }

  // ---------------------------------------------------------------- execute

  /** Applies one parsed statement for a session; throws SnowflakeSqlError. */
  execute(stmt: Statement, s: SessionContext): ResultSet {
    const roles = this.effectiveRoles(s.role);
    switch (stmt.kind) {
      case 'createWarehouse':
        return this.createWarehouse(stmt, s, roles);
      case 'alterWarehouse':
        return this.alterWarehouse(stmt, roles);
      case 'alterComment':
        return this.alterComment(stmt, s, roles);
      case 'createContainer':
        return stmt.type === 'DATABASE'
          ? this.createDatabase(stmt, s, roles)
          : this.createSchema(stmt, s, roles);
      case 'createRole':
        return this.createRole(stmt, s, roles);
      case 'createUser':
        return this.createUser(stmt, roles);
      case 'createTable':
        return this.createTable(stmt, s, roles);
      case 'drop':
        return this.drop(stmt, s, roles);
      case 'grantRole':
      case 'revokeRole':
        return this.grantRole(stmt, s, roles);
      case 'grantPrivileges':
      case 'revokePrivileges':
        return this.grantPrivileges(stmt, s, roles);
      case 'grantOwnership':
        return this.grantOwnership(stmt, s, roles);
      case 'use':
        return this.use(stmt, s);
      case 'show':
        return this.show(stmt, s, roles);
      case 'showGrants':
        return this.showGrants(stmt, s, roles);
      case 'showFutureGrants':
        return this.showFutureGrants(stmt, s, roles);
      case 'insert':
        return this.insert(stmt, s, roles);
      case 'delete':
      case 'truncate':
        return this.deleteRows(stmt, s, roles);
      case 'select':
        return this.select(stmt, s, roles);
      default:
        throw unsupported('This statement');
    }
  }

  private createWarehouse(
    stmt: Extract<Statement, { kind: 'createWarehouse' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const name = this.single(stmt.name, 'Object');
    if (!this.hasAccount(roles, 'CREATE WAREHOUSE'))
      throw insufficientPrivileges('account', this.name);
    const existing = this.warehouses.get(name);
    if (existing && stmt.ifNotExists)
      return statusResult(
        `${displayPart(name)} already exists, statement succeeded.`,
      );
    if (existing && !stmt.orReplace) throw alreadyExists(displayPart(name));
    if (existing) this.dropWarehouse(name);
    const t = this.now();
    const wh: FakeWarehouse = {
      name,
      size: 'X-Small',
      autoSuspend: 600,
      autoResume: true,
      initiallySuspended: false,
      state: 'STARTED',
      owner: s.role,
      createdOn: t,
      resumedOn: t,
      updatedOn: t,
    };
    this.applyWarehouseProps(wh, stmt.props, true);
    wh.state = wh.initiallySuspended ? 'SUSPENDED' : 'STARTED';
    this.warehouses.set(name, wh);
    // Creating a warehouse makes it the session's current one, as in Snowflake.
    s.warehouse = name;
    return statusResult(`Warehouse ${displayPart(name)} successfully created.`);
  }

  private applyWarehouseProps(
    wh: FakeWarehouse,
    props: Record<string, Value>,
    creating: boolean,
  ) {
    for (const [k, v] of Object.entries(props)) {
      switch (k) {
        case 'WAREHOUSE_SIZE': {
          const size = SIZES[String(v).toUpperCase()];
          if (!size) {
            throw new SnowflakeSqlError(
              '001008',
              '22023',
              `SQL compilation error:\ninvalid value '${String(
                v,
              )}' for property 'WAREHOUSE_SIZE'`,
            );
          }
          wh.size = size;
          break;
        }
        case 'AUTO_SUSPEND':
          if (v !== null && (typeof v !== 'number' || v < 0)) {
            throw new SnowflakeSqlError(
              '001008',
              '22023',
              `SQL compilation error:\ninvalid value '${String(
                v,
              )}' for property 'AUTO_SUSPEND'`,
            );
          }
          wh.autoSuspend = v === 0 ? null : (v as number | null);
          break;
        case 'AUTO_RESUME':
          wh.autoResume = v === true || String(v).toUpperCase() === 'TRUE';
          break;
        case 'INITIALLY_SUSPENDED':
          if (!creating) {
            throw new SnowflakeSqlError(
              '001008',
              '22023',
              "SQL compilation error:\ninvalid property 'INITIALLY_SUSPENDED' for 'ALTER WAREHOUSE'",
            );
          }
          wh.initiallySuspended =
            v === true || String(v).toUpperCase() === 'TRUE';
          break;
        case 'COMMENT':
          wh.comment = v === null ? undefined : String(v);
          break;
        case 'WAREHOUSE_TYPE':
        case 'MIN_CLUSTER_COUNT':
        case 'MAX_CLUSTER_COUNT':
        case 'SCALING_POLICY':
          break;
        default:
          throw new SnowflakeSqlError(
            '001008',
            '22023',
            `SQL compilation error:\ninvalid property '${k}' for 'WAREHOUSE'`,
          );
      }
    }
    wh.updatedOn = this.now();
  }

  private alterWarehouse(
    stmt: Extract<Statement, { kind: 'alterWarehouse' }>,
    roles: Set<string>,
  ): ResultSet {
    const name = this.single(stmt.name, 'Object');
    const wh = this.warehouses.get(name);
    if (!wh || !this.has(roles, 'WAREHOUSE', [name])) {
      if (stmt.ifExists)
        return statusResult('Statement executed successfully.');
      throw doesNotExist('Object', displayPart(name));
    }
    if (stmt.action === 'set') {
      if (!this.has(roles, 'WAREHOUSE', [name], 'MODIFY'))
        throw insufficientPrivileges('warehouse', name);
      this.applyWarehouseProps(wh, stmt.props, false);
    } else {
      if (!this.has(roles, 'WAREHOUSE', [name], 'OPERATE'))
        throw insufficientPrivileges('warehouse', name);
      wh.state = stmt.action === 'suspend' ? 'SUSPENDED' : 'STARTED';
      if (wh.state === 'STARTED') wh.resumedOn = this.now();
    }
    return statusResult('Statement executed successfully.');
  }

  private alterComment(
    stmt: Extract<Statement, { kind: 'alterComment' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    let target: { owner: string; comment?: string };
    let kind: string;
    let name: string;
    try {
      if (stmt.type === 'ROLE') {
        name = this.single(stmt.name, 'Role');
        target = this.role(name);
        kind = 'role';
      } else if (stmt.type === 'DATABASE') {
        name = this.single(stmt.name, 'Database');
        target = this.database(name, roles);
        kind = 'database';
      } else {
        const path = this.qualifySchema(stmt.name, s, 'ALTER SCHEMA');
        name = path[1];
        target = this.schema(path, roles);
        kind = 'schema';
      }
    } catch (e) {
      if (
        stmt.ifExists &&
        e instanceof SnowflakeSqlError &&
        e.code === '002003'
      ) {
        return statusResult('Statement executed successfully.');
      }
      throw e;
    }
    if (!roles.has(target.owner)) throw insufficientPrivileges(kind, name);
    target.comment = stmt.comment ?? undefined;
    return statusResult('Statement executed successfully.');
  }

  private newSchema(name: string, owner: string): FakeSchema {
    return { name, owner, createdOn: this.now(), tables: new Map() };
  }

  private createDatabase(
    stmt: Extract<Statement, { kind: 'createContainer' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const name = this.single(stmt.name, 'Database');
    if (!this.hasAccount(roles, 'CREATE DATABASE'))
      throw insufficientPrivileges('account', this.name);
    const existing = this.databases.get(name);
    if (existing && stmt.ifNotExists)
      return statusResult(
        `${displayPart(name)} already exists, statement succeeded.`,
      );
    if (existing && !stmt.orReplace) throw alreadyExists(displayPart(name));
    const source = stmt.clone
      ? this.database(this.single(stmt.clone, 'Database'), roles)
      : undefined;
    // Grants on the source's children, taken before a replaced database (even
    // the source itself) is dropped; the database's own grants are not cloned.
    const childGrants = source
      ? this.grants.filter(
          g =>
            (g.on === 'SCHEMA' || g.on === 'TABLE') &&
            g.name[0] === source.name,
        )
      : [];
    if (existing) this.dropDatabase(name);
    const db: FakeDatabase = {
      name,
      owner: s.role,
      createdOn: this.now(),
      comment: stmt.comment ?? source?.comment,
      origin: source?.name,
      schemas: new Map(),
    };
    if (source) {
      for (const schema of source.schemas.values()) {
        db.schemas.set(
          schema.name,
          this.cloneSchemaInto(schema, schema.name, schema.owner),
        );
      }
      for (const g of childGrants) {
        this.grants.push({
          ...g,
          name: [name, ...g.name.slice(1)],
          createdOn: this.now(),
        });
      }
    } else {
      db.schemas.set('PUBLIC', this.newSchema('PUBLIC', s.role));
    }
    this.databases.set(name, db);
    s.database = name;
    s.schema = 'PUBLIC';
    return statusResult(`Database ${displayPart(name)} successfully created.`);
  }

  private cloneSchemaInto(
    source: FakeSchema,
    name: string,
    owner: string,
  ): FakeSchema {
    const schema: FakeSchema = {
      name,
      owner,
      createdOn: this.now(),
      comment: source.comment,
      tables: new Map(),
    };
    for (const t of source.tables.values()) {
      schema.tables.set(t.name, {
        ...t,
        columns: t.columns.map(c => ({ ...c })),
        rows: t.rows.map(r => [...r]),
        createdOn: this.now(),
      });
    }
    return schema;
  }

  /** Copies grants on the children of a cloned container (and the schema itself for a database clone). */
  private copyChildGrants(from: string[], to: string[], includeSelf: boolean) {
    const copies: PrivilegeGrant[] = [];
    for (const g of this.grants) {
      if (
        g.on === 'ACCOUNT' ||
        g.on === 'WAREHOUSE' ||
        !startsWith(g.name, from)
      )
        continue;
      if (!includeSelf && g.name.length === from.length) continue;
      copies.push({
        ...g,
        name: [...to, ...g.name.slice(from.length)],
        createdOn: this.now(),
      });
    }
    this.grants.push(...copies);
  }

  private createSchema(
    stmt: Extract<Statement, { kind: 'createContainer' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const path = this.qualifySchema(stmt.name, s, 'CREATE SCHEMA');
    const db = this.database(path[0], roles);
    if (!this.has(roles, 'DATABASE', [db.name], 'CREATE SCHEMA'))
      throw insufficientPrivileges('database', db.name);
    if (path[1] === 'INFORMATION_SCHEMA')
      throw alreadyExists(displayName(path));
    const existing = db.schemas.get(path[1]);
    if (existing && stmt.ifNotExists)
      return statusResult(
        `${displayPart(path[1])} already exists, statement succeeded.`,
      );
    if (existing && !stmt.orReplace) throw alreadyExists(displayName(path));
    let schema: FakeSchema;
    if (stmt.clone) {
      const sourcePath = this.qualifySchema(stmt.clone, s, 'CREATE SCHEMA');
      const source = this.schema(sourcePath, roles);
      schema = this.cloneSchemaInto(source, path[1], s.role);
      if (existing) this.dropSchema(path);
      this.copyChildGrants(sourcePath, path, false);
    } else {
      schema = this.newSchema(path[1], s.role);
      schema.comment = stmt.comment;
      if (existing) this.dropSchema(path);
    }
    db.schemas.set(path[1], schema);
    s.database = path[0];
    s.schema = path[1];
    return statusResult(`Schema ${displayPart(path[1])} successfully created.`);
  }

  private createRole(
    stmt: Extract<Statement, { kind: 'createRole' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const name = this.single(stmt.name, 'Role');
    if (!this.hasAccount(roles, 'CREATE ROLE'))
      throw insufficientPrivileges('account', this.name);
    const existing = this.roles.get(name);
    if (existing && stmt.ifNotExists)
      return statusResult(
        `${displayPart(name)} already exists, statement succeeded.`,
      );
    if (existing && !stmt.orReplace) throw alreadyExists(displayPart(name));
    if (existing) this.dropRole(name, s.role);
    this.roles.set(name, {
      name,
      owner: s.role,
      createdOn: this.now(),
      comment: stmt.comment,
    });
    return statusResult(`Role ${displayPart(name)} successfully created.`);
  }

  private createUser(
    stmt: Extract<Statement, { kind: 'createUser' }>,
    roles: Set<string>,
  ): ResultSet {
    const name = this.single(stmt.name, 'User');
    if (!this.hasAccount(roles, 'CREATE USER'))
      throw insufficientPrivileges('account', this.name);
    if (this.users.has(name)) {
      if (stmt.ifNotExists)
        return statusResult(
          `${displayPart(name)} already exists, statement succeeded.`,
        );
      if (!stmt.orReplace) throw alreadyExists(displayPart(name));
    }
    const p = stmt.props;
    this.addUser({
      name,
      password: p.PASSWORD === undefined ? undefined : String(p.PASSWORD),
      rsaPublicKey:
        p.RSA_PUBLIC_KEY === undefined ? undefined : String(p.RSA_PUBLIC_KEY),
      defaultRole:
        p.DEFAULT_ROLE === undefined ? undefined : String(p.DEFAULT_ROLE),
      defaultWarehouse:
        p.DEFAULT_WAREHOUSE === undefined
          ? undefined
          : String(p.DEFAULT_WAREHOUSE),
    });
    return statusResult(`User ${displayPart(name)} successfully created.`);
  }

  private createTable(
    stmt: Extract<Statement, { kind: 'createTable' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const path = this.qualifyTable(stmt.name, s, 'CREATE TABLE');
    const schema = this.schema([path[0], path[1]], roles);
    if (!this.has(roles, 'SCHEMA', [path[0], path[1]], 'CREATE TABLE')) {
      throw insufficientPrivileges('schema', path[1]);
    }
    const existing = schema.tables.get(path[2]);
    if (existing && stmt.ifNotExists)
      return statusResult(
        `${displayPart(path[2])} already exists, statement succeeded.`,
      );
    if (existing && !stmt.orReplace) throw alreadyExists(displayName(path));
    const t = this.now();
    let table: FakeTable;
    if (stmt.clone) {
      const source = this.table(
        this.qualifyTable(stmt.clone, s, 'CREATE TABLE'),
        roles,
      );
      table = {
        ...source,
        name: path[2],
        owner: s.role,
        createdOn: t,
        columns: source.columns.map(c => ({ ...c })),
        rows: source.rows.map(r => [...r]),
      };
    } else {
      const seen = new Set<string>();
      for (const c of stmt.columns) {
        if (seen.has(c.name)) {
          throw new SnowflakeSqlError(
            '002025',
            '42S21',
            `SQL compilation error:\nduplicate column name '${c.name}'`,
          );
        }
        seen.add(c.name);
      }
      table = {
        name: path[2],
        columns: stmt.columns,
        rows: [],
        owner: s.role,
        createdOn: t,
        lastAltered: t,
        rowCount: 0,
        bytes: 0,
      };
    }
    if (existing) this.dropTable(path);
    schema.tables.set(path[2], table);
    if (stmt.clone && stmt.copyGrants) {
      const sourcePath = this.qualifyTable(stmt.clone, s, 'CREATE TABLE');
      const copied = this.grants.filter(
        g =>
          g.on === 'TABLE' && key('TABLE', g.name) === key('TABLE', sourcePath),
      );
      for (const g of copied) {
        this.grants.push({ ...g, name: path, createdOn: t });
      }
    } else {
      this.applyFutureGrants(path, table);
    }
    return statusResult(`Table ${displayPart(path[2])} successfully created.`);
  }

  private applyFutureGrants(path: [string, string, string], table: FakeTable) {
    const inSchema = this.futureGrants.filter(
      f =>
        f.objectType === 'TABLE' &&
        f.containerType === 'SCHEMA' &&
        key('SCHEMA', f.container) === key('SCHEMA', [path[0], path[1]]),
    );
    // Schema-level future grants take precedence over database-level ones.
    const applicable = inSchema.length
      ? inSchema
      : this.futureGrants.filter(
          f =>
            f.objectType === 'TABLE' &&
            f.containerType === 'DATABASE' &&
            f.container[0] === path[0],
        );
    for (const f of applicable) {
      if (f.privilege === 'OWNERSHIP') {
        table.owner = f.grantee;
        continue;
      }
      this.addGrant({
        privilege: f.privilege,
        on: 'TABLE',
        name: path,
        grantee: f.grantee,
        grantOption: f.grantOption,
        grantedBy: this.ownerOf('SCHEMA', [path[0], path[1]]) ?? '',
        createdOn: this.now(),
      });
    }
  }

  private addGrant(g: PrivilegeGrant) {
    const exists = this.grants.find(
      x =>
        x.privilege === g.privilege &&
        x.grantee === g.grantee &&
        key(x.on, x.name) === key(g.on, g.name),
    );
    if (exists) {
      exists.grantOption = exists.grantOption || g.grantOption;
      return;
    }
    this.grants.push(g);
  }

  // ------------------------------------------------------------------ drop

  private dropGrantsUnder(on: SecurableType, path: string[]) {
    this.grants = this.grants.filter(g => {
      if (on === 'WAREHOUSE')
        return !(g.on === 'WAREHOUSE' && g.name[0] === path[0]);
      if (g.on === 'ACCOUNT' || g.on === 'WAREHOUSE') return true;
      return !startsWith(g.name, path);
    });
    if (on !== 'WAREHOUSE') {
      this.futureGrants = this.futureGrants.filter(
        f => !startsWith(f.container, path),
      );
    }
  }

  private dropWarehouse(name: string) {
    this.warehouses.delete(name);
    this.dropGrantsUnder('WAREHOUSE', [name]);
  }

  private dropDatabase(name: string) {
    this.databases.delete(name);
    this.dropGrantsUnder('DATABASE', [name]);
  }

  private dropSchema(path: [string, string]) {
    this.databases.get(path[0])?.schemas.delete(path[1]);
    this.dropGrantsUnder('SCHEMA', path);
  }

  private dropTable(path: [string, string, string]) {
    this.databases.get(path[0])?.schemas.get(path[1])?.tables.delete(path[2]);
    this.dropGrantsUnder('TABLE', path);
  }

  private dropRole(name: string, byRole: string) {
    this.roles.delete(name);
    this.grants = this.grants.filter(g => g.grantee !== name);
    this.futureGrants = this.futureGrants.filter(f => f.grantee !== name);
    this.roleGrants = this.roleGrants.filter(
      g => g.role !== name && !(g.granteeType === 'ROLE' && g.grantee === name),
    );
    // Objects owned by a dropped role pass to the role that dropped it.
    const adopt = <T extends { owner: string }>(o: T) => {
      if (o.owner === name) o.owner = byRole;
    };
    this.warehouses.forEach(adopt);
    this.roles.forEach(adopt);
    for (const db of this.databases.values()) {
      adopt(db);
      for (const schema of db.schemas.values()) {
        adopt(schema);
        schema.tables.forEach(adopt);
      }
    }
  }

  private drop(
    stmt: Extract<Statement, { kind: 'drop' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const ok = (name: string) =>
      statusResult(`${displayPart(name)} successfully dropped.`);
    const missing = (
      kind: 'Object' | 'Database' | 'Schema' | 'Role' | 'User',
      name: string,
    ) => {
      if (stmt.ifExists)
        return statusResult(
          `Drop statement executed successfully (${name} already dropped).`,
        );
      throw doesNotExist(kind, name);
    };
    switch (stmt.type) {
      case 'WAREHOUSE': {
        const name = this.single(stmt.name, 'Object');
        if (!this.warehouses.has(name) || !this.has(roles, 'WAREHOUSE', [name]))
          return missing('Object', displayPart(name));
        if (!this.canOwn(roles, 'WAREHOUSE', [name]))
          throw insufficientPrivileges('warehouse', name);
        this.dropWarehouse(name);
        if (s.warehouse === name) s.warehouse = undefined;
        return ok(name);
      }
      case 'DATABASE': {
        const name = this.single(stmt.name, 'Database');
        if (!this.databases.has(name) || !this.has(roles, 'DATABASE', [name]))
          return missing('Database', displayPart(name));
        if (!this.canOwn(roles, 'DATABASE', [name]))
          throw insufficientPrivileges('database', name);
        this.dropDatabase(name);
        if (s.database === name) {
          s.database = undefined;
          s.schema = undefined;
        }
        return ok(name);
      }
      case 'SCHEMA': {
        const path = this.qualifySchema(stmt.name, s, 'DROP SCHEMA');
        const exists = this.databases.get(path[0])?.schemas.has(path[1]);
        if (
          !exists ||
          !this.has(roles, 'DATABASE', [path[0]], 'USAGE') ||
          !this.has(roles, 'SCHEMA', path)
        ) {
          return missing('Schema', displayName(path));
        }
        if (!this.canOwn(roles, 'SCHEMA', path))
          throw insufficientPrivileges('schema', path[1]);
        this.dropSchema(path);
        return ok(path[1]);
      }
      case 'TABLE': {
        const path = this.qualifyTable(stmt.name, s, 'DROP TABLE');
        const exists = this.databases
          .get(path[0])
          ?.schemas.get(path[1])
          ?.tables.has(path[2]);
        if (!exists) return missing('Object', displayName(path));
        this.table(path, roles);
        if (!this.canOwn(roles, 'TABLE', path))
          throw insufficientPrivileges('table', path[2]);
        this.dropTable(path);
        return ok(path[2]);
      }
      case 'ROLE': {
        const name = this.single(stmt.name, 'Role');
        const role = this.roles.get(name);
        if (!role) return missing('Role', displayPart(name));
        if (SYSTEM_ROLES.includes(name))
          throw insufficientPrivileges('role', name);
        if (!roles.has(role.owner) && !this.hasAccount(roles, 'MANAGE GRANTS'))
          throw insufficientPrivileges('role', name);
        this.dropRole(name, s.role);
        return ok(name);
      }
      case 'USER': {
        const name = this.single(stmt.name, 'User');
        if (!this.users.has(name)) return missing('User', displayPart(name));
        if (!this.hasAccount(roles, 'CREATE USER'))
          throw insufficientPrivileges('user', name);
        this.users.delete(name);
        this.roleGrants = this.roleGrants.filter(
          g => !(g.granteeType === 'USER' && g.grantee === name),
        );
        return ok(name);
      }
      default:
        throw unsupported(`DROP ${String(stmt.type)}`);
    }
  }

  private canOwn(
    roles: Set<string>,
    on: SecurableType,
    name: string[],
  ): boolean {
    const owner = this.ownerOf(on, name);
    return owner !== undefined && roles.has(owner);
  }

  // ----------------------------------------------------------------- grants

  private grantRole(
    stmt: Extract<Statement, { kind: 'grantRole' | 'revokeRole' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const roleName = this.single(stmt.role, 'Role');
    const role = this.role(roleName);
    const grantee = this.single(
      stmt.grantee,
      stmt.granteeType === 'ROLE' ? 'Role' : 'User',
    );
    if (stmt.granteeType === 'ROLE') this.role(grantee);
    else if (!this.users.has(grantee))
      throw doesNotExist('User', displayPart(grantee));
    if (!roles.has(role.owner) && !this.hasAccount(roles, 'MANAGE GRANTS')) {
      throw insufficientPrivileges('role', roleName);
    }
    const match = (g: RoleGrant) =>
      g.role === roleName &&
      g.granteeType === stmt.granteeType &&
      g.grantee === grantee;
    if (stmt.kind === 'revokeRole') {
      this.roleGrants = this.roleGrants.filter(g => !match(g));
      return statusResult('Statement executed successfully.');
    }
    if (
      stmt.granteeType === 'ROLE' &&
      this.effectiveRoles(roleName).has(grantee)
    ) {
      throw new SnowflakeSqlError(
        '003012',
        '42601',
        `SQL execution error:\nGranting role '${displayPart(
          roleName,
        )}' to role '${displayPart(grantee)}' would create a cycle.`,
        'EXECUTION',
      );
    }
    if (!this.roleGrants.some(match)) {
      this.roleGrants.push({
        role: roleName,
        granteeType: stmt.granteeType,
        grantee,
        grantedBy: s.role,
        createdOn: this.now(),
      });
    }
    return statusResult('Statement executed successfully.');
  }

  /** Resolves a GRANT target to the securables it names (ALL expands to the current children). */
  private resolveTarget(
    target: GrantTarget,
    s: SessionContext,
    roles: Set<string>,
    verb: string,
  ): { on: SecurableType; name: string[] }[] {
    switch (target.kind) {
      case 'account':
        return [{ on: 'ACCOUNT', name: [] }];
      case 'object': {
        if (target.type === 'WAREHOUSE') {
          const name = this.single(target.name, 'Object');
          if (
            !this.warehouses.has(name) ||
            !this.has(roles, 'WAREHOUSE', [name])
          ) {
            throw doesNotExist('Object', displayPart(name));
          }
          return [{ on: 'WAREHOUSE', name: [name] }];
        }
        if (target.type === 'DATABASE') {
          const name = this.single(target.name, 'Database');
          this.database(name, roles);
          return [{ on: 'DATABASE', name: [name] }];
        }
        if (target.type === 'SCHEMA') {
          const path = this.qualifySchema(target.name, s, verb);
          this.schema(path, roles);
          return [{ on: 'SCHEMA', name: path }];
        }
        const path = this.qualifyTable(target.name, s, verb);
        this.table(path, roles);
        return [{ on: 'TABLE', name: path }];
      }
      case 'all': {
        // The fake has no views: ALL VIEWS resolves to nothing, but the containers must exist.
        if (target.objectType === 'VIEW') {
          if (target.inType === 'SCHEMA')
            this.schema(this.qualifySchema(target.in, s, verb), roles);
          else this.database(this.single(target.in, 'Database'), roles);
          return [];
        }
        if (target.objectType === 'SCHEMA') {
          const db = this.database(this.single(target.in, 'Database'), roles);
          return [...db.schemas.keys()].map(n => ({
            on: 'SCHEMA' as const,
            name: [db.name, n],
          }));
        }
        const containers =
          target.inType === 'SCHEMA'
            ? [this.qualifySchema(target.in, s, verb)]
            : [
                ...this.database(
                  this.single(target.in, 'Database'),
                  roles,
                ).schemas.keys(),
              ].map(n => [target.in[0], n] as [string, string]);
        const out: { on: SecurableType; name: string[] }[] = [];
        for (const c of containers) {
          const schema = this.schema(c, roles);
          for (const t of schema.tables.keys())
            out.push({ on: 'TABLE', name: [c[0], c[1], t] });
        }
        return out;
      }
      default:
        throw unsupported('FUTURE grants here');
    }
  }

  private futureContainer(
    target: Extract<GrantTarget, { kind: 'future' }>,
    s: SessionContext,
    roles: Set<string>,
    verb: string,
  ): string[] {
    if (target.inType === 'SCHEMA') {
      const path = this.qualifySchema(target.in, s, verb);
      this.schema(path, roles);
      if (!this.canManage(roles, 'SCHEMA', path))
        throw insufficientPrivileges('schema', path[1]);
      return path;
    }
    const name = this.single(target.in, 'Database');
    this.database(name, roles);
    if (!this.canManage(roles, 'DATABASE', [name]))
      throw insufficientPrivileges('database', name);
    return [name];
  }

  private grantPrivileges(
    stmt: Extract<Statement, { kind: 'grantPrivileges' | 'revokePrivileges' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const verb = stmt.kind === 'grantPrivileges' ? 'GRANT' : 'REVOKE';
    const grantee = this.single(stmt.role, 'Role');
    this.role(grantee);
    const target = stmt.target;
    let securableType: SecurableType;
    if (target.kind === 'account') securableType = 'ACCOUNT';
    else if (target.kind === 'object') securableType = target.type;
    else securableType = target.objectType;
    for (const p of stmt.privileges) {
      if (p !== 'ALL' && !VALID_PRIVILEGES[securableType].includes(p)) {
        throw new SnowflakeSqlError(
          '003011',
          '42601',
          `SQL compilation error:\nInvalid privilege ${p} for ${securableType}.`,
        );
      }
    }
    const privileges = stmt.privileges.includes('ALL')
      ? VALID_PRIVILEGES[securableType]
      : stmt.privileges;

    if (target.kind === 'future') {
      const container = this.futureContainer(target, s, roles, verb);
      for (const privilege of privileges) {
        const match = (f: FutureGrant) =>
          f.privilege === privilege &&
          f.objectType === target.objectType &&
          f.containerType === target.inType &&
          f.grantee === grantee &&
          key('SCHEMA', f.container) === key('SCHEMA', container);
        if (verb === 'REVOKE') {
          this.futureGrants = this.futureGrants.filter(f => !match(f));
        } else if (!this.futureGrants.some(match)) {
          this.futureGrants.push({
            privilege,
            objectType: target.objectType,
            containerType: target.inType,
            container,
            grantee,
            grantOption: stmt.grantOption,
            createdOn: this.now(),
          });
        }
      }
      return statusResult('Statement executed successfully.');
    }

    const securables = this.resolveTarget(target, s, roles, verb);
    for (const sec of securables) {
      const allowed =
        sec.on === 'ACCOUNT'
          ? this.hasAccount(roles, 'MANAGE GRANTS')
          : this.canManage(roles, sec.on, sec.name) ||
            privileges.every(p =>
              this.grants.some(
                g =>
                  g.grantOption &&
                  roles.has(g.grantee) &&
                  g.privilege === p &&
                  key(g.on, g.name) === key(sec.on, sec.name),
              ),
            );
      if (!allowed) {
        throw insufficientPrivileges(
          sec.on.toLowerCase(),
          sec.name[sec.name.length - 1] ?? this.name,
        );
      }
    }
    for (const sec of securables) {
      for (const privilege of privileges) {
        if (verb === 'REVOKE') {
          this.grants = this.grants.filter(
            g =>
              !(
                g.privilege === privilege &&
                g.grantee === grantee &&
                key(g.on, g.name) === key(sec.on, sec.name)
              ),
          );
        } else {
          this.addGrant({
            privilege,
            on: sec.on,
            name: sec.name,
            grantee,
            grantOption: stmt.grantOption,
            grantedBy: s.role,
            createdOn: this.now(),
          });
        }
      }
    }
    return statusResult('Statement executed successfully.');
  }

  private grantOwnership(
    stmt: Extract<Statement, { kind: 'grantOwnership' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const grantee = this.single(stmt.role, 'Role');
    this.role(grantee);
    const target = stmt.target;
    if (target.kind === 'future') {
      const container = this.futureContainer(target, s, roles, 'GRANT');
      this.futureGrants = this.futureGrants.filter(
        f =>
          !(
            f.privilege === 'OWNERSHIP' &&
            f.objectType === target.objectType &&
            key('SCHEMA', f.container) === key('SCHEMA', container)
          ),
      );
      this.futureGrants.push({
        privilege: 'OWNERSHIP',
        objectType: target.objectType,
        containerType: target.inType,
        container,
        grantee,
        grantOption: false,
        createdOn: this.now(),
      });
      return statusResult('Statement executed successfully.');
    }
    if (target.kind === 'account')
      throw unsupported('GRANT OWNERSHIP ON ACCOUNT');
    const securables = this.resolveTarget(target, s, roles, 'GRANT');
    for (const sec of securables) {
      if (!this.canManage(roles, sec.on, sec.name)) {
        throw insufficientPrivileges(
          sec.on.toLowerCase(),
          sec.name[sec.name.length - 1],
        );
      }
    }
    for (const sec of securables) {
      const obj = this.objectOf(sec.on, sec.name);
      if (obj) obj.owner = grantee;
      if (stmt.currentGrants === 'REVOKE') {
        this.grants = this.grants.filter(
          g => key(g.on, g.name) !== key(sec.on, sec.name),
        );
      }
    }
    return statusResult('Statement executed successfully.');
  }

  private objectOf(
    on: SecurableType,
    name: string[],
  ): { owner: string } | undefined {
    switch (on) {
      case 'WAREHOUSE':
        return this.warehouses.get(name[0]);
      case 'DATABASE':
        return this.databases.get(name[0]);
      case 'SCHEMA':
        return this.databases.get(name[0])?.schemas.get(name[1]);
      case 'TABLE':
        return this.databases
          .get(name[0])
          ?.schemas.get(name[1])
          ?.tables.get(name[2]);
      default:
        return undefined;
    }
  }

  // -------------------------------------------------------------------- use

  private use(
    stmt: Extract<Statement, { kind: 'use' }>,
    s: SessionContext,
  ): ResultSet {
    switch (stmt.type) {
      case 'ROLE': {
        const name = this.single(stmt.name, 'Role');
        if (!this.roles.has(name))
          throw doesNotExist('Role', displayPart(name));
        if (!this.userRoles(s.user).has(name)) {
          throw new SnowflakeSqlError(
            '003013',
            '42501',
            `SQL execution error: Requested role '${displayPart(
              name,
            )}' is not assigned to the executing user. Specify another role to activate.`,
            'EXECUTION',
          );
        }
        s.role = name;
        break;
      }
      case 'WAREHOUSE': {
        const name = this.single(stmt.name, 'Object');
        const roles = this.effectiveRoles(s.role);
        if (
          !this.warehouses.has(name) ||
          !this.has(roles, 'WAREHOUSE', [name], 'USAGE')
        ) {
          throw new SnowflakeSqlError(
            '002043',
            '02000',
            'SQL compilation error:\nObject does not exist, or operation cannot be performed.',
          );
        }
        s.warehouse = name;
        break;
      }
      case 'DATABASE': {
        const name = this.single(stmt.name, 'Database');
        this.database(name, this.effectiveRoles(s.role));
        s.database = name;
        s.schema = this.databases.get(name)!.schemas.has('PUBLIC')
          ? 'PUBLIC'
          : undefined;
        break;
      }
      default: {
        const path = this.qualifySchema(stmt.name, s, 'USE SCHEMA');
        this.schema(path, this.effectiveRoles(s.role));
        s.database = path[0];
        s.schema = path[1];
      }
    }
    return statusResult('Statement executed successfully.');
  }

  // ------------------------------------------------------------------- show

  private show(
    stmt: Extract<Statement, { kind: 'show' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const like = stmt.like === undefined ? undefined : likeToRegExp(stmt.like);
    const keep = (name: string) => !like || like.test(name);
    const limit = <T>(rows: T[]) =>
      stmt.limit === undefined ? rows : rows.slice(0, stmt.limit);
    const byName = <T extends { name: string }>(a: T, b: T) =>
      compare(a.name, b.name);
    const yn = (b: boolean) => (b ? 'Y' : 'N');
    const text = (name: string): ResultColumn => ({ name, type: 'text' });
    const fixed = (name: string): ResultColumn => ({ name, type: 'fixed' });
    const ts = (name: string): ResultColumn => ({
      name,
      type: 'timestamp_ltz',
    });
    switch (stmt.what) {
      case 'WAREHOUSES': {
        const list = [...this.warehouses.values()]
          .filter(w => keep(w.name) && this.has(roles, 'WAREHOUSE', [w.name]))
          .sort(byName);
        return {
          columns: [
            text('name'),
            text('state'),
            text('type'),
            text('size'),
            fixed('min_cluster_count'),
            fixed('max_cluster_count'),
            fixed('started_clusters'),
            fixed('running'),
            fixed('queued'),
            text('is_default'),
            text('is_current'),
            fixed('auto_suspend'),
            text('auto_resume'),
            text('available'),
            text('provisioning'),
            text('quiescing'),
            text('other'),
            ts('created_on'),
            ts('resumed_on'),
            ts('updated_on'),
            text('owner'),
            text('comment'),
            text('enable_query_acceleration'),
            fixed('query_acceleration_max_scale_factor'),
            text('resource_monitor'),
            fixed('actives'),
            fixed('pendings'),
            fixed('failed'),
            fixed('suspended'),
            text('uuid'),
            text('scaling_policy'),
            text('budget'),
            text('owner_role_type'),
          ],
          rows: limit(list).map((w, i) => [
            w.name,
            w.state,
            'STANDARD',
            w.size,
            1,
            1,
            w.state === 'STARTED' ? 1 : 0,
            0,
            0,
            'N',
            yn(s.warehouse === w.name),
            w.autoSuspend,
            String(w.autoResume),
            '',
            '',
            '',
            '',
            w.createdOn,
            w.resumedOn,
            w.updatedOn,
            w.owner,
            w.comment ?? '',
            'false',
            8,
            'null',
            w.state === 'STARTED' ? 1 : 0,
            0,
            0,
            w.state === 'SUSPENDED' ? 1 : 0,
            String(1000 + i),
            'STANDARD',
            null,
            'ROLE',
          ]),
          statementTypeId: STMT_DDL,
        };
      }
      case 'DATABASES': {
        const list = [...this.databases.values()]
          .filter(d => keep(d.name) && this.has(roles, 'DATABASE', [d.name]))
          .sort(byName);
        return {
          columns: [
            ts('created_on'),
            text('name'),
            text('is_default'),
            text('is_current'),
            text('origin'),
            text('owner'),
            text('comment'),
            text('options'),
            text('retention_time'),
            text('kind'),
            text('budget'),
            text('owner_role_type'),
          ],
          rows: limit(list).map(d => [
            d.createdOn,
            d.name,
            'N',
            yn(s.database === d.name),
            // `origin` names the share a database came from; a clone has none.
            '',
            d.owner,
            d.comment ?? '',
            '',
            '1',
            'STANDARD',
            null,
            'ROLE',
          ]),
          statementTypeId: STMT_DDL,
        };
      }
      case 'SCHEMAS': {
        let dbs: FakeDatabase[];
        if (stmt.in?.type === 'DATABASE')
          dbs = [this.database(this.single(stmt.in.name!, 'Database'), roles)];
        else if (stmt.in?.type === 'ACCOUNT')
          dbs = [...this.databases.values()].filter(d =>
            this.has(roles, 'DATABASE', [d.name], 'USAGE'),
          );
        else if (s.database) dbs = [this.database(s.database, roles)];
        else throw this.noCurrent('database', 'SHOW SCHEMAS');
        const rows: Cell[][] = [];
        for (const db of dbs.sort(byName)) {
          const schemas = [...db.schemas.values()]
            .filter(sc => this.has(roles, 'SCHEMA', [db.name, sc.name]))
            .map(sc => ({
              name: sc.name,
              owner: sc.owner,
              createdOn: sc.createdOn,
              comment: sc.comment ?? '',
            }));
          // Every database has an INFORMATION_SCHEMA that nobody owns.
          schemas.push({
            name: 'INFORMATION_SCHEMA',
            owner: '',
            createdOn: db.createdOn,
            comment:
              'Views describing the contents of schemas in this database',
          });
          for (const sc of schemas.filter(x => keep(x.name)).sort(byName)) {
            rows.push([
              sc.createdOn,
              sc.name,
              'N',
              yn(s.database === db.name && s.schema === sc.name),
              db.name,
              sc.owner,
              sc.comment,
              '',
              '1',
              sc.owner ? 'ROLE' : '',
              null,
            ]);
          }
        }
        return {
          columns: [
            ts('created_on'),
            text('name'),
            text('is_default'),
            text('is_current'),
            text('database_name'),
            text('owner'),
            text('comment'),
            text('options'),
            text('retention_time'),
            text('owner_role_type'),
            text('budget'),
          ],
          rows: limit(rows),
          statementTypeId: STMT_DDL,
        };
      }
      case 'TABLES': {
        const rows: Cell[][] = [];
        const schemaPaths: [string, string][] = [];
        if (stmt.in?.type === 'SCHEMA')
          schemaPaths.push(this.qualifySchema(stmt.in.name!, s, 'SHOW TABLES'));
        else {
          const dbName =
            stmt.in?.type === 'DATABASE'
              ? this.single(stmt.in.name!, 'Database')
              : undefined;
          const dbs =
            stmt.in?.type === 'ACCOUNT'
              ? [...this.databases.keys()]
              : [dbName ?? s.database];
          for (const d of dbs) {
            if (!d) throw this.noCurrent('database', 'SHOW TABLES');
            const db = this.databases.get(d);
            if (!db || !this.has(roles, 'DATABASE', [d], 'USAGE')) {
              if (stmt.in?.type === 'ACCOUNT') continue;
              throw doesNotExist('Database', displayPart(d));
            }
            for (const sc of db.schemas.keys()) schemaPaths.push([d, sc]);
          }
          if (!stmt.in && s.schema && s.database)
            schemaPaths.splice(0, schemaPaths.length, [s.database, s.schema]);
        }
        for (const path of schemaPaths) {
          const schema = this.databases.get(path[0])?.schemas.get(path[1]);
          if (!schema || !this.has(roles, 'SCHEMA', path, 'USAGE')) {
            if (stmt.in?.type === 'SCHEMA')
              throw doesNotExist('Schema', displayName(path));
            continue;
          }
          for (const t of [...schema.tables.values()].sort(byName)) {
            if (!keep(t.name) || !this.has(roles, 'TABLE', [...path, t.name]))
              continue;
            rows.push([
              t.createdOn,
              t.name,
              path[0],
              path[1],
              'TABLE',
              '',
              '',
              t.rowCount,
              t.bytes,
              t.owner,
              '1',
              'ROLE',
            ]);
          }
        }
        return {
          columns: [
            ts('created_on'),
            text('name'),
            text('database_name'),
            text('schema_name'),
            text('kind'),
            text('comment'),
            text('cluster_by'),
            fixed('rows'),
            fixed('bytes'),
            text('owner'),
            text('retention_time'),
            text('owner_role_type'),
          ],
          rows: limit(rows),
          statementTypeId: STMT_DDL,
        };
      }
      case 'ROLES': {
        const list = [...this.roles.values()]
          .filter(r => keep(r.name))
          .sort(byName);
        return {
          columns: [
            ts('created_on'),
            text('name'),
            text('is_default'),
            text('is_current'),
            text('is_inherited'),
            fixed('assigned_to_users'),
            fixed('granted_to_roles'),
            fixed('granted_roles'),
            text('owner'),
            text('comment'),
            text('owner_role_type'),
          ],
          rows: limit(list).map(r => [
            r.createdOn,
            r.name,
            'N',
            yn(s.role === r.name),
            yn(s.role !== r.name && roles.has(r.name)),
            this.roleGrants.filter(
              g => g.role === r.name && g.granteeType === 'USER',
            ).length,
            this.roleGrants.filter(
              g => g.role === r.name && g.granteeType === 'ROLE',
            ).length,
            this.roleGrants.filter(
              g => g.granteeType === 'ROLE' && g.grantee === r.name,
            ).length,
            r.owner,
            r.comment ?? '',
            r.owner ? 'ROLE' : '',
          ]),
          statementTypeId: STMT_DDL,
        };
      }
      case 'USERS': {
        if (!this.hasAccount(roles, 'CREATE USER'))
          throw insufficientPrivileges('account', this.name);
        const list = [...this.users.values()]
          .filter(u => keep(u.name))
          .sort(byName);
        return {
          columns: [
            ts('created_on'),
            text('name'),
            text('login_name'),
            text('default_role'),
            text('default_warehouse'),
            text('owner'),
            text('has_rsa_public_key'),
          ],
          rows: limit(list).map(u => [
            u.createdOn,
            u.name,
            u.name,
            u.defaultRole ?? '',
            u.defaultWarehouse ?? '',
            u.owner,
            String(Boolean(u.rsaPublicKey)),
          ]),
          statementTypeId: STMT_DDL,
        };
      }
      default:
        throw unsupported(`SHOW ${String(stmt.what)}`);
    }
  }

  private grantRows(list: PrivilegeGrant[]): Cell[][] {
    return list.map(g => [
      g.createdOn,
      g.privilege,
      g.on,
      g.on === 'ACCOUNT' ? this.name : displayName(g.name),
      'ROLE',
      g.grantee,
      String(g.grantOption),
      g.grantedBy,
    ]);
  }

  /** Privilege grants plus OWNERSHIP rows synthesised from object owners. */
  private allGrants(): PrivilegeGrant[] {
    const out = [...this.grants];
    const own = (
      on: SecurableType,
      name: string[],
      o: { owner: string; createdOn: Date },
    ) => {
      if (o.owner) {
        out.push({
          privilege: 'OWNERSHIP',
          on,
          name,
          grantee: o.owner,
          grantOption: true,
          grantedBy: o.owner,
          createdOn: o.createdOn,
        });
      }
    };
    for (const w of this.warehouses.values()) own('WAREHOUSE', [w.name], w);
    for (const d of this.databases.values()) {
      own('DATABASE', [d.name], d);
      for (const sc of d.schemas.values()) {
        own('SCHEMA', [d.name, sc.name], sc);
        for (const t of sc.tables.values())
          own('TABLE', [d.name, sc.name, t.name], t);
      }
    }
    return out;
  }

  private static readonly GRANT_COLUMNS: ResultColumn[] = [
    { name: 'created_on', type: 'timestamp_ltz' },
    { name: 'privilege', type: 'text' },
    { name: 'granted_on', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'granted_to', type: 'text' },
    { name: 'grantee_name', type: 'text' },
    { name: 'grant_option', type: 'text' },
    { name: 'granted_by', type: 'text' },
  ];

  private showGrants(
    stmt: Extract<Statement, { kind: 'showGrants' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const limit = <T>(rows: T[]) =>
      stmt.limit === undefined ? rows : rows.slice(0, stmt.limit);
    const order = (a: PrivilegeGrant, b: PrivilegeGrant) =>
      `${a.on}\u0000${displayName(a.name)}\u0000${a.privilege}` <
      `${b.on}\u0000${displayName(b.name)}\u0000${b.privilege}`
        ? -1
        : 1;
    switch (stmt.variant) {
      case 'toRole': {
        const name = this.single(stmt.name!, 'Role');
        this.role(name);
        const privileges = this.allGrants().filter(g => g.grantee === name);
        // Roles granted to the role appear as USAGE on ROLE rows.
        const rolesGranted: PrivilegeGrant[] = this.roleGrants
          .filter(g => g.granteeType === 'ROLE' && g.grantee === name)
          .map(g => ({
            privilege: 'USAGE',
            on: 'ROLE' as SecurableType,
            name: [g.role],
            grantee: name,
            grantOption: false,
            grantedBy: g.grantedBy,
            createdOn: g.createdOn,
          }));
        const ownedRoles: PrivilegeGrant[] = [...this.roles.values()]
          .filter(r => r.owner === name)
          .map(r => ({
            privilege: 'OWNERSHIP',
            on: 'ROLE' as SecurableType,
            name: [r.name],
            grantee: name,
            grantOption: true,
            grantedBy: name,
            createdOn: r.createdOn,
          }));
        return {
          columns: FakeAccount.GRANT_COLUMNS,
          rows: limit(
            this.grantRows(
              [...privileges, ...rolesGranted, ...ownedRoles].sort(order),
            ),
          ),
          statementTypeId: STMT_DDL,
        };
      }
      case 'ofRole': {
        const name = this.single(stmt.name!, 'Role');
        this.role(name);
        return {
          columns: [
            { name: 'created_on', type: 'timestamp_ltz' },
            { name: 'role', type: 'text' },
            { name: 'granted_to', type: 'text' },
            { name: 'grantee_name', type: 'text' },
            { name: 'granted_by', type: 'text' },
          ],
          rows: limit(
            this.roleGrants
              .filter(g => g.role === name)
              .map(g => [
                g.createdOn,
                g.role,
                g.granteeType,
                g.grantee,
                g.grantedBy,
              ]),
          ),
          statementTypeId: STMT_DDL,
        };
      }
      case 'toUser': {
        const name = this.single(stmt.name!, 'User');
        if (!this.users.has(name))
          throw doesNotExist('User', displayPart(name));
        return {
          columns: [
            { name: 'created_on', type: 'timestamp_ltz' },
            { name: 'role', type: 'text' },
            { name: 'granted_to', type: 'text' },
            { name: 'grantee_name', type: 'text' },
            { name: 'granted_by', type: 'text' },
          ],
          rows: limit(
            this.roleGrants
              .filter(g => g.granteeType === 'USER' && g.grantee === name)
              .map(g => [g.createdOn, g.role, 'USER', g.grantee, g.grantedBy]),
          ),
          statementTypeId: STMT_DDL,
        };
      }
      default: {
        let on: SecurableType;
        let path: string[];
        if (stmt.onType === 'ACCOUNT') {
          on = 'ACCOUNT';
          path = [];
        } else if (stmt.onType === 'ROLE') {
          const name = this.single(stmt.name!, 'Role');
          const role = this.role(name);
          const rows: PrivilegeGrant[] = [
            {
              privilege: 'OWNERSHIP',
              on: 'ROLE' as SecurableType,
              name: [name],
              grantee: role.owner,
              grantOption: true,
              grantedBy: role.owner,
              createdOn: role.createdOn,
            },
            ...this.roleGrants
              .filter(g => g.role === name && g.granteeType === 'ROLE')
              .map(g => ({
                privilege: 'USAGE',
                on: 'ROLE' as SecurableType,
                name: [name],
                grantee: g.grantee,
                grantOption: false,
                grantedBy: g.grantedBy,
                createdOn: g.createdOn,
              })),
          ];
          return {
            columns: FakeAccount.GRANT_COLUMNS,
            rows: limit(this.grantRows(rows)),
            statementTypeId: STMT_DDL,
          };
        } else {
          [{ on, name: path }] = this.resolveTarget(
            { kind: 'object', type: stmt.onType!, name: stmt.name! },
            s,
            roles,
            'SHOW GRANTS',
          );
        }
        const k = key(on, path);
        const rows = this.allGrants()
          .filter(g => key(g.on, g.name) === k)
          .sort(order);
        return {
          columns: FakeAccount.GRANT_COLUMNS,
          rows: limit(this.grantRows(rows)),
          statementTypeId: STMT_DDL,
        };
      }
    }
  }

  private showFutureGrants(
    stmt: Extract<Statement, { kind: 'showFutureGrants' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    let list: FutureGrant[];
    if (stmt.variant === 'toRole') {
      const name = this.single(stmt.name, 'Role');
      this.role(name);
      list = this.futureGrants.filter(f => f.grantee === name);
    } else if (stmt.variant === 'inSchema') {
      const path = this.qualifySchema(stmt.name, s, 'SHOW FUTURE GRANTS');
      this.schema(path, roles);
      list = this.futureGrants.filter(
        f =>
          f.containerType === 'SCHEMA' &&
          key('SCHEMA', f.container) === key('SCHEMA', path),
      );
    } else {
      const name = this.single(stmt.name, 'Database');
      this.database(name, roles);
      list = this.futureGrants.filter(
        f => f.containerType === 'DATABASE' && f.container[0] === name,
      );
    }
    const rows: Cell[][] = list.map(f => [
      f.createdOn,
      f.privilege,
      f.objectType,
      `${displayName(f.container)}.<${f.objectType}>`,
      'ROLE',
      f.grantee,
      String(f.grantOption),
    ]);
    return {
      columns: [
        { name: 'created_on', type: 'timestamp_ltz' },
        { name: 'privilege', type: 'text' },
        { name: 'grant_on', type: 'text' },
        { name: 'name', type: 'text' },
        { name: 'grant_to', type: 'text' },
        { name: 'grantee_name', type: 'text' },
        { name: 'grant_option', type: 'text' },
      ],
      rows: stmt.limit === undefined ? rows : rows.slice(0, stmt.limit),
      statementTypeId: STMT_DDL,
    };
  }

  // -------------------------------------------------------------------- dml

  private tableFor(
    ref: NameRef,
    s: SessionContext,
    roles: Set<string>,
    privilege: string,
    verb: string,
  ): FakeTable {
    const path = this.qualifyTable(ref, s, verb);
    const table = this.table(path, roles);
    if (!this.has(roles, 'TABLE', path, privilege))
      throw insufficientPrivileges('table', path[2]);
    this.compute(s, roles);
    return table;
  }

  private insert(
    stmt: Extract<Statement, { kind: 'insert' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const table = this.tableFor(stmt.table, s, roles, 'INSERT', 'INSERT');
    const names = table.columns.map(c => c.name);
    const targets = (stmt.columns ?? names).map(c => {
      const i = names.indexOf(c);
      if (i < 0) throw invalidIdentifier(c);
      return i;
    });
    for (const row of stmt.rows) {
      if (row.length !== targets.length) {
        throw new SnowflakeSqlError(
          '002020',
          '21S01',
          `SQL compilation error:\nInsert value list does not match column list expecting ${targets.length} but got ${row.length}`,
        );
      }
    }
    for (const row of stmt.rows) {
      const full: Value[] = names.map(() => null);
      targets.forEach((ti, vi) => {
        full[ti] = row[vi];
      });
      table.rows.push(full);
      table.bytes += 16 + JSON.stringify(full).length;
    }
    table.rowCount += stmt.rows.length;
    table.lastAltered = this.now();
    return {
      columns: [{ name: 'number of rows inserted', type: 'fixed' }],
      rows: [[stmt.rows.length]],
      statementTypeId: STMT_INSERT,
    };
  }

  private deleteRows(
    stmt: Extract<Statement, { kind: 'delete' | 'truncate' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const privilege = stmt.kind === 'delete' ? 'DELETE' : 'TRUNCATE';
    const table = this.tableFor(stmt.table, s, roles, privilege, privilege);
    const names = table.columns.map(c => c.name);
    const where = stmt.kind === 'delete' ? stmt.where : [];
    const before = table.rows.length;
    table.rows = table.rows.filter(r => !matches(r, names, where));
    const deleted = before - table.rows.length;
    table.rowCount = table.rows.length;
    table.bytes = table.rows.reduce(
      (n, r) => n + 16 + JSON.stringify(r).length,
      0,
    );
    table.lastAltered = this.now();
    if (stmt.kind === 'truncate')
      return statusResult('Statement executed successfully.');
    return {
      columns: [{ name: 'number of rows deleted', type: 'fixed' }],
      rows: [[deleted]],
      statementTypeId: STMT_DELETE,
    };
  }

  private select(
    stmt: Extract<Statement, { kind: 'select' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    if (!stmt.from) {
      const columns: ResultColumn[] = [];
      const row: Cell[] = [];
      for (const item of stmt.items) {
        if (item.kind === 'function') {
          const value = this.contextFunction(item.name, s);
          columns.push({
            name: item.alias ?? `${item.name}()`,
            type: value instanceof Date ? 'timestamp_ltz' : 'text',
          });
          row.push(value);
        } else if (item.kind === 'value') {
          const v = item.value;
          columns.push({
            name: item.alias ?? item.text.toUpperCase(),
            type: valueType(v),
          });
          row.push(v);
        } else if (item.kind === 'column') {
          throw invalidIdentifier(item.name);
        } else {
          throw new SnowflakeSqlError(
            '001003',
            '42000',
            'SQL compilation error:\nSELECT with no columns',
          );
        }
      }
      return { columns, rows: [row], statementTypeId: STMT_SELECT };
    }
    const relation = this.relation(stmt.from, s, roles);
    const names = relation.columns.map(c => c.name);
    for (const c of stmt.where)
      if (!names.includes(c.column)) throw invalidIdentifier(c.column);
    let rows = relation.rows.filter(r =>
      matches(r as Value[], names, stmt.where),
    );
    for (const o of [...stmt.orderBy].reverse()) {
      const i = names.indexOf(o.column);
      if (i < 0) throw invalidIdentifier(o.column);
      rows = [...rows].sort((a, b) => compare(a[i], b[i]) * (o.desc ? -1 : 1));
    }
    if (stmt.limit !== undefined) rows = rows.slice(0, stmt.limit);
    return project(stmt.items, relation.columns, rows);
  }

  private contextFunction(name: string, s: SessionContext): Cell {
    switch (name) {
      case 'CURRENT_ROLE':
        return s.role;
      case 'CURRENT_USER':
        return s.user;
      case 'CURRENT_WAREHOUSE':
        return s.warehouse ?? null;
      case 'CURRENT_DATABASE':
        return s.database ?? null;
      case 'CURRENT_SCHEMA':
        return s.schema ?? null;
      case 'CURRENT_ACCOUNT':
        return this.name;
      case 'CURRENT_VERSION':
        return '9.0.0-fake';
      case 'CURRENT_TIMESTAMP':
        return this.now();
      default:
        return null;
    }
  }

  /** The rows a FROM clause names: a user table, or INFORMATION_SCHEMA.TABLES. */
  private relation(
    ref: NameRef,
    s: SessionContext,
    roles: Set<string>,
  ): { columns: ResultColumn[]; rows: Cell[][] } {
    const path = this.qualifyTable(ref, s, 'SELECT');
    if (path[1] === 'INFORMATION_SCHEMA') {
      // SNOWFLAKE is the shared system database every account has; only its
      // INFORMATION_SCHEMA.APPLICABLE_ROLES is modelled.
      if (path[0] === 'SNOWFLAKE' && path[2] === 'APPLICABLE_ROLES') {
        this.compute(s, roles);
        return this.applicableRoles(s.user);
      }
      const db = this.database(path[0], roles);
      if (!this.has(roles, 'DATABASE', [db.name], 'USAGE'))
        throw doesNotExist('Database', displayPart(db.name));
      this.compute(s, roles);
      switch (path[2]) {
        case 'TABLES':
          return this.informationSchemaTables(db, roles);
        case 'OBJECT_PRIVILEGES':
          return this.objectPrivileges(db, roles);
        case 'APPLICABLE_ROLES':
          return this.applicableRoles(s.user);
        default:
          throw doesNotExist('Object', displayName(path));
      }
    }
    const table = this.tableFor(path, s, roles, 'SELECT', 'SELECT');
    return {
      columns: table.columns.map(c => ({
        name: c.name,
        type: sqlTypeToColumnType(c.type),
      })),
      rows: table.rows.map(r => [...r]),
    };
  }

  /**
   * INFORMATION_SCHEMA.OBJECT_PRIVILEGES of one database: every privilege
   * (OWNERSHIP included) on the database, its schemas and tables, whoever
   * holds it, for objects the current role has some privilege on.
   */
  private objectPrivileges(
    db: FakeDatabase,
    roles: Set<string>,
  ): { columns: ResultColumn[]; rows: Cell[][] } {
    const columns: ResultColumn[] = [
      'GRANTOR',
      'GRANTEE',
      'GRANTED_TO',
      'OBJECT_CATALOG',
      'OBJECT_SCHEMA',
      'OBJECT_NAME',
      'OBJECT_TYPE',
      'PRIVILEGE_TYPE',
      'IS_GRANTABLE',
    ].map(name => ({ name, type: 'text' as const }));
    columns.push({ name: 'CREATED', type: 'timestamp_ltz' });
    const rows: Cell[][] = [];
    for (const g of this.allGrants()) {
      if (
        g.name[0] !== db.name ||
        !['DATABASE', 'SCHEMA', 'TABLE'].includes(g.on)
      )
        continue;
      if (!this.has(roles, g.on, g.name)) continue;
      // Schema rows name the schema in OBJECT_NAME, database rows the database.
      let path: (string | null)[] = g.name;
      if (g.on === 'DATABASE') path = [null, null, g.name[0]];
      else if (g.on === 'SCHEMA') path = [g.name[0], null, g.name[1]];
      const [catalog, schema, object] = path;
      rows.push([
        g.grantedBy,
        g.grantee,
        'ROLE',
        catalog,
        schema,
        object,
        g.on,
        g.privilege,
        g.grantOption ? 'YES' : 'NO',
        g.createdOn,
      ]);
    }
    return { columns, rows };
  }

  /** INFORMATION_SCHEMA.APPLICABLE_ROLES: every role grant in the hierarchy of the user's roles. */
  private applicableRoles(user: string): {
    columns: ResultColumn[];
    rows: Cell[][];
  } {
    const columns: ResultColumn[] = [
      'GRANTEE',
      'ROLE_NAME',
      'ROLE_OWNER',
      'IS_GRANTABLE',
    ].map(name => ({ name, type: 'text' as const }));
    const rows: Cell[][] = [];
    const seen = new Set<string>();
    const queue: string[] = [];
    for (const g of this.roleGrants) {
      if (g.granteeType === 'USER' && g.grantee === user) {
        rows.push([user, g.role, this.roles.get(g.role)?.owner ?? '', 'NO']);
        queue.push(g.role);
      }
    }
    while (queue.length) {
      const r = queue.shift()!;
      if (seen.has(r)) continue;
      seen.add(r);
      for (const g of this.roleGrants) {
        if (g.granteeType === 'ROLE' && g.grantee === r) {
          rows.push([r, g.role, this.roles.get(g.role)?.owner ?? '', 'NO']);
          queue.push(g.role);
        }
      }
    }
    return { columns, rows };
  }

  private informationSchemaTables(
    db: FakeDatabase,
    roles: Set<string>,
  ): { columns: ResultColumn[]; rows: Cell[][] } {
    const columns: ResultColumn[] = [
      { name: 'TABLE_CATALOG', type: 'text' },
      { name: 'TABLE_SCHEMA', type: 'text' },
      { name: 'TABLE_NAME', type: 'text' },
      { name: 'TABLE_OWNER', type: 'text' },
      { name: 'TABLE_TYPE', type: 'text' },
      { name: 'IS_TRANSIENT', type: 'text' },
      { name: 'ROW_COUNT', type: 'fixed' },
      { name: 'BYTES', type: 'fixed' },
      { name: 'RETENTION_TIME', type: 'fixed' },
      { name: 'CREATED', type: 'timestamp_ltz' },
      { name: 'LAST_ALTERED', type: 'timestamp_ltz' },
      { name: 'LAST_DDL', type: 'timestamp_ltz' },
      { name: 'COMMENT', type: 'text' },
    ];
    const rows: Cell[][] = [];
    for (const schema of db.schemas.values()) {
      if (!this.has(roles, 'SCHEMA', [db.name, schema.name], 'USAGE')) continue;
      for (const t of schema.tables.values()) {
        if (!this.has(roles, 'TABLE', [db.name, schema.name, t.name])) continue;
        rows.push([
          db.name,
          schema.name,
          t.name,
          t.owner,
          'BASE TABLE',
          'NO',
          t.rowCount,
          t.bytes,
          1,
          t.createdOn,
          t.lastAltered,
          t.createdOn,
          null,
        ]);
      }
    }
    // Real INFORMATION_SCHEMA.TABLES lists its own views too; callers must filter them.
    for (const view of ['COLUMNS', 'SCHEMATA', 'TABLES', 'TABLE_PRIVILEGES']) {
      rows.push([
        db.name,
        'INFORMATION_SCHEMA',
        view,
        null,
        'VIEW',
        'NO',
        null,
        null,
        null,
        db.createdOn,
        db.createdOn,
        db.createdOn,
        null,
      ]);
    }
    return { columns, rows };
  }
}

function invalidIdentifier(name: string) {
  return new SnowflakeSqlError(
    '000904',
    '42000',
    `SQL compilation error: error line 1 at position 7\ninvalid identifier '${displayPart(
      name,
    )}'`,
  );
}

function sqlTypeToColumnType(type: string): ColumnType {
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

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  if ((x as number) < (y as number)) return -1;
  return (x as number) > (y as number) ? 1 : 0;
}

function valueType(v: unknown): ColumnType {
  if (typeof v === 'number') return 'fixed';
  if (typeof v === 'boolean') return 'boolean';
  return 'text';
}

function matches(row: unknown[], names: string[], where: Condition[]): boolean {
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

function project(
  items: SelectItem[],
  columns: ResultColumn[],
  rows: Cell[][],
): ResultSet {
  if (items.length === 1 && items[0].kind === 'count') {
    return {
      columns: [{ name: items[0].alias ?? 'COUNT(*)', type: 'fixed' }],
      rows: [[rows.length]],
      statementTypeId: STMT_SELECT,
    };
  }
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
