/*
 * Access requests as the REST API returns them (`/api/data-mesh/access-requests`),
 * shared by the backend and the frontend client. The OpenAPI document
 * (../openapi/data-mesh.openapi.json) describes the same shapes; its tests
 * validate real responses against it.
 */
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

export * from './portPolicy';

/**
 * Where a request is: `pending` (waiting for an owner), `approved` (decided,
 * the warehouse grant not confirmed yet), `active` (granted), and the end
 * states `rejected`, `revoked`, `expired`, in which nothing is granted.
 * @public
 */
export const ACCESS_REQUEST_STATES = [
  'pending',
  'approved',
  'active',
  'rejected',
  'revoked',
  'expired',
  // withdrawn (pending) or given up (granted) by the consumer
  'cancelled',
] as const;
/** @public */
export type AccessRequestState = (typeof ACCESS_REQUEST_STATES)[number];

/**
 * The states in which a request's grantee holds the grant, or is about to
 * (`approved`: the warehouse grant follows): what can be read, revoked,
 * extended and expires.
 * @public
 */
export const ACCESS_GRANT_HOLDING_STATES = ['approved', 'active'] as const;

/** Whether a request in `state` holds (or is about to hold) its grant. @public */
export function holdsGrant(state: AccessRequestState): boolean {
  return (ACCESS_GRANT_HOLDING_STATES as readonly string[]).includes(state);
}

/**
 * The states in which a request still needs someone: waiting for a
 * decision, or holding its grant. The others are ended.
 * @public
 */
export const ACCESS_OPEN_STATES = [
  'pending',
  ...ACCESS_GRANT_HOLDING_STATES,
] as const;

/** Whether a request in `state` is still open (pending or holding its grant). @public */
export function isOpenState(state: AccessRequestState): boolean {
  return (ACCESS_OPEN_STATES as readonly string[]).includes(state);
}

/**
 * An entity ref as the access registry stores and compares it: kind and
 * namespace filled in (`orders` → `dataproduct:default/orders` with
 * `defaultKind` `dataproduct`) and lower-case, since refs compare
 * case-insensitively. Throws on a ref that does not parse.
 * @public
 */
export function accessRef(ref: string, defaultKind: string): string {
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
  ).toLowerCase();
}

/**
 * The open request, among `requests` on one port, that already gives
 * `consumer` what a new request would ask (personal data included if
 * asked): a second one would only make the owners decide twice. The
 * portal says so before sending; the API refuses it (409).
 * @public
 */
export function coveringRequest<
  R extends Pick<AccessRequest, 'consumer' | 'pii' | 'state'>,
>(
  requests: readonly R[],
  ask: { consumer: string; pii: boolean },
): R | undefined {
  return requests.find(
    r =>
      isOpenState(r.state) &&
      r.consumer === ask.consumer &&
      (r.pii || !ask.pii),
  );
}

/** What happened to a request, one history entry each. @public */
export const ACCESS_REQUEST_ACTIONS = [
  'request',
  'approve',
  // a first-level approval on a port whose contract names second-level
  // approvers: the request (or its extension) waits for the second
  'approve-first',
  'reject',
  'grant',
  'grant-failed',
  'revoke',
  'warehouse-revoke',
  'warehouse-revoke-failed',
  'expire',
  'extend-request',
  'extend-approve',
  'extend-approve-first',
  'extend-reject',
  'repair',
  'cancel',
] as const;
/** @public */
export type AccessRequestAction = (typeof ACCESS_REQUEST_ACTIONS)[number];

/** One state change: who, when, what, why, and the warehouse statements sent. @public */
export type AccessRequestHistoryEntry = {
  /** ISO time. */
  at: string;
  /** User entity ref, or `system` for the scheduled task and auto-approval. */
  by: string;
  action: AccessRequestAction;
  /** The state after the action. */
  state: AccessRequestState;
  comment?: string;
  /** Warehouse statements sent for a grant or revoke. */
  statements?: string[];
  /** Why a warehouse grant or revoke failed (it is retried). */
  error?: string;
};

/** An extension the requester asked for, waiting for an owner. @public */
export type AccessRequestExtension = {
  /** The expiry the extension would set (ISO). */
  expiresAt: string;
  requestedAt: string;
  requestedBy: string;
  comment?: string;
};

/** Who gave the first of two approvals, and when. @public */
export type AccessRequestFirstApproval = {
  by: string;
  /** ISO time. */
  at: string;
};

/** @public */
export type AccessRequest = {
  id: string;
  /** Entity ref of the data product, e.g. `dataproduct:default/orders`. */
  product: string;
  /** Name of the product's output port. */
  outputPort: string;
  /** On whose behalf: a group (`group:default/team`) or a data product. */
  consumer: string;
  /** User entity ref of the person who asked. */
  requester: string;
  purpose: string;
  /** Personal-data columns are needed (clear, not masked). */
  pii: boolean;
  state: AccessRequestState;
  requestedAt: string;
  /** How long the access lasts once approved, e.g. `90d`. */
  duration: string;
  decidedBy: string | null;
  decidedAt: string | null;
  /** Set when approved: decision time plus the duration. */
  expiresAt: string | null;
  /** The warehouse role that holds the grant (the consumer's team or service role). */
  grantee: string;
  /** The per-request warehouse role granted to the grantee. */
  role: string;
  extension: AccessRequestExtension | null;
  /**
   * The first-level approval of what is pending now (the request, or its
   * extension) on a port whose contract names second-level approvers: it
   * waits for one of them. Null otherwise.
   */
  firstApproval: AccessRequestFirstApproval | null;
  /** The last warehouse failure while it is retried; null once it succeeded. */
  error: string | null;
  history: AccessRequestHistoryEntry[];
};

/** Body of `POST /access-requests`. @public */
export type AccessRequestCreateBody = {
  product: string;
  outputPort: string;
  consumer: string;
  purpose: string;
  pii?: boolean;
  /** e.g. `90d` or ISO 8601 `P90D`; default from the port's policy or config. */
  duration?: string;
};

/**
 * Body of `POST /access-requests/record`: access agreed outside the portal,
 * recorded by the product's owners (or an admin) as an approved request.
 * @public
 */
export type AccessAgreementRecordBody = AccessRequestCreateBody & {
  /** Who asked for it: a user or a group ref; by default the recorder. */
  requestedBy?: string;
  /** Where it was agreed, e.g. a ticket; kept in the history. */
  comment?: string;
};

/** Body of `POST /access-requests/{id}/approve|reject|revoke|extend`. @public */
export type AccessRequestActionBody = {
  comment?: string;
  /** extend only: how much longer, counted from the current expiry. */
  duration?: string;
};

/** Response of `GET /access-requests`. @public */
export type AccessRequestListResponse = {
  items: AccessRequest[];
};

/**
 * How many consumers read a product now: those holding a grant (an
 * approved or active request) on any of its ports. @public
 */
export type ProductReaders = {
  /** The product's entity ref, lower-case. */
  product: string;
  /** Teams (groups) that read it. */
  teams: number;
  /** Data products whose pipelines read it. */
  products: number;
};

/** Response of `GET /access/readers`: products nobody reads are left out. @public */
export type ProductReadersResponse = {
  items: ProductReaders[];
};

/** One table an access request reads, as the warehouse spells it. @public */
export type AccessRequestTable = {
  /** The dataset's name in the spec. */
  dataset: string;
  /** The quoted, qualified table (or masked view) to select from. */
  table: string;
  /** Personal-data columns read masked; empty when read in clear. */
  maskedColumns: string[];
};

/**
 * `GET /access-requests/{id}/connection`: how the consumer of an approved
 * or active request reads its port — the database to connect to, the role
 * to take, the tables, and the statements, in the warehouse's own spelling.
 * @public
 */
export type AccessRequestConnection = {
  id: string;
  product: string;
  outputPort: string;
  state: AccessRequestState;
  /** The configured warehouse, e.g. `{ dialect: 'postgresql', displayName: 'PostgreSQL' }`. */
  warehouse: { dialect: string; displayName: string };
  /** The database a SQL client connects to, where it matters (PostgreSQL with a database per domain). */
  database?: string;
  /** The port's connection string or URL, as its spec gives it. */
  url?: string;
  /** The port's connection instructions (Markdown), as its spec gives them. */
  instructions?: string;
  /** The role to read as (quoted): the request's grantee, which holds the grant. */
  role: string;
  tables: AccessRequestTable[];
  /** Take the role, then one query per table; run in order. */
  statements: string[];
};
