/*
 * The Data quality card of a product page: every check the spec declares
 * (ODCS quality[] of its datasets and columns), failures first, each with
 * its latest result in words, when it was measured and its recent runs;
 * the product's owners measure them again at once ("Measure now"), e.g.
 * after fixing the data, rather than at the next scheduled run. A result
 * its pipeline reported (`datamesh quality --report-to`) says so, with a
 * link to the CI run.
 */
import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  type ProductQualityCheckView,
  type ProductQualityResponse,
  type QualityResultStatus,
  dataMeshQualityRunPermission,
  qualityCheckCron,
  qualityCheckRunner,
  referenceLink,
} from '@datamesh/plugin-data-mesh-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Theme, useTheme } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { dataMeshApiRef } from '../../api';
import {
  EmptyHint,
  NotADataProductCard,
  useDataProductEntity,
} from '../common';
import { errorMessage } from '../slo/SloErrors';
import { formatDateTime } from '../slo/format';

const TITLE = 'Data quality';

/** A check's own schedule in words: cron in UTC, or another tool's. */
function scheduleWords(check: ProductQualityCheckView['check']): string {
  return qualityCheckCron(check)
    ? `measured after ${check.schedule} (cron, UTC)`
    : `scheduled by ${check.scheduler}: ${check.schedule}`;
}

/** Who measured a result the portal did not: its pipeline, and the run. */
function MeasuredBy(props: { check: ProductQualityCheckView }) {
  const by = props.check.measuredBy;
  if (!by) return null;
  const href = referenceLink(by.reference);
  return (
    <span data-testid="measured-by" title={`Reported by ${by.actor}`}>
      {' · by the pipeline'}
      {href && (
        <>
          {' ('}
          <Link to={href}>CI run</Link>)
        </>
      )}
      {!href && by.reference && ` (${by.reference})`}
    </span>
  );
}

const LABELS: Record<QualityResultStatus, string> = {
  failed: 'Failing',
  error: 'Not measured',
  pending: 'Pending',
  passed: 'Passing',
  'not-run': 'Not run',
};

// what needs the owners heads the card: blocking failures, then checks
// that could not be measured, then warnings
function rank(c: ProductQualityCheckView): number {
  if (c.status === 'failed') return c.blocking ? 0 : 2;
  return { error: 1, pending: 3, passed: 4, 'not-run': 5 }[c.status] ?? 6;
}

function statusColor(status: QualityResultStatus, theme: Theme) {
  if (status === 'passed') return theme.palette.success?.main ?? '#2e7d32';
  if (status === 'failed') return theme.palette.error.main;
  if (status === 'error') return theme.palette.warning?.main ?? '#ed6c02';
  return theme.palette.text.secondary;
}

function QualityStatusChip(props: { check: ProductQualityCheckView }) {
  const theme = useTheme();
  const { status, blocking } = props.check;
  const color = statusColor(status, theme);
  const filled = status === 'passed' || status === 'failed';
  return (
    <Chip
      size="small"
      variant={filled ? 'default' : 'outlined'}
      label={
        status === 'failed' && !blocking ? 'Failing (warning)' : LABELS[status]
      }
      style={
        filled
          ? { backgroundColor: color, color: '#fff' }
          : { color, borderColor: color }
      }
    />
  );
}

/** The recent runs as small squares, oldest first, each titled with its result. */
function RecentRuns(props: { check: ProductQualityCheckView }) {
  const theme = useTheme();
  const runs = props.check.history.slice(-14);
  if (!runs.length) return null;
  return (
    <Box
      display="flex"
      mt={0.5}
      aria-label={`Last ${runs.length} runs: ${runs
        .map(r => LABELS[r.status].toLowerCase())
        .join(', ')}`}
      role="img"
    >
      {runs.map(r => (
        <Box
          key={r.checkedAt}
          title={`${formatDateTime(Date.parse(r.checkedAt))}: ${
            LABELS[r.status]
          }${r.value !== undefined ? ` (${r.value})` : ''}`}
          width={8}
          height={8}
          mr={0.25}
          style={{ backgroundColor: statusColor(r.status, theme) }}
        />
      ))}
    </Box>
  );
}

/**
 * A sql check is the team's own query: what it means in their words, and
 * the query itself, since "the query's result must be 0" says little.
 */
function OwnQuery(props: { check: ProductQualityCheckView['check'] }) {
  const { description, query } = props.check;
  if (!query) return null;
  const short = query.length > 200 ? `${query.slice(0, 199)}…` : query;
  return (
    <Typography
      variant="body2"
      color="textSecondary"
      component="div"
      data-testid="quality-query"
    >
      {description && <div>{description}</div>}
      <code title={query}>{short}</code>
    </Typography>
  );
}

function where(c: ProductQualityCheckView) {
  return c.column ? `${c.dataset}.${c.column}` : c.dataset;
}

function summary(q: ProductQualityResponse): string {
  const count = (s: QualityResultStatus) =>
    q.checks.filter(c => c.status === s).length;
  const parts = [
    `${count('failed')} failing`,
    `${count('passed')} passing`,
    ...(count('error') ? [`${count('error')} not measured`] : []),
    ...(count('pending') ? [`${count('pending')} pending`] : []),
  ];
  const when = q.lastCheckedAt
    ? `measured ${formatDateTime(Date.parse(q.lastCheckedAt))}`
    : 'not measured yet';
  return `${q.checks.length} checks: ${parts.join(', ')} · ${when}`;
}

export function DataQualityCard() {
  const entity = useDataProductEntity();
  const api = useApi(dataMeshApiRef);
  const namespace = entity?.metadata.namespace ?? 'default';
  const name = entity?.metadata.name ?? '';
  const ref = entity ? stringifyEntityRef(entity) : '';
  const { allowed: mayRun } = usePermission({
    permission: dataMeshQualityRunPermission,
    resourceRef: ref,
  });
  const [loaded, load] = useAsyncFn(
    () => api.getProductQuality({ namespace, name }),
    [api, namespace, name],
  );
  const [measured, measure] = useAsyncFn(
    () => api.runProductQuality({ namespace, name }),
    [api, namespace, name],
  );
  const [shown, setShown] = useState<ProductQualityResponse>();
  useEffect(() => {
    if (entity) load();
  }, [entity, load]);
  useEffect(() => setShown(loaded.value), [loaded.value]);
  useEffect(() => {
    if (measured.value) setShown(measured.value);
  }, [measured.value]);

  if (!entity) return <NotADataProductCard title={TITLE} />;
  if (loaded.error) {
    return (
      <InfoCard title={TITLE}>
        <Alert severity="warning">
          Data-quality results could not be loaded: {errorMessage(loaded.error)}
        </Alert>
      </InfoCard>
    );
  }
  if (!shown) {
    return (
      <InfoCard title={TITLE}>
        <Progress />
      </InfoCard>
    );
  }
  if (!shown.checks.length) {
    return (
      <InfoCard title={TITLE}>
        <EmptyHint>
          The spec declares no data-quality checks. Add ODCS quality entries to
          a dataset or column of the spec (e.g. metric: nullValues, mustBe: 0)
          and the portal measures them in the warehouse.
        </EmptyHint>
      </InfoCard>
    );
  }
  const checks = [...shown.checks].sort((a, b) => rank(a) - rank(b));
  // Measure now runs what the portal measures, never a sql check
  const anyMeasured = checks.some(
    c => qualityCheckRunner(c.check) === 'portal',
  );
  return (
    <InfoCard
      title={TITLE}
      subheader={summary(shown)}
      action={
        mayRun && anyMeasured ? (
          <Box pt={2} pr={1}>
            <Button
              size="small"
              variant="outlined"
              color="primary"
              disabled={measured.loading}
              onClick={() => measure()}
            >
              {measured.loading ? 'Measuring…' : 'Measure now'}
            </Button>
          </Box>
        ) : undefined
      }
    >
      {measured.error && (
        <Alert severity="error">
          Not measured: {errorMessage(measured.error)}
        </Alert>
      )}
      {!shown.enabled && (
        <Alert severity="info">
          The portal does not measure checks on a schedule here
          (dataMesh.quality.enabled is off).
        </Alert>
      )}
      <Table size="small" aria-label="Data-quality checks">
        <TableHead>
          <TableRow>
            <TableCell>Status</TableCell>
            <TableCell>Where</TableCell>
            <TableCell>Check</TableCell>
            <TableCell>Latest</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {checks.map(c => (
            <TableRow key={c.key} data-testid={`quality-${c.key}`}>
              <TableCell>
                <QualityStatusChip check={c} />
              </TableCell>
              <TableCell>
                <code>{where(c)}</code>
              </TableCell>
              <TableCell>
                {c.description}
                {c.check.type === 'sql' && <OwnQuery check={c.check} />}
                {c.severity !== 'error' && (
                  <Typography variant="body2" color="textSecondary">
                    severity {c.severity}
                  </Typography>
                )}
                {c.check.schedule && (
                  <Typography
                    variant="body2"
                    color="textSecondary"
                    data-testid="quality-schedule"
                  >
                    {scheduleWords(c.check)}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                {c.reason}
                {c.checkedAt && (
                  <Typography variant="body2" color="textSecondary">
                    {formatDateTime(Date.parse(c.checkedAt))}
                    <MeasuredBy check={c} />
                  </Typography>
                )}
                <RecentRuns check={c} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}
