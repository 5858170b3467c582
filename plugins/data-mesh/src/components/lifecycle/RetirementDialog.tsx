import { useCallback, useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Chip from '@material-ui/core/Chip';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import LinearProgress from '@material-ui/core/LinearProgress';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  RetirementApplyResult,
  RetirementPlanStep,
  RetirementPlanView,
  RetirementStepId,
} from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { errorMessage } from '../slo/SloErrors';

/** What each step does, as the owner reads it. */
export const RETIREMENT_STEP_TITLES: Record<RetirementStepId, string> = {
  'revoke-access': 'Revoke the access requests',
  revoke: 'Revoke the warehouse grants',
  archive: 'Archive the output layer',
  drop: "Drop the product's layers and roles",
  unregister: 'Unregister it from the catalog',
  'drop-archive': 'Drop the archive after its retention',
};

const day = (iso?: string) => iso?.slice(0, 10);

function StepStatus(props: { step: RetirementPlanStep }) {
  const { step } = props;
  if (step.done) return <Chip size="small" label="done" />;
  if (step.blockedUntil) {
    return (
      <Chip
        size="small"
        variant="outlined"
        label={`blocked until ${day(step.blockedUntil) ?? step.blockedUntil}`}
      />
    );
  }
  return <Chip size="small" color="secondary" label="to do" />;
}

/**
 * The retirement of one product, step by step: the plan from the backend
 * (refusals, readers, each step with what it does), then one confirmed step
 * per click — the owner types the product's name, and clicks the step; a
 * step is only ever sent to the backend as confirmed when clicked. The plan
 * is planned afresh by the backend each time, so reopening the dialog shows
 * which steps are done and resumes where the last run stopped. Readers
 * (consumers holding grants or reading) block the first step unless the
 * owner forces it with a reason.
 */
export function RetirementDialog(props: {
  namespace: string;
  name: string;
  onClose: () => void;
  /** Called after each applied step (e.g. to reload the lifecycle banner). */
  onChanged?: () => void;
}) {
  const { namespace, name, onClose, onChanged } = props;
  const api = useApi(dataMeshApiRef);
  const [plan, setPlan] = useState<RetirementPlanView>();
  const [failure, setFailure] = useState<string>();
  const [typed, setTyped] = useState('');
  const [force, setForce] = useState(false);
  const [reason, setReason] = useState('');
  const [running, setRunning] = useState<RetirementStepId>();
  const [last, setLast] = useState<RetirementApplyResult>();

  const load = useCallback(async () => {
    try {
      setPlan(await api.getRetirementPlan({ namespace, name }));
    } catch (e) {
      setFailure(errorMessage(e as Error));
    }
  }, [api, namespace, name]);
  useEffect(() => {
    load();
  }, [load]);

  const starting = plan?.state === 'deprecated';
  const mustForce = starting && (plan?.readers.length ?? 0) > 0;
  const confirmed = typed.trim() === name;
  const forceReady = !mustForce || (force && reason.trim() !== '');
  const next = plan?.steps.find(s => !s.done && !s.blockedUntil);

  const run = async (step: RetirementStepId) => {
    setFailure(undefined);
    setRunning(step);
    try {
      const result = await api.applyRetirement(
        { namespace, name },
        {
          confirm: [step],
          ...(mustForce ? { force: true, reason: reason.trim() } : {}),
        },
      );
      setLast(result);
      setPlan(result.plan);
      const stop = result.stoppedAt;
      // stopping at the next step for its confirmation, or at the archive's
      // drop waiting for its retention, is the normal end of a run
      const waiting =
        stop?.reason === 'awaiting confirmation' ||
        result.plan.steps.some(s => s.id === stop?.id && s.blockedUntil);
      if (stop && !waiting) {
        setFailure(`${RETIREMENT_STEP_TITLES[stop.id]}: ${stop.reason}`);
      }
      onChanged?.();
    } catch (e) {
      setFailure(errorMessage(e as Error));
      // what was applied before the error shows in a fresh plan
      load();
    } finally {
      setRunning(undefined);
    }
  };

  const title = `Retire ${name}`;
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="md" aria-label={title}>
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>
        {!plan && !failure && <LinearProgress />}
        {plan && (
          <>
            <Typography variant="body2" gutterBottom>
              State: {plan.state}. The archive is kept in{' '}
              {plan.archive.database}.{plan.archive.schema}.
            </Typography>
            {plan.refusals.map(r => (
              <Alert key={r} severity="error">
                {r}
              </Alert>
            ))}
            {plan.readers.length > 0 && (
              <Box my={1} data-testid="retirement-readers">
                <Alert severity={mustForce ? 'warning' : 'info'}>
                  Consumers still read it: {plan.readers.join(', ')}
                  {plan.usage && plan.usage.readers.length > 0 && (
                    <>
                      {' '}
                      (since {plan.usage.since}:{' '}
                      {plan.usage.readers
                        .map(
                          r =>
                            `${r.reader} ${r.reads} reads${
                              r.lastRead ? `, last ${day(r.lastRead)}` : ''
                            }`,
                        )
                        .join('; ')}
                      )
                    </>
                  )}
                </Alert>
                {mustForce && (
                  <>
                    <FormControlLabel
                      control={
                        <Checkbox
                          checked={force}
                          onChange={e => setForce(e.target.checked)}
                        />
                      }
                      label="Retire anyway (force)"
                    />
                    <TextField
                      fullWidth
                      id="retirement-force-reason"
                      label="Reason for forcing"
                      value={reason}
                      onChange={e => setReason(e.target.value)}
                      disabled={!force}
                      required={force}
                      helperText="Kept in the audit trail"
                    />
                  </>
                )}
              </Box>
            )}
            <Box component="ol" pl={2} data-testid="retirement-steps">
              {plan.steps.map(step => (
                <li key={step.id} data-testid={`retirement-step-${step.id}`}>
                  <Box display="flex" alignItems="center" style={{ gap: 8 }}>
                    <Typography variant="subtitle2">
                      {RETIREMENT_STEP_TITLES[step.id]}
                    </Typography>
                    <StepStatus step={step} />
                    {next?.id === step.id && plan.refusals.length === 0 && (
                      <Button
                        size="small"
                        variant="contained"
                        color="secondary"
                        disabled={!confirmed || !forceReady || !!running}
                        onClick={() => run(step.id)}
                      >
                        {running === step.id ? 'Running…' : 'Run this step'}
                      </Button>
                    )}
                  </Box>
                  {step.lines.map((line, i) => (
                    <Typography key={i} variant="body2" color="textSecondary">
                      {line}
                    </Typography>
                  ))}
                </li>
              ))}
            </Box>
            {next && plan.refusals.length === 0 && (
              <TextField
                fullWidth
                id="retirement-confirm-name"
                label={`Type ${name} to confirm each destructive step`}
                value={typed}
                onChange={e => setTyped(e.target.value)}
              />
            )}
            {!next && plan.state !== 'deprecated' && (
              <Typography variant="body2">
                Nothing left to run now
                {plan.state === 'retired' ? ': the product is retired' : ''}.
              </Typography>
            )}
            {last && last.applied.length > 0 && (
              <Box mt={1} data-testid="retirement-applied">
                {last.applied.map(a => (
                  <Alert key={a.id} severity="success">
                    {RETIREMENT_STEP_TITLES[a.id]}:{' '}
                    {a.lines.length ? a.lines.join('; ') : 'nothing to do'}
                  </Alert>
                ))}
              </Box>
            )}
            {plan.notes.map(n => (
              <Typography key={n} variant="caption" display="block">
                {n}
              </Typography>
            ))}
          </>
        )}
        {failure && <Alert severity="error">{failure}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
