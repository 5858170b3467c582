import { Content, Header, Page, Progress } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { formatDateTime } from '../slo/format';
import { SpecIssuesTable, SpecProblemsLoadError } from './SpecProblemsTable';
import { SPEC_PROBLEMS_REFRESH_MS, useSpecProblems } from './useSpecProblems';

/**
 * Every spec file the catalog could not ingest, with its located problems,
 * following the catalog as it re-reads locations.
 * @public
 */
export function SpecProblems(props: { refreshMs?: number }) {
  const refreshMs = props.refreshMs ?? SPEC_PROBLEMS_REFRESH_MS;
  const { value, error, loading } = useSpecProblems({}, refreshMs);
  if (loading && !value) return <Progress />;
  if (error && !value) {
    return <SpecProblemsLoadError error={error} what="Spec problems" />;
  }
  const items = value?.items ?? [];
  return (
    <>
      <Typography variant="body2" color="textSecondary" paragraph>
        Spec files the catalog could not ingest, with each problem located in
        the author's file. Checked{' '}
        {value ? formatDateTime(Date.parse(value.checkedAt)) : ''}; the list
        refreshes every {Math.round(refreshMs / 1000)} s.
      </Typography>
      {value && !value.unprocessedSource && (
        <Box mb={2}>
          <Alert severity="warning" data-testid="spec-problems-partial">
            The catalog's unprocessed-entities module did not answer, so only
            specs that once read well and broke since are listed.
          </Alert>
        </Box>
      )}
      <SpecIssuesTable
        title={`Failing spec files (${items.length})`}
        problems={items}
        emptyContent={
          <Box p={2} data-testid="spec-problems-empty">
            <Typography variant="body2">
              Every spec file the catalog knows reads without errors.
            </Typography>
          </Box>
        }
      />
    </>
  );
}

/** Stand-alone page (legacy apps, and the new system's page). @public */
export function SpecProblemsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Spec problems"
        subtitle="Data product specs the catalog could not ingest"
      />
      <Content>
        <SpecProblems />
      </Content>
    </Page>
  );
}
