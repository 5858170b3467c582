/*
 * Usage on the Access tab (issue 9 §3): per consumer the newest read and
 * the reads of the last 30 days, grants flagged unused, and — because
 * warehouses differ in what they can tell — where the numbers come from.
 */
import { useApi } from '@backstage/core-plugin-api';
import { InfoCard, Progress } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { ProductUsage } from '@datamesh/plugin-data-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import Alert from '@material-ui/lab/Alert';
import { errorMessage } from '../slo/SloErrors';
import { AnyEntityLink } from '../common';

const SOURCE_LABEL: Record<ProductUsage['source'], string> = {
  'by-role': 'by consumer role',
  'table-level': 'table-level, no role',
  unknown: 'not collected',
};

const day = (iso?: string) =>
  iso ? new Date(iso).toISOString().slice(0, 10) : 'never';

/** Short name of an entity ref: `group:default/team-a` → `team-a`. */

/** @public */
export function ProductUsageCard(props: { namespace: string; name: string }) {
  const api = useApi(dataMeshApiRef);
  const { namespace, name } = props;
  const usage = useAsync(
    () => api.getProductUsage({ namespace, name }),
    [api, namespace, name],
  );
  if (usage.loading) return <Progress />;
  if (usage.error) {
    return (
      <Alert severity="warning" data-testid="usage-load-error">
        Usage could not be loaded: {errorMessage(usage.error)}
      </Alert>
    );
  }
  const u = usage.value!;
  const attributed = u.source === 'by-role';
  return (
    <InfoCard title={`Usage (last ${u.days} days)`}>
      <Typography variant="body2" component="div" data-testid="usage-summary">
        <Chip
          size="small"
          label={SOURCE_LABEL[u.source]}
          data-testid={`usage-source-${u.source}`}
        />{' '}
        {u.reads} {u.source === 'table-level' ? 'scans' : 'reads'}, last read{' '}
        {day(u.lastRead)}
      </Typography>
      {u.consumers.length > 0 && (
        <Table size="small" aria-label="Usage per consumer">
          <TableHead>
            <TableRow>
              <TableCell>Consumer</TableCell>
              <TableCell>Port</TableCell>
              <TableCell>Last read</TableCell>
              <TableCell align="right">Reads ({u.days} days)</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {u.consumers.map(c => (
              <TableRow
                key={c.requestId}
                data-testid={`usage-row-${c.requestId}`}
              >
                <TableCell>
                  <AnyEntityLink entityRef={c.consumer} />
                </TableCell>
                <TableCell>{c.outputPort}</TableCell>
                <TableCell>{attributed ? day(c.lastRead) : '—'}</TableCell>
                <TableCell align="right">
                  {attributed ? c.reads ?? 0 : 'unknown'}
                </TableCell>
                <TableCell>
                  {c.unused && (
                    <Chip
                      size="small"
                      color="secondary"
                      label={`Unused ${u.unusedAfterDays}+ days`}
                      title={`Flagged ${day(c.unusedSince)}; owners notified`}
                      data-testid="usage-unused"
                    />
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {u.otherReaders.length > 0 && (
        <Typography variant="body2" data-testid="usage-other-readers">
          Also read by roles no access request explains:{' '}
          {u.otherReaders
            .map(r => `${r.role} (${r.reads}, last ${day(r.lastRead)})`)
            .join(', ')}
        </Typography>
      )}
      {u.notes.length > 0 && (
        // the warehouse's notes are clauses ("a scan is not a query: ..."),
        // each its own point: one list, not lines that run into each other
        <Typography
          variant="caption"
          component="ul"
          color="textSecondary"
          aria-label="About these numbers"
          style={{ margin: '8px 0 0', paddingLeft: 18 }}
        >
          {u.notes.map(note => (
            <li key={note}>{note}</li>
          ))}
        </Typography>
      )}
    </InfoCard>
  );
}
