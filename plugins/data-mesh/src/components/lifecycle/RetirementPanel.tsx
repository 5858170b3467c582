import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  type ProductLifecycle,
  dataMeshProductRetirePermission,
} from '@datamesh/plugin-data-mesh-common';
import { RetirementDialog } from './RetirementDialog';

/** Whether the retirement can be started or resumed now. */
export function retirementOpen(lifecycle: ProductLifecycle, now: number) {
  if (lifecycle.state === 'retiring') return true;
  if (lifecycle.state !== 'deprecated' || !lifecycle.retireAt) return false;
  return now >= Date.parse(lifecycle.retireAt);
}

/**
 * For those who may retire the product (its owners and admins, as the
 * permission policy answers `data-mesh.product.retire`), once its date has
 * come or while it is retiring: a button that opens the step-by-step
 * retirement. Nothing for anyone else, nor before the date.
 */
export function RetirementPanel(props: {
  lifecycle: ProductLifecycle;
  namespace: string;
  name: string;
  onChanged?: () => void;
}) {
  const { lifecycle, namespace, name, onChanged } = props;
  const { allowed } = usePermission({
    permission: dataMeshProductRetirePermission,
    resourceRef: lifecycle.product,
  });
  const [open, setOpen] = useState(false);
  if (!allowed) return null;
  const available = retirementOpen(lifecycle, Date.now());
  // an open dialog stays when the last step makes the product retired
  if (!available && !open) return null;
  const resuming = lifecycle.state === 'retiring';
  return (
    <Box mt={1} data-testid="retirement-panel">
      {available && (
        <>
          <Typography variant="body2" gutterBottom>
            {resuming
              ? 'Its retirement has started: resume it where it stopped.'
              : 'Its retirement date has come: you may retire it now, step by step.'}
          </Typography>
          <Button
            variant="outlined"
            color="secondary"
            onClick={() => setOpen(true)}
          >
            {resuming ? 'Resume retirement…' : 'Retire…'}
          </Button>
        </>
      )}
      {open && (
        <RetirementDialog
          namespace={namespace}
          name={name}
          onClose={() => setOpen(false)}
          onChanged={onChanged}
        />
      )}
    </Box>
  );
}
