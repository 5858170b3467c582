import { InfoCard, Progress } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { AccessRequest } from '@datamesh/plugin-data-mesh-common';
import { AccessLoadError } from './AccessLoadError';
import { AccessRequestsTable } from './AccessRequestsTable';
import {
  portApprovalKey,
  useAccessRequests,
  usePortApprovals,
  useSignedInUser,
} from './hooks';

const INBOX = { inbox: true };

/** A granted request whose requester asked for a later expiry. */
const awaitsExtension = (r: AccessRequest) =>
  (r.state === 'approved' || r.state === 'active') && r.extension !== null;

/**
 * The deciders' inbox: pending requests, and granted ones whose requester
 * asked for an extension, on products owned by one of the signed-in user's
 * groups (`ownedProducts`, from My data products) and on the ports whose
 * ODCS roles name them or a group of theirs as approver, to approve or
 * reject, in one request (`inbox=true`); on a port with second-level
 * approvers, the buttons follow which approval the request waits for (the
 * ports' approvers read from the catalog in one call). An extension shows as such (the
 * expiry asked and its comment) and its buttons decide the extension, not
 * the request. Requests the user made themselves are theirs to wait on, not
 * to decide, so they are left out. For a user owning no product (a
 * steward, a governance board approving ports), `hideWhenEmpty` shows it
 * only when it holds something.
 *
 * @public
 */
export function AccessInboxCard(props: {
  /** Entity refs of the products the user's groups own, lower-case. */
  ownedProducts: string[];
  /** Nothing at all while there is nothing to decide (for a user owning no product). */
  hideWhenEmpty?: boolean;
}) {
  const user = useSignedInUser();
  const requests = useAccessRequests(INBOX);
  const approvals = usePortApprovals(
    requests.value?.map(r => r.product),
    user.value?.claims,
  );
  if (user.loading || requests.loading || approvals.loading) {
    if (props.hideWhenEmpty) return null;
    return (
      <InfoCard title="Access requests to decide">
        <Progress />
      </InfoCard>
    );
  }
  const error = user.error ?? requests.error;
  if (error) return <AccessLoadError error={error} what="Access requests" />;
  const me = user.value!.userEntityRef;
  const owned = new Set(props.ownedProducts);
  const inbox = (requests.value ?? []).filter(
    (r: AccessRequest) =>
      (r.state === 'pending' || awaitsExtension(r)) && r.requester !== me,
  );
  if (props.hideWhenEmpty && inbox.length === 0) return null;
  return (
    <AccessRequestsTable
      title="Access requests to decide"
      requests={inbox}
      columns={['product', 'consumer', 'requester', 'pii']}
      me={me}
      approvalOf={r =>
        approvals.value?.get(portApprovalKey(r.product, r.outputPort)) ??
        // the backend lists the others because the user approves their port
        (owned.has(r.product)
          ? undefined
          : { first: true, second: false, secondLevel: [] })
      }
      onChanged={() => requests.retry()}
      emptyContent={
        <Typography variant="body2" data-testid="access-inbox-empty">
          No pending access requests or extensions on your products or the ports
          you approve.
        </Typography>
      }
    />
  );
}
