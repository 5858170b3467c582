/*
 * Deciding: approve or reject a pending request (the decide permission on
 * the product), or the pending extension of a granted one (the extend
 * permission). The approvers the port's ODCS roles name (users, groups)
 * decide its requests and extensions too (approvers.ts). When the roles
 * name second-level approvers, approving takes two steps: a first-level
 * approval (owners, admins, first-level approvers) that leaves the request
 * pending, then a second-level approver's, who is not the person who gave
 * the first (four eyes); either level may reject. The requester never
 * decides their own request, nor a teammate the extension they asked for;
 * the decision on an extension is told to both. An approval
 * leaves the warehouse grant pending and makes it at once; what fails there
 * stays pending for the scheduled sync (warehouseSync.ts).
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import {
  type AccessRequestActionBody,
  dataMeshAccessExtendPermission,
  dataMeshAccessRequestDecidePermission,
  type PortApproverLevels,
} from '@datamesh/plugin-data-mesh-common';
import { approverLevelsOf } from './approvers';
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

const eitherLevel = (levels: PortApproverLevels) => [
  ...new Set([...levels.first, ...levels.second]),
];

/**
 * A (final) decision on the pending extension of an approved or active
 * request, by `approvers` besides those the permission allows (or by them
 * alone for a second-level approval: `secondLevel`).
 */
function extensionStep(
  ctx: AccessContext,
  what: 'approve' | 'reject',
  body: AccessRequestActionBody,
  askedBy: string | undefined,
  approvers: string[],
  secondLevel?: SecondLevel,
): TransitionStep {
  return {
    ...(secondLevel
      ? secondLevel.step
      : {
          permission: dataMeshAccessExtendPermission,
          permissionVerb: 'extend',
          approvers,
        }),
    check: (request, by) => {
      pendingExtension(request, what);
      secondLevel?.check(request, by);
    },
    async write(request, by, now) {
      const extension = pendingExtension(request, what);
      const changed = await ctx.store.update(request.id, {
        states: EXTENDABLE_STATES,
        extensionAt: extension.requestedAt,
        patch:
          what === 'approve'
            ? {
                expiresAt: extension.expiresAt,
                extension: null,
                firstApproval: null,
              }
            : { extension: null, firstApproval: null },
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

/** Who alone gives a second-level approval, and the four-eyes check. */
interface SecondLevel {
  step: Pick<TransitionStep, 'approvers' | 'mayTakeIt'>;
  check(request: AccessRequestRecord, by: string): void;
}

function secondLevelOf(
  outputPort: string,
  levels: PortApproverLevels,
): SecondLevel {
  return {
    step: {
      approvers: levels.second,
      mayTakeIt: `the second-level approvers of port ${outputPort} (${levels.second.join(
        ', ',
      )})`,
    },
    check(request, by) {
      if (request.firstApproval?.by === by) {
        throw new NotAllowedError(
          `${by} gave the first-level approval of access request ${request.id}; the second must come from another of port ${outputPort}'s second-level approvers`,
        );
      }
    },
  };
}

/**
 * The first of two approvals (the port names second-level approvers): the
 * request, or its extension, stays pending with who approved it, and the
 * second-level approvers are told it is theirs to decide.
 */
function firstApprovalStep(
  ctx: AccessContext,
  request: AccessRequestRecord,
  body: AccessRequestActionBody,
  levels: PortApproverLevels,
): TransitionStep {
  const extension = request.state !== 'pending';
  return {
    permission: extension
      ? dataMeshAccessExtendPermission
      : dataMeshAccessRequestDecidePermission,
    ...(extension ? { permissionVerb: 'extend' } : {}),
    approvers: levels.first,
    mayTakeIt: `its owners, the first-level approvers of port ${request.outputPort} or an admin (the second-level approvers decide after them)`,
    check: r => {
      if (extension) pendingExtension(r, 'approve');
    },
    write: (r, by, now) =>
      ctx.store.update(r.id, {
        states: extension ? EXTENDABLE_STATES : ['pending'],
        ...(extension ? { extensionAt: r.extension?.requestedAt } : {}),
        unapproved: true,
        patch: { firstApproval: { by, at: now } },
        history: {
          at: now,
          actor: by,
          action: extension ? 'extend-approve-first' : 'approve-first',
          comment: body.comment,
        },
      }),
    notify: (n, r) => n.awaitsSecondApproval(r, levels.second),
  };
}

/** Approve a pending request, or the pending extension of a granted one. */
export function approve(
  ctx: AccessContext,
  id: string,
  body: AccessRequestActionBody,
  credentials: BackstageCredentials,
) {
  return runTransition(
    ctx,
    id,
    credentials,
    'approve',
    'not-requester',
    async r => {
      const levels = await approverLevelsOf(ctx, r.product, r.outputPort);
      // chained while something waits for a decision; otherwise the
      // step's state check answers 409
      const chained =
        levels.second.length > 0 && (r.state === 'pending' || !!r.extension);
      if (chained && !r.firstApproval) {
        return firstApprovalStep(ctx, r, body, levels);
      }
      const secondLevel = chained
        ? secondLevelOf(r.outputPort, levels)
        : undefined;
      if (r.state !== 'pending') {
        return extensionStep(
          ctx,
          'approve',
          body,
          r.extension?.requestedBy,
          eitherLevel(levels),
          secondLevel,
        );
      }
      return {
        ...(secondLevel
          ? secondLevel.step
          : {
              permission: dataMeshAccessRequestDecidePermission,
              approvers: levels.first,
            }),
        check: (request, by) => secondLevel?.check(request, by),
        write: (request, by, now) =>
          ctx.store.transition(id, {
            ...TRANSITIONS.approve,
            patch: {
              ...approvalPatch(by, now, request.durationMs),
              firstApproval: null,
            },
            history: {
              at: now,
              actor: by,
              action: 'approve',
              comment: body.comment,
            },
          }),
        after: () => afterApproval(ctx, id),
        notify: (n, request) => n.decided(request, 'approved'),
      };
    },
  );
}

/** Reject a pending request, or the pending extension of a granted one: either level may. */
export function reject(
  ctx: AccessContext,
  id: string,
  body: AccessRequestActionBody,
  credentials: BackstageCredentials,
) {
  return runTransition(
    ctx,
    id,
    credentials,
    'reject',
    'not-requester',
    async r => {
      const approvers = eitherLevel(
        await approverLevelsOf(ctx, r.product, r.outputPort),
      );
      return r.state !== 'pending'
        ? extensionStep(
            ctx,
            'reject',
            body,
            r.extension?.requestedBy,
            approvers,
          )
        : {
            permission: dataMeshAccessRequestDecidePermission,
            approvers,
            write: (_request, by, now) =>
              ctx.store.transition(id, {
                ...TRANSITIONS.reject,
                patch: { decidedBy: by, decidedAt: now, firstApproval: null },
                history: {
                  at: now,
                  actor: by,
                  action: 'reject',
                  comment: body.comment,
                },
              }),
            notify: (n, request) => n.decided(request, 'rejected'),
          };
    },
  );
}
