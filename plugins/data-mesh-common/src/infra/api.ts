/*
 * The JSON of the infrastructure (drift) REST API of `/api/data-mesh`,
 * shared by the backend's router and the frontend's client so that both
 * compile against one shape. Names are the logical (lowercase) names of the
 * desired state; `qualified` is the dialect's quoted physical spelling.
 */
import type { ReportedChangeDetail } from './reports';
import type { InfrastructureSandboxInProgress } from './sandboxClaims';
import type { SpecIssue } from '../issues';
import type { DataProductInfrastructure } from '../model';

/**
 * - `in-sync`: the warehouse matches the declared state;
 * - `drift`: some declared objects or grants are missing, or there are
 *   grants/objects the declaration does not have;
 * - `not-provisioned`: none of the product's schemas and roles exist yet;
 * - `conflict`: an object of the same name belongs to another product;
 * - `invalid`: no desired state can be computed (see `issues`).
 * @public
 */
export type InfrastructureStatus =
  | 'in-sync'
  | 'drift'
  | 'not-provisioned'
  | 'conflict'
  | 'invalid';

/** Every status, in the order a summary lists counts. @public */
export const INFRASTRUCTURE_STATUSES: readonly InfrastructureStatus[] = [
  'conflict',
  'drift',
  'not-provisioned',
  'invalid',
  'in-sync',
];

/** The warehouse the backend checked against. @public */
export interface InfrastructureWarehouseInfo {
  /** Configured adapter type (`dataMesh.warehouse.type`), e.g. `pglite`, `postgres`, `snowflake`. */
  type: string;
  /** Dialect id, e.g. `pglite`, `postgresql`, `snowflake`. */
  dialect: string;
  /** e.g. `PGlite`, `PostgreSQL`, `Snowflake`. */
  displayName: string;
  /** The warehouse has compute objects (Snowflake warehouses). */
  compute: boolean;
  /** `native` databases, or one database whose level becomes a schema-name prefix (PGlite). */
  databases: 'native' | 'schema-prefix';
}

/** One declared object and whether the warehouse has it. @public */
export interface InfrastructureObjectStatus {
  /** Logical name. */
  name: string;
  /** Quoted physical name, as the dialect writes it in SQL. */
  qualified: string;
  /** Found in the warehouse. */
  exists: boolean;
}

/** The names provisioned for one product, with what exists. @public */
export interface ProductInfrastructureNames {
  stage: string;
  /** Compute per domain; `null` when the warehouse has no such thing (PostgreSQL). */
  warehouse: InfrastructureObjectStatus | null;
  /**
   * Database per organisation-domain-stage. With `schema-prefix` databases
   * (PGlite) it is no object of its own: `exists` is then `null`.
   */
  database: Omit<InfrastructureObjectStatus, 'exists'> & {
    exists: boolean | null;
  };
  schemas: Record<
    'raw' | 'intermediate' | 'output',
    InfrastructureObjectStatus
  > & {
    /** The schema of masked views plain consumers read: a product with personal data, on a warehouse that masks with views. */
    masked?: InfrastructureObjectStatus;
  };
  roles: Record<
    'consumer' | 'service' | 'owner',
    InfrastructureObjectStatus
  > & {
    /** The role that reads personal data in clear: a product with personal data. */
    consumerPii?: InfrastructureObjectStatus;
  };
}

/** Warehouse objects in neutral terms (the engine's `WarehouseState`, as JSON). @public */
export interface InfrastructureObjects {
  computes: { name: string; size?: string; autoSuspendSeconds?: number }[];
  databases: { name: string }[];
  schemas: {
    database: string;
    schema: string;
    owner?: string;
    comment?: string;
    tableCount?: number;
  }[];
  roles: { name: string; comment?: string }[];
  /** `member` inherits `role`. */
  memberships: { role: string; member: string }[];
  grants: {
    target: {
      type: 'compute' | 'database' | 'schema' | 'tables' | 'future-tables';
      name?: string;
      database?: string;
      schema?: string;
      creator?: string;
    };
    privilege: string;
    grantee: string;
    partial?: boolean;
    implicit?: boolean;
  }[];
}

/** One step of the plan that would repair the drift. @public */
export interface InfrastructurePlanStep {
  kind: 'create' | 'alter' | 'grant' | 'revoke' | 'drop';
  /** The engine's change action, e.g. `create-schema`, `grant`, `revoke-role`. */
  action: string;
  /** Readable line, e.g. `+ grant usage on schema "…" to "…"`. */
  line: string;
  /** Revokes and drops: run only when explicitly allowed. */
  destructive: boolean;
  /** The statements the step would run. */
  sql: string[];
  /** The engine's change, structured (targets, privileges, grantee …). */
  change: { action: string } & Record<string, unknown>;
}

/** `GET /api/data-mesh/products/:namespace/:name/infrastructure`. @public */
export interface ProductInfrastructureResponse {
  /** e.g. `dataproduct:default/orders`. */
  entityRef: string;
  status: InfrastructureStatus;
  /** The warehouse matches the declared state (status `in-sync`). */
  inSync: boolean;
  warehouse: InfrastructureWarehouseInfo;
  /** ISO time of the introspection. */
  checkedAt: string;
  /** What the product's spec and the platform config ask for; absent when `invalid`. */
  declared?: {
    names: ProductInfrastructureNames;
    /** The `spec.infrastructure` block this product should carry. */
    infrastructure: DataProductInfrastructure;
    objects: InfrastructureObjects;
  };
  /** What the warehouse has of the product's scope; absent when `invalid`. */
  actual?: {
    objects: InfrastructureObjects;
    /** Introspection queries sent. */
    queries: number;
  };
  /** The plan that would bring the warehouse to the declared state. */
  drift: {
    /** The engine's rendering (`+` create/grant, `~` alter, `-` revoke/drop, `! conflict`), without the notes (see `notes`). */
    lines: string[];
    /** Safe steps (create, alter, grant). */
    steps: InfrastructurePlanStep[];
    /** Revokes and drops, listed apart. */
    destructive: InfrastructurePlanStep[];
  };
  /** What the plan does not do on this warehouse and why, and differences from the entity's recorded `spec.infrastructure`. */
  notes: string[];
  /** Objects of the same name that belong to someone else; they stop the plan. */
  conflicts: { object: Record<string, string>; message: string }[];
  /** Why no desired state could be computed (status `invalid`). */
  issues: SpecIssue[];
  /**
   * The product's access grants against its access requests; absent when
   * the backend has no access requests or the product is `invalid`. Access
   * drift alone makes an otherwise `in-sync` product `drift`.
   */
  access?: InfrastructureAccessDrift;
  /**
   * Feature-branch sandboxes of the product (copies of its data, found by
   * their marker), by branch; absent when the product cannot be named.
   */
  sandboxes?: InfrastructureSandbox[];
  /**
   * Sandboxes being made or deleted now, by the portal or a pipeline that
   * claimed the branch, oldest first; absent when none is.
   */
  sandboxesInProgress?: InfrastructureSandboxInProgress[];
}

/** One branch's sandbox: its schemas. @public */
export interface InfrastructureSandbox {
  /** The branch's suffix, as in the schema names (`feat/Late-Returns` → `feat_late_returns`). */
  branch: string;
  schemas: { name: string; qualified: string }[];
  /** When it was made (ISO), as its marker records; absent for sandboxes made before markers had a time. */
  createdAt?: string;
  /** When its owners last kept it past its expiry (ISO): its time runs from then. */
  keptAt?: string;
  /**
   * When the platform deletes it (ISO): `keptAt` (else `createdAt`) plus
   * `dataMesh.sandboxes.expireAfter`; absent when sandboxes do not expire
   * (or it has no `createdAt`).
   */
  expiresAt?: string;
}

/**
 * `POST /api/data-mesh/products/{namespace}/{name}/infrastructure/apply`:
 * apply the product's plan (provision it, or repair its drift). Revokes and
 * drops run only with `allowDestructive`.
 * @public
 */
export interface InfrastructureApplyBody {
  allowDestructive?: boolean;
}

/** What applying a product's plan did, and its infrastructure afterwards. @public */
export interface InfrastructureApplyResponse {
  entityRef: string;
  /** The steps sent to the warehouse, in order. */
  applied: InfrastructurePlanStep[];
  /** Revokes and drops not sent (without `allowDestructive`), or steps after a failure. */
  skipped: InfrastructurePlanStep[];
  /** The warehouse's refusal (secrets removed) that stopped the apply, if any. */
  error?: string;
  /** Assessed afresh after the apply. */
  infrastructure: ProductInfrastructureResponse;
}

/**
 * The action of an apply from the portal in the product's audit trail (the
 * lifecycle audit of `GET /lifecycle/:namespace/:name`). @public
 */
export const INFRASTRUCTURE_APPLY_AUDIT_ACTION = 'infrastructure-apply';

/** The `detail` of an {@link INFRASTRUCTURE_APPLY_AUDIT_ACTION} audit entry. @public */
export type InfrastructureApplyAuditDetail = {
  allowDestructive: boolean;
  /** Every statement sent, in order. */
  statements: string[];
  /** The warehouse's refusal that stopped the apply, if any. */
  error?: string;
  /** The repair run ({@link InfrastructureRepairRun}) that applied it, if any. */
  run?: string;
} & ReportedChangeDetail;

/**
 * `POST /api/data-mesh/infrastructure/repairs`: apply the plans of several
 * products (after a warehouse incident), one after the other, in the
 * backend. The answer comes at once; the run goes on without the caller.
 * @public
 */
export interface InfrastructureRepairRunBody {
  /** Entity refs of the products, e.g. `dataproduct:default/orders`; at most 1,000. */
  products: string[];
  /** Also send the revokes and drops (what the specs do not declare). */
  allowDestructive?: boolean;
}

/**
 * Where one product of a run is: `refused` (the caller may not apply its
 * plan: not sent), `queued`, `running`, `applied` (the plan was sent, or
 * there was nothing to send), `failed` (not applied, or stopped part way:
 * see `error`), `stopped` (the run was stopped before its turn: not sent).
 * @public
 */
export type InfrastructureRepairItemState =
  | 'refused'
  | 'queued'
  | 'running'
  | 'applied'
  | 'failed'
  | 'stopped';

/** Every item state, in the order a summary lists counts. @public */
export const INFRASTRUCTURE_REPAIR_ITEM_STATES: readonly InfrastructureRepairItemState[] =
  ['failed', 'refused', 'stopped', 'running', 'queued', 'applied'];

/** One product of a repair run. @public */
export interface InfrastructureRepairRunItem {
  entityRef: string;
  state: InfrastructureRepairItemState;
  /** Steps sent to the warehouse. */
  applied: number;
  /** Revokes and drops not sent (without `allowDestructive`), or steps after a failure. */
  skipped: number;
  /** Why it was refused or not applied, or where the warehouse stopped it (secrets removed). */
  error?: string;
  /** ISO time it was done. */
  finishedAt?: string;
}

/** `GET /api/data-mesh/infrastructure/repairs/{id}`: a repair run and its products. @public */
export interface InfrastructureRepairRun {
  id: string;
  /** User entity ref of who started it; the product audit trails name them. */
  requestedBy: string;
  requestedAt: string;
  allowDestructive: boolean;
  /** Every product is applied, failed, refused or stopped. */
  done: boolean;
  /** ISO time the last product was done. */
  finishedAt?: string;
  /** Who stopped the run (`POST …/stop`), and when (ISO); the product being applied then was finished. */
  stopped?: { by: string; at: string };
  /** How many products are in each state. */
  counts: Record<InfrastructureRepairItemState, number>;
  /** In the order they were asked for. */
  items: InfrastructureRepairRunItem[];
}

/** `GET /api/data-mesh/infrastructure/repairs`: the latest runs, newest first. @public */
export interface InfrastructureRepairRunListResponse {
  items: InfrastructureRepairRun[];
}

/**
 * `DELETE /api/data-mesh/products/{namespace}/{name}/sandboxes/{branch}`:
 * the branch's sandbox schemas dropped, and the product's sandboxes left.
 * @public
 */
export interface SandboxDeleteResponse {
  entityRef: string;
  /** The branch's suffix, as in {@link InfrastructureSandbox.branch}. */
  branch: string;
  /** The schemas dropped; empty when the branch had no sandbox (already deleted). */
  dropped: { name: string; qualified: string }[];
  /** The product's sandboxes afterwards. */
  sandboxes: InfrastructureSandbox[];
}

/**
 * `POST /api/data-mesh/products/{namespace}/{name}/sandboxes/{branch}/keep`:
 * the branch's sandbox kept past its expiry, its time running anew.
 * @public
 */
export interface SandboxKeepResponse {
  entityRef: string;
  /** The branch's suffix, as in {@link InfrastructureSandbox.branch}. */
  branch: string;
  /** When the platform now deletes it (ISO). */
  expiresAt: string;
  /** The product's sandboxes afterwards. */
  sandboxes: InfrastructureSandbox[];
}

/** The action of keeping a sandbox past its expiry, in the product's audit trail. @public */
export const SANDBOX_KEEP_AUDIT_ACTION = 'sandbox-keep';

/** The `detail` of a {@link SANDBOX_KEEP_AUDIT_ACTION} audit entry. @public */
export interface SandboxKeepAuditDetail {
  branch: string;
  /** When it was kept, and when the platform now deletes it (ISO). */
  keptAt: string;
  expiresAt: string;
}

/**
 * The action of a sandbox deletion from the portal in the product's audit
 * trail (the lifecycle audit of `GET /lifecycle/:namespace/:name`). @public
 */
export const SANDBOX_DELETE_AUDIT_ACTION = 'sandbox-delete';

/** The `detail` of a {@link SANDBOX_DELETE_AUDIT_ACTION} audit entry. @public */
export type SandboxDeleteAuditDetail = {
  branch: string;
  /** Qualified names of the schemas dropped (or meant to be, when `error`). */
  dropped: string[];
  /** The warehouse's refusal (secrets removed), if any. */
  error?: string;
  /**
   * Deleted by the platform because it expired (`dataMesh.sandboxes.expireAfter`):
   * when it was made and when it expired (ISO).
   */
  expired?: { createdAt: string; expiresAt: string };
} & ReportedChangeDetail;

/**
 * `POST /api/data-mesh/products/{namespace}/{name}/sandboxes`: a sandbox for
 * a feature branch, the product's schemas cloned (zero-copy where the
 * warehouse can).
 * @public
 */
export interface SandboxCreateBody {
  /** The feature branch; its name (lower-cased, other characters `_`) is the schemas' suffix. */
  branch: string;
  /** Layers to clone; all three by default. */
  layers?: ('raw' | 'intermediate' | 'output')[];
  /** Drop this branch's existing sandbox first (its copies of the data are lost). */
  replace?: boolean;
}

/** What creating a sandbox made, and the product's sandboxes then (201). @public */
export interface SandboxCreateResponse {
  /** Made before the request answered. */
  status: 'made';
  entityRef: string;
  /** The branch's suffix, as in {@link InfrastructureSandbox.branch}. */
  branch: string;
  /** `zero-copy` (Snowflake clones), or `copy` (tables copied: PostgreSQL, PGlite). */
  method: 'zero-copy' | 'copy';
  /** The schemas made, each from a layer of the product. */
  schemas: {
    layer: string;
    name: string;
    qualified: string;
    /** The product schema it was cloned from (qualified). */
    source: string;
    tables: number;
  }[];
  /** What the clone did not carry over on this warehouse, and why. */
  notes: string[];
  /** The product's sandboxes afterwards. */
  sandboxes: InfrastructureSandbox[];
}

/**
 * What a sandbox creation made, in words for people: "3 schemas, 5 tables
 * copied" (or "cloned (zero-copy)"). The portal's card and the backend's
 * notification say it alike. @public
 */
export function sandboxMadeWords(
  made: Pick<SandboxCreateResponse, 'schemas' | 'method'>,
): string {
  const tables = made.schemas.reduce((n, s) => n + s.tables, 0);
  return `${made.schemas.length} schema${
    made.schemas.length === 1 ? '' : 's'
  }, ${tables} table${tables === 1 ? '' : 's'} ${
    made.method === 'zero-copy' ? 'cloned (zero-copy)' : 'copied'
  }`;
}

/**
 * A sandbox still being made when the request answered (202): copying a
 * product's data can outlast a proxy's timeout, so the backend goes on and
 * notifies the requester when it is done (topic `data-mesh-sandbox`), and
 * the product's audit trail keeps it as for one made at once. @public
 */
export interface SandboxCreateAccepted {
  status: 'in-progress';
  entityRef: string;
  /** The branch's suffix, as in {@link InfrastructureSandbox.branch}. */
  branch: string;
  /** Qualified names of the schemas being made. */
  schemas: string[];
  /** ISO time the creation started. */
  startedAt: string;
}

/** What POST /products/{namespace}/{name}/sandboxes answers. @public */
export type SandboxCreateResult = SandboxCreateResponse | SandboxCreateAccepted;

/**
 * The action of a sandbox creation from the portal in the product's audit
 * trail. @public
 */
export const SANDBOX_CREATE_AUDIT_ACTION = 'sandbox-create';

/** The `detail` of a {@link SANDBOX_CREATE_AUDIT_ACTION} audit entry. @public */
export type SandboxCreateAuditDetail = {
  branch: string;
  /** Qualified names of the schemas made (or meant to be, when `error`). */
  schemas: string[];
  method?: 'zero-copy' | 'copy';
  /** Existing schemas of the branch's sandbox dropped first (`replace`). */
  replaced?: string[];
  /** The warehouse's refusal (secrets removed), if any. */
  error?: string;
  /**
   * Deleted by the platform because it expired (`dataMesh.sandboxes.expireAfter`):
   * when it was made and when it expired (ISO).
   */
  expired?: { createdAt: string; expiresAt: string };
} & ReportedChangeDetail;

/** One access grant difference. @public */
export interface InfrastructureAccessFinding {
  /** The request concerned: the missing grant's, or the id an unknown request role's marker names. */
  requestId?: string;
  /** The request role, or the role found holding one of the product's roles. */
  role: string;
  /** The membership concerned (`member` holds `role`; `memberKind: 'user'` when the member is a user, as Snowflake grants roles to users); absent when the finding is about the whole role. */
  membership?: { role: string; member: string; memberKind?: 'user' };
  message: string;
  /**
   * For a membership no request explains in one of the product's read roles
   * (its consumer role, or its personal-data role): who reads through it —
   * what an owner records as agreed access, or revokes.
   */
  reader?: {
    /** The catalog group or data product whose warehouse role the member is (its team or service role), when it is one. */
    consumer?: string;
    /** The role held is the personal-data role: columns read in clear. */
    personalData: boolean;
    /** An active request of the product grants the member the same role: the hand-made grant adds nothing, and revoking it cuts no access. */
    coveredBy?: string;
  };
}

/**
 * A grant made by hand that the unexplained-grants watch found at its last
 * check: a role holding one of a product's roles that no access request
 * explains or covers.
 * @public
 */
export interface UnexplainedGrantItem {
  /** The product's entity ref, lower-case. */
  product: string;
  /** The product's role held. */
  role: string;
  /** The role (or user) holding it. */
  member: string;
  /** `user`: the member is a user (Snowflake grants roles to users). */
  memberKind?: 'user';
  /** The catalog group or data product the member is the role of, when known. */
  consumer?: string;
  /** The role held is the personal-data role: columns read in clear. */
  personalData: boolean;
  /** When a check first found it (ISO 8601). */
  firstSeenAt: string;
  /** When its owners were told (ISO 8601); absent while not yet told. */
  notifiedAt?: string;
}

/** `GET /infrastructure/unexplained-grants`. @public */
export interface UnexplainedGrantsResponse {
  /** Whether the watch runs here (`dataMesh.access.unexplainedGrants.enabled`): without it the list is always empty. */
  watching: boolean;
  /** Of the products whose access requests the caller may see (owners, admins, auditors), by product, role and member. */
  items: UnexplainedGrantItem[];
}

/**
 * One string per role membership (`member` holds `role`), a user and a role
 * of the same name apart: the key the engine, the backend and the portal
 * match memberships by.
 * @public
 */
export function membershipKey(m: {
  role: string;
  member: string;
  memberKind?: 'user';
}): string {
  return `${m.role}|${m.memberKind ?? 'role'}:${m.member}`;
}

/** Access grants of one product: active requests versus the warehouse. @public */
export interface InfrastructureAccessDrift {
  inSync: boolean;
  /** Active requests checked. */
  active: number;
  /** Active requests whose role or memberships are gone. */
  missing: InfrastructureAccessFinding[];
  /** Request roles and members of the product's roles that no request explains. */
  unmanaged: InfrastructureAccessFinding[];
  /** Requests that could not be checked. */
  issues: string[];
  /** The repair: `+` re-grant what is missing, `-` revoke or drop what is unmanaged. */
  lines: string[];
  steps: InfrastructurePlanStep[];
  destructive: InfrastructurePlanStep[];
  /** Introspection queries sent (independent of the number of grants). */
  queries: number;
}

/** One product in the drift summary. @public */
export interface InfrastructureDriftItem {
  entityRef: string;
  title?: string;
  owner?: string;
  domain?: string;
  status: InfrastructureStatus;
  inSync: boolean;
  /** Safe steps the repair needs. */
  steps: number;
  /** Revokes and drops the repair needs. */
  destructive: number;
  /** The plan as rendered lines (see {@link ProductInfrastructureResponse.drift}). */
  lines: string[];
  conflicts: string[];
  issues: SpecIssue[];
  /** Access grant differences, when the backend checks access requests. */
  access?: { missing: number; unmanaged: number };
  /**
   * The product's feature-branch sandboxes (copies of its data), when it
   * has any: how many branches, and when the oldest was made (as far as
   * the markers record).
   */
  sandboxes?: { branches: number; oldestCreatedAt?: string };
}

/** `GET /api/data-mesh/infrastructure/drift`: every DataProduct, worst first. @public */
export interface InfrastructureDriftSummaryResponse {
  warehouse: InfrastructureWarehouseInfo;
  checkedAt: string;
  /** Introspection queries sent for all products together (their objects, then their access grants). */
  queries: number;
  total: number;
  counts: Record<InfrastructureStatus, number>;
  items: InfrastructureDriftItem[];
}

/**
 * `POST /api/data-mesh/products/{namespace}/{name}/access-drift/repair`:
 * what to repair. Missing grants are always re-granted; what no request
 * explains is revoked only with `revokeUnmanaged`.
 * @public
 */
export interface AccessDriftRepairBody {
  revokeUnmanaged?: boolean;
}

/** What an access drift repair did, and the product's access drift afterwards. @public */
export interface AccessDriftRepairResponse {
  entityRef: string;
  /** The steps sent to the warehouse, in order. */
  applied: InfrastructurePlanStep[];
  /** Revokes not sent (without `revokeUnmanaged`), or steps after a failure. */
  skipped: InfrastructurePlanStep[];
  /** The warehouse's refusal (secrets removed) that stopped the repair, if any. */
  error?: string;
  /** Access requests whose history records the repair. */
  requests: string[];
  /** Re-assessed after the repair. */
  access: InfrastructureAccessDrift;
}

/**
 * The action of an access drift repair in the product's audit trail (the
 * lifecycle audit of `GET /lifecycle/:namespace/:name`). @public
 */
export const ACCESS_REPAIR_AUDIT_ACTION = 'access-repair';

/**
 * The `detail` of an {@link ACCESS_REPAIR_AUDIT_ACTION} audit entry: one
 * repair that sent something or failed. @public
 */
export type AccessRepairAuditDetail = {
  /** Whether the caller asked to revoke what no request explains. */
  revokeUnmanaged: boolean;
  /** The grants no request explained that the repair revoked or dropped. */
  revoked: Array<InfrastructureAccessFinding & { statements: string[] }>;
  /** Access requests whose history records the repair. */
  requests: string[];
  /** Every statement sent, in order. */
  statements: string[];
  /** The warehouse's refusal that stopped the repair, if any. */
  error?: string;
};
