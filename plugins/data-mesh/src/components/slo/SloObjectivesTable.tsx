import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { SloObjectiveReport } from '@datamesh/plugin-data-mesh-common';
import { formatBudget, formatBurnRate, formatPercent } from './format';
import { SloStatusChip } from './SloStatusChip';

const DIMENSION_LABELS: Record<string, string> = {
  availability: 'Availability',
  completeness: 'Completeness',
  freshness: 'Freshness',
};

/** Measured against what, in words: "within 24h", "≤ 5 % below average". */
function threshold(o: SloObjectiveReport): string | undefined {
  if (o.dimension === 'freshness' && o.maxAge) {
    return `refreshed within ${o.maxAge}`;
  }
  if (o.dimension === 'completeness' && o.tolerance !== undefined) {
    return `at most ${formatPercent(o.tolerance)} below the trailing average`;
  }
  if (o.dimension === 'availability') return 'table exists and answers';
  return undefined;
}

/**
 * An objective that is monitored but has not been observed yet: nothing
 * counted, no history, no check result (the window may already be set).
 */
export function isAwaitingFirstObservation(o: SloObjectiveReport): boolean {
  return (
    !o.problem &&
    o.total === 0 &&
    o.history.length === 0 &&
    o.latestObservations.length === 0
  );
}

function StatusCell(props: { objective: SloObjectiveReport }) {
  const o = props.objective;
  if (o.problem) {
    return (
      <>
        <SloStatusChip
          status="no-data"
          label="Not monitored"
          title="This objective cannot be measured; see why below"
        />
        <Typography
          variant="caption"
          color="error"
          display="block"
          data-testid={`slo-problem-${o.name}`}
        >
          {o.problem}
        </Typography>
      </>
    );
  }
  return (
    <>
      <SloStatusChip status={o.status} />
      {isAwaitingFirstObservation(o) && (
        <Typography variant="caption" color="textSecondary" display="block">
          first observation pending
        </Typography>
      )}
      {o.alert.state === 'breaching' && o.alert.notifiedAt && (
        <Typography variant="caption" color="textSecondary" display="block">
          owners notified
        </Typography>
      )}
    </>
  );
}

/**
 * One row per objective: what is promised, the target over the window,
 * where the SLI stands, how much error budget is left and how fast it burns.
 *
 * @public
 */
export function SloObjectivesTable(props: {
  objectives: SloObjectiveReport[];
}) {
  return (
    <Table size="small" aria-label="Service level objectives">
      <TableHead>
        <TableRow>
          <TableCell>Objective</TableCell>
          <TableCell>Dimension</TableCell>
          <TableCell>Target</TableCell>
          <TableCell>Current SLI</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Error budget</TableCell>
          <TableCell>Burn rate</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.objectives.map(o => {
          const measured = o.total > 0;
          return (
            <TableRow key={o.name} data-testid={`slo-row-${o.name}`}>
              <TableCell>
                <Typography variant="body2">
                  <strong>{o.title ?? o.name}</strong>
                </Typography>
                <Typography variant="body2">{o.objective}</Typography>
                {(o.table || o.dataset) && (
                  <Typography variant="caption" color="textSecondary">
                    {o.table ?? o.dataset}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                {DIMENSION_LABELS[o.dimension] ?? o.dimension}
                {threshold(o) && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    display="block"
                  >
                    {threshold(o)}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                {formatPercent(o.target)}
                <Typography
                  variant="caption"
                  color="textSecondary"
                  display="block"
                >
                  of {o.slice} slices over {o.window}
                </Typography>
              </TableCell>
              <TableCell data-testid={`slo-sli-${o.name}`}>
                {formatPercent(o.sli)}
                {measured && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    display="block"
                  >
                    {o.good} of {o.total} slices good
                    {o.noData > 0 ? `, ${o.noData} without data` : ''}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                <StatusCell objective={o} />
              </TableCell>
              <TableCell data-testid={`slo-budget-${o.name}`}>
                {measured ? formatBudget(o.errorBudget.remaining) : '—'}
                {measured && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    display="block"
                  >
                    {o.errorBudget.bad} of{' '}
                    {Math.round(o.errorBudget.allowedBad * 100) / 100} bad
                    slices allowed
                  </Typography>
                )}
              </TableCell>
              <TableCell data-testid={`slo-burn-${o.name}`}>
                {measured ? formatBurnRate(o.burnRate.window) : '—'}
                {measured && o.burnRate.recentSlices > 0 && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    display="block"
                  >
                    {formatBurnRate(o.burnRate.recent)} over the last{' '}
                    {o.burnRate.recentSlices === 1
                      ? 'slice'
                      : `${o.burnRate.recentSlices} slices`}
                  </Typography>
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
