/*
 * The platform team's view of drift: every data product's declared versus
 * actual warehouse state, from one introspection of the warehouse
 * (`GET /infrastructure/drift`), worst first, with each product's repair
 * plan, and the plans of the products shown to apply in one go
 * (RepairProducts: a repair run in the backend, LatestRepairRun follows it),
 * and below them what products left behind (LeftBehind). The
 * product page's Infrastructure card shows one product in full.
 */
import { type ReactNode, useState } from 'react';
import {
  Content,
  Header,
  Page,
  Progress,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  type InfrastructureDriftItem,
  type InfrastructureDriftSummaryResponse,
  type InfrastructureStatus,
  INFRASTRUCTURE_STATUSES,
  formatIssue,
} from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { formatAgo } from '../slo/format';
import { CheckedAt } from './CheckedAt';
import { InfrastructureLoadError } from './InfrastructureLoadError';
import {
  InfrastructureStatusChip,
  STATUS_TEXT,
} from './InfrastructureStatusChip';
import { PlanLines } from './PlanLines';
import { LatestRepairRun } from './LatestRepairRun';
import { LeftBehind } from './LeftBehind';
import { RepairProducts } from './RepairProducts';

const useStyles = makeStyles((theme: Theme) => ({
  summary: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(2),
  },
  // a chip is a filter: the one chosen stands out, the others fade
  faded: { opacity: 0.45 },
  detail: { padding: theme.spacing(1, 2, 2, 7) },
}));

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n} ${n === 1 ? one : many}`;

/** "3 changes (1 revoke or drop)", the access grants' part apart. */
function changesOf(item: InfrastructureDriftItem): string {
  if (item.status === 'in-sync') return 'none';
  if (item.status === 'invalid') return '–';
  // nothing is changed until the conflict is resolved
  if (item.status === 'conflict') return 'blocked';
  const n = item.steps + item.destructive;
  return `${plural(n, 'change')}${
    item.destructive ? ` (${item.destructive} revoke or drop)` : ''
  }`;
}

function accessOf(item: InfrastructureDriftItem): string {
  if (!item.access) return '–';
  const { missing, unmanaged } = item.access;
  if (!missing && !unmanaged) return 'as requested';
  return [
    missing ? `${missing} missing` : '',
    unmanaged ? `${unmanaged} unexplained` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** "2 branches, the oldest made 40d ago": copies of the product's data. */
function sandboxesOf(item: InfrastructureDriftItem, now: number): string {
  if (!item.sandboxes) return '–';
  const { branches, oldestCreatedAt } = item.sandboxes;
  const oldest = oldestCreatedAt
    ? `, the oldest made ${formatAgo(Date.parse(oldestCreatedAt), now)}`
    : '';
  return `${plural(branches, 'branch', 'branches')}${oldest}`;
}

/** What a row opens to: why the product is where it is, and the plan. */
function DriftDetail(props: { item: InfrastructureDriftItem }) {
  const classes = useStyles();
  const { item } = props;
  return (
    <Box className={classes.detail} data-testid="drift-detail">
      {item.conflicts.map(c => (
        <Alert key={c} severity="error">
          {c}
        </Alert>
      ))}
      {item.issues.map(issue => (
        <Alert
          key={formatIssue(issue)}
          severity={issue.severity === 'error' ? 'error' : 'warning'}
        >
          {formatIssue(issue)}
        </Alert>
      ))}
      {item.lines.length > 0 && (
        <Box mt={1}>
          <PlanLines lines={item.lines} aria-label="Repair plan" />
        </Box>
      )}
      <Typography variant="caption" color="textSecondary" component="p">
        {STATUS_TEXT[item.status].title}. The product's page has its
        Infrastructure card (names, plan, sandboxes) and its Access tab
        (grants); its owners repair it there or with "Repair or provision"
        above, its pipeline with <code>datamesh apply</code>.
      </Typography>
    </Box>
  );
}

/** The warehouse, when it was read, and a filter chip per status found. */
function Summary(props: {
  body: InfrastructureDriftSummaryResponse;
  shown?: InfrastructureStatus;
  onShow: (status?: InfrastructureStatus) => void;
  onRefresh: () => void;
  /** What can be done about the products shown. */
  actions?: ReactNode;
}) {
  const classes = useStyles();
  const { body, shown, onShow, onRefresh } = props;
  return (
    <Box className={classes.summary} data-testid="drift-summary">
      {INFRASTRUCTURE_STATUSES.filter(s => body.counts[s] > 0).map(s => (
        <span key={s} className={shown && shown !== s ? classes.faded : ''}>
          <InfrastructureStatusChip
            status={s}
            label={`${STATUS_TEXT[s].label}: ${body.counts[s]}`}
            onClick={() => onShow(shown === s ? undefined : s)}
            pressed={shown === s}
          />
        </span>
      ))}
      <Typography variant="body2" color="textSecondary">
        {plural(body.total, 'product')} on {body.warehouse.displayName} (
        {body.warehouse.type}), read with{' '}
        {plural(body.queries, 'query', 'queries')},{' '}
        <CheckedAt iso={body.checkedAt} />
      </Typography>
      <Tooltip title="Check again">
        <IconButton aria-label="Check the warehouse again" onClick={onRefresh}>
          <RefreshIcon />
        </IconButton>
      </Tooltip>
      {props.actions}
    </Box>
  );
}

/**
 * Drift of every data product the signed-in user can see: the page's body
 * (the new frontend system renders it under its own header).
 * @public
 */
export function InfrastructureDrift() {
  const api = useApi(dataMeshApiRef);
  const state = useAsyncRetry(() => api.getInfrastructureDrift(), [api]);
  const [shown, setShown] = useState<InfrastructureStatus>();
  if (state.loading) return <Progress />;
  if (state.error) return <InfrastructureLoadError error={state.error} />;
  const body = state.value;
  if (!body) return null;
  const rows = shown ? body.items.filter(i => i.status === shown) : body.items;
  const columns: TableColumn<InfrastructureDriftItem>[] = [
    {
      title: 'Data product',
      field: 'entityRef',
      highlight: true,
      render: item => (
        <EntityRefLink entityRef={item.entityRef} title={item.title} />
      ),
    },
    {
      title: 'Owner',
      field: 'owner',
      render: item =>
        item.owner ? (
          <EntityRefLink entityRef={item.owner} defaultKind="group" />
        ) : (
          '–'
        ),
    },
    {
      title: 'Domain',
      field: 'domain',
      render: item =>
        item.domain ? (
          <EntityRefLink entityRef={item.domain} defaultKind="domain" />
        ) : (
          '–'
        ),
    },
    {
      title: 'Status',
      field: 'status',
      // worst first, as the backend sorts
      customSort: (a, b) =>
        INFRASTRUCTURE_STATUSES.indexOf(a.status) -
        INFRASTRUCTURE_STATUSES.indexOf(b.status),
      render: item => <InfrastructureStatusChip status={item.status} />,
    },
    { title: 'Changes', sorting: false, render: changesOf },
    { title: 'Access grants', sorting: false, render: accessOf },
    {
      title: 'Sandboxes',
      sorting: false,
      render: item => sandboxesOf(item, Date.parse(body.checkedAt)),
    },
  ];
  return (
    <>
      <LatestRepairRun onFinished={state.retry} />
      <Summary
        body={body}
        shown={shown}
        onShow={setShown}
        onRefresh={state.retry}
        actions={<RepairProducts items={rows} onDone={state.retry} />}
      />
      <Table<InfrastructureDriftItem>
        title={`Data products (${rows.length})`}
        data={rows}
        columns={columns}
        detailPanel={({ rowData }) => <DriftDetail item={rowData} />}
        options={{
          paging: rows.length > 25,
          pageSize: 25,
          search: true,
          padding: 'dense',
        }}
        emptyContent={
          <Box p={2}>
            <Typography variant="body2">
              {body.total === 0
                ? 'No data products in the catalog yet.'
                : 'No product has this status.'}
            </Typography>
          </Box>
        }
      />
      <LeftBehind />
    </>
  );
}

/** Stand-alone page (legacy apps). @public */
export function InfrastructureDriftPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Infrastructure drift"
        subtitle="Declared versus actual warehouse objects of every data product"
      />
      <Content>
        <InfrastructureDrift />
      </Content>
    </Page>
  );
}
