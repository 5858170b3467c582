/*
 * A stored request as the REST API returns it (ISO times, durations in the
 * spec's syntax).
 */
import {
  type AccessRequest,
  millisToDuration,
} from '@datamesh/plugin-data-mesh-common';
import type { AccessRequestRecord } from './AccessRequestStore';

const iso = (t: number) => new Date(t).toISOString();
const isoOrNull = (t?: number) => (t === undefined ? null : iso(t));

/** @public */
export function accessRequestView(r: AccessRequestRecord): AccessRequest {
  return {
    id: r.id,
    product: r.product,
    outputPort: r.outputPort,
    consumer: r.consumer,
    requester: r.requester,
    purpose: r.purpose,
    pii: r.pii,
    state: r.state,
    requestedAt: iso(r.requestedAt),
    duration: millisToDuration(r.durationMs),
    decidedBy: r.decidedBy ?? null,
    decidedAt: isoOrNull(r.decidedAt),
    expiresAt: isoOrNull(r.expiresAt),
    grantee: r.grantee,
    role: r.role,
    extension: r.extension
      ? {
          expiresAt: iso(r.extension.expiresAt),
          requestedAt: iso(r.extension.requestedAt),
          requestedBy: r.extension.requestedBy,
          ...(r.extension.comment ? { comment: r.extension.comment } : {}),
        }
      : null,
    // only while what it approved is pending (a request, or an extension)
    firstApproval:
      r.firstApproval && (r.state === 'pending' || r.extension)
        ? { by: r.firstApproval.by, at: iso(r.firstApproval.at) }
        : null,
    error: r.lastError ?? null,
    history: r.history.map(h => ({
      at: iso(h.at),
      by: h.actor,
      action: h.action,
      state: h.state,
      ...(h.comment ? { comment: h.comment } : {}),
      ...(h.statements ? { statements: h.statements } : {}),
      ...(h.error ? { error: h.error } : {}),
    })),
  };
}
