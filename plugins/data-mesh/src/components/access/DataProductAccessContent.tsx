import { stringifyEntityRef } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { NotADataProductCard, useDataProductEntity } from '../common';
import { AccessDriftPanel } from './AccessDriftPanel';
import { AccessLoadError } from './AccessLoadError';
import { AccessRequestsTable } from './AccessRequestsTable';
import { useAccessRequests, useSignedInUser } from './hooks';
import { ProductUsageCard } from './ProductUsageCard';

/**
 * The "Access" tab of a DataProduct: every request to its ports that the
 * signed-in user may see (owners and admins: all; others: their own), with
 * the decisions the permission policy allows them and each request's
 * history; the access drift of its grants, with the repair for owners.
 *
 * @public
 */
export function DataProductAccessContent() {
  const entity = useDataProductEntity();
  const product = entity ? stringifyEntityRef(entity).toLowerCase() : undefined;
  const user = useSignedInUser();
  const requests = useAccessRequests(product ? { product } : undefined);
  if (!entity) return <NotADataProductCard title="Access" />;
  if (user.loading || requests.loading) return <Progress />;
  const error = user.error ?? requests.error;
  if (error) return <AccessLoadError error={error} what="Access requests" />;
  return (
    <>
      <AccessRequestsTable
        title="Access requests"
        requests={requests.value ?? []}
        columns={['consumer', 'requester', 'pii']}
        me={user.value!.userEntityRef}
        onChanged={() => requests.retry()}
        emptyContent={
          <Typography variant="body2" data-testid="access-empty">
            No access requests you may see. Consumers ask for access with
            "Request access" on an output port.
          </Typography>
        }
      />
      <AccessDriftPanel
        namespace={entity.metadata.namespace ?? 'default'}
        name={entity.metadata.name}
        entityRef={product!}
        onRepaired={() => requests.retry()}
      />
      <ProductUsageCard
        namespace={entity.metadata.namespace ?? 'default'}
        name={entity.metadata.name}
      />
    </>
  );
}
