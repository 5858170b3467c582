import { Content, Header, Page, Progress } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { AccessLoadError } from './AccessLoadError';
import { AccessRequestsTable } from './AccessRequestsTable';
import { useAccessRequests, useSignedInUser } from './hooks';

const MINE = { mine: true };

/**
 * "My access": the requests the signed-in user made, on every product,
 * with their state and expiry; granted ones can be extended from here.
 *
 * @public
 */
export function MyAccess() {
  const user = useSignedInUser();
  const requests = useAccessRequests(MINE);
  if (user.loading || requests.loading) return <Progress />;
  const error = user.error ?? requests.error;
  if (error)
    return <AccessLoadError error={error} what="Your access requests" />;
  return (
    <AccessRequestsTable
      title="My access requests"
      requests={requests.value ?? []}
      columns={['product', 'consumer', 'pii']}
      me={user.value!.userEntityRef}
      onChanged={() => requests.retry()}
      emptyContent={
        <Typography variant="body2" data-testid="my-access-empty">
          You have not requested access to any data product yet. Use "Request
          access" on a product's output port.
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
        subtitle="The data you asked for: state, expiry and history"
      />
      <Content>
        <MyAccess />
      </Content>
    </Page>
  );
}
