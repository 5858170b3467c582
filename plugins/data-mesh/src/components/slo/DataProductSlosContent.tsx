import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  warehouseErrorOf,
  type DataProductEntityV1alpha1,
  type SloObjectiveReport,
  type SloStatus,
} from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { NotADataProductCard, useDataProductEntity } from '../common';
import { formatDateTime } from './format';
import { SloHistoryChart } from './SloHistoryChart';
import {
  isAwaitingFirstObservation,
  SloObjectivesTable,
} from './SloObjectivesTable';
import { SloObservationsList } from './SloObservationsList';
import { SloLoadError } from './SloErrors';
import { SloStatusChip } from './SloStatusChip';

const TITLE = 'Service level objectives';

/** Worst over objectives: breaching, then no data, then ok. */
export function worstStatus(objectives: { status: SloStatus }[]): SloStatus {
  if (objectives.some(o => o.status === 'breaching')) return 'breaching';
  if (objectives.length === 0 || objectives.some(o => o.status === 'no-data'))
    return 'no-data';
  return 'ok';
}

/** The latest observation of any objective that could not reach the warehouse. */
function latestOutage(
  objectives: SloObjectiveReport[],
): { at: number; message: string } | undefined {
  let found: { at: number; message: string } | undefined;
  for (const o of objectives) {
    const latest = o.latestObservations[0];
    const message = latest && warehouseErrorOf(latest);
    if (!message) continue;
    const at = Date.parse(latest.observedAt);
    if (!found || at > found.at) found = { at, message };
  }
  return found;
}

function NoSlosDeclared() {
  return (
    <InfoCard title={TITLE}>
      <Typography variant="body1" data-testid="slo-empty-declared">
        This product declares no SLOs.
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Add <code>slos</code> to its spec — freshness (refreshed within a
        maximum age), completeness (row count not far below the trailing
        average) or availability (the table exists and answers) — and the
        platform creates a monitor for each on its next collection cycle.
      </Typography>
    </InfoCard>
  );
}

function SlosBody(props: { entity: DataProductEntityV1alpha1 }) {
  const { entity } = props;
  const api = useApi(dataMeshApiRef);
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const declared = entity.spec.slos ?? [];
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getProductSlos({ namespace, name }),
    [api, namespace, name],
  );

  if (loading && !value) return <Progress />;
  if (error) {
    return (
      <InfoCard title={TITLE}>
        <SloLoadError error={error} what="this product's SLOs" />
        <Box mt={1}>
          <Button size="small" variant="outlined" onClick={retry}>
            Try again
          </Button>
        </Box>
      </InfoCard>
    );
  }
  const objectives = value?.objectives ?? [];
  if (objectives.length === 0) {
    return (
      <InfoCard title={TITLE}>
        <Alert severity="info" data-testid="slo-empty-monitors">
          <AlertTitle>No monitors yet</AlertTitle>
          This product declares {declared.length}{' '}
          {declared.length === 1 ? 'SLO' : 'SLOs'} (
          {declared.map(s => s.name).join(', ')}), but the SLO engine has no
          monitors for {declared.length === 1 ? 'it' : 'them'} yet. Monitors are
          created from the catalog on the engine's next collection cycle; if
          this persists, the backend may run without the SLO engine.
        </Alert>
      </InfoCard>
    );
  }
  const now = Date.parse(value!.evaluatedAt);
  const outage = latestOutage(objectives);
  const allPending = objectives.every(isAwaitingFirstObservation);
  const status = worstStatus(objectives);
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard
          title={TITLE}
          subheader={`Evaluated ${formatDateTime(now)}`}
          action={
            <Box mt={2} mr={1}>
              <SloStatusChip status={status} size="medium" />
            </Box>
          }
        >
          {outage && (
            <Box mb={2}>
              <Alert severity="warning" data-testid="slo-warehouse-error">
                <AlertTitle>The warehouse could not be queried</AlertTitle>
                Last attempt {formatDateTime(outage.at)}: {outage.message}.
                While it is unreachable every check fails, and the failed slices
                count against the error budget.
              </Alert>
            </Box>
          )}
          {allPending && (
            <Box mb={2}>
              <Alert severity="info" data-testid="slo-pending">
                <AlertTitle>
                  Monitors are created, first observation pending
                </AlertTitle>
                The collector measures the tables on its next cycle; SLIs appear
                once slices have been observed.
              </Alert>
            </Box>
          )}
          <SloObjectivesTable objectives={objectives} />
        </InfoCard>
      </Grid>
      {objectives.map(o => (
        <Grid item xs={12} key={o.name}>
          <InfoCard
            title={o.title ?? o.name}
            subheader={o.objective}
            action={
              <Box mt={2} mr={1}>
                <SloStatusChip status={o.status} />
              </Box>
            }
          >
            {o.problem ? (
              <Alert
                severity="error"
                data-testid={`slo-problem-detail-${o.name}`}
              >
                <AlertTitle>This objective cannot be measured</AlertTitle>
                {o.problem}
              </Alert>
            ) : (
              <>
                <SloHistoryChart objective={o} />
                <Box mt={2}>
                  <Typography variant="subtitle2">
                    Latest observations
                  </Typography>
                  <SloObservationsList
                    observations={o.latestObservations}
                    now={now}
                  />
                </Box>
              </>
            )}
          </InfoCard>
        </Grid>
      ))}
    </Grid>
  );
}

/**
 * The SLO tab of a DataProduct: the objectives with SLI, status, error
 * budget and burn rate; per objective the slice history over the window
 * with the table stats behind it, and the latest check results.
 *
 * @public
 */
export function DataProductSlosContent() {
  const entity = useDataProductEntity();
  if (!entity) return <NotADataProductCard title={TITLE} />;
  if (!entity.spec.slos?.length) return <NoSlosDeclared />;
  return <SlosBody entity={entity} />;
}
