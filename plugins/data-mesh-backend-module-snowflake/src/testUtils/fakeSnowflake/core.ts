/*
 * The account's state and the rules every statement relies on: role
 * hierarchy, privilege checks, name resolution (what a role cannot see does
 * not exist), and warehouses (the compute a statement runs on).
 */
import {
  alreadyExists,
  doesNotExist,
  insufficientPrivileges,
  noActiveWarehouse,
  SnowflakeSqlError,
} from './errors';
import { NameRef, Statement, Value } from './parser';
import {
  displayName,
  displayPart,
  FakeAccountOptions,
  FakeDatabase,
  FakeRole,
  FakeSchema,
  FakeTable,
  FakeUser,
  FakeView,
  FakeWarehouse,
  FutureGrant,
  key,
  PrivilegeGrant,
  ResultSet,
  RoleGrant,
  SecurableType,
  SessionContext,
  SIZES,
  startsWith,
  statusResult,
  SYSTEM_ROLES,
} from './model';

/** State, privilege checks and name resolution. @public */
export abstract class AccountCore {
  readonly name: string;
  readonly warehouses = new Map<string, FakeWarehouse>();
  readonly databases = new Map<string, FakeDatabase>();
  readonly roles = new Map<string, FakeRole>();
  readonly users = new Map<string, FakeUser>();
  grants: PrivilegeGrant[] = [];
  roleGrants: RoleGrant[] = [];
  futureGrants: FutureGrant[] = [];
  protected readonly clock: () => Date;

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

  protected ownerOf(on: SecurableType, name: string[]): string | undefined {
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
      case 'VIEW':
        return this.databases
          .get(name[0])
          ?.schemas.get(name[1])
          ?.views.get(name[2])?.owner;
      default:
        return undefined;
    }
  }

  protected has(
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
        (g.grantedTo ?? 'ROLE') === 'ROLE' &&
        roles.has(g.grantee) &&
        key(g.on, g.name) === k &&
        (privilege === undefined ||
          g.privilege === privilege ||
          g.privilege === 'ALL'),
    );
  }

  protected hasAccount(roles: Set<string>, privilege: string): boolean {
    return (
      roles.has('ACCOUNTADMIN') || this.has(roles, 'ACCOUNT', [], privilege)
    );
  }

  protected canManage(
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

  protected qualifySchema(
    ref: NameRef,
    s: SessionContext,
    verb: string,
  ): [string, string] {
    if (ref.length === 2) return [ref[0], ref[1]];
    if (ref.length === 1 && s.database) return [s.database, ref[0]];
    throw this.noCurrent('database', verb);
  }

  protected qualifyTable(
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

  protected noCurrent(what: 'database' | 'schema', verb: string) {
    return new SnowflakeSqlError(
      '090105',
      '22000',
      `Cannot perform ${verb}. This session does not have a current ${what}. Call 'USE ${what.toUpperCase()}', or use a qualified name.`,
      'EXECUTION',
    );
  }

  protected single(
    ref: NameRef,
    kind: 'Object' | 'Role' | 'User' | 'Database' | 'Warehouse',
  ): string {
    if (ref.length !== 1) throw doesNotExist(kind, displayName(ref));
    return ref[0];
  }

  protected database(name: string, roles: Set<string>): FakeDatabase {
    const db = this.databases.get(name);
    if (!db || !this.has(roles, 'DATABASE', [name]))
      throw doesNotExist('Database', displayPart(name));
    return db;
  }

  protected schema(path: [string, string], roles: Set<string>): FakeSchema {
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

  protected table(
    path: [string, string, string],
    roles: Set<string>,
  ): FakeTable {
    const schema = this.schema([path[0], path[1]], roles);
    if (!this.has(roles, 'SCHEMA', [path[0], path[1]], 'USAGE')) {
      throw doesNotExist('Schema', displayName([path[0], path[1]]));
    }
    const table = schema.tables.get(path[2]);
    if (!table || !this.has(roles, 'TABLE', path))
      throw doesNotExist('Object', displayName(path));
    return table;
  }

  /** A view the roles may see (some privilege on it and USAGE on its containers). */
  protected view(path: [string, string, string], roles: Set<string>): FakeView {
    const schema = this.schema([path[0], path[1]], roles);
    if (!this.has(roles, 'SCHEMA', [path[0], path[1]], 'USAGE'))
      throw doesNotExist('Schema', displayName([path[0], path[1]]));
    const view = schema.views.get(path[2]);
    if (!view || !this.has(roles, 'VIEW', path))
      throw doesNotExist('Object', displayName(path));
    return view;
  }

  protected role(name: string): FakeRole {
    const role = this.roles.get(name);
    if (!role) throw doesNotExist('Role', displayPart(name));
    return role;
  }

  /** Resolves the session's warehouse for statements that need compute. */
  protected compute(s: SessionContext, roles: Set<string>): FakeWarehouse {
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

  protected createWarehouse(
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

  protected applyWarehouseProps(
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

  protected alterWarehouse(
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

  protected addGrant(g: PrivilegeGrant) {
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

  protected dropGrantsUnder(on: SecurableType, path: string[]) {
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

  protected dropWarehouse(name: string) {
    this.warehouses.delete(name);
    this.dropGrantsUnder('WAREHOUSE', [name]);
  }

  protected canOwn(
    roles: Set<string>,
    on: SecurableType,
    name: string[],
  ): boolean {
    const owner = this.ownerOf(on, name);
    return owner !== undefined && roles.has(owner);
  }

  protected objectOf(
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
      case 'VIEW':
        return this.databases
          .get(name[0])
          ?.schemas.get(name[1])
          ?.views.get(name[2]);
      default:
        return undefined;
    }
  }
}
