/*
 * Access drift on the Access tab, where owners manage grants: what the
 * warehouse grants against the active requests (the Infrastructure card's
 * access section, one rendering), and for those who may repair it (its
 * owners and admins, as the permission policy answers
 * `data-mesh.access.repair`) the repair: re-grant what is missing, and on
 * request revoke what no request explains. The last repair, from the
 * product's audit trail, is shown to everyone.
 */
import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { InfoCard, Progress } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  type AccessDriftRepairResponse,
  type InfrastructureAccessDrift,
  type InfrastructureAccessFinding,
  dataMeshAccessRepairPermission,
  membershipKey,
} from '@datamesh/plugin-data-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import { AccessDriftSection } from '../infra/AccessDrift';
import { errorMessage } from '../slo/SloErrors';
import { AccessLastRepair } from './AccessLastRepair';

function RepairControls(props: {
  namespace: string;
  name: string;
  access: InfrastructureAccessDrift;
  onRepaired: (result: AccessDriftRepairResponse) => void;
}) {
  const { namespace, name, access, onRepaired } = props;
  const api = useApi(dataMeshApiRef);
  const [revokeUnmanaged, setRevokeUnmanaged] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const repair = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onRepaired(
        await api.repairAccessDrift({ namespace, name }, { revokeUnmanaged }),
      );
    } catch (e) {
      setError(errorMessage(e as Error));
    } finally {
      setBusy(false);
    }
  };
  const nothing =
    access.steps.length === 0 &&
    (!revokeUnmanaged || access.destructive.length === 0);
  return (
    <Box mt={1} data-testid="access-drift-repair">
      {access.destructive.length > 0 && (
        <FormControlLabel
          control={
            <Checkbox
              checked={revokeUnmanaged}
              onChange={e => setRevokeUnmanaged(e.target.checked)}
              inputProps={{ 'aria-label': 'revoke unmanaged grants' }}
            />
          }
          label={`Also revoke what no request explains (${access.destructive.length} revoke or drop)`}
        />
      )}
      <Button
        variant="outlined"
        color="primary"
        disabled={busy || nothing}
        onClick={repair}
      >
        Repair access
      </Button>
      {error && (
        <Alert severity="error" data-testid="access-drift-repair-error">
          The repair failed: {error}
        </Alert>
      )}
    </Box>
  );
}

/**
 * The "Access drift" panel of a DataProduct's Access tab. Nothing when the
 * backend checks no access requests for the product.
 * @public
 */
export function AccessDriftPanel(props: {
  namespace: string;
  name: string;
  /** The product's entity ref, the resource the repair permission is asked on. */
  entityRef: string;
  /** After a repair: the requests' history has a new entry. */
  onRepaired?: () => void;
  /**
   * Offered on a grant made by hand that a team or data product of the
   * catalog reads through (to owners, who record agreed access).
   */
  onRecord?: (finding: InfrastructureAccessFinding) => void;
  /** A change elsewhere on the tab (access recorded): check again. */
  reloadKey?: unknown;
}) {
  const { namespace, name, entityRef, onRepaired, onRecord, reloadKey } = props;
  const api = useApi(dataMeshApiRef);
  const { allowed } = usePermission({
    permission: dataMeshAccessRepairPermission,
    resourceRef: entityRef,
  });
  const loaded = useAsync(
    () => api.getInfrastructure({ namespace, name }),
    [api, namespace, name, reloadKey],
  );
  // when the scheduled check first found each grant made by hand
  const found = useAsync(async () => {
    const { items } = await api.listUnexplainedGrants(entityRef);
    return new Map(items.map(g => [membershipKey(g), g.firstSeenAt]));
  }, [api, entityRef, reloadKey]);
  const [repaired, setRepaired] = useState<AccessDriftRepairResponse>();
  useEffect(() => setRepaired(undefined), [namespace, name, reloadKey]);
  // a reload keeps the panel drawn (and the page where it was)
  if (loaded.loading && !loaded.value) return <Progress />;
  if (loaded.error) {
    return (
      <Alert severity="warning" data-testid="access-drift-load-error">
        Access drift could not be checked: {errorMessage(loaded.error)}
      </Alert>
    );
  }
  const access = repaired?.access ?? loaded.value?.access;
  if (!access) return null;
  const sent = repaired?.applied.flatMap(s => s.sql) ?? [];
  return (
    <InfoCard title="Access drift">
      <Box data-testid="access-drift-panel">
        <AccessDriftSection
          access={access}
          onRecord={onRecord}
          // without it (an older backend, an error) the findings show as they are
          foundAt={found.value}
        />
        {repaired && (
          <Alert
            severity={repaired.error ? 'error' : 'success'}
            data-testid="access-drift-repaired"
          >
            {sent.length === 0
              ? 'Nothing was sent.'
              : `Sent ${sent.length} statement${
                  sent.length === 1 ? '' : 's'
                }: ${sent.join('; ')}`}
            {repaired.error ? ` Stopped: ${repaired.error}` : ''}
          </Alert>
        )}
        {!access.inSync &&
          (allowed ? (
            <RepairControls
              namespace={namespace}
              name={name}
              access={access}
              onRepaired={result => {
                setRepaired(result);
                onRepaired?.();
              }}
            />
          ) : (
            <Typography
              variant="body2"
              color="textSecondary"
              data-testid="access-drift-owners-only"
            >
              The product's owners can repair it.
            </Typography>
          ))}
        <AccessLastRepair
          namespace={namespace}
          name={name}
          reloadKey={repaired}
        />
      </Box>
    </InfoCard>
  );
}
