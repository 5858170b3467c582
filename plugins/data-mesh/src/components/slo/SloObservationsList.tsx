import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import CheckIcon from '@material-ui/icons/Check';
import CloseIcon from '@material-ui/icons/Close';
import {
  warehouseErrorOf,
  type SloObservationReport,
} from '@datamesh/plugin-data-mesh-common';
import { formatAgo, formatDateTime } from './format';

// one-word columns: a long "why" beside them must not squeeze them into
// broken words ("collecto-r", "faile-d")
const ONE_LINE = { whiteSpace: 'nowrap' } as const;

/**
 * The newest check results of one objective: when, from where (the
 * collector or a push from CI), passed or not and why, and the table stats
 * seen.
 *
 * @public
 */
export function SloObservationsList(props: {
  observations: SloObservationReport[];
  /** For "3h ago"; the evaluation time of the response. */
  now: number;
}) {
  if (props.observations.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No check result has been recorded yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Latest observations">
      <TableHead>
        <TableRow>
          <TableCell>Observed</TableCell>
          <TableCell style={ONE_LINE}>Source</TableCell>
          <TableCell style={ONE_LINE}>Result</TableCell>
          <TableCell>Why</TableCell>
          <TableCell align="right" style={ONE_LINE}>
            Rows
          </TableCell>
          <TableCell>Last refresh</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.observations.map((o, i) => {
          const at = Date.parse(o.observedAt);
          const lastAltered = o.lastAltered ? Date.parse(o.lastAltered) : NaN;
          const outage = warehouseErrorOf(o);
          return (
            <TableRow
              key={`${o.observedAt}-${i}`}
              data-testid="slo-observation"
            >
              <TableCell>
                {formatDateTime(at)}
                <Typography
                  variant="caption"
                  color="textSecondary"
                  display="block"
                >
                  {formatAgo(at, props.now)}
                </Typography>
              </TableCell>
              <TableCell style={ONE_LINE}>
                {o.source === 'push' ? 'pushed' : o.source}
                {o.reporter && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    display="block"
                  >
                    by {o.reporter}
                  </Typography>
                )}
              </TableCell>
              <TableCell style={ONE_LINE}>
                {o.passed ? (
                  <Typography variant="body2" style={{ display: 'flex' }}>
                    <CheckIcon fontSize="small" /> passed
                  </Typography>
                ) : (
                  <Typography
                    variant="body2"
                    color="error"
                    style={{ display: 'flex' }}
                  >
                    <CloseIcon fontSize="small" /> failed
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                {outage ? `warehouse unreachable: ${outage}` : o.reason ?? ''}
              </TableCell>
              <TableCell align="right" style={ONE_LINE}>
                {o.rowCount !== undefined
                  ? o.rowCount.toLocaleString('en-US')
                  : ''}
              </TableCell>
              <TableCell>
                {Number.isFinite(lastAltered)
                  ? formatDateTime(lastAltered)
                  : ''}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
