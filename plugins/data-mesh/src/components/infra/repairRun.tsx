/*
 * A repair run in words, and its Stop button: shared by the repair dialog
 * (RepairProducts) and the drift page's line about the latest run
 * (LatestRepairRun), which both follow a run until it is done.
 */
import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import type {
  InfrastructureRepairRun,
  InfrastructureRepairRunItem,
} from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { errorMessage } from '../slo/SloErrors';
import { changesText } from './ApplyInfrastructure';

/**
 * The wait before asking for a run in progress again, the `n`th time:
 * soon at first (a small run is done in a moment), then every 1.5 s.
 */
export function repairRunPause(n: number): Promise<void> {
  const ms = Math.min(250 * 2 ** n, 1500);
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** One product of a run, in words. */
export function repairItemText(item: InfrastructureRepairRunItem): string {
  switch (item.state) {
    case 'queued':
      return 'Waiting its turn…';
    case 'running':
      return 'Applying…';
    case 'refused':
      return `Not sent: ${item.error ?? 'refused'}`;
    case 'stopped':
      return 'Not sent: the run was stopped.';
    case 'failed':
      return item.applied === 0 && item.skipped === 0
        ? `Not applied: ${item.error ?? 'failed'}`
        : changesText(item.applied, item.skipped, item.error);
    default:
      return changesText(item.applied, item.skipped, item.error);
  }
}

/** Products of a run that are done (applied or failed), and how many are sent. */
export function runProgress(run: InfrastructureRepairRun) {
  const sent = run.items.length - run.counts.refused - run.counts.stopped;
  return { finished: run.counts.applied + run.counts.failed, sent };
}

/**
 * Stop a run in progress: the products not yet sent are not sent. The
 * backend decides who may (its requester, or who may apply all it has
 * left) and says why not; `onStopped` gets the run as it is then.
 */
export function StopRepairRun(props: {
  run: InfrastructureRepairRun;
  onStopped: (run: InfrastructureRepairRun) => void;
}) {
  const { run, onStopped } = props;
  const api = useApi(dataMeshApiRef);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  if (run.done || run.stopped) return null;
  const stop = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onStopped(await api.stopRepairRun(run.id));
    } catch (e) {
      setError(errorMessage(e as Error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button size="small" onClick={stop} disabled={busy}>
        Stop the run
      </Button>
      {error && (
        <Typography variant="body2" color="error">
          Not stopped: {error}
        </Typography>
      )}
    </>
  );
}

/** `user:default/aisha.khan` → `aisha.khan`: who ran or stopped a run. */
export const userName = (ref: string) => ref.replace(/^user:(default\/)?/, '');
