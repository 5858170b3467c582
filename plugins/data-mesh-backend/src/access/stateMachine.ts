/*
 * The states of an access request and the transitions between them, as
 * data: the service asks which states an action may start from and the
 * store makes the change with a conditional UPDATE on exactly those states,
 * so two concurrent decisions cannot both succeed.
 */
import { ConflictError } from '@backstage/errors';
import type { AccessRequestState } from '@datamesh/plugin-data-mesh-common';

/** An action that moves a request to another state. */
export type AccessTransition =
  | 'approve'
  | 'reject'
  | 'grant'
  | 'revoke'
  | 'expire'
  | 'cancel';

/** From which states each transition may start, and where it leads. */
export const TRANSITIONS: Readonly<
  Record<
    AccessTransition,
    { from: AccessRequestState[]; to: AccessRequestState }
  >
> = {
  approve: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  // the warehouse confirmed the grant of an approved request
  grant: { from: ['approved'], to: 'active' },
  // an approved request may already be partly granted: revoke and expire
  // take it back as well as an active one
  revoke: { from: ['approved', 'active'], to: 'revoked' },
  expire: { from: ['approved', 'active'], to: 'expired' },
  // the consumer withdraws a request or gives up what it was granted
  cancel: { from: ['pending', 'approved', 'active'], to: 'cancelled' },
};

/** States in which nothing is granted and nothing may be granted any more. */
export const FINAL_STATES: readonly AccessRequestState[] = [
  'rejected',
  'revoked',
  'expired',
  'cancelled',
];

/** States in which an extension may be asked for and decided. */
export const EXTENDABLE_STATES: readonly AccessRequestState[] = [
  'approved',
  'active',
];

/** Whether `transition` may start from `state`. */
export function canTransition(
  state: AccessRequestState,
  transition: AccessTransition,
): boolean {
  return TRANSITIONS[transition].from.includes(state);
}

/** A 409 naming the request's state when it cannot take `transition` now. */
export function requireTransition(
  request: { id: string; state: AccessRequestState },
  transition: AccessTransition,
): void {
  if (!canTransition(request.state, transition)) {
    throw new ConflictError(
      `access request ${request.id} is ${request.state}: nothing to ${transition}`,
    );
  }
}
