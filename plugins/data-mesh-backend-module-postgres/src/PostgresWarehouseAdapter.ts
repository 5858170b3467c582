/*
 * WarehouseAdapter for PostgreSQL and PGlite.
 *
 * Introspection reads the system catalogs (pg_roles, pg_auth_members,
 * pg_database, pg_namespace, pg_class, pg_default_acl, with aclexplode) in
 * one query for the cluster-wide objects plus one per database — never one
 * per schema, role or table — by passing the scope's names as arrays and
 * letting PostgreSQL aggregate the answer into JSON.
 */
import {
  type ActualState,
  type IntrospectionScope,
  type Privilege,
  type PrivilegeGrant,
  type SandboxCloneRequest,
  type SandboxCloneResult,
  type SchemaObject,
  type MarkedRole,
  type MarkedSchema,
  type SchemaRef,
  type Statement,
  type TableRef,
  type UsageOptions,
  type UsageReading,
  type TableStats,
  type TableStatsOptions,
  type WarehouseAdapter,
  type WarehouseCapabilities,
  PLATFORM_DATABASE_COMMENT,
  WarehouseError,
  managedByMarker,
  measureQuality,
  QUALITY_QUERY_TIMEOUT_MS,
  type QualityTableReading,
  type QualityTableRequest,
} from '@datamesh/plugin-data-mesh-node';
import type { PostgresConnection } from './connection';
import {
  POSTGRES_QUALITY_SPELLING,
  PostgresDialect,
  SCHEMA_PREFIX_SEPARATOR,
  quotePgIdentifier,
} from './dialect';
import { copySchema } from './sandboxCopy';
import { INVALID_CATALOG_NAME, PostgresTableStatsReader } from './stats';
import { readPostgresUsage } from './usage';

const PRIVILEGE_NAMES: Record<string, Privilege> = {
  USAGE: 'usage',
  CREATE: 'create',
  SELECT: 'select',
  INSERT: 'insert',
  UPDATE: 'update',
  DELETE: 'delete',
  TRUNCATE: 'truncate',
};
// CONNECT is what "usage" of a database means in PostgreSQL
const DATABASE_PRIVILEGE_NAMES: Record<string, Privilege> = {
  CONNECT: 'usage',
  CREATE: 'create',
};
const TABLE_PRIVILEGES: Privilege[] = [
  'select',
  'insert',
  'update',
  'delete',
  'truncate',
];

/**
 * Cluster-wide objects: roles (with comments), memberships among scope roles,
 * databases with their ACLs. For access drift also the roles marked with one
 * of the prefixes ($5) and every member of them and of the roles in $4,
 * except the connection's own role (a role's creator is made its admin).
 */
const CLUSTER_QUERY = `
with marked as (
  select r.oid from pg_roles r
  where exists (select 1 from unnest($5::text[]) p
                where starts_with(coalesce(shobj_description(r.oid, 'pg_authid'), ''), p))
)
select json_build_object(
  'roles', coalesce((
    select json_agg(json_build_object('name', r.rolname, 'comment', shobj_description(r.oid, 'pg_authid')))
    from pg_roles r where r.rolname = any($1::text[]) or r.oid in (select oid from marked)), '[]'::json),
  'memberships', coalesce((
    select json_agg(json_build_object('role', r.rolname, 'member', m.rolname))
    from pg_auth_members am
    join pg_roles r on r.oid = am.roleid
    join pg_roles m on m.oid = am.member
    where (r.rolname = any($1::text[]) and (m.rolname = any($1::text[]) or m.rolname = $2))
       or ((r.rolname = any($4::text[]) or r.oid in (select oid from marked))
           and m.rolname <> current_user)), '[]'::json),
  'databases', coalesce((
    select json_agg(json_build_object(
      'name', d.datname,
      'grants', coalesce((
        select json_agg(json_build_object('grantee', coalesce(g.rolname, 'PUBLIC'), 'privilege', a.privilege_type))
        from aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
        left join pg_roles g on g.oid = a.grantee
        where a.grantee <> d.datdba), '[]'::json)))
    from pg_database d where d.datname = any($3::text[])), '[]'::json)
) as state`;

/**
 * Objects inside one database, for the scope's (physical) schema names:
 * schemas with owner, comment and ACL; per schema the table count, table
 * owners and explicit table privileges (aggregated, not per table); and the
 * schema-scoped default privileges for tables.
 */
const DATABASE_QUERY = `
with rels as (
  select c.oid, c.relowner, c.relacl, n.nspname
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = any($1::text[]) and c.relkind in ('r', 'p', 'v', 'm', 'f')
)
select json_build_object(
  'schemas', coalesce((
    select json_agg(json_build_object(
      'name', n.nspname,
      'owner', o.rolname,
      'comment', obj_description(n.oid, 'pg_namespace'),
      'tables', (select count(*) from rels where rels.nspname = n.nspname),
      'grants', coalesce((
        select json_agg(json_build_object('grantee', coalesce(g.rolname, 'PUBLIC'), 'privilege', a.privilege_type))
        from aclexplode(n.nspacl) a left join pg_roles g on g.oid = a.grantee
        where a.grantee <> n.nspowner), '[]'::json)))
    from pg_namespace n join pg_roles o on o.oid = n.nspowner
    where n.nspname = any($1::text[])), '[]'::json),
  'tableOwners', coalesce((
    select json_agg(x) from (
      select rels.nspname as schema, o.rolname as owner, count(*) as n
      from rels join pg_roles o on o.oid = rels.relowner
      group by 1, 2) x), '[]'::json),
  'tableGrants', coalesce((
    select json_agg(x) from (
      select rels.nspname as schema, coalesce(g.rolname, 'PUBLIC') as grantee, a.privilege_type as privilege,
             count(distinct rels.oid) as n
      from rels
      cross join lateral aclexplode(coalesce(rels.relacl, acldefault('r', rels.relowner))) a
      left join pg_roles g on g.oid = a.grantee
      where a.grantee <> rels.relowner
      group by 1, 2, 3) x), '[]'::json),
  'defaultGrants', coalesce((
    select json_agg(json_build_object('schema', n.nspname, 'creator', cr.rolname,
                                      'grantee', coalesce(g.rolname, 'PUBLIC'), 'privilege', a.privilege_type))
    from pg_default_acl d
    join pg_namespace n on n.oid = d.defaclnamespace
    join pg_roles cr on cr.oid = d.defaclrole
    cross join lateral aclexplode(d.defaclacl) a
    left join pg_roles g on g.oid = a.grantee
    where d.defaclobjtype = 'r' and n.nspname = any($1::text[])), '[]'::json),
  'tables', coalesce((
    select json_agg(json_build_object(
      'schema', n.nspname, 'name', c.relname, 'kind', c.relkind,
      'comment', obj_description(c.oid, 'pg_class'),
      'columns', (select coalesce(json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) order by a.attnum), '[]'::json)
                  from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped)))
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = any($2::text[]) and c.relkind in ('r', 'p', 'v', 'm', 'f')), '[]'::json)
) as state`;

interface ClusterRow {
  roles: { name: string; comment: string | null }[];
  memberships: { role: string; member: string }[];
  databases: {
    name: string;
    grants: { grantee: string; privilege: string }[];
  }[];
}
interface DatabaseRow {
  schemas: {
    name: string;
    owner: string;
    comment: string | null;
    tables: number;
    grants: { grantee: string; privilege: string }[];
  }[];
  tableOwners: { schema: string; owner: string; n: number }[];
  tableGrants: {
    schema: string;
    grantee: string;
    privilege: string;
    n: number;
  }[];
  defaultGrants: {
    schema: string;
    creator: string;
    grantee: string;
    privilege: string;
  }[];
  tables: {
    schema: string;
    name: string;
    kind: string;
    comment: string | null;
    columns: { name: string; type: string }[];
  }[];
}

/** @public */
export interface PostgresWarehouseAdapterOptions {
  connection: PostgresConnection;
  dialect: PostgresDialect;
}

/** @public */
export class PostgresWarehouseAdapter implements WarehouseAdapter {
  readonly dialect: PostgresDialect;
  readonly capabilities: WarehouseCapabilities;
  readonly connection: PostgresConnection;
  private readonly stats: PostgresTableStatsReader;

  constructor(options: PostgresWarehouseAdapterOptions) {
    this.dialect = options.dialect;
    this.connection = options.connection;
    this.stats = new PostgresTableStatsReader(this.connection, this.dialect);
    this.capabilities = {
      compute: false,
      databases:
        options.dialect.layout === 'database' ? 'native' : 'schema-prefix',
      futureGrants: 'per-creator-role',
      zeroCopyClone: false,
      lastAltered: 'load-timestamp-column',
      // no column masking in the server: masked views (see the node package)
      masking: 'masked-views',
    };
  }

  async introspect(scope: IntrospectionScope): Promise<ActualState> {
    const before = this.connection.queryCount;
    const native = this.dialect.layout === 'database';
    const [cluster] = await this.connection.query<{ state: ClusterRow }>(
      CLUSTER_QUERY,
      [
        scope.roles,
        scope.parentRole ?? null,
        native ? scope.databases : [],
        scope.membersOf ?? [],
        scope.roleMarkerPrefixes ?? [],
      ],
    );
    const state: ActualState = {
      computes: [],
      databases: [],
      schemas: [],
      roles: cluster.state.roles.map(r => ({
        name: r.name,
        comment: r.comment ?? undefined,
      })),
      memberships: cluster.state.memberships,
      grants: [],
      queries: 0,
    };
    const existingDatabases = new Set(cluster.state.databases.map(d => d.name));
    for (const d of cluster.state.databases) {
      state.databases.push({ name: d.name });
      for (const g of d.grants) {
        const privilege = DATABASE_PRIVILEGE_NAMES[g.privilege];
        if (privilege) {
          state.grants.push({
            target: { type: 'database', name: d.name },
            privilege,
            grantee: g.grantee,
          });
        }
      }
    }

    // group the scope's schemas by the PostgreSQL database that holds them
    const byDatabase = new Map<string | undefined, Map<string, SchemaRef>>();
    const columnSchemas = new Set(
      (scope.columns ?? []).map(ref => this.dialect.qualifiedSchema(ref)),
    );
    for (const ref of scope.schemas) {
      const physicalDb = this.dialect.physicalDatabase(ref.database);
      if (native && !existingDatabases.has(ref.database)) continue;
      const key = physicalDb;
      if (!byDatabase.has(key)) byDatabase.set(key, new Map());
      byDatabase.get(key)!.set(this.dialect.physicalSchema(ref), ref);
    }
    for (const [database, schemas] of byDatabase) {
      const [row] = await this.connection.query<{ state: DatabaseRow }>(
        DATABASE_QUERY,
        [
          [...schemas.keys()],
          [...schemas.entries()]
            .filter(([, ref]) =>
              columnSchemas.has(this.dialect.qualifiedSchema(ref)),
            )
            .map(([physical]) => physical),
        ],
        database,
      );
      if (scope.columns) state.tables ??= [];
      this.collectDatabase(row.state, schemas, state);
    }
    state.queries = this.connection.queryCount - before;
    return state;
  }

  private collectDatabase(
    row: DatabaseRow,
    schemas: Map<string, SchemaRef>,
    state: ActualState,
  ) {
    const privilege = (p: string) => PRIVILEGE_NAMES[p];
    const tableCounts = new Map<string, number>();
    for (const s of row.schemas) {
      const ref = schemas.get(s.name)!;
      tableCounts.set(s.name, Number(s.tables));
      const obj: SchemaObject = {
        ...ref,
        owner: s.owner,
        comment: s.comment ?? undefined,
        tableCount: Number(s.tables),
      };
      state.schemas.push(obj);
      for (const g of s.grants) {
        const p = privilege(g.privilege);
        if (p)
          state.grants.push({
            target: { type: 'schema', ...ref },
            privilege: p,
            grantee: g.grantee,
          });
      }
    }
    // tables: holding = explicit grants + tables owned (ownership implies every privilege)
    const held = new Map<
      string,
      {
        schema: string;
        grantee: string;
        privilege: Privilege;
        explicit: number;
        owned: number;
      }
    >();
    const entry = (schema: string, grantee: string, p: Privilege) => {
      const k = `${schema}|${grantee}|${p}`;
      let e = held.get(k);
      if (!e) {
        e = { schema, grantee, privilege: p, explicit: 0, owned: 0 };
        held.set(k, e);
      }
      return e;
    };
    for (const g of row.tableGrants) {
      const p = privilege(g.privilege);
      if (p && TABLE_PRIVILEGES.includes(p))
        entry(g.schema, g.grantee, p).explicit += Number(g.n);
    }
    for (const o of row.tableOwners) {
      for (const p of TABLE_PRIVILEGES)
        entry(o.schema, o.owner, p).owned += Number(o.n);
    }
    for (const e of held.values()) {
      const ref = schemas.get(e.schema);
      if (!ref) continue;
      const total = tableCounts.get(e.schema) ?? 0;
      const all = e.explicit + e.owned >= total;
      if (!all && e.explicit === 0) continue; // owns some tables only: neither a grant nor drift
      const grant: PrivilegeGrant = {
        target: { type: 'tables', ...ref },
        privilege: e.privilege,
        grantee: e.grantee,
      };
      if (!all) grant.partial = true;
      else if (e.explicit === 0) grant.implicit = true;
      state.grants.push(grant);
    }
    for (const t of row.tables) {
      state.tables!.push({
        ...schemas.get(t.schema)!,
        name: t.name,
        kind: t.kind === 'v' || t.kind === 'm' ? 'view' : 'table',
        comment: t.comment ?? undefined,
        columns: t.columns,
      });
    }
    for (const g of row.defaultGrants) {
      const ref = schemas.get(g.schema);
      const p = privilege(g.privilege);
      if (ref && p) {
        state.grants.push({
          target: { type: 'future-tables', ...ref, creator: g.creator },
          privilege: p,
          grantee: g.grantee,
        });
      }
    }
  }

  async execute(statements: Statement[]): Promise<void> {
    for (const s of statements) {
      await this.connection.query(s.sql, [], s.database);
    }
  }

  /**
   * One statement per database: catalog, change fingerprints from the
   * cumulative statistics, and an exact `count(*)` / `max(<loaded_at>)` only
   * for tables that changed since the cached answer (see `stats.ts` for why
   * `n_live_tup` is not used as the count). PostgreSQL keeps no last-modified
   * time, so `lastAltered` is the newest load timestamp, absent for tables
   * without that column. A database that does not exist (`database` layout)
   * is learnt from the failed connection: every table `exists: false`.
   */
  tableStats(
    database: string,
    tables: TableRef[],
    options: TableStatsOptions = {},
  ): Promise<TableStats[]> {
    return this.stats.read(database, tables, options);
  }

  /** Table-level scan counters, one statement per database (see `usage.ts` for why not per role). */
  readUsage(
    database: string,
    tables: TableRef[],
    // the counters are cumulative: no window to apply
    _options?: UsageOptions,
  ): Promise<UsageReading> {
    return readPostgresUsage(this.connection, this.dialect, database, tables);
  }

  /** Counts for data-quality checks, one statement per database and chunk (see data-mesh-node quality.ts). */
  measureQuality(
    database: string,
    tables: QualityTableRequest[],
  ): Promise<QualityTableReading[]> {
    const db = this.dialect.physicalDatabase(database);
    if (db !== undefined) quotePgIdentifier(db);
    return measureQuality({
      dialect: this.dialect,
      spelling: POSTGRES_QUALITY_SPELLING,
      database,
      tables,
      run: sql => this.connection.query(sql, [], db),
    });
  }

  runQualityQuery(
    database: string,
    sql: string,
  ): Promise<Record<string, unknown>[]> {
    const db = this.dialect.physicalDatabase(database);
    if (db !== undefined) quotePgIdentifier(db);
    return this.connection.queryReadOnly(sql, db, QUALITY_QUERY_TIMEOUT_MS);
  }

  /**
   * PostgreSQL has no zero-copy clone. The honest equivalent for a schema is
   * a copy: each table re-created with `LIKE … INCLUDING ALL` and filled with
   * `INSERT … SELECT`, in the same database (a session cannot read another
   * database). A whole database can be copied with
   * `CREATE DATABASE … TEMPLATE …`, but only while nobody is connected to
   * the template, which a live warehouse cannot promise.
   */
  async sandboxClone(
    requests: SandboxCloneRequest[],
  ): Promise<SandboxCloneResult> {
    const result: SandboxCloneResult = {
      method: 'copy',
      schemas: [],
      notes: [
        `${this.dialect.displayName} has no zero-copy clone: tables are copied (structure with LIKE … INCLUDING ALL, then rows); views are not copied`,
      ],
    };
    for (const r of requests) {
      if (
        r.source.database !== r.target.database &&
        this.dialect.layout === 'database'
      ) {
        throw new WarehouseError(
          `cannot clone ${r.source.database}.${r.source.schema} into database ${r.target.database}: PostgreSQL copies only within one database`,
        );
      }
      const tables = await copySchema(this.connection, this.dialect, r);
      result.schemas.push({ target: r.target, tables });
    }
    return result;
  }

  async schemasMarked(
    database: string,
    commentPrefix: string,
  ): Promise<MarkedSchema[]> {
    quotePgIdentifier(database);
    const db = this.dialect.physicalDatabase(database);
    // schema-prefix layout: the logical database is the schema name's prefix
    const prefix =
      db === undefined ? `${database}${SCHEMA_PREFIX_SEPARATOR}` : '';
    try {
      const rows = await this.connection.query<{
        nspname: string;
        comment: string;
      }>(
        `select n.nspname, c.comment
         from pg_namespace n
         cross join lateral (select obj_description(n.oid, 'pg_namespace') as comment) c
         where starts_with(c.comment, $1) and starts_with(n.nspname, $2)
         order by n.nspname`,
        [commentPrefix, prefix],
        db,
      );
      return rows
        .filter(r => r.nspname.length > prefix.length)
        .map(r => ({
          database,
          schema: r.nspname.slice(prefix.length),
          comment: r.comment,
        }));
    } catch (e) {
      // a missing database is only learnt by failing to connect to it
      if (e instanceof WarehouseError && e.code === INVALID_CATALOG_NAME)
        return [];
      throw e;
    }
  }

  /** Roles whose comment starts with `commentPrefix`, in one query (roles are the cluster's). */
  async rolesMarked(commentPrefix: string): Promise<MarkedRole[]> {
    const rows = await this.connection.query<{ name: string; comment: string }>(
      `select rolname as name, shobj_description(oid, 'pg_authid') as comment
       from pg_roles
       where starts_with(shobj_description(oid, 'pg_authid'), $1)
       order by 1`,
      [commentPrefix],
    );
    return rows;
  }

  /**
   * The databases the platform made: with a database per domain, those
   * whose comment says so; with schema prefixes, the prefixes of the
   * schemas it marked. One query either way.
   */
  async platformDatabases(): Promise<string[]> {
    if (this.dialect.layout === 'database') {
      const rows = await this.connection.query<{ datname: string }>(
        `select datname from pg_database
         where starts_with(shobj_description(oid, 'pg_database'), $1)
         order by 1`,
        [PLATFORM_DATABASE_COMMENT],
      );
      return rows.map(r => r.datname);
    }
    const rows = await this.connection.query<{ database: string }>(
      `select distinct split_part(n.nspname, $2, 1) as database
       from pg_namespace n
       where starts_with(obj_description(n.oid, 'pg_namespace'), $1)
         and strpos(n.nspname, $2) > 1
       order by 1`,
      [managedByMarker(''), SCHEMA_PREFIX_SEPARATOR],
    );
    return rows.map(r => r.database);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
