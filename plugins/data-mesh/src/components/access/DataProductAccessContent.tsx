import { useState } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  dataMeshAccessRequestDecidePermission,
  portApproverPlace,
} from '@datamesh/plugin-data-mesh-common';
import { NotADataProductCard, useDataProductEntity } from '../common';
import { AccessDriftPanel } from './AccessDriftPanel';
import { AccessLoadError } from './AccessLoadError';
import { AccessRequestsTable } from './AccessRequestsTable';
import { useAccessRequests, useMyConsumers, useSignedInUser } from './hooks';
import { ProductUsageCard } from './ProductUsageCard';
import {
  type RecordAccessInitial,
  RecordAccessDialog,
} from './RecordAccessDialog';

/**
 * The "Access" tab of a DataProduct: every request to its ports that the
 * signed-in user may see (owners, admins and auditors: all; others: their
 * own and their teams'), with the decisions the permission policy allows them, the
 * extension asks of the consumer's members and each request's
 * history; the access drift of its grants, with the repair for owners,
 * who also record access agreed before the portal.
 *
 * @public
 */
export function DataProductAccessContent() {
  const entity = useDataProductEntity();
  const product = entity ? stringifyEntityRef(entity).toLowerCase() : undefined;
  const user = useSignedInUser();
  const requests = useAccessRequests(product ? { product } : undefined);
  const consumers = useMyConsumers(user.value?.groups);
  // owners (and admins) record access agreed before the portal
  const { allowed: decides } = usePermission({
    permission: dataMeshAccessRequestDecidePermission,
    resourceRef: product ?? '',
  });
  // open with what a grant made by hand already says, or empty
  const [recording, setRecording] = useState<RecordAccessInitial | false>(
    false,
  );
  const [recorded, setRecorded] = useState(0);
  if (!entity) return <NotADataProductCard title="Access" />;
  // only the first load: a reload after a change keeps the page mounted, so
  // the drift panel keeps what its repair sent
  if (user.loading || (requests.loading && !requests.value)) {
    return <Progress />;
  }
  const error = user.error ?? requests.error;
  if (error) return <AccessLoadError error={error} what="Access requests" />;
  // the table is drawn once the user's consumers are known: drawn again, it
  // would close the row the user opened
  if (consumers.loading) return <Progress />;
  // the ports whose ODCS roles name the user, or a group of theirs, as approver
  const claims = user.value!.claims;
  const approvals = new Map(
    (entity.spec.outputPorts ?? []).map(p => [
      p.name,
      portApproverPlace(p, claims),
    ]),
  );
  const secondLevelPorts = [...approvals]
    .filter(([, a]) => a.second)
    .map(([name]) => name);
  const approved = new Set(
    [...approvals].filter(([, a]) => a.first || a.second).map(([name]) => name),
  );
  return (
    // the cards apart, as on the other tabs
    <Box display="flex" flexDirection="column" style={{ gap: 24 }}>
      {approved.size > 0 && (
        <Typography
          variant="body2"
          paragraph
          data-testid="access-approver-ports"
        >
          You approve requests for {[...approved].join(', ')}: the port's ODCS
          roles name you or one of your groups as approver.
          {secondLevelPorts.length > 0 &&
            ` Yours is the second-level approval on ${secondLevelPorts.join(
              ', ',
            )}: after the owners' (or a first-level approver's), before the grant.`}
        </Typography>
      )}
      {decides && (
        <Box display="flex" justifyContent="flex-end" mb={-2}>
          <Button variant="outlined" onClick={() => setRecording({})}>
            Record existing access…
          </Button>
        </Box>
      )}
      {recording && (
        <RecordAccessDialog
          product={entity}
          open
          initial={recording}
          onClose={() => setRecording(false)}
          onRecorded={() => {
            requests.retry();
            setRecorded(n => n + 1);
          }}
        />
      )}
      <AccessRequestsTable
        title="Access requests"
        requests={requests.value ?? []}
        columns={['consumer', 'requester', 'pii']}
        me={user.value!.userEntityRef}
        approvalOf={r => approvals.get(r.outputPort)}
        shares={r => consumers.value.has(r.consumer)}
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
        reloadKey={recorded}
        onRecord={
          decides
            ? ({ reader, membership }) =>
                setRecording({
                  consumer: reader!.consumer,
                  pii: reader!.personalData,
                  comment: `granted by hand in the warehouse: ${
                    membership!.member
                  } held ${membership!.role}`,
                })
            : undefined
        }
      />
      <ProductUsageCard
        namespace={entity.metadata.namespace ?? 'default'}
        name={entity.metadata.name}
      />
    </Box>
  );
}
