/*
 * A dialog that asks before one warehouse action (dropping what a product
 * left behind, keeping it, deleting a sandbox): its words, Cancel and the
 * action's button; while the action runs neither closes it, and a refusal
 * is shown in it, nothing done.
 */
import { type ReactNode, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import { errorMessage } from '../slo/SloErrors';

export function ActionDialog(props: {
  /** Names the title (`<id>-title`) and the refusal (`<id>-error`). */
  id: string;
  title: ReactNode;
  /** What happens, and what to confirm it with (given whether the action runs). */
  children: ReactNode | ((busy: boolean) => ReactNode);
  /** The action's button. */
  action: string;
  /** `secondary` for what cannot be undone. */
  color?: 'primary' | 'secondary';
  /** Whether what is asked is given (a name typed, a reason). */
  ready?: boolean;
  /** Runs the action; throws when the backend refuses it. */
  run: () => Promise<void>;
  /** What a refusal means, before its message: "Nothing was dropped". */
  refused: string;
  onClose: () => void;
}) {
  const { id, ready = true, run, onClose } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const act = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await run();
    } catch (e) {
      setError(errorMessage(e as Error));
      setBusy(false);
    }
  };
  const titleId = `${id}-title`;
  return (
    <Dialog
      open
      onClose={busy ? undefined : onClose}
      aria-labelledby={titleId}
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id={titleId}>{props.title}</DialogTitle>
      <DialogContent>
        {typeof props.children === 'function'
          ? props.children(busy)
          : props.children}
        {error && (
          <Box mt={2}>
            <Alert severity="error" data-testid={`${id}-error`}>
              {props.refused}: {error}
            </Alert>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          onClick={act}
          disabled={busy || !ready}
          color={props.color ?? 'secondary'}
          variant="contained"
        >
          {props.action}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
