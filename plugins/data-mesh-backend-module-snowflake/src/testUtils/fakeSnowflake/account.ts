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
  doesNotExist,
  insufficientPrivileges,
  SnowflakeSqlError,
  unsupported,
} from './errors';
import { NameRef, Statement, Value } from './parser';
import {
  Cell,
  compare,
  displayName,
  displayPart,
  FakeDatabase,
  FakeTable,
  invalidIdentifier,
  matches,
  project,
  ResultColumn,
  ResultSet,
  SessionContext,
  sqlTypeToColumnType,
  statusResult,
  STMT_DELETE,
  STMT_INSERT,
  STMT_SELECT,
  valueType,
} from './model';
import { AccountPolicies, informationSchemaType } from './policies';

export type {
  Cell,
  ColumnType,
  FakeAccountOptions,
  FakeDatabase,
  FakeRole,
  FakeSchema,
  FakeTable,
  FakeUser,
  FakeWarehouse,
  FutureGrant,
  GranteeKind,
  PrivilegeGrant,
  ResultColumn,
  ResultSet,
  RoleGrant,
  SecurableType,
  SessionContext,
} from './model';
export { displayName, displayPart } from './model';

/**
 * The object model and executor. Tests reach it through
 * `FakeSnowflake.account` to seed users and table statistics or to look at
 * what the adapter created, without going through SQL.
 * @public
 */
export class FakeAccount extends AccountPolicies {
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
      case 'createView':
        return this.createView(stmt, s, roles);
      case 'alterTable':
        return stmt.change.kind === 'maskingPolicy'
          ? this.setColumnPolicy(stmt, s, roles)
          : this.alterTable(stmt, s, roles);
      case 'createMaskingPolicy':
        return this.createMaskingPolicy(stmt, s, roles);
      case 'showMaskingPolicies':
        return this.showMaskingPolicies(stmt, s, roles);
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

  // -------------------------------------------------------------------- dml

  protected tableFor(
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
    if (!s.viewOwnerRights) this.compute(s, roles);
    return table;
  }

  protected insert(
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

  protected deleteRows(
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

  /** A SELECT and its `UNION ALL` branches: same column count, types from the first branch that is not all NULL. */
  protected select(
    stmt: Extract<Statement, { kind: 'select' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const first = this.selectBranch(stmt, s, roles);
    if (!stmt.unionAll) return first;
    const rest = this.select(stmt.unionAll, s, roles);
    if (rest.columns.length !== first.columns.length) {
      throw new SnowflakeSqlError(
        '001789',
        '42601',
        `SQL compilation error:\ninvalid number of result columns for set operator input branches, expected ${first.columns.length}, got ${rest.columns.length} in branch 2`,
      );
    }
    const columns = first.columns.map((c, i) =>
      first.rows.every(r => r[i] === null)
        ? { ...c, type: rest.columns[i].type }
        : c,
    );
    return {
      columns,
      rows: [...first.rows, ...rest.rows],
      statementTypeId: STMT_SELECT,
    };
  }

  private selectBranch(
    stmt: Extract<Statement, { kind: 'select' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    if (!stmt.from && !stmt.fromFunction) {
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
    const relation = stmt.fromFunction
      ? this.policyReferences(stmt.fromFunction, s, roles)
      : this.relation(stmt.from!, s, roles);
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

  protected contextFunction(name: string, s: SessionContext): Cell {
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
  protected relation(
    ref: NameRef,
    s: SessionContext,
    roles: Set<string>,
  ): { columns: ResultColumn[]; rows: Cell[][] } {
    const path = this.qualifyTable(ref, s, 'SELECT');
    if (path[1] === 'INFORMATION_SCHEMA') {
      // SNOWFLAKE is the shared system database every account has; only its
      // INFORMATION_SCHEMA.APPLICABLE_ROLES is modelled.
      if (path[0] === 'SNOWFLAKE' && path[2] === 'APPLICABLE_ROLES') {
        // SNOWFLAKE is a shared database: only ACCOUNTADMIN may use it until
        // IMPORTED PRIVILEGES are granted on it (Snowflake's documentation).
        if (!roles.has('ACCOUNTADMIN'))
          throw doesNotExist('Database', 'SNOWFLAKE');
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
        case 'COLUMNS':
          return this.informationSchemaColumns(db, roles);
        case 'OBJECT_PRIVILEGES':
          return this.objectPrivileges(roles);
        case 'APPLICABLE_ROLES':
          return this.applicableRoles(s.user);
        default:
          throw doesNotExist('Object', displayName(path));
      }
    }
    if (this.databases.get(path[0])?.schemas.get(path[1])?.views.has(path[2])) {
      this.view(path, roles);
      if (!this.has(roles, 'VIEW', path, 'SELECT'))
        throw insufficientPrivileges('view', path[2]);
      if (!s.viewOwnerRights) this.compute(s, roles);
      const view = this.databases
        .get(path[0])!
        .schemas.get(path[1])!
        .views.get(path[2])!;
      return this.runView(
        view.query,
        s.user,
        view.owner,
        s.invokerRole ?? s.role,
      );
    }
    const table = this.tableFor(path, s, roles, 'SELECT', 'SELECT');
    return {
      columns: table.columns.map(c => ({
        name: c.name,
        type: sqlTypeToColumnType(c.type),
        declared: c.type,
      })),
      rows: this.maskedRows(table, s),
    };
  }

  /**
   * INFORMATION_SCHEMA.OBJECT_PRIVILEGES, which Snowflake documents as "a row
   * for each access privilege granted for all objects defined in your
   * account" — whichever database's INFORMATION_SCHEMA is asked, unlike
   * TABLES. Every privilege (OWNERSHIP included) on warehouses, databases,
   * schemas, tables and views, whoever holds it, for objects the current
   * role has some privilege on ("the view only displays objects for which
   * the current role for the session has been granted access privileges").
   * GRANTED_TO (behaviour bundle 2024_07) names the kind of grantee: ROLE,
   * APPLICATION, APPLICATION ROLE (and DATABASE ROLE here).
   */
  protected objectPrivileges(roles: Set<string>): {
    columns: ResultColumn[];
    rows: Cell[][];
  } {
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
      if (g.on === 'ACCOUNT' || !this.has(roles, g.on, g.name)) continue;
      // Schema rows name the schema in OBJECT_NAME, database and warehouse rows the object.
      let path: (string | null)[] = g.name;
      if (g.on === 'DATABASE' || g.on === 'WAREHOUSE')
        path = [null, null, g.name[0]];
      else if (g.on === 'SCHEMA') path = [g.name[0], null, g.name[1]];
      const [catalog, schema, object] = path;
      rows.push([
        g.grantedBy,
        g.grantee,
        (g.grantedTo ?? 'ROLE').replace('_', ' '),
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
  protected applicableRoles(user: string): {
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

  protected informationSchemaTables(
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
          t.lastDdl ?? t.createdOn,
          t.comment ?? null,
        ]);
      }
    }
    for (const schema of db.schemas.values()) {
      if (!this.has(roles, 'SCHEMA', [db.name, schema.name], 'USAGE')) continue;
      for (const v of schema.views.values()) {
        if (!this.has(roles, 'VIEW', [db.name, schema.name, v.name])) continue;
        rows.push([
          db.name,
          schema.name,
          v.name,
          v.owner,
          'VIEW',
          'NO',
          null,
          null,
          null,
          v.createdOn,
          v.lastAltered,
          v.lastAltered,
          v.comment ?? null,
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

  /** INFORMATION_SCHEMA.COLUMNS: one row per column of the tables the current role may see. */
  protected informationSchemaColumns(
    db: FakeDatabase,
    roles: Set<string>,
  ): { columns: ResultColumn[]; rows: Cell[][] } {
    const columns: ResultColumn[] = [
      { name: 'TABLE_CATALOG', type: 'text' },
      { name: 'TABLE_SCHEMA', type: 'text' },
      { name: 'TABLE_NAME', type: 'text' },
      { name: 'COLUMN_NAME', type: 'text' },
      { name: 'ORDINAL_POSITION', type: 'fixed' },
      { name: 'DATA_TYPE', type: 'text' },
    ];
    const rows: Cell[][] = [];
    for (const schema of db.schemas.values()) {
      if (!this.has(roles, 'SCHEMA', [db.name, schema.name], 'USAGE')) continue;
      for (const t of schema.tables.values()) {
        if (!this.has(roles, 'TABLE', [db.name, schema.name, t.name])) continue;
        t.columns.forEach((c, i) =>
          rows.push([
            db.name,
            schema.name,
            t.name,
            c.name,
            i + 1,
            informationSchemaType(c.type),
          ]),
        );
      }
    }
    return { columns, rows };
  }

  protected runView(
    query: Extract<Statement, { kind: 'select' }>,
    user: string,
    owner: string,
    invokerRole?: string,
  ): ResultSet {
    const context = { user, role: owner, viewOwnerRights: true, invokerRole };
    return this.select(query, context, this.effectiveRoles(owner));
  }
}
