/*
 * Repairing several products from the drift page: after a warehouse
 * incident (grants taken away, a schema dropped by hand) the platform team
 * applies every drifting product's plan in one go instead of one product
 * page at a time. The backend applies them one after the other (a repair
 * run, POST /infrastructure/repairs), with the same permission
 * (`data-mesh.infrastructure.apply`: owners and admins) and audit trail as
 * the Infrastructure card's Repair; the dialog follows the run, and may be
 * closed: the run goes on, and the page shows it (LatestRepairRun).
 * Products the user may not apply are listed, not sent.
 */
import { useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Typography from '@material-ui/core/Typography';
import { Progress } from '@backstage/core-components';
import useAsync from 'react-use/esm/useAsync';
import {
  type InfrastructureDriftItem,
  type InfrastructureRepairRun,
  dataMeshInfrastructureApplyPermission,
} from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { errorMessage } from '../slo/SloErrors';
import { planApplicable } from './ApplyInfrastructure';
import {
  StopRepairRun,
  repairItemText,
  repairRunPause,
  runProgress,
} from './repairRun';

/** Products of `items` with a plan to apply. */
export function applicableItems(
  items: InfrastructureDriftItem[],
): InfrastructureDriftItem[] {
  return items.filter(i => planApplicable(i.status, i.steps + i.destructive));
}

/**
 * Start a run and follow it until it is done, or until `stopped()` (the
 * dialog closed: the run goes on without it). Each state of the run is
 * given to `onRun`.
 */
async function followRun(
  start: () => Promise<InfrastructureRepairRun>,
  next: (id: string) => Promise<InfrastructureRepairRun>,
  onRun: (run: InfrastructureRepairRun) => void,
  stopped: () => boolean,
) {
  let run = await start();
  onRun(run);
  for (let n = 0; !run.done && !stopped(); n++) {
    await repairRunPause(n);
    if (stopped()) return;
    run = await next(run.id);
    onRun(run);
  }
}

function RepairDialog(props: {
  items: InfrastructureDriftItem[];
  onClose: (changed: boolean) => void;
}) {
  const { items, onClose } = props;
  const api = useApi(dataMeshApiRef);
  const permissionApi = useApi(permissionApiRef);
  // the policy's answer per product, asked once when the dialog opens
  const allowed = useAsync(async () => {
    const answers = await Promise.all(
      items.map(i =>
        permissionApi.authorize({
          permission: dataMeshInfrastructureApplyPermission,
          resourceRef: i.entityRef,
        }),
      ),
    );
    return new Set(
      items
        .filter((_, n) => answers[n].result === AuthorizeResult.ALLOW)
        .map(i => i.entityRef),
    );
  }, [items, permissionApi]);
  const [allowDestructive, setAllowDestructive] = useState(false);
  const [run, setRun] = useState<InfrastructureRepairRun>();
  const [failure, setFailure] = useState<string>();
  const [started, setStarted] = useState(false);
  const closed = useRef(false);
  useEffect(() => {
    // mounted (again, under React's strict mode): follow the run
    closed.current = false;
    return () => {
      closed.current = true;
    };
  }, []);

  const mine = items.filter(i => allowed.value?.has(i.entityRef));
  const destructive = mine.reduce((n, i) => n + i.destructive, 0);
  // only revokes or drops, and those not allowed: nothing to send
  const onlyDestructive = (i: InfrastructureDriftItem) =>
    i.steps === 0 && !allowDestructive;
  const toSend = mine.filter(i => !onlyDestructive(i));
  const running = Boolean(run && !run.done) && !failure;

  const start = async () => {
    setStarted(true);
    // each says why it was not sent
    if (toSend.length === 0) return;
    try {
      await followRun(
        () =>
          api.startRepairRun({
            products: toSend.map(i => i.entityRef),
            allowDestructive,
          }),
        id => api.getRepairRun(id),
        next => !closed.current && setRun(next),
        () => closed.current,
      );
    } catch (e) {
      if (!closed.current) setFailure(errorMessage(e as Error));
    }
  };

  const outcomeOf = (item: InfrastructureDriftItem) => {
    if (!allowed.value?.has(item.entityRef)) {
      return (
        <Typography variant="body2" color="textSecondary">
          Only its owners or an admin may apply its plan: not sent.
        </Typography>
      );
    }
    const ran = run?.items.find(i => i.entityRef === item.entityRef);
    let text = ran && repairItemText(ran);
    if (!ran && started && onlyDestructive(item)) {
      text = 'Only revokes or drops: not sent.';
    }
    if (!text) return null;
    return (
      <Typography
        variant="body2"
        color={
          ran?.state === 'failed' || ran?.state === 'refused'
            ? 'error'
            : 'textPrimary'
        }
        data-testid={`repair-outcome-${item.entityRef}`}
      >
        {text}
      </Typography>
    );
  };

  const progress = run && runProgress(run);
  return (
    <Dialog
      open
      onClose={() => onClose(started)}
      fullWidth
      maxWidth="md"
      aria-labelledby="repair-products-title"
    >
      <DialogTitle id="repair-products-title">
        Apply the plans of {items.length} data product
        {items.length === 1 ? '' : 's'}
      </DialogTitle>
      <DialogContent>
        {allowed.loading && <Progress />}
        {allowed.error && (
          <Typography color="error">
            Who may apply could not be checked:{' '}
            {errorMessage(allowed.error as Error)}
          </Typography>
        )}
        {allowed.value && (
          <>
            <Typography variant="body2" gutterBottom>
              You may apply {mine.length} of them; the backend applies them one
              after the other, each assessed afresh and kept in its audit trail,
              as its Infrastructure card's Repair does.
              {running &&
                progress &&
                ` Applied ${progress.finished} of ${progress.sent}; you may close this: the run goes on, and the drift page shows it.`}
            </Typography>
            {failure && (
              <Typography color="error" gutterBottom>
                {failure}
              </Typography>
            )}
            <ul data-testid="repair-products">
              {items.map(item => (
                <li key={item.entityRef}>
                  <Typography variant="body2" component="div">
                    <EntityRefLink
                      entityRef={item.entityRef}
                      title={item.title}
                    />{' '}
                    — {item.steps} change{item.steps === 1 ? '' : 's'}
                    {item.destructive
                      ? `, ${item.destructive} revoke or drop`
                      : ''}
                  </Typography>
                  {outcomeOf(item)}
                </li>
              ))}
            </ul>
            {destructive > 0 && (
              <FormControlLabel
                control={
                  <Checkbox
                    checked={allowDestructive}
                    disabled={started}
                    onChange={e => setAllowDestructive(e.target.checked)}
                  />
                }
                label={`Also revoke and drop what the specs do not declare (${destructive})`}
              />
            )}
          </>
        )}
      </DialogContent>
      <DialogActions>
        {run && running && <StopRepairRun run={run} onStopped={setRun} />}
        <Button onClick={() => onClose(started)}>
          {started ? 'Close' : 'Cancel'}
        </Button>
        {!started && (
          <Button
            color="primary"
            variant="contained"
            onClick={start}
            disabled={mine.length === 0}
          >
            Apply {mine.length} plan{mine.length === 1 ? '' : 's'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}

/**
 * "Repair or provision n…" for the products shown that have a plan to
 * apply; `onDone` after a run (the page checks the warehouse again).
 */
export function RepairProducts(props: {
  items: InfrastructureDriftItem[];
  onDone: () => void;
}) {
  // the products shown when the dialog opened: it asks the policy about these
  const [chosen, setChosen] = useState<InfrastructureDriftItem[]>();
  const items = applicableItems(props.items);
  if (items.length === 0 && !chosen) return null;
  return (
    <>
      {items.length > 0 && (
        <Button
          variant="outlined"
          color="primary"
          onClick={() => setChosen(items)}
        >
          Repair or provision {items.length}…
        </Button>
      )}
      {chosen && (
        <RepairDialog
          items={chosen}
          onClose={changed => {
            setChosen(undefined);
            if (changed) props.onDone();
          }}
        />
      )}
    </>
  );
}
