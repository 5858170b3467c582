/*
 * The access requests' records and their rows: what the store reads and
 * writes, mapped in one place (AccessRequestStore.ts does the queries).
 */
import type {
  AccessRequestAction,
  AccessRequestState,
} from '@datamesh/plugin-data-mesh-common';
import type { Knex } from 'knex';

/** What the warehouse has yet to confirm for a request. */
export type WarehousePending = 'grant' | 'revoke';

/** One stored history entry. Times are epoch milliseconds. */
export interface AccessHistoryRecord {
  at: number;
  actor: string;
  action: AccessRequestAction;
  state: AccessRequestState;
  comment?: string;
  statements?: string[];
  error?: string;
}

/** A stored access request. Refs are lower-case; times epoch milliseconds. */
export interface AccessRequestRecord {
  id: string;
  product: string;
  owner?: string;
  outputPort: string;
  consumer: string;
  requester: string;
  purpose: string;
  pii: boolean;
  state: AccessRequestState;
  durationMs: number;
  requestedAt: number;
  decidedBy?: string;
  decidedAt?: number;
  expiresAt?: number;
  grantee: string;
  providerRole: string;
  role: string;
  warehousePending?: WarehousePending;
  lastError?: string;
  extension?: {
    expiresAt: number;
    requestedAt: number;
    requestedBy: string;
    comment?: string;
  };
  /** The first of two approvals of what is pending now (the request, or its extension). */
  firstApproval?: FirstApprovalRecord;
  warnedAt?: number;
  history: AccessHistoryRecord[];
}

/** Who gave a first-level approval, and when (epoch milliseconds). */
export interface FirstApprovalRecord {
  by: string;
  at: number;
}

/** Columns a change may set (besides the state). */
export interface AccessRequestPatch {
  decidedBy?: string;
  decidedAt?: number;
  expiresAt?: number;
  warehousePending?: WarehousePending | null;
  lastError?: string | null;
  extension?: AccessRequestRecord['extension'] | null;
  firstApproval?: FirstApprovalRecord | null;
}

/** Filters of a list; `visible` adds the permission framework's where. */
export interface AccessRequestFilter {
  product?: string;
  consumer?: string;
  state?: AccessRequestState;
  requester?: string;
  /** With (true) or without (false) personal data in clear. */
  pii?: boolean;
  visible?: (query: Knex.QueryBuilder) => void;
}

const num = (v: unknown) =>
  v === null || v === undefined ? undefined : Number(v);
const text = (v: unknown) =>
  v === null || v === undefined ? undefined : String(v);

export function toRecord(
  row: any,
  history: AccessHistoryRecord[],
): AccessRequestRecord {
  return {
    id: row.id,
    product: row.product,
    owner: text(row.owner),
    outputPort: row.output_port,
    consumer: row.consumer,
    requester: row.requester,
    purpose: row.purpose,
    pii: Boolean(row.pii),
    state: row.state,
    durationMs: Number(row.duration_ms),
    requestedAt: Number(row.requested_at),
    decidedBy: text(row.decided_by),
    decidedAt: num(row.decided_at),
    expiresAt: num(row.expires_at),
    grantee: row.grantee,
    providerRole: row.provider_role,
    role: row.role,
    warehousePending: text(row.warehouse_pending) as WarehousePending,
    lastError: text(row.last_error),
    extension:
      row.extension_expires_at === null ||
      row.extension_expires_at === undefined
        ? undefined
        : {
            expiresAt: Number(row.extension_expires_at),
            requestedAt: Number(row.extension_requested_at),
            requestedBy: row.extension_requested_by,
            comment: text(row.extension_comment),
          },
    firstApproval:
      row.first_approved_by === null || row.first_approved_by === undefined
        ? undefined
        : { by: row.first_approved_by, at: Number(row.first_approved_at) },
    warnedAt: num(row.warned_at),
    history,
  };
}

export function patchColumns(
  patch: AccessRequestPatch,
): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  if (patch.decidedBy !== undefined) columns.decided_by = patch.decidedBy;
  if (patch.decidedAt !== undefined) columns.decided_at = patch.decidedAt;
  if (patch.expiresAt !== undefined) columns.expires_at = patch.expiresAt;
  if (patch.warehousePending !== undefined)
    columns.warehouse_pending = patch.warehousePending;
  if (patch.lastError !== undefined) columns.last_error = patch.lastError;
  if (patch.extension !== undefined) {
    const e = patch.extension;
    columns.extension_expires_at = e?.expiresAt ?? null;
    columns.extension_requested_at = e?.requestedAt ?? null;
    columns.extension_requested_by = e?.requestedBy ?? null;
    columns.extension_comment = e?.comment ?? null;
  }
  if (patch.firstApproval !== undefined) {
    columns.first_approved_by = patch.firstApproval?.by ?? null;
    columns.first_approved_at = patch.firstApproval?.at ?? null;
  }
  return columns;
}

export function historyRow(requestId: string, h: AccessHistoryRecord) {
  return {
    request_id: requestId,
    at: h.at,
    actor: h.actor,
    action: h.action,
    state: h.state,
    comment: h.comment ?? null,
    statements: h.statements ? JSON.stringify(h.statements) : null,
    error: h.error ?? null,
  };
}

/** One history row as its record. */
export function toHistoryRecord(h: any): AccessHistoryRecord {
  return {
    at: Number(h.at),
    actor: h.actor,
    action: h.action,
    state: h.state,
    comment: text(h.comment),
    statements: h.statements ? JSON.parse(h.statements) : undefined,
    error: text(h.error),
  };
}
