/*
 * The dialect-neutral vocabulary of provisioning.
 *
 * Desired state (computed from DataProduct entities), actual state (what an
 * adapter finds in the warehouse) and the plan between them are all written
 * in these types, so the planner is shared by every warehouse and only the
 * SQL spelling (WarehouseDialect) and the connection (WarehouseAdapter)
 * differ. Names in these types are logical: the adapter decides how a
 * (database, schema) pair is laid out physically (PGlite, for example, hosts
 * one database only and maps the database level to a schema prefix).
 */

import type { QualityTableReading, QualityTableRequest } from './quality';
import type {
  ActualMaskingPolicy,
  ActualTable,
  MaskedColumn,
  MaskedView,
  MaskingPolicy,
  MaskingStyle,
} from './masking';
import type { UsageOptions, UsageReading } from './usage';

/** The three roles every product gets (a product with PII columns also gets a PII consumer role, see masking.ts). @public */
export const PRODUCT_ROLE_KINDS = ['consumer', 'service', 'owner'] as const;
/**
 * `consumer` reads the output layer only; `service` reads and writes all the
 * product's data; `owner` is service plus ownership of the product's schemas.
 * @public
 */
export type ProductRoleKind = (typeof PRODUCT_ROLE_KINDS)[number];

/** The layers (schemas) of a product, after the information architecture seed. @public */
export const PRODUCT_LAYERS = ['raw', 'intermediate', 'output'] as const;
/** `raw` and `intermediate` are private to the product; `output` is org-public. @public */
export type ProductLayer = (typeof PRODUCT_LAYERS)[number];

/** Privileges in neutral terms; each dialect spells them (PostgreSQL `CONNECT` for database usage). @public */
export const PRIVILEGES = [
  'usage',
  'create',
  'select',
  'insert',
  'update',
  'delete',
  'truncate',
] as const;
/** @public */
export type Privilege = (typeof PRIVILEGES)[number];

/** Grantee meaning "every role" (PostgreSQL `PUBLIC`). Never produced by the desired state; only found in actual state and then revoked. @public */
export const PUBLIC_GRANTEE = 'PUBLIC';

/** @public */
export interface SchemaRef {
  database: string;
  schema: string;
}

/** Compute per domain (a Snowflake warehouse). @public */
export interface ComputeObject {
  name: string;
  /** Warehouse size, e.g. `XSMALL` (Snowflake). */
  size?: string;
  autoSuspendSeconds?: number;
  comment?: string;
}

/** A database per organisation-domain-stage. @public */
export interface DatabaseObject {
  name: string;
  comment?: string;
}

/** @public */
export interface SchemaObject extends SchemaRef {
  /** Owning role. */
  owner?: string;
  /**
   * A marker `datamesh:<entity ref>[:<layer>]` naming the product the schema belongs to,
   * written as the object's comment so that a name collision with another
   * product (or a hand-made object) is detected instead of silently adopted.
   */
  comment?: string;
  /** Actual state only: number of tables (and views) in the schema, when the adapter knows it. With 0, `tables` grants hold vacuously. */
  tableCount?: number;
}

/** @public */
export interface RoleObject {
  name: string;
  /** Same marker as {@link SchemaObject.comment}. */
  comment?: string;
}

/** `member` is granted `role`, i.e. `member` inherits the privileges of `role`. @public */
export interface RoleMembership {
  role: string;
  member: string;
  /**
   * `user`: the member is a user, not a role (Snowflake grants roles to
   * users; a role granted to a user by hand is access drift too). Absent:
   * a role (PostgreSQL users are roles).
   */
  memberKind?: 'user';
}

/**
 * What a privilege is on.
 * - `tables`: every table (and view) that exists in the schema *now*;
 * - `future-tables`: tables created later (Snowflake `ON FUTURE TABLES`,
 *   PostgreSQL `ALTER DEFAULT PRIVILEGES FOR ROLE <creator>`). `creator` is
 *   only meaningful for warehouses whose future grants are per creating role
 *   (see {@link WarehouseCapabilities.futureGrants}); the planner drops it
 *   for the others.
 * @public
 */
export type PrivilegeTarget =
  | { type: 'compute'; name: string }
  | { type: 'database'; name: string }
  | { type: 'schema'; database: string; schema: string }
  | { type: 'tables'; database: string; schema: string }
  | {
      type: 'future-tables';
      database: string;
      schema: string;
      creator?: string;
    };

/** One privilege, on one target, for one grantee (the atom the diff works on). @public */
export interface PrivilegeGrant {
  target: PrivilegeTarget;
  privilege: Privilege;
  grantee: string;
  /**
   * Actual state, `tables` targets only: the grantee holds the privilege
   * explicitly on some tables of the schema but not on all of them. The
   * desired grant is then still missing, and (for a stranger) it is drift.
   */
  partial?: boolean;
  /**
   * Actual state, `tables` targets only: the grantee holds the privilege on
   * every table only because it owns them. It satisfies a desired grant but
   * is never revoked (ownership is not a grant).
   */
  implicit?: boolean;
}

/** The objects and grants of a warehouse, as desired or as found. @public */
export interface WarehouseState {
  computes: ComputeObject[];
  databases: DatabaseObject[];
  schemas: SchemaObject[];
  roles: RoleObject[];
  memberships: RoleMembership[];
  grants: PrivilegeGrant[];
}

/** What the platform provisions for one product, in the model's terms (spec.infrastructure). @public */
export interface ProvisionedProduct {
  /** Entity ref of the product, e.g. `dataproduct:default/orders`. */
  entityRef: string;
  stage: string;
  /** Compute (warehouse) name; absent when the adapter has no compute. */
  compute: string;
  database: string;
  /** Schema per layer. */
  schemas: Record<ProductLayer, string>;
  /** The output (org-public) schema, what consumers read. */
  outputSchema: string;
  roles: Record<ProductRoleKind, string>;
  /** The PII consumer role, when the product has PII columns: what a request with `pii: true` receives. */
  piiRole?: string;
  /** Masked-views style: the schema of masked views that plain consumers read. */
  maskedSchema?: string;
}

/** Desired state: the objects plus, per product, the names that were chosen. @public */
export interface DesiredState extends WarehouseState {
  products: ProvisionedProduct[];
  /** PII columns to mask for everyone below their clear role (see masking.ts). */
  masks?: MaskedColumn[];
  /** How the masks are realised; decided by the adapter's capabilities. */
  masking?: MaskingStyle;
  /** Role every product owner role is granted to (Snowflake `SYSADMIN`), if any. */
  parentRole?: string;
}

/** Which objects an introspection looks at: exactly the names of a desired state. @public */
export interface IntrospectionScope {
  computes: string[];
  databases: string[];
  schemas: SchemaRef[];
  roles: string[];
  /** Extra role whose memberships with the scope's roles are managed (Snowflake `SYSADMIN`). */
  parentRole?: string;
  /** Schemas whose tables' columns (and masking policies) to list: the output and masked schemas of products with PII. */
  columns?: SchemaRef[];
  /**
   * Access drift: roles whose members are all listed — every membership
   * with one of them as `role`, whoever the member (a hand-made role given
   * a product's consumer role is found this way). The connection's own role
   * is left out as a member: PostgreSQL makes the creator of a role its
   * administrator, which is no access. A warehouse may need one query per
   * role here (Snowflake: SHOW GRANTS OF ROLE), so name products' roles,
   * not one per grant.
   */
  membersOf?: string[];
  /**
   * Access drift: comment prefixes; every role whose comment starts with one
   * is listed too, with all its members (the request roles of a product,
   * found by their marker whatever their names).
   */
  roleMarkerPrefixes?: string[];
}

/**
 * Actual state as found in the warehouse, limited to the scope. Rules every
 * adapter follows so diffs are meaningful:
 * - only objects named in the scope are listed;
 * - `grants` lists every explicit privilege on the scope's databases,
 *   schemas and computes, and the future-table grants of its schemas,
 *   whoever the grantee (a grant to a stranger is drift);
 * - for `tables`, a privilege is listed when the grantee holds it on every
 *   table of the schema (counting ownership: then `implicit` if it has no
 *   explicit grant on any of them), or explicitly on some (`partial`);
 *   `schemas[].tableCount` tells the planner when a schema has no tables;
 * - the implicit privileges of an object's owner are not listed;
 * - `memberships` lists only edges whose both ends are scope roles, or whose
 *   member is the scope's parent role — and, when asked (`membersOf`,
 *   `roleMarkerPrefixes`), every member of those roles, users included
 *   where the warehouse grants roles to users (`memberKind: 'user'`).
 * @public
 */
export interface ActualState extends WarehouseState {
  /** Queries sent to the warehouse to build this state (must not grow with the number of objects). */
  queries: number;
  /** Tables and views of `scope.columns` schemas, with their columns. */
  tables?: ActualTable[];
  /** Masking policies in `scope.columns` schemas (warehouses with masking policies). */
  maskingPolicies?: ActualMaskingPolicy[];
}

/** One SQL statement, and the (logical) database it must run in, when that matters. @public */
export interface Statement {
  sql: string;
  /** Logical database name. Adapters with one connection per database route on it; others ignore it. */
  database?: string;
}

/** @public */
export type WarehouseObjectRef =
  | { kind: 'compute'; name: string }
  | { kind: 'database'; name: string }
  | { kind: 'schema'; database: string; schema: string }
  | { kind: 'role'; name: string };

/**
 * One neutral change; the dialect turns it into statements. Grants are
 * grouped: one change carries all privileges for one (target, grantee).
 * @public
 */
export type Change =
  | { action: 'create-compute'; compute: ComputeObject }
  | { action: 'create-database'; database: DatabaseObject }
  | { action: 'create-role'; role: RoleObject }
  | { action: 'create-schema'; schema: SchemaObject }
  | { action: 'set-schema-owner'; schema: SchemaRef; owner: string }
  | {
      action: 'set-comment';
      object: WarehouseObjectRef;
      comment: string;
    }
  | { action: 'grant-role'; membership: RoleMembership }
  | {
      action: 'grant';
      target: PrivilegeTarget;
      privileges: Privilege[];
      grantee: string;
    }
  | { action: 'revoke-role'; membership: RoleMembership }
  | {
      action: 'revoke';
      target: PrivilegeTarget;
      privileges: Privilege[];
      grantee: string;
    }
  | { action: 'drop-schema'; schema: SchemaRef }
  | {
      action: 'drop-role';
      role: string;
      databases: string[];
      /**
       * What the role owns passes to the platform's role instead of being
       * dropped with it (a role dropped on its own, its schemas kept).
       */
      keepOwned?: boolean;
    }
  | { action: 'drop-database'; database: string }
  | { action: 'drop-compute'; compute: string }
  | { action: 'create-masked-view'; view: MaskedView }
  | { action: 'create-masking-policy'; policy: MaskingPolicy }
  | {
      action: 'set-masking-policy';
      table: SchemaRef & { table: string };
      column: string;
      policy: SchemaRef & { name: string };
    };

/** @public */
export type PlanStepKind = 'create' | 'alter' | 'grant' | 'revoke' | 'drop';

/** @public */
export interface PlanStep {
  kind: PlanStepKind;
  change: Change;
  /** Readable line, e.g. `+ create schema "acme_sales_dev"."orders_raw" owner "sales_orders_owner"`. */
  line: string;
  statements: Statement[];
  /** Revokes and drops: run only when explicitly allowed. */
  destructive: boolean;
}

/** A conflict stops the plan: the warehouse holds an object of the same name that is not this product's. @public */
export interface PlanConflict {
  object: WarehouseObjectRef;
  message: string;
}

/**
 * An ordered, idempotent plan. `steps` are safe (create/alter/grant),
 * `destructive` (revoke/drop) are listed apart and run only when allowed.
 * An empty plan (no steps, no destructive steps) means "in sync".
 * @public
 */
export interface Plan {
  dialect: string;
  steps: PlanStep[];
  destructive: PlanStep[];
  /** Things the plan does not do and why, e.g. "compute per domain has no PostgreSQL equivalent — skipped". */
  notes: string[];
  conflicts: PlanConflict[];
  products: ProvisionedProduct[];
}

/** @public */
export interface WarehouseCapabilities {
  /** Has compute objects (Snowflake warehouses). PostgreSQL: false. */
  compute: boolean;
  /** `native`: real databases. `schema-prefix`: one database, the database level becomes a schema-name prefix (PGlite). */
  databases: 'native' | 'schema-prefix';
  /** Future grants per schema (Snowflake) or per creating role in a schema (PostgreSQL default privileges). */
  futureGrants: 'per-schema' | 'per-creator-role';
  /** Sandbox clones are zero-copy (Snowflake CLONE) rather than a full copy. */
  zeroCopyClone: boolean;
  /**
   * Where `tableStats().lastAltered` comes from: the warehouse's own record
   * of the last change (Snowflake `LAST_ALTERED`), or the newest value of the
   * load-timestamp metadata column (PostgreSQL keeps no such record).
   */
  lastAltered: 'warehouse' | 'load-timestamp-column';
  /** How PII columns are masked for plain consumers; default `masked-views`. */
  masking?: MaskingStyle;
}

/**
 * The SQL spelling of a warehouse. Pure functions only: no I/O, so the
 * statements of a plan can be shown, reviewed and tested without a server.
 * Every name that reaches SQL goes through {@link WarehouseDialect.quoteIdentifier},
 * which throws for anything that is not a plain identifier.
 * @public
 */
export interface WarehouseDialect {
  /** e.g. `postgresql`, `pglite`, `snowflake`. */
  readonly id: string;
  /** For notes: `PostgreSQL`, `PGlite`, `Snowflake`. */
  readonly displayName: string;
  /** Longest identifier, e.g. 63 for PostgreSQL. */
  readonly maxIdentifierLength: number;
  /** Quote one identifier; throws `InvalidIdentifierError` for anything not matching {@link SAFE_IDENTIFIER}. */
  quoteIdentifier(name: string): string;
  /** The quoted, physical name of a schema, e.g. `"orders_raw"` or `"acme_sales_dev__orders_raw"` or `"DB"."SCHEMA"`. */
  qualifiedSchema(ref: SchemaRef): string;
  /** The quoted, physical name of a table, for queries by tests, SLO checks and tools. */
  qualifiedTable(ref: SchemaRef, table: string): string;
  /** The statements for one change, in order. */
  statements(change: Change): Statement[];
  /**
   * How a person's SQL client reads as `role`: the database to connect to
   * where the warehouse keeps logical databases apart (PostgreSQL's
   * database layout), and the statements that take the role (and the
   * compute, where there is one) before a query.
   */
  readerSession(options: {
    role: string;
    database: string;
    compute?: string;
  }): {
    database?: string;
    statements: string[];
  };
  /**
   * Masking-policies style: the policy a column of this warehouse type
   * needs (`family` names it, e.g. `string`), or undefined when the type
   * cannot be masked.
   */
  maskingPolicyType?(
    columnType: string,
  ): { family: string; type: string; mask: string } | undefined;
  /** Notes the plan must carry for this dialect given the desired state (e.g. the database-to-schema-prefix mapping). */
  notes?(desired: DesiredState): string[];
}

/** @public */
export interface TableRef {
  schema: string;
  table: string;
}

/** @public */
export interface TableStats extends TableRef {
  exists: boolean;
  rowCount?: number;
  /** ISO timestamp of the last change, when the warehouse knows it (PostgreSQL: max of the load-timestamp column). */
  lastAltered?: string;
  /** Where `lastAltered` came from: the newest value of the load-timestamp column, or the warehouse's own last-change record (which DDL and background operations move too). */
  freshnessSource?: 'loaded_at' | 'last_altered';
  bytes?: number;
}

/** @public */
export interface TableStatsOptions {
  /** Metadata column holding the load timestamp (see {@link PlatformConfig.metadataColumns}); used where the warehouse keeps no last-altered time. */
  loadedAtColumn?: string;
}

/** @public */
export interface SandboxCloneRequest {
  source: SchemaRef;
  target: SchemaRef;
  /** Role that will own the cloned schema. */
  owner?: string;
  /**
   * Role that will own the cloned tables and views (the pipeline's role, so
   * it can rebuild them). Every other grant on them, e.g. what a clone
   * carries over from the source's tables, is revoked.
   */
  tableOwner?: string;
}

/** A role found by the marker its comment starts with. @public */
export interface MarkedRole {
  name: string;
  comment: string;
}

/** A schema found by the marker its comment starts with. @public */
export interface MarkedSchema extends SchemaRef {
  comment: string;
}

/** @public */
export interface SandboxCloneResult {
  /** `zero-copy` (Snowflake CLONE) or `copy` (tables copied row by row, PostgreSQL). */
  method: 'zero-copy' | 'copy';
  schemas: { target: SchemaRef; tables: number }[];
  notes: string[];
}

/** A statement the warehouse refused, with the warehouse's own code and message. @public */
export class WarehouseError extends Error {
  readonly code?: string;
  readonly statement?: Statement;
  constructor(
    message: string,
    options?: { code?: string; statement?: Statement; cause?: unknown },
  ) {
    super(message, { cause: options?.cause });
    this.name = 'WarehouseError';
    this.code = options?.code;
    this.statement = options?.statement;
  }
}

/**
 * A connection to one warehouse, opened through a `WarehouseAdapterFactory`
 * that the warehouse's package provides.
 * @public
 */
export interface WarehouseAdapter {
  readonly dialect: WarehouseDialect;
  readonly capabilities: WarehouseCapabilities;
  /** Role the owner roles are granted to when the platform config names none (Snowflake: `SYSADMIN`). */
  readonly defaultParentRole?: string;
  /** Actual state of the scope, in a constant number of queries (not one per object). */
  introspect(scope: IntrospectionScope): Promise<ActualState>;
  /** Run statements in order; stops at and throws the first failure as a {@link WarehouseError}. */
  execute(statements: Statement[]): Promise<void>;
  /** Row count, last change and size per table, in one query per database (a constant number). */
  tableStats(
    database: string,
    tables: TableRef[],
    options?: TableStatsOptions,
  ): Promise<TableStats[]>;
  /**
   * Reads of some tables of one database (see usage.ts), in ONE query per
   * database whatever the number of tables. Optional: an adapter that
   * cannot tell leaves it out and usage is shown as unknown.
   */
  readUsage?(
    database: string,
    tables: TableRef[],
    options: UsageOptions,
  ): Promise<UsageReading>;
  /**
   * Counts for data-quality checks (see quality.ts): one statement per
   * database and chunk of tables, each table scanned once; a table that
   * cannot be counted gets its error, the others their counts. Optional:
   * without it, quality checks are shown but not measured.
   */
  measureQuality?(
    database: string,
    tables: QualityTableRequest[],
  ): Promise<QualityTableReading[]>;
  /**
   * Run a `sql` quality check's statement (the spec author's own SELECT,
   * placeholders filled: data-mesh-common sqlCheck.ts) in `database` and
   * return its rows: one statement, read-only and time-limited where the
   * warehouse can. Only the product's pipeline calls it (`datamesh quality
   * --sql`, with the pipeline's credentials), never the portal. Optional:
   * without it, sql checks are not run.
   */
  runQualityQuery?(
    database: string,
    sql: string,
  ): Promise<Record<string, unknown>[]>;
  /** Clone schemas for a sandbox (feature branch); zero-copy where the warehouse can. */
  sandboxClone(requests: SandboxCloneRequest[]): Promise<SandboxCloneResult>;
  /**
   * The schemas of one database whose comment starts with `commentPrefix`
   * (a product's sandboxes, found by their marker whatever their names), in
   * one query; none when the database does not exist.
   */
  schemasMarked(
    database: string,
    commentPrefix: string,
  ): Promise<MarkedSchema[]>;
  /**
   * The (logical) databases the platform made in this warehouse, found in
   * one query by their comment (`datamesh database …`), or with schema
   * prefixes by the marked schemas they hold: where schemas left behind are
   * looked for besides the catalog's products' databases (a domain or stage
   * none of whose products is left). Optional: without it, only the
   * products' databases are looked in.
   */
  platformDatabases?(): Promise<string[]>;
  /**
   * Every role whose comment starts with `commentPrefix`, names and
   * comments only, in one query (a product's roles and its request roles,
   * found by their marker: roles left behind). Optional: without it, no
   * role is looked for.
   */
  rolesMarked?(commentPrefix: string): Promise<MarkedRole[]>;
  close(): Promise<void>;
}

/**
 * A name or value was refused before it could reach SQL: every dialect throws
 * this, so callers can tell refused input from a warehouse failure.
 * @public
 */
export class InvalidIdentifierError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidIdentifierError';
  }
}
