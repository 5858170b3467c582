/*
 * Applying the product's plan from its Infrastructure card: its owners and
 * admins (as the permission policy answers `data-mesh.infrastructure.apply`)
 * provision a product that has nothing in the warehouse yet, or repair its
 * drift, without a pipeline; revokes and drops only when ticked. Others are
 * told who can.
 */
import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  type InfrastructureApplyResponse,
  type InfrastructureStatus,
  type ProductInfrastructureResponse,
  dataMeshInfrastructureApplyPermission,
} from '@datamesh/plugin-data-mesh-common';
import { parseEntityRef } from '@backstage/catalog-model';
import { dataMeshApiRef } from '../../api';
import { errorMessage } from '../slo/SloErrors';

/**
 * Whether a product's plan can be applied: it drifts or was never
 * provisioned (a conflict blocks the plan, an invalid spec has none), and
 * the plan changes something.
 */
export function planApplicable(
  status: InfrastructureStatus,
  changes: number,
): boolean {
  return (status === 'drift' || status === 'not-provisioned') && changes > 0;
}

/** "Applied 3 changes. 1 revoke or drop not sent.", or where it stopped. */
export function appliedText(applied: InfrastructureApplyResponse): string {
  return changesText(
    applied.applied.length,
    applied.skipped.length,
    applied.error,
  );
}

/** What an apply sent (`applied` steps), left (`skipped`), or where it stopped. */
export function changesText(
  applied: number,
  skipped: number,
  error?: string,
): string {
  return `${
    applied === 0
      ? 'Nothing was applied.'
      : `Applied ${applied} change${applied === 1 ? '' : 's'}.`
  }${error ? ` Stopped: ${error}` : ''}${
    !error && skipped > 0 ? ` ${skipped} revoke or drop not sent.` : ''
  }`;
}

/** What the last apply sent, or where it stopped. */
export function ApplyResult(props: { applied?: InfrastructureApplyResponse }) {
  const { applied } = props;
  if (!applied) return null;
  return (
    <Alert
      severity={applied.error ? 'error' : 'success'}
      data-testid="infra-applied"
    >
      {appliedText(applied)}
    </Alert>
  );
}

/** The Provision / Repair button, for those who may; nothing when there is nothing to apply. */
export function ApplyInfrastructure(props: {
  body: ProductInfrastructureResponse;
  onApplied: (result: InfrastructureApplyResponse) => void;
}) {
  const { body, onApplied } = props;
  const api = useApi(dataMeshApiRef);
  const { allowed, loading } = usePermission({
    permission: dataMeshInfrastructureApplyPermission,
    resourceRef: body.entityRef,
  });
  const [allowDestructive, setAllowDestructive] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const { steps, destructive } = body.drift;
  const applicable = planApplicable(
    body.status,
    steps.length + destructive.length,
  );
  if (!applicable || loading) return null;
  if (!allowed) {
    return (
      <Typography
        variant="body2"
        color="textSecondary"
        data-testid="infra-apply-owners-only"
      >
        Its owners can apply the plan here, or its pipeline with{' '}
        <code>datamesh apply</code>.
      </Typography>
    );
  }
  const label = body.status === 'not-provisioned' ? 'Provision' : 'Repair';
  const apply = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const { namespace, name } = parseEntityRef(body.entityRef);
      onApplied(
        await api.applyInfrastructure(
          { namespace, name },
          { allowDestructive },
        ),
      );
    } catch (e) {
      setError(errorMessage(e as Error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box mt={1} data-testid="infra-apply">
      {destructive.length > 0 && (
        <FormControlLabel
          control={
            <Checkbox
              checked={allowDestructive}
              onChange={e => setAllowDestructive(e.target.checked)}
            />
          }
          label={`Also revoke and drop what the spec does not declare (${destructive.length})`}
        />
      )}
      <Button
        variant="outlined"
        color="primary"
        disabled={busy || (steps.length === 0 && !allowDestructive)}
        onClick={apply}
      >
        {label}
      </Button>
      {error && (
        <Alert severity="error" data-testid="infra-apply-error">
          The plan was not applied: {error}
        </Alert>
      )}
    </Box>
  );
}
