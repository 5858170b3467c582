import {
  Content,
  Header,
  InfoCard,
  Page,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import type {
  GovernanceResult,
  SpecCheckRequest,
  SpecCheckResponse,
  SpecFormat,
} from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { SpecIssuesTable, SpecProblemsLoadError } from './SpecProblemsTable';

type Source = 'yaml' | 'url';
const FORMATS: Array<{ value: '' | SpecFormat; label: string }> = [
  { value: '', label: 'Recognise' },
  { value: 'odps', label: 'ODPS' },
  { value: 'oam', label: 'OAM' },
  { value: 'entity', label: 'Catalog entity' },
];

const STATUS_COLOR: Record<string, 'primary' | 'secondary' | 'default'> = {
  pass: 'primary',
  fail: 'secondary',
};

const governanceColumns: TableColumn<GovernanceResult>[] = [
  {
    title: 'Status',
    width: '110px',
    render: r => (
      <Chip
        size="small"
        label={r.status}
        color={STATUS_COLOR[r.status] ?? 'default'}
        data-testid={`governance-${r.ruleId}`}
      />
    ),
  },
  { title: 'Rule', field: 'ruleId' },
  { title: 'Level', field: 'level', width: '80px' },
  {
    title: 'Message',
    render: r => (
      <>
        <Typography variant="body2">{r.message}</Typography>
        {r.detail && (
          <Typography variant="caption" color="textSecondary">
            {r.detail}
          </Typography>
        )}
      </>
    ),
  },
];

function Summary(props: { result: SpecCheckResponse }) {
  const { result } = props;
  const errors = result.issues.filter(i => i.severity === 'error').length;
  const failed = result.governance?.counts.fail ?? 0;
  const where = result.file === 'pasted' ? 'The pasted spec' : result.file;
  if (result.ok) {
    return (
      <Alert severity="success" data-testid="check-summary">
        {where} reads without errors and no governance rule fails
        {result.format ? ` (read as ${result.format})` : ''}.
      </Alert>
    );
  }
  return (
    <Alert severity="error" data-testid="check-summary">
      {where}: {errors} error{errors === 1 ? '' : 's'}
      {failed
        ? `, ${failed} failing governance rule${failed === 1 ? '' : 's'}`
        : ''}
      . The catalog would not ingest it as it is.
    </Alert>
  );
}

function PlanCard(props: { plan: NonNullable<SpecCheckResponse['plan']> }) {
  const { plan } = props;
  return (
    <InfoCard title="Plan preview">
      {plan.error ? (
        <Alert severity="warning">No plan: {plan.error}</Alert>
      ) : (
        <>
          <Typography variant="body2" paragraph>
            {plan.status ? `Status ${plan.status}. ` : ''}
            {plan.steps} step{plan.steps === 1 ? '' : 's'}, {plan.destructive}{' '}
            destructive. Nothing is executed by a check.
          </Typography>
          {plan.lines.length > 0 && (
            <pre data-testid="plan-lines" style={{ overflowX: 'auto' }}>
              {plan.lines.join('\n')}
            </pre>
          )}
        </>
      )}
      {plan.issues.length > 0 && (
        <SpecIssuesTable title="Plan problems" issues={plan.issues} />
      )}
    </InfoCard>
  );
}

/** What a check found: problems, entity, governance and plan. */
export function CheckResult(props: { result: SpecCheckResponse }) {
  const { result } = props;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <Summary result={result} />
      </Grid>
      <Grid item xs={12}>
        <SpecIssuesTable
          title={`Problems (${result.issues.length})`}
          issues={result.issues}
          emptyContent={
            <Box p={2}>
              <Typography variant="body2">The spec reads cleanly.</Typography>
            </Box>
          }
        />
      </Grid>
      {result.governance && (
        <Grid item xs={12}>
          <Table<GovernanceResult>
            title={`Governance at stage ${result.governance.stage}`}
            data={result.governance.results}
            columns={governanceColumns}
            options={{ paging: false, search: false, padding: 'dense' }}
          />
          {result.governance.ruleProblems.length > 0 && (
            <Box mt={2}>
              <SpecIssuesTable
                title="Problems of the platform's rules"
                issues={result.governance.ruleProblems}
              />
            </Box>
          )}
        </Grid>
      )}
      {result.plan && (
        <Grid item xs={12} md={6}>
          <PlanCard plan={result.plan} />
        </Grid>
      )}
      {result.entity && (
        <Grid item xs={12} md={result.plan ? 6 : 12}>
          <InfoCard title="Entity the catalog would create">
            <pre data-testid="check-entity" style={{ overflowX: 'auto' }}>
              {JSON.stringify(result.entity, null, 2)}
            </pre>
          </InfoCard>
        </Grid>
      )}
    </Grid>
  );
}

/**
 * Check a spec before committing it: paste the YAML or give its URL, and see
 * what the catalog would make of it, with the engine of `datamesh check`.
 * Nothing is written.
 * @public
 */
export function CheckSpec() {
  const api = useApi(dataMeshApiRef);
  const [source, setSource] = useState<Source>('yaml');
  const [yaml, setYaml] = useState('');
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<'' | SpecFormat>('');
  const [state, check] = useAsyncFn(
    (request: SpecCheckRequest) => api.checkSpec(request),
    [api],
  );
  const input = source === 'yaml' ? yaml : url;
  const submit = () => {
    const request: SpecCheckRequest =
      source === 'yaml' ? { yaml } : { url: url.trim() };
    if (format) request.format = format;
    check(request);
  };
  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <InfoCard title="Spec">
          <RadioGroup
            row
            value={source}
            onChange={e => setSource(e.target.value as Source)}
          >
            <FormControlLabel
              value="yaml"
              control={<Radio />}
              label="Paste YAML"
            />
            <FormControlLabel
              value="url"
              control={<Radio />}
              label="From a URL"
            />
          </RadioGroup>
          {source === 'yaml' ? (
            <TextField
              id="check-spec-yaml"
              label="Spec YAML"
              value={yaml}
              onChange={e => setYaml(e.target.value)}
              multiline
              minRows={12}
              fullWidth
              variant="outlined"
              inputProps={{
                spellCheck: false,
                style: { fontFamily: 'monospace' },
              }}
            />
          ) : (
            <TextField
              id="check-spec-url"
              label="Spec URL"
              helperText="Read by the backend through its integrations (GitHub, GitLab, …)"
              value={url}
              onChange={e => setUrl(e.target.value)}
              fullWidth
              variant="outlined"
            />
          )}
          <Box mt={2} display="flex" alignItems="center" style={{ gap: 16 }}>
            <TextField
              id="check-spec-format"
              select
              label="Format"
              value={format}
              onChange={e => setFormat(e.target.value as '' | SpecFormat)}
              variant="outlined"
              size="small"
              style={{ minWidth: 180 }}
            >
              {FORMATS.map(f => (
                <MenuItem key={f.value} value={f.value}>
                  {f.label}
                </MenuItem>
              ))}
            </TextField>
            <Button
              variant="contained"
              color="primary"
              disabled={!input.trim() || state.loading}
              onClick={submit}
            >
              {state.loading ? 'Checking…' : 'Check'}
            </Button>
          </Box>
        </InfoCard>
      </Grid>
      {state.error && (
        <Grid item xs={12}>
          <SpecProblemsLoadError error={state.error} what="The check" />
        </Grid>
      )}
      {state.value && !state.error && (
        <Grid item xs={12}>
          <CheckResult result={state.value} />
        </Grid>
      )}
    </Grid>
  );
}

/** Stand-alone page (legacy apps, and the new system's page). @public */
export function CheckSpecPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Check a spec"
        subtitle="What the catalog would make of a data product spec; nothing is written"
      />
      <Content>
        <CheckSpec />
      </Content>
    </Page>
  );
}
