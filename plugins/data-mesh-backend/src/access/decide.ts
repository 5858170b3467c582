/*
 * Deciding: approve or reject a pending request (the decide permission on
 * the product), or the pending extension of a granted one (the extend
 * permission). The approvers the port's ODCS roles name (users, groups)
 * decide its requests and extensions too (approvers.ts). The requester never
 * decides their own request, nor a teammate the extension they asked for;
 * the decision on an extension is told to both. An approval
 * leaves the warehouse grant pending and makes it at once; what fails there
 * stays pending for the scheduled sync (warehouseSync.ts).
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  type AccessRequestActionBody,
  dataMeshAccessExtendPermission,
  dataMeshAccessRequestDecidePermission,
} from '@datamesh/plugin-data-mesh-common';
import type { AccessRequestRecord } from './AccessRequestStore';
import { EXTENDABLE_STATES, TRANSITIONS } from './stateMachine';
import {
  type AccessContext,
  type TransitionStep,
  runTransition,
} from './transition';

/** The columns an approval sets: decided now, expiring after the duration, grant pending. */
export function approvalPatch(by: string, now: number, durationMs: number) {
  return {
    decidedBy: by,
    decidedAt: now,
    expiresAt: now + durationMs,
    warehousePending: 'grant' as const,
  };
}

/**
 * What follows an approval, by an owner or by the port's policy: the
 * warehouse grant, then whoever reads the product from now on is told what
 * they missed (`onApproved`), without undoing the approval if that fails.
 */
export async function afterApproval(
  ctx: AccessContext,
  id: string,
): Promise<void> {
  await ctx.warehouse.grant(id);
  if (!ctx.onApproved) return;
  const request = await ctx.store.get(id);
  if (!request) return;
  try {
    await ctx.onApproved(request);
  } catch (e) {
    ctx.logger.warn(
      `access request ${id}: approved, but telling its consumer failed: ${
        (e as Error).message
      }`,
    );
  }
}

function pendingExtension(request: AccessRequestRecord, what: string) {
  if (!request.extension) {
    throw new ConflictError(
      `access request ${request.id} is ${request.state} with no pending extension: nothing to ${what}`,
    );
  }
  return request.extension;
}

/** A decision on the pending extension of an approved or active request. */
function extensionStep(
  ctx: AccessContext,
  what: 'approve' | 'reject',
  body: AccessRequestActionBody,
  askedBy: string | undefined,
): TransitionStep {
  return {
    permission: dataMeshAccessExtendPermission,
    permissionVerb: 'extend',
    approvers: true,
    check: request => pendingExtension(request, what),
    async write(request, by, now) {
      const extension = pendingExtension(request, what);
      const changed = await ctx.store.update(request.id, {
        states: EXTENDABLE_STATES,
        extensionAt: extension.requestedAt,
        patch:
          what === 'approve'
            ? { expiresAt: extension.expiresAt, extension: null }
            : { extension: null },
        history: {
          at: now,
          actor: by,
          action: what === 'approve' ? 'extend-approve' : 'extend-reject',
          comment: body.comment,
        },
      });
      // the expiry moved: its warning is due again
      if (changed && what === 'approve')
        await ctx.store.resetWarning(request.id);
      return changed;
    },
    notify: (n, r) =>
      n.decided(
        r,
        what === 'approve' ? 'extended' : 'extension rejected',
        askedBy,
      ),
  };
}

/** Approve a pending request, or the pending extension of a granted one. */
export function approve(
  ctx: AccessContext,
  id: string,
  body: AccessRequestActionBody,
  credentials: BackstageCredentials,
) {
  return runTransition(ctx, id, credentials, 'approve', 'not-requester', r =>
    r.state !== 'pending'
      ? extensionStep(ctx, 'approve', body, r.extension?.requestedBy)
      : {
          permission: dataMeshAccessRequestDecidePermission,
          approvers: true,
          write: (request, by, now) =>
            ctx.store.transition(id, {
              ...TRANSITIONS.approve,
              patch: approvalPatch(by, now, request.durationMs),
              history: {
                at: now,
                actor: by,
                action: 'approve',
                comment: body.comment,
              },
            }),
          after: () => afterApproval(ctx, id),
          notify: (n, request) => n.decided(request, 'approved'),
        },
  );
}

/** Reject a pending request, or the pending extension of a granted one. */
export function reject(
  ctx: AccessContext,
  id: string,
  body: AccessRequestActionBody,
  credentials: BackstageCredentials,
) {
  return runTransition(ctx, id, credentials, 'reject', 'not-requester', r =>
    r.state !== 'pending'
      ? extensionStep(ctx, 'reject', body, r.extension?.requestedBy)
      : {
          permission: dataMeshAccessRequestDecidePermission,
          approvers: true,
          write: (_request, by, now) =>
            ctx.store.transition(id, {
              ...TRANSITIONS.reject,
              patch: { decidedBy: by, decidedAt: now },
              history: {
                at: now,
                actor: by,
                action: 'reject',
                comment: body.comment,
              },
            }),
          notify: (n, request) => n.decided(request, 'rejected'),
        },
  );
}
