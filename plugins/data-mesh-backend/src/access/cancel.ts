/*
 * Cancelling: the consumer's side of revoke. The requester, or any member
 * of the consumer, withdraws a request nobody has decided yet (a wrong
 * port, a purpose that changed) or gives up access the team no longer
 * needs, so it is not left to expire or to be flagged as unused. A grant is
 * taken back as a revoke does: the state changes first, so nothing is
 * granted after it, then the warehouse drops the request role. The owners
 * are told, so they do not decide a request that is gone.
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  type AccessRequestActionBody,
  holdsGrant,
} from '@datamesh/plugin-data-mesh-common';
import { approversOf } from './approvers';
import { TRANSITIONS, requireTransition } from './stateMachine';
import { type AccessContext, runTransition } from './transition';

/** Withdraw a pending request, or give up an approved or active access. */
export function cancel(
  ctx: AccessContext,
  id: string,
  body: AccessRequestActionBody,
  credentials: BackstageCredentials,
) {
  return runTransition(ctx, id, credentials, 'cancel', 'consumer', loaded => {
    const granted = holdsGrant(loaded.state);
    return {
      check: request => requireTransition(request, 'cancel'),
      write: (request, by, now) =>
        ctx.store.transition(id, {
          // exactly the state it was loaded in: a decision that came first
          // is a 409, not a grant left behind
          from: [request.state],
          to: TRANSITIONS.cancel.to,
          patch: {
            warehousePending: granted && ctx.executor ? 'revoke' : null,
            extension: null,
            firstApproval: null,
          },
          history: {
            at: now,
            actor: by,
            action: 'cancel',
            comment: body.comment,
          },
        }),
      after: granted ? () => ctx.warehouse.revoke(id) : undefined,
      notify: async (n, request) =>
        n.cancelled(
          request,
          await approversOf(ctx, request.product, request.outputPort),
        ),
    };
  });
}
