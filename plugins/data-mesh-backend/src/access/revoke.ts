/*
 * Revoking: owners (the revoke permission on the product) take back an
 * approved or active access now. The state changes first, so nothing is
 * granted after it, then the warehouse drops the request role; a drop that
 * fails stays pending for the scheduled sync.
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  type AccessRequestActionBody,
  dataMeshAccessRevokePermission,
} from '@datamesh/plugin-data-mesh-common';
import { TRANSITIONS, requireTransition } from './stateMachine';
import { type AccessContext, runTransition } from './transition';

/** Take back an approved or active access now. */
export function revoke(
  ctx: AccessContext,
  id: string,
  body: AccessRequestActionBody,
  credentials: BackstageCredentials,
) {
  return runTransition(ctx, id, credentials, 'revoke', 'anyone', () => ({
    permission: dataMeshAccessRevokePermission,
    check: request => requireTransition(request, 'revoke'),
    write: (_request, by, now) =>
      ctx.store.transition(id, {
        ...TRANSITIONS.revoke,
        patch: {
          warehousePending: ctx.executor ? 'revoke' : null,
          extension: null,
        },
        history: {
          at: now,
          actor: by,
          action: 'revoke',
          comment: body.comment,
        },
      }),
    after: () => ctx.warehouse.revoke(id),
    notify: (n, request) => n.decided(request, 'revoked'),
  }));
}
