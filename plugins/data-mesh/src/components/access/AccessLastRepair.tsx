/*
 * "Last repair" under the Access drift panel: the newest `access-repair`
 * entry of the product's audit trail (the lifecycle audit, `GET
 * /lifecycle/:namespace/:name`, where the backend keeps every repair): who
 * ran it, when, and the grants no request explained that it revoked —
 * grants that have no request whose history could say so.
 */
import { useApi } from '@backstage/core-plugin-api';
import { Who } from '../common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  ACCESS_REPAIR_AUDIT_ACTION,
  type AccessRepairAuditDetail,
} from '@datamesh/plugin-data-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { formatDateTime } from '../slo/format';
import { errorMessage } from '../slo/SloErrors';

function revokedLine(grant: AccessRepairAuditDetail['revoked'][number]) {
  return grant.membership
    ? `${grant.membership.member} no longer holds ${grant.membership.role}`
    : `role ${grant.role} dropped`;
}

/**
 * The product's last access drift repair; nothing when it was never
 * repaired. `reloadKey` changes after a repair made here, to read it again.
 */
export function AccessLastRepair(props: {
  namespace: string;
  name: string;
  reloadKey?: unknown;
}) {
  const { namespace, name, reloadKey } = props;
  const api = useApi(dataMeshApiRef);
  const loaded = useAsync(
    () => api.getProductLifecycle({ namespace, name }),
    [api, namespace, name, reloadKey],
  );
  if (loaded.loading) return null;
  if (loaded.error) {
    // a backend without the lifecycle routes keeps no audit trail
    if ((loaded.error as { statusCode?: number }).statusCode === 404) {
      return null;
    }
    return (
      <Typography
        variant="caption"
        color="textSecondary"
        data-testid="access-drift-last-repair-error"
      >
        The last repair could not be read: {errorMessage(loaded.error)}
      </Typography>
    );
  }
  const last = (loaded.value?.audit ?? [])
    .filter(a => a.action === ACCESS_REPAIR_AUDIT_ACTION)
    .at(-1);
  if (!last) return null;
  const detail = last.detail as AccessRepairAuditDetail | undefined;
  const revoked = detail?.revoked ?? [];
  const sent = detail?.statements.length ?? 0;
  return (
    <Box mt={1} data-testid="access-drift-last-repair">
      <Typography variant="body2" color="textSecondary">
        Last repair {formatDateTime(Date.parse(last.at))} by{' '}
        <Who entityRef={last.actor} />: {sent} statement{sent === 1 ? '' : 's'}{' '}
        sent
        {revoked.length > 0
          ? `, ${revoked.length} grant${
              revoked.length === 1 ? '' : 's'
            } no request explained revoked`
          : ''}
        {detail?.error ? `; stopped: ${detail.error}` : ''}
      </Typography>
      {revoked.length > 0 && (
        <ul style={{ margin: 0 }}>
          {revoked.map((grant, i) => (
            <li key={i}>
              <Typography variant="body2" color="textSecondary">
                {revokedLine(grant)}
              </Typography>
            </li>
          ))}
        </ul>
      )}
    </Box>
  );
}
