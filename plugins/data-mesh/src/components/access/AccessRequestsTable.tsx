import { ReactNode, useMemo } from 'react';
import { Table, type TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  type AccessRequest,
  type AccessRequestAction,
  type AccessRequestHistoryEntry,
  formatAge,
  holdsGrant,
  type PortApproverPlace,
} from '@datamesh/plugin-data-mesh-common';
import {
  AnyEntityLink,
  BREAKABLE_IDENTIFIER,
  PiiChip,
  WHOLE_WORDS,
  Who,
} from '../common';
import { formatDateTime } from '../slo/format';
import { expiresSoon, formatExpiry, openFirst } from './rules';
import { AccessConnection } from './AccessConnection';
import { AccessRequestActions } from './AccessRequestActions';
import { AccessStateChip } from './AccessStateChip';
import { ProductSloStatus } from '../slo/ProductSloStatus';

/** What each history action says to a person (the API keeps the codes). */
const ACTION_WORDS: Record<AccessRequestAction, string> = {
  request: 'asked',
  approve: 'approved',
  'approve-first': 'approved, the first of two approvals',
  reject: 'rejected',
  grant: 'granted in the warehouse',
  'grant-failed': 'grant failed in the warehouse',
  revoke: 'revoked',
  'warehouse-revoke': 'revoked in the warehouse',
  'warehouse-revoke-failed': 'revoke failed in the warehouse',
  expire: 'expired',
  'extend-request': 'asked to extend',
  'extend-approve': 'extension approved',
  'extend-approve-first': 'extension approved, the first of two approvals',
  'extend-reject': 'extension rejected',
  repair: 'repaired',
  cancel: 'cancelled',
};

function HistoryEntry(props: { entry: AccessRequestHistoryEntry }) {
  const { entry } = props;
  const words = ACTION_WORDS[entry.action] ?? entry.action;
  return (
    <li data-testid="access-history-entry">
      <Typography variant="body2">
        {formatDateTime(Date.parse(entry.at))} · <Who entityRef={entry.by} /> ·{' '}
        <strong>{words}</strong>
        {/* the state it left, unless the words said it */}
        {words === entry.state ? '' : ` → ${entry.state}`}
        {entry.comment ? ` — ${entry.comment}` : ''}
      </Typography>
      {entry.error && (
        <Typography variant="body2" color="error">
          {entry.error}
        </Typography>
      )}
      {entry.statements && entry.statements.length > 0 && (
        <pre style={{ margin: '4px 0', whiteSpace: 'pre-wrap' }}>
          {entry.statements.join(';\n')};
        </pre>
      )}
    </li>
  );
}

/**
 * How to read a granted request's port, then who did what, when, why, and
 * the warehouse statements sent: the audit of one request.
 */
export function AccessRequestHistory(props: { request: AccessRequest }) {
  const { request } = props;
  return (
    <Box px={4} py={1} data-testid={`access-history-${request.id}`}>
      {holdsGrant(request.state) && <AccessConnection request={request} />}
      <Typography variant="body2" data-testid="access-purpose">
        Purpose: {request.purpose}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Grantee role <code>{request.grantee}</code>, request role{' '}
        <code>{request.role}</code>, duration {request.duration}
      </Typography>
      <ul>
        {request.history.map((entry, i) => (
          <HistoryEntry key={i} entry={entry} />
        ))}
      </ul>
    </Box>
  );
}

/**
 * A purpose may be a paragraph (the template writes the product's
 * description into it): three lines in the table, the whole of it on hover
 * and in the row's details.
 */
const PURPOSE_LINES = {
  display: '-webkit-box',
  WebkitLineClamp: 3,
  WebkitBoxOrient: 'vertical',
  overflow: 'hidden',
  minWidth: 200,
} as const;

function PurposeCell(props: { purpose: string }) {
  return (
    <span style={PURPOSE_LINES} title={props.purpose}>
      {props.purpose}
    </span>
  );
}

function StateCell(props: {
  request: AccessRequest;
  /** The port's second-level approvers, when the screen knows them. */
  secondLevel?: string[];
}) {
  const { request, secondLevel = [] } = props;
  return (
    <>
      <AccessStateChip state={request.state} />
      {request.state === 'pending' && (
        <Typography
          variant="caption"
          display="block"
          color="textSecondary"
          data-testid="access-waiting"
        >
          waiting {formatAge(Date.now() - Date.parse(request.requestedAt))}
        </Typography>
      )}
      {request.firstApproval && (
        <Box data-testid="access-first-approval">
          <Typography variant="caption" display="block">
            Approved by <Who entityRef={request.firstApproval.by} />
          </Typography>
          <Typography variant="caption" display="block">
            Waits for a second-level approver
            {secondLevel.length > 0 && ': '}
            {secondLevel.map((ref, i) => (
              <span key={ref}>
                {i > 0 && ', '}
                <EntityRefLink entityRef={ref} defaultKind="group" />
              </span>
            ))}
          </Typography>
        </Box>
      )}
      {request.extension && (
        <Typography variant="caption" display="block">
          Extension to {formatExpiry(request.extension.expiresAt)} asked
          {request.extension.comment ? `: ${request.extension.comment}` : ''}
        </Typography>
      )}
      {request.error && (
        <Typography variant="caption" color="error" display="block">
          Warehouse: {request.error} (retried)
        </Typography>
      )}
    </>
  );
}

/** The expiry, and for granted access ending soon how soon: time to extend it. */
function ExpiryCell(props: { request: AccessRequest }) {
  const { request } = props;
  const theme = useTheme();
  const soon = holdsGrant(request.state)
    ? expiresSoon(request.expiresAt, Date.now())
    : undefined;
  return (
    <>
      {formatExpiry(request.expiresAt)}
      {soon && (
        <Typography
          variant="caption"
          display="block"
          style={{ color: theme.palette.warning?.dark ?? '#a84b00' }}
          data-testid="access-expires-soon"
        >
          ends {soon}
        </Typography>
      )}
    </>
  );
}

/** Which columns a screen shows; the state, purpose and expiry always. */
export type AccessColumn =
  | 'product'
  | 'health'
  | 'consumer'
  | 'requester'
  | 'pii';

/**
 * Access requests with their state, the people and purpose, and the
 * actions the signed-in user may take; each row expands to its history.
 */
export function AccessRequestsTable(props: {
  title: string;
  requests: AccessRequest[];
  columns: AccessColumn[];
  /** The signed-in user's entity ref, lower-case. */
  me: string;
  /** Where the user stands among the approvers of a request's port (ODCS roles' approvers): they decide it too. */
  approvalOf?: (request: AccessRequest) => PortApproverPlace | undefined;
  /** Whether the user is a member of a request's consumer: they ask to extend it too. */
  shares?: (request: AccessRequest) => boolean;
  onChanged: (updated: AccessRequest) => void;
  emptyContent: ReactNode;
}) {
  const { me, onChanged } = props;
  // what still needs someone (pending, granted) before what has ended, each
  // in the backend's order (newest first); the same array while the
  // requests are, so the table keeps the rows the user opened
  const requests = useMemo(() => openFirst(props.requests), [props.requests]);
  const show = new Set(props.columns);
  const columns: TableColumn<AccessRequest>[] = [
    {
      title: 'State',
      field: 'state',
      render: r => (
        <StateCell
          request={r}
          secondLevel={props.approvalOf?.(r)?.secondLevel}
        />
      ),
    },
    ...(show.has('product')
      ? [
          {
            title: 'Product / port',
            field: 'product',
            render: (r: AccessRequest) => (
              <>
                <EntityRefLink
                  entityRef={r.product}
                  defaultKind="dataproduct"
                />{' '}
                / <span style={BREAKABLE_IDENTIFIER}>{r.outputPort}</span>
              </>
            ),
          },
        ]
      : [{ title: 'Port', field: 'outputPort' }]),
    ...(show.has('health')
      ? [
          {
            title: 'Health',
            sorting: false,
            render: (r: AccessRequest) => (
              <ProductSloStatus product={r.product} />
            ),
          },
        ]
      : []),
    ...(show.has('consumer')
      ? [
          {
            title: 'Consumer',
            field: 'consumer',
            render: (r: AccessRequest) => (
              <AnyEntityLink entityRef={r.consumer} />
            ),
          },
        ]
      : []),
    ...(show.has('requester')
      ? [
          {
            title: 'Requester',
            field: 'requester',
            render: (r: AccessRequest) => <Who entityRef={r.requester} />,
          },
        ]
      : []),
    {
      title: 'Purpose',
      field: 'purpose',
      render: r => <PurposeCell purpose={r.purpose} />,
    },
    ...(show.has('pii')
      ? [
          {
            title: 'PII',
            field: 'pii',
            render: (r: AccessRequest) => (r.pii ? <PiiChip /> : 'masked'),
          },
        ]
      : []),
    {
      title: 'Expires',
      field: 'expiresAt',
      render: r => <ExpiryCell request={r} />,
    },
    {
      title: 'Actions',
      sorting: false,
      render: r => (
        <AccessRequestActions
          request={r}
          me={me}
          approval={props.approvalOf?.(r)}
          member={props.shares?.(r) ?? false}
          onChanged={onChanged}
        />
      ),
    },
  ];
  return (
    <Table<AccessRequest>
      title={`${props.title} (${requests.length})`}
      data={requests}
      // words whole in these nine columns (WHOLE_WORDS)
      columns={columns.map(c => ({ ...c, cellStyle: { ...WHOLE_WORDS } }))}
      detailPanel={({ rowData }) => <AccessRequestHistory request={rowData} />}
      options={{
        paging: requests.length > 20,
        pageSize: 20,
        search: requests.length > 10,
        padding: 'dense',
      }}
      emptyContent={<Box p={2}>{props.emptyContent}</Box>}
    />
  );
}
