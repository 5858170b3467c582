/*
 * USE and the SHOW listings of objects (warehouses, databases, schemas,
 * tables, roles, users) with Snowflake's column names.
 */
import {
  doesNotExist,
  insufficientPrivileges,
  SnowflakeSqlError,
  unsupported,
} from './errors';
import { Statement } from './parser';
import {
  Cell,
  compare,
  displayName,
  displayPart,
  FakeDatabase,
  likeToRegExp,
  ResultColumn,
  ResultSet,
  SessionContext,
  statusResult,
  STMT_DDL,
} from './model';
import { AccountGrants } from './grants';

/** USE and SHOW. @public */
export abstract class AccountShow extends AccountGrants {
  // -------------------------------------------------------------------- use

  protected use(
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

  protected show(
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
}
