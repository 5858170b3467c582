/*
 * Introspection: the SQL that reads the actual state of a scope, and the
 * pure function that turns the rows Snowflake returns into the engine's
 * ActualState.
 *
 * Query budget (what `ActualState.queries` reports), for a scope of C
 * computes, D databases and S existing schemas:
 *
 *   SHOW WAREHOUSES, SHOW DATABASES, SHOW ROLES              3
 *   <db>.INFORMATION_SCHEMA.APPLICABLE_ROLES (memberships)   1
 *     (or, while no scope database exists, SHOW GRANTS OF ROLE
 *      per existing scope role)
 *   SHOW GRANTS ON WAREHOUSE                                 C
 *   SHOW SCHEMAS IN DATABASE                                 D
 *   <db>.INFORMATION_SCHEMA.OBJECT_PRIVILEGES                1
 *     (account-wide: every grant on every database, schema, table and
 *      view, any grantee, OWNERSHIP included — one query instead of SHOW
 *      GRANTS per object, whatever the number of databases)
 *   SHOW FUTURE GRANTS IN SCHEMA                             S
 *   SHOW GRANTS OF ROLE per `membersOf` role (access drift:    M
 *     who holds a product's roles, also outside the hierarchy
 *     APPLICABLE_ROLES sees; asked for products' roles, so M
 *     grows with products, never with grants)
 *
 * The last line is the only one that grows with the number of products:
 * Snowflake lists schema-level future grants only per schema (or per role);
 * SHOW FUTURE GRANTS IN DATABASE shows database-level ones only, and no
 * INFORMATION_SCHEMA or ACCOUNT_USAGE view carries them.
 */
import type {
  ActualState,
  ComputeObject,
  IntrospectionScope,
  Privilege,
  PrivilegeGrant,
  PrivilegeTarget,
  RoleMembership,
  SchemaObject,
} from '@datamesh/plugin-data-mesh-node';
import {
  logicalName,
  physicalName,
  qualifiedSchemaName,
  quoteName,
} from './dialect';

/** One result row as the driver returns it (column name → value). @public */
export type Row = Record<string, unknown>;

/** @public */
export const introspectionSql = {
  warehouses: () => 'SHOW WAREHOUSES',
  databases: () => 'SHOW DATABASES',
  roles: () => 'SHOW ROLES',
  warehouseGrants: (compute: string) =>
    `SHOW GRANTS ON WAREHOUSE ${quoteName(compute)}`,
  schemas: (database: string) =>
    `SHOW SCHEMAS IN DATABASE ${quoteName(database)}`,
  /**
   * OBJECT_PRIVILEGES "displays a row for each access privilege granted for
   * all objects defined in your account" (Snowflake's documentation), unlike
   * TABLES: asked through any one database, it lists every database's
   * grants, so one query serves the whole scope and the rows are matched to
   * databases by OBJECT_CATALOG. GRANTED_TO (behaviour bundle 2024_07:
   * ROLE, APPLICATION, APPLICATION ROLE) tells account roles from grantees
   * a `… FROM ROLE` revoke cannot name.
   */
  objectPrivileges: (database: string) =>
    `SELECT GRANTEE, GRANTED_TO, OBJECT_CATALOG, OBJECT_SCHEMA, OBJECT_NAME, OBJECT_TYPE, PRIVILEGE_TYPE FROM ${quoteName(
      database,
    )}.INFORMATION_SCHEMA.OBJECT_PRIVILEGES WHERE OBJECT_TYPE IN ('DATABASE', 'SCHEMA', 'TABLE', 'VIEW')`,
  futureGrants: (database: string, schema: string) =>
    `SHOW FUTURE GRANTS IN SCHEMA ${qualifiedSchemaName({ database, schema })}`,
  /** Role memberships in the connected user's hierarchy, through a scope database's INFORMATION_SCHEMA. */
  applicableRoles: (database: string) =>
    `SELECT GRANTEE, ROLE_NAME FROM ${quoteName(
      database,
    )}.INFORMATION_SCHEMA.APPLICABLE_ROLES`,
  /**
   * Who holds a role (`role`, `granted_to`, `grantee_name` per grant): the
   * way to read memberships while no scope database exists yet. Not the
   * SNOWFLAKE database's INFORMATION_SCHEMA, which "doesn't serve a purpose
   * and can be disregarded" and which only ACCOUNTADMIN sees by default.
   */
  grantsOfRole: (role: string) => `SHOW GRANTS OF ROLE ${quoteName(role)}`,
};

/** The rows of every introspection query, keyed by physical names. @public */
export interface IntrospectionRows {
  warehouses: Row[];
  databases: Row[];
  roles: Row[];
  /** Role memberships as APPLICABLE_ROLES names them: `GRANTEE` holds `ROLE_NAME` (`GRANTEE_TYPE` `USER` for a user, from SHOW GRANTS OF ROLE). */
  roleMemberships: Row[];
  /** Physical warehouse name → SHOW GRANTS ON WAREHOUSE rows. */
  warehouseGrants: Map<string, Row[]>;
  /** Physical database name → SHOW SCHEMAS rows. */
  schemas: Map<string, Row[]>;
  /** OBJECT_PRIVILEGES rows: account-wide, every database's. */
  objectPrivileges: Row[];
  /** `DB.SCHEMA` (physical) → SHOW FUTURE GRANTS IN SCHEMA rows. */
  futureGrants: Map<string, Row[]>;
}

const str = (v: unknown): string =>
  v === null || v === undefined ? '' : String(v);

const DISPLAY_SIZES: Record<string, string> = {
  'X-SMALL': 'XSMALL',
  'X-LARGE': 'XLARGE',
  '2X-LARGE': 'XXLARGE',
  '3X-LARGE': 'XXXLARGE',
  '4X-LARGE': 'X4LARGE',
  '5X-LARGE': 'X5LARGE',
  '6X-LARGE': 'X6LARGE',
};

/** `X-Small` (SHOW WAREHOUSES) → `XSMALL` (what CREATE WAREHOUSE takes). @public */
export function warehouseSizeFromDisplay(display: string): string {
  const upper = display.toUpperCase();
  return DISPLAY_SIZES[upper] ?? upper;
}

const TABLE_PRIVILEGES: Privilege[] = [
  'select',
  'insert',
  'update',
  'delete',
  'truncate',
];

/**
 * How Snowflake privileges read back as neutral ones. `all` lists the
 * Snowflake privileges that together make the neutral one: a role the
 * scope manages must hold all of them (else the grant is missing and the
 * plan re-grants it), while any one of them held by another role is drift
 * (and a revoke of the whole set removes it).
 */
const OBJECT_PRIVILEGE_MAP: Record<
  'compute' | 'database' | 'schema',
  { neutral: Privilege; all: string[] }[]
> = {
  compute: [{ neutral: 'usage', all: ['USAGE'] }],
  database: [
    { neutral: 'usage', all: ['USAGE'] },
    { neutral: 'create', all: ['CREATE SCHEMA'] },
  ],
  schema: [
    { neutral: 'usage', all: ['USAGE'] },
    { neutral: 'create', all: ['CREATE TABLE', 'CREATE VIEW'] },
  ],
};

/** Result of {@link buildActualState}. @public */
export interface BuiltActualState {
  state: Omit<ActualState, 'queries'>;
  /** Grantees or members whose physical names the engine cannot name (mixed case, special characters); left out of the state. */
  unrepresentable: string[];
}

/**
 * Assemble the ActualState of a scope from the introspection rows, following
 * the rules on `ActualState`: only scope objects; every explicit grant on the
 * scope's computes, databases, schemas and tables (owners' implicit
 * privileges aside), whoever the grantee; `tables` privileges only when held
 * on every table (`implicit` when only through ownership, `partial` when
 * explicitly on some); memberships between scope roles or to the parent role.
 * @public
 */
export function buildActualState(
  scope: IntrospectionScope,
  rows: IntrospectionRows,
): BuiltActualState {
  const aliases = new Map<string, string>();
  const alias = (logical: string) =>
    aliases.set(physicalName(logical), logical);
  scope.computes.forEach(alias);
  scope.databases.forEach(alias);
  scope.roles.forEach(alias);
  scope.schemas.forEach(s => {
    alias(s.database);
    alias(s.schema);
  });
  if (scope.parentRole) alias(scope.parentRole);
  const unrepresentable = new Set<string>();
  const toLogical = (physical: unknown): string | undefined => {
    const p = str(physical);
    const l = aliases.get(p) ?? logicalName(p);
    if (l === undefined && p) unrepresentable.add(p);
    return l;
  };

  const scopeComputes = new Set(scope.computes.map(physicalName));
  const scopeDatabases = new Set(
    [...scope.databases, ...scope.schemas.map(s => s.database)].map(
      physicalName,
    ),
  );
  const listedDatabases = new Set(scope.databases.map(physicalName));
  const scopeSchemas = new Set(
    scope.schemas.map(
      s => `${physicalName(s.database)}.${physicalName(s.schema)}`,
    ),
  );
  const scopeRoles = new Set(scope.roles.map(physicalName));
  const managedRoles = new Set(scope.roles);

  const computes: ComputeObject[] = rows.warehouses
    .filter(r => scopeComputes.has(str(r.name)))
    .map(r => ({
      name: toLogical(r.name)!,
      size: r.size ? warehouseSizeFromDisplay(str(r.size)) : undefined,
      autoSuspendSeconds:
        typeof r.auto_suspend === 'number' ? r.auto_suspend : undefined,
      comment: str(r.comment) || undefined,
    }));
  const existingDatabases = new Set(
    rows.databases.map(r => str(r.name)).filter(n => scopeDatabases.has(n)),
  );
  const databases = [...existingDatabases]
    .filter(n => listedDatabases.has(n))
    .map(n => {
      const row = rows.databases.find(r => str(r.name) === n)!;
      return { name: toLogical(n)!, comment: str(row.comment) || undefined };
    });
  // access drift: roles found by their marker, and roles whose every member is listed
  const markers = scope.roleMarkerPrefixes ?? [];
  const marked = (r: Row) => markers.some(p => str(r.comment).startsWith(p));
  const openRoles = new Set([
    ...(scope.membersOf ?? []).map(physicalName),
    ...rows.roles.filter(marked).map(r => str(r.name)),
  ]);
  const roles = rows.roles
    .filter(
      r =>
        scopeRoles.has(str(r.name)) ||
        (marked(r) && toLogical(r.name) !== undefined),
    )
    .map(r => ({
      name: toLogical(r.name)!,
      comment: str(r.comment) || undefined,
    }));

  const grants: PrivilegeGrant[] = [];
  const seenGrants = new Set<string>();
  const addGrant = (g: PrivilegeGrant) => {
    const k = JSON.stringify([
      g.target,
      g.privilege,
      g.grantee,
      g.partial ?? false,
      g.implicit ?? false,
    ]);
    if (!seenGrants.has(k)) {
      seenGrants.add(k);
      grants.push(g);
    }
  };

  /** Reads grantee → set of Snowflake privileges held, as neutral privileges. */
  const readObjectGrants = (
    kind: 'compute' | 'database' | 'schema',
    target: PrivilegeTarget,
    held: Map<string, Set<string>>,
  ) => {
    for (const [grantee, privileges] of held) {
      const logical = toLogical(grantee);
      if (!logical) continue;
      for (const { neutral, all } of OBJECT_PRIVILEGE_MAP[kind]) {
        const count = all.filter(p => privileges.has(p)).length;
        const present = managedRoles.has(logical)
          ? count === all.length
          : count > 0;
        if (present) addGrant({ target, privilege: neutral, grantee: logical });
      }
    }
  };
  const collect = () => new Map<string, Set<string>>();
  const hold = (
    m: Map<string, Set<string>>,
    grantee: string,
    privilege: string,
  ) => {
    if (!m.has(grantee)) m.set(grantee, new Set());
    m.get(grantee)!.add(privilege);
  };

  for (const c of computes) {
    const held = collect();
    for (const r of rows.warehouseGrants.get(physicalName(c.name)) ?? []) {
      if (str(r.granted_to) !== 'ROLE' || str(r.privilege) === 'OWNERSHIP')
        continue;
      hold(held, str(r.grantee_name), str(r.privilege));
    }
    readObjectGrants('compute', { type: 'compute', name: c.name }, held);
  }

  const schemas: SchemaObject[] = [];
  for (const db of existingDatabases) {
    const dbLogical = toLogical(db)!;
    // The view is account-wide: keep this database's rows, granted to account roles.
    const privileges = rows.objectPrivileges.filter(
      r =>
        str(r.GRANTED_TO) === 'ROLE' &&
        (str(r.OBJECT_TYPE) === 'DATABASE'
          ? str(r.OBJECT_NAME || r.OBJECT_CATALOG) === db
          : str(r.OBJECT_CATALOG) === db),
    );
    // database-level grants
    const dbHeld = collect();
    for (const r of privileges) {
      if (
        str(r.OBJECT_TYPE) !== 'DATABASE' ||
        str(r.PRIVILEGE_TYPE) === 'OWNERSHIP'
      )
        continue;
      hold(dbHeld, str(r.GRANTEE), str(r.PRIVILEGE_TYPE));
    }
    if (listedDatabases.has(db))
      readObjectGrants(
        'database',
        { type: 'database', name: dbLogical },
        dbHeld,
      );

    for (const s of rows.schemas.get(db) ?? []) {
      const schemaPhysical = str(s.name);
      if (!scopeSchemas.has(`${db}.${schemaPhysical}`)) continue;
      const schemaLogical = toLogical(schemaPhysical)!;
      const ref = { database: dbLogical, schema: schemaLogical };
      // A schema row names the schema in OBJECT_SCHEMA or OBJECT_NAME; accept either.
      const inSchema = privileges.filter(r =>
        str(r.OBJECT_TYPE) === 'SCHEMA'
          ? str(r.OBJECT_SCHEMA || r.OBJECT_NAME) === schemaPhysical
          : str(r.OBJECT_SCHEMA) === schemaPhysical,
      );
      const schemaHeld = collect();
      for (const r of inSchema) {
        if (
          str(r.OBJECT_TYPE) !== 'SCHEMA' ||
          str(r.PRIVILEGE_TYPE) === 'OWNERSHIP'
        )
          continue;
        hold(schemaHeld, str(r.GRANTEE), str(r.PRIVILEGE_TYPE));
      }
      readObjectGrants('schema', { type: 'schema', ...ref }, schemaHeld);

      // tables and views: owner and explicit grants per object
      const objects = new Map<
        string,
        { view: boolean; owner?: string; explicit: Map<string, Set<string>> }
      >();
      for (const r of inSchema) {
        const type = str(r.OBJECT_TYPE);
        if (type !== 'TABLE' && type !== 'VIEW') continue;
        const key = `${type}:${str(r.OBJECT_NAME)}`;
        if (!objects.has(key))
          objects.set(key, { view: type === 'VIEW', explicit: new Map() });
        const o = objects.get(key)!;
        if (str(r.PRIVILEGE_TYPE) === 'OWNERSHIP') o.owner = str(r.GRANTEE);
        else hold(o.explicit, str(r.GRANTEE), str(r.PRIVILEGE_TYPE));
      }
      const grantees = new Set<string>();
      for (const o of objects.values()) {
        if (o.owner) grantees.add(o.owner);
        o.explicit.forEach((_, g) => grantees.add(g));
      }
      for (const grantee of grantees) {
        const logical = toLogical(grantee);
        if (!logical) continue;
        for (const privilege of TABLE_PRIVILEGES) {
          const sp = privilege.toUpperCase();
          // SELECT applies to tables and views; the write privileges to tables only.
          const relevant = [...objects.values()].filter(
            o => !o.view || privilege === 'select',
          );
          if (relevant.length === 0) continue;
          const explicitOn = relevant.filter(o =>
            o.explicit.get(grantee)?.has(sp),
          );
          const holdsAll = relevant.every(
            o => o.owner === grantee || o.explicit.get(grantee)?.has(sp),
          );
          const target: PrivilegeTarget = { type: 'tables', ...ref };
          if (holdsAll) {
            addGrant({
              target,
              privilege,
              grantee: logical,
              ...(explicitOn.length === 0 ? { implicit: true } : {}),
            });
          } else if (explicitOn.length > 0) {
            addGrant({ target, privilege, grantee: logical, partial: true });
          }
        }
      }

      // future grants: tables, and views for SELECT
      const future = new Map<
        string,
        { TABLE: Set<string>; VIEW: Set<string> }
      >();
      for (const r of rows.futureGrants.get(`${db}.${schemaPhysical}`) ?? []) {
        if (str(r.grant_to) !== 'ROLE') continue;
        const on = str(r.grant_on);
        if (on !== 'TABLE' && on !== 'VIEW') continue;
        const grantee = str(r.grantee_name);
        if (!future.has(grantee))
          future.set(grantee, { TABLE: new Set(), VIEW: new Set() });
        future.get(grantee)![on].add(str(r.privilege));
      }
      for (const [grantee, held] of future) {
        const logical = toLogical(grantee);
        if (!logical) continue;
        for (const privilege of TABLE_PRIVILEGES) {
          const sp = privilege.toUpperCase();
          const onTables = held.TABLE.has(sp);
          const onViews = held.VIEW.has(sp);
          let present = onTables;
          if (privilege === 'select') {
            present = managedRoles.has(logical)
              ? onTables && onViews
              : onTables || onViews;
          }
          if (present)
            addGrant({
              target: { type: 'future-tables', ...ref },
              privilege,
              grantee: logical,
            });
        }
      }

      schemas.push({
        ...ref,
        owner: toLogical(s.owner),
        comment: str(s.comment) || undefined,
        tableCount: objects.size,
      });
    }
  }

  const memberships: RoleMembership[] = [];
  const seenMembers = new Set<string>();
  const parentPhysical = scope.parentRole
    ? physicalName(scope.parentRole)
    : undefined;
  for (const r of rows.roleMemberships) {
    const role = str(r.ROLE_NAME);
    const member = str(r.GRANTEE);
    const user = str(r.GRANTEE_TYPE) === 'USER';
    if (openRoles.has(role)) {
      if (toLogical(role) === undefined || toLogical(member) === undefined)
        continue;
    } else {
      // users are listed for the open roles (access drift) only
      if (user || !scopeRoles.has(role)) continue;
      if (!scopeRoles.has(member) && member !== parentPhysical) continue;
    }
    const m: RoleMembership = {
      role: toLogical(role)!,
      member: toLogical(member)!,
      ...(user ? { memberKind: 'user' as const } : {}),
    };
    const k = `${m.role}|${user ? 'user' : 'role'}:${m.member}`;
    if (!seenMembers.has(k)) {
      seenMembers.add(k);
      memberships.push(m);
    }
  }

  return {
    state: { computes, databases, schemas, roles, memberships, grants },
    unrepresentable: [...unrepresentable],
  };
}
