import { Content, Header, Page, Progress } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { AccessLoadError } from './AccessLoadError';
import { AccessRequestsTable } from './AccessRequestsTable';
import {
  portApprovalKey,
  useAccessRequests,
  usePortApprovals,
  useSignedInUser,
} from './hooks';

const OURS = { ours: true };

/**
 * "My access": the requests the signed-in user made and those made for
 * their teams (or their teams' products) by anyone, on every product, with
 * their state and expiry and the product's SLO health (is what I read
 * late?); a granted one opens to how to read it, and the
 * requester or any teammate extends it from here. A request a first level
 * approved names the second-level approvers it waits for (the ports of
 * those requests read from the catalog in one call): whom to ask.
 *
 * @public
 */
export function MyAccess() {
  const user = useSignedInUser();
  const requests = useAccessRequests(OURS);
  const approvals = usePortApprovals(
    requests.value?.filter(r => r.firstApproval).map(r => r.product),
    user.value?.claims,
  );
  if (user.loading || requests.loading || approvals.loading) {
    return <Progress />;
  }
  const error = user.error ?? requests.error;
  if (error)
    return <AccessLoadError error={error} what="Your access requests" />;
  return (
    <AccessRequestsTable
      title="My and my teams' access requests"
      requests={requests.value ?? []}
      columns={['product', 'health', 'consumer', 'requester', 'pii']}
      me={user.value!.userEntityRef}
      // the list is the user's own requests and their consumers': the
      // backend lets the requester and the consumer's members extend
      shares={() => true}
      approvalOf={r =>
        approvals.value?.get(portApprovalKey(r.product, r.outputPort))
      }
      onChanged={() => requests.retry()}
      emptyContent={
        <Typography variant="body2" data-testid="my-access-empty">
          Neither you nor your teams have requested access to any data product
          yet. Use "Request access" on a product's output port.
        </Typography>
      }
    />
  );
}

/** Stand-alone page for legacy apps. @public */
export function MyAccessPage() {
  return (
    <Page themeId="tool">
      <Header
        title="My access"
        subtitle="The data you and your teams asked for: state, expiry, history and how to read it"
      />
      <Content>
        <MyAccess />
      </Content>
    </Page>
  );
}
