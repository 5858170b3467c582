/*
 * GRANT / REVOKE of roles and privileges, ownership transfer, and the SHOW
 * GRANTS / SHOW FUTURE GRANTS listings.
 */
import {
  doesNotExist,
  insufficientPrivileges,
  SnowflakeSqlError,
  unsupported,
} from './errors';
import { GrantTarget, Statement } from './parser';
import {
  Cell,
  displayName,
  displayPart,
  FutureGrant,
  key,
  PrivilegeGrant,
  ResultColumn,
  ResultSet,
  RoleGrant,
  SecurableType,
  SessionContext,
  statusResult,
  STMT_DDL,
  VALID_PRIVILEGES,
} from './model';
import { AccountObjects } from './objects';

/** Grants and their listings. @public */
export abstract class AccountGrants extends AccountObjects {
  // ----------------------------------------------------------------- grants

  protected grantRole(
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
  protected resolveTarget(
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
        if (target.type === 'VIEW') {
          this.view(path, roles);
          return [{ on: 'VIEW', name: path }];
        }
        this.table(path, roles);
        return [{ on: 'TABLE', name: path }];
      }
      case 'all': {
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
        // ALL TABLES / ALL VIEWS: the objects that exist now, one grant each
        const out: { on: SecurableType; name: string[] }[] = [];
        const on = target.objectType;
        for (const c of containers) {
          const schema = this.schema(c, roles);
          const names =
            on === 'VIEW' ? schema.views.keys() : schema.tables.keys();
          for (const t of names) out.push({ on, name: [c[0], c[1], t] });
        }
        return out;
      }
      default:
        throw unsupported('FUTURE grants here');
    }
  }

  protected futureContainer(
    target: Extract<GrantTarget, { kind: 'future' }>,
    s: SessionContext,
    roles: Set<string>,
    verb: string,
  ): string[] {
    // Future grants need the global MANAGE GRANTS; only in a managed-access
    // schema may its owner define them (Snowflake's access-control rules).
    const manageGrants = this.hasAccount(roles, 'MANAGE GRANTS');
    if (target.inType === 'SCHEMA') {
      const path = this.qualifySchema(target.in, s, verb);
      const schema = this.schema(path, roles);
      const managedByOwner =
        schema.managedAccess === true && roles.has(schema.owner);
      if (!manageGrants && !managedByOwner)
        throw insufficientPrivileges('schema', path[1]);
      return path;
    }
    const name = this.single(target.in, 'Database');
    this.database(name, roles);
    if (!manageGrants) throw insufficientPrivileges('database', name);
    return [name];
  }

  protected grantPrivileges(
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

  protected grantOwnership(
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

  protected grantRows(list: PrivilegeGrant[]): Cell[][] {
    return list.map(g => [
      g.createdOn,
      g.privilege,
      g.on,
      g.on === 'ACCOUNT' ? this.name : displayName(g.name),
      g.grantedTo ?? 'ROLE',
      g.grantee,
      String(g.grantOption),
      g.grantedBy,
    ]);
  }

  /** Privilege grants plus OWNERSHIP rows synthesised from object owners. */
  protected allGrants(): PrivilegeGrant[] {
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
        for (const v of sc.views.values())
          own('VIEW', [d.name, sc.name, v.name], v);
      }
    }
    return out;
  }

  protected static readonly GRANT_COLUMNS: ResultColumn[] = [
    { name: 'created_on', type: 'timestamp_ltz' },
    { name: 'privilege', type: 'text' },
    { name: 'granted_on', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'granted_to', type: 'text' },
    { name: 'grantee_name', type: 'text' },
    { name: 'grant_option', type: 'text' },
    { name: 'granted_by', type: 'text' },
  ];

  protected showGrants(
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
          columns: AccountGrants.GRANT_COLUMNS,
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
            columns: AccountGrants.GRANT_COLUMNS,
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
          columns: AccountGrants.GRANT_COLUMNS,
          rows: limit(this.grantRows(rows)),
          statementTypeId: STMT_DDL,
        };
      }
    }
  }

  protected showFutureGrants(
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
}
