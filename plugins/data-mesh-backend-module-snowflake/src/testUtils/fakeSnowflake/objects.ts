/*
 * CREATE / ALTER / DROP of databases, schemas, tables and roles, with
 * Snowflake's ownership, CLONE and future-grant rules.
 */
import {
  alreadyExists,
  doesNotExist,
  duplicateColumn,
  insufficientPrivileges,
  SnowflakeSqlError,
  unsupported,
} from './errors';
import { Statement } from './parser';
import {
  displayName,
  displayPart,
  FakeDatabase,
  FakeSchema,
  FakeTable,
  key,
  PrivilegeGrant,
  ResultSet,
  SessionContext,
  startsWith,
  statusResult,
  SYSTEM_ROLES,
} from './model';
import { AccountCore } from './core';

/** Object lifecycle. @public */
export abstract class AccountObjects extends AccountCore {
  protected alterComment(
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

  protected newSchema(name: string, owner: string): FakeSchema {
    return {
      name,
      owner,
      createdOn: this.now(),
      tables: new Map(),
      views: new Map(),
      policies: new Map(),
    };
  }

  protected createDatabase(
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
          this.cloneSchemaInto(schema, schema.name, schema.owner, [
            source.name,
            name,
          ]),
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

  /** `databases`: the source's database and the clone's. */
  protected cloneSchemaInto(
    source: FakeSchema,
    name: string,
    owner: string,
    databases: [string, string],
  ): FakeSchema {
    const schema: FakeSchema = {
      name,
      owner,
      createdOn: this.now(),
      comment: source.comment,
      tables: new Map(),
      views: new Map(
        [...source.views.values()].map(v => [
          v.name,
          { ...v, createdOn: this.now() },
        ]),
      ),
      policies: new Map(
        [...source.policies.values()].map(p => [
          p.name,
          { ...p, createdOn: this.now() },
        ]),
      ),
    };
    // Policies are cloned with the schema; a cloned column whose policy was in
    // the source schema is protected by the clone's copy of it.
    const inSource = (p?: string[]) =>
      p !== undefined &&
      p[0] === databases[0] &&
      p[1] === source.name &&
      source.policies.has(p[2]);
    for (const t of source.tables.values()) {
      schema.tables.set(t.name, {
        ...t,
        columns: t.columns.map(c => ({
          ...c,
          ...(inSource(c.maskingPolicy)
            ? { maskingPolicy: [databases[1], name, c.maskingPolicy![2]] }
            : {}),
        })),
        rows: t.rows.map(r => [...r]),
        createdOn: this.now(),
      });
    }
    return schema;
  }

  /** Copies grants on the children of a cloned container (and the schema itself for a database clone). */
  protected copyChildGrants(
    from: string[],
    to: string[],
    includeSelf: boolean,
  ) {
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

  protected createSchema(
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
      schema = this.cloneSchemaInto(source, path[1], s.role, [
        sourcePath[0],
        path[0],
      ]);
      if (existing) this.dropSchema(path);
      this.copyChildGrants(sourcePath, path, false);
    } else {
      schema = this.newSchema(path[1], s.role);
      schema.comment = stmt.comment;
      schema.managedAccess = stmt.managedAccess || undefined;
      if (existing) this.dropSchema(path);
    }
    db.schemas.set(path[1], schema);
    s.database = path[0];
    s.schema = path[1];
    return statusResult(`Schema ${displayPart(path[1])} successfully created.`);
  }

  protected createRole(
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

  protected createUser(
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

  /** ALTER TABLE … ADD COLUMN / SET|UNSET COMMENT: DDL, which moves LAST_ALTERED as well as LAST_DDL. */
  protected alterTable(
    stmt: Extract<Statement, { kind: 'alterTable' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const path = this.qualifyTable(stmt.name, s, 'ALTER TABLE');
    const exists = this.databases
      .get(path[0])
      ?.schemas.get(path[1])
      ?.tables.has(path[2]);
    if (!exists && stmt.ifExists)
      return statusResult('Statement executed successfully.');
    const table = this.table(path, roles);
    if (!this.canOwn(roles, 'TABLE', path))
      throw insufficientPrivileges('table', path[2]);
    if (stmt.change.kind === 'addColumn') {
      const { column } = stmt.change;
      if (table.columns.some(c => c.name === column.name))
        throw duplicateColumn(column.name);
      table.columns.push(column);
      table.rows.forEach(r => r.push(null));
    } else if (stmt.change.kind === 'comment') {
      table.comment = stmt.change.comment ?? undefined;
    }
    table.lastAltered = this.now();
    table.lastDdl = table.lastAltered;
    return statusResult('Statement executed successfully.');
  }

  /**
   * CREATE VIEW … AS SELECT: needs USAGE and CREATE VIEW on the schema, and
   * the creating role must be able to run the query (it becomes the owner,
   * whose privileges the view reads with). FUTURE VIEWS grants apply.
   */
  protected createView(
    stmt: Extract<Statement, { kind: 'createView' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const path = this.qualifyTable(stmt.name, s, 'CREATE VIEW');
    const schema = this.schema([path[0], path[1]], roles);
    if (!this.has(roles, 'SCHEMA', [path[0], path[1]], 'USAGE'))
      throw doesNotExist('Schema', displayName([path[0], path[1]]));
    if (!this.has(roles, 'SCHEMA', [path[0], path[1]], 'CREATE VIEW'))
      throw insufficientPrivileges('schema', path[1]);
    const existing = schema.views.get(path[2]);
    if (existing && stmt.ifNotExists)
      return statusResult(
        `${displayPart(path[2])} already exists, statement succeeded.`,
      );
    if ((existing && !stmt.orReplace) || schema.tables.has(path[2]))
      throw alreadyExists(displayName(path));
    this.runView(stmt.query, s.user, s.role);
    if (existing) this.dropGrantsUnder('VIEW', path);
    const t = this.now();
    const view = {
      name: path[2],
      owner: s.role,
      createdOn: t,
      lastAltered: t,
      comment: stmt.comment,
      query: stmt.query,
    };
    schema.views.set(path[2], view);
    this.applyFutureGrants(path, view, 'VIEW');
    return statusResult(`View ${displayPart(path[2])} successfully created.`);
  }

  /** Runs a view's query as its owner (Snowflake views use owner's rights). */
  protected abstract runView(
    query: Extract<Statement, { kind: 'select' }>,
    user: string,
    owner: string,
  ): ResultSet;

  protected createTable(
    stmt: Extract<Statement, { kind: 'createTable' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const path = this.qualifyTable(stmt.name, s, 'CREATE TABLE');
    const schema = this.schema([path[0], path[1]], roles);
    // CREATE TABLE needs USAGE on the schema as well as CREATE TABLE on it
    if (!this.has(roles, 'SCHEMA', [path[0], path[1]], 'USAGE'))
      throw doesNotExist('Schema', displayName([path[0], path[1]]));
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
        if (seen.has(c.name)) throw duplicateColumn(c.name);
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

  protected applyFutureGrants(
    path: [string, string, string],
    table: { owner: string },
    objectType: 'TABLE' | 'VIEW' = 'TABLE',
  ) {
    const inSchema = this.futureGrants.filter(
      f =>
        f.objectType === objectType &&
        f.containerType === 'SCHEMA' &&
        key('SCHEMA', f.container) === key('SCHEMA', [path[0], path[1]]),
    );
    // Schema-level future grants take precedence over database-level ones.
    const applicable = inSchema.length
      ? inSchema
      : this.futureGrants.filter(
          f =>
            f.objectType === objectType &&
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
        on: objectType,
        name: path,
        grantee: f.grantee,
        grantOption: f.grantOption,
        grantedBy: this.ownerOf('SCHEMA', [path[0], path[1]]) ?? '',
        createdOn: this.now(),
      });
    }
  }

  // ------------------------------------------------------------------ drop

  protected dropDatabase(name: string) {
    this.databases.delete(name);
    this.dropGrantsUnder('DATABASE', [name]);
  }

  protected dropSchema(path: [string, string]) {
    this.databases.get(path[0])?.schemas.delete(path[1]);
    this.dropGrantsUnder('SCHEMA', path);
  }

  protected dropTable(path: [string, string, string]) {
    this.databases.get(path[0])?.schemas.get(path[1])?.tables.delete(path[2]);
    this.dropGrantsUnder('TABLE', path);
  }

  protected dropRole(name: string, byRole: string) {
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
        schema.views.forEach(adopt);
      }
    }
  }

  protected drop(
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
      case 'VIEW': {
        const path = this.qualifyTable(stmt.name, s, 'DROP VIEW');
        const view = this.databases
          .get(path[0])
          ?.schemas.get(path[1])
          ?.views.get(path[2]);
        if (!view || !this.has(roles, 'VIEW', path))
          return missing('Object', displayName(path));
        if (!this.canOwn(roles, 'VIEW', path))
          throw insufficientPrivileges('view', path[2]);
        this.databases
          .get(path[0])!
          .schemas.get(path[1])!
          .views.delete(path[2]);
        this.dropGrantsUnder('VIEW', path);
        return ok(path[2]);
      }
      case 'ROLE': {
        const name = this.single(stmt.name, 'Role');
        const role = this.roles.get(name);
        if (!role) return missing('Role', displayPart(name));
        if (SYSTEM_ROLES.includes(name))
          throw insufficientPrivileges('role', name);
        const manageGrants = this.hasAccount(roles, 'MANAGE GRANTS');
        if (!roles.has(role.owner) && !manageGrants)
          throw insufficientPrivileges('role', name);
        // dropping a role that holds future grants needs MANAGE GRANTS, ownership is not enough
        if (!manageGrants && this.futureGrants.some(f => f.grantee === name))
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
}
