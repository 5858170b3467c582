/*
 * "New sandbox…" on the Infrastructure card: a developer of the owning team
 * gets a copy of the product's schemas for their feature branch (POST
 * /products/{namespace}/{name}/sandboxes) without the CLI. Those the policy
 * lets (`data-mesh.sandbox.create`: owners and admins) see the button; the
 * backend checks again and says why not.
 */
import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  type SandboxCreateResult,
  sandboxMadeWords,
} from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { errorMessage } from '../slo/SloErrors';

/**
 * "Made the sandbox of feat_x: 3 schemas, 5 tables copied.", or, for one
 * the backend is still copying, that it goes on and who will hear of it.
 */
export function madeText(made: SandboxCreateResult): string {
  if (made.status === 'in-progress') {
    return `Making the sandbox of ${made.branch} (${made.schemas.join(
      ', ',
    )}) takes a while: the backend goes on copying, and you will be notified when it is ready.`;
  }
  return `Made the sandbox of ${made.branch}: ${sandboxMadeWords(made)}.`;
}

function NewSandboxDialog(props: {
  product: { namespace: string; name: string };
  onClose: () => void;
  onMade: (made: SandboxCreateResult) => void;
}) {
  const { product, onClose, onMade } = props;
  const api = useApi(dataMeshApiRef);
  const [branch, setBranch] = useState('');
  const [replace, setReplace] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const make = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onMade(
        await api.createSandbox(product, { branch: branch.trim(), replace }),
      );
    } catch (e) {
      setError(errorMessage(e as Error).replace(/^branch: /, ''));
      setBusy(false);
    }
  };
  return (
    <Dialog
      open
      onClose={() => !busy && onClose()}
      aria-labelledby="new-sandbox-title"
    >
      <DialogTitle id="new-sandbox-title">
        New feature-branch sandbox
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          Copies of this product's schemas for your branch, its data included
          (zero-copy where the warehouse can), owned by the product's owner
          role. Delete it here once the branch is merged.
        </DialogContentText>
        <TextField
          id="new-sandbox-branch"
          label="Branch"
          value={branch}
          onChange={e => setBranch(e.target.value)}
          helperText={
            error ??
            "Lower-cased, other characters become '_': feat/Late-Returns → feat_late_returns"
          }
          error={Boolean(error)}
          disabled={busy}
          fullWidth
        />
        <FormControlLabel
          control={
            <Checkbox
              checked={replace}
              disabled={busy}
              onChange={e => setReplace(e.target.checked)}
            />
          }
          label="Replace the branch's sandbox if it exists (its copies are dropped)"
        />
        {busy && (
          <Typography variant="body2" color="textSecondary">
            Copying the product's data…
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={make}
          disabled={busy || branch.trim() === ''}
        >
          Make sandbox
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** The button and its dialog. */
export function NewSandbox(props: {
  product: { namespace: string; name: string };
  onMade: (made: SandboxCreateResult) => void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="small" color="primary" onClick={() => setOpen(true)}>
        New sandbox…
      </Button>
      {open && (
        <NewSandboxDialog
          product={props.product}
          onClose={() => setOpen(false)}
          onMade={made => {
            setOpen(false);
            props.onMade(made);
          }}
        />
      )}
    </>
  );
}
