/*
 * Asking for more time: the requester or any member of the consumer (the
 * team, or the team owning the consumer product, reads with the grant and
 * keeps it when the requester has moved on), only while the access is
 * approved or active, and never past the maximum of the port's policy and
 * the portal's settings counted from now. The owners decide the ask with
 * approve/reject (decide.ts).
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import type { AccessRequestActionBody } from '@datamesh/plugin-data-mesh-common';
import { approverLevelsOf } from './approvers';
import type { AccessRequestRecord } from './AccessRequestStore';
import { loadProduct } from './parties';
import { durationWithin, portAccessPolicy } from './policy';
import { EXTENDABLE_STATES } from './stateMachine';
import { type AccessContext, runTransition } from './transition';

/** The expiry the ask leads to; a 400 naming `duration` when it is missing or too far. */
async function askedExpiry(
  ctx: AccessContext,
  request: AccessRequestRecord,
  duration: string | undefined,
  now: number,
): Promise<number> {
  if (duration === undefined)
    throw new InputError('duration: required to extend');
  const product = await loadProduct(ctx, request.product);
  const port = product?.spec.outputPorts?.find(
    p => p.name === request.outputPort,
  );
  const policyMax = port ? portAccessPolicy(port).maxDurationMs : undefined;
  const maxMs = Math.min(policyMax ?? Infinity, ctx.settings.maxDurationMs);
  const expiresAt = request.expiresAt! + durationWithin(duration, Infinity);
  if (expiresAt - now > maxMs) {
    throw new InputError(
      `duration: the access would end ${new Date(
        expiresAt,
      ).toISOString()}, more than the maximum of ${Math.round(
        maxMs / 86_400_000,
      )} days from now`,
    );
  }
  return expiresAt;
}

/** The requester or a teammate asks for a later expiry; owners decide with approve/reject. */
export function extend(
  ctx: AccessContext,
  id: string,
  body: AccessRequestActionBody,
  credentials: BackstageCredentials,
) {
  return runTransition(ctx, id, credentials, 'extend', 'consumer', () => ({
    check(request) {
      if (
        !EXTENDABLE_STATES.includes(request.state) ||
        request.expiresAt === undefined
      ) {
        throw new ConflictError(
          `access request ${id} is ${request.state}: only approved or active access can be extended`,
        );
      }
    },
    async write(request, by, now) {
      const expiresAt = await askedExpiry(ctx, request, body.duration, now);
      return ctx.store.update(id, {
        states: EXTENDABLE_STATES,
        patch: {
          extension: {
            expiresAt,
            requestedAt: now,
            requestedBy: by,
            comment: body.comment,
          },
          // an extension asked anew starts its approvals anew
          firstApproval: null,
        },
        history: {
          at: now,
          actor: by,
          action: 'extend-request',
          comment: body.comment,
        },
      });
    },
    // the first level decides first (the second is told after it)
    notify: async (n, request) =>
      n.requested(
        request,
        true,
        (await approverLevelsOf(ctx, request.product, request.outputPort))
          .first,
      ),
  }));
}
