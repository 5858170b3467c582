/*
 * The drift page's line about the latest repair run (GET
 * /infrastructure/repairs): one running is followed until it is done —
 * whoever started it, whether or not their dialog is still open — and the
 * page then checks the warehouse again; one done within the last day says
 * what it came to, and which products failed and why.
 */
import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { InfrastructureRepairRun } from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { errorMessage } from '../slo/SloErrors';
import { formatAgo } from '../slo/format';
import {
  StopRepairRun,
  repairItemText,
  repairRunPause,
  runProgress,
  userName,
} from './repairRun';

/** A finished run is shown for a day. */
const SHOWN_FOR_MS = 24 * 3_600_000;

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n} ${n === 1 ? one : many}`;

/** "9 applied, 1 failed, 2 not theirs to apply, 5 not sent". */
function countsText(run: InfrastructureRepairRun): string {
  const { applied, failed, refused, stopped } = run.counts;
  return [
    `${applied} applied`,
    failed ? `${failed} failed` : '',
    refused ? `${refused} not theirs to apply` : '',
    stopped ? `${stopped} not sent` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/**
 * The latest run, as the page opens (the page remounts it when it checks
 * the warehouse again, e.g. after the repair dialog closes).
 */
export function LatestRepairRun(props: {
  /** A run followed here is done: the page checks the warehouse again. */
  onFinished: () => void;
}) {
  const { onFinished } = props;
  const api = useApi(dataMeshApiRef);
  const [run, setRun] = useState<InfrastructureRepairRun>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let stopped = false;
    (async () => {
      try {
        let latest: InfrastructureRepairRun | undefined = (
          await api.listRepairRuns({ limit: 1 })
        ).items[0];
        if (stopped) return;
        setRun(latest);
        for (let n = 0; latest && !latest.done; n++) {
          await repairRunPause(n);
          if (stopped) return;
          latest = await api.getRepairRun(latest.id);
          if (stopped) return;
          setRun(latest);
          if (latest.done) onFinished();
        }
      } catch (e) {
        // a backend that keeps no runs has nothing to say here
        const refusal = (e as { body?: { error?: { name?: string } } }).body
          ?.error?.name;
        if (!stopped && refusal !== 'ConflictError') {
          setError(errorMessage(e as Error));
        }
      }
    })();
    return () => {
      stopped = true;
    };
    // onFinished changes with each render of the page: asked once per mount
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api]);

  if (error) {
    return (
      <Typography variant="body2" color="textSecondary" gutterBottom>
        Repair runs could not be read: {error}
      </Typography>
    );
  }
  if (!run) return null;
  const now = Date.now();
  const by = userName(run.requestedBy);
  const stoppedBy = run.stopped && `, stopped by ${userName(run.stopped.by)}`;
  const started = formatAgo(Date.parse(run.requestedAt), now);
  if (!run.done) {
    const { finished, sent } = runProgress(run);
    return (
      <Alert
        severity="info"
        data-testid="latest-repair-run"
        action={<StopRepairRun run={run} onStopped={setRun} />}
      >
        {run.stopped
          ? `A repair run by ${by}${stoppedBy}, is finishing the product being applied.`
          : `A repair run by ${by}, started ${started}, is applying the plans of ${plural(
              sent,
              'product',
            )}: ${finished} done${
              run.counts.failed ? `, ${run.counts.failed} failed` : ''
            }. It goes on without this page.`}
      </Alert>
    );
  }
  const finishedAt = Date.parse(run.finishedAt ?? run.requestedAt);
  if (now - finishedAt > SHOWN_FOR_MS) return null;
  const failed = run.items.filter(i => i.state === 'failed');
  return (
    <Alert
      severity={failed.length ? 'warning' : 'success'}
      data-testid="latest-repair-run"
    >
      The last repair run, by {by}
      {stoppedBy}, finished {formatAgo(finishedAt, now)}: {countsText(run)}.
      {failed.length > 0 && (
        <ul>
          {failed.map(item => (
            <li key={item.entityRef}>
              <EntityRefLink entityRef={item.entityRef} />:{' '}
              {repairItemText(item)}
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
