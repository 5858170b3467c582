import { ReactNode, useEffect, useState } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import RadioButtonUncheckedIcon from '@material-ui/icons/RadioButtonUnchecked';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  type InfrastructureObjectStatus,
  type InfrastructureApplyResponse,
  type ProductInfrastructureResponse,
  formatIssue,
} from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import {
  EmptyHint,
  NotADataProductCard,
  useDataProductEntity,
} from '../common';
import { AccessDriftSection } from './AccessDrift';
import { CheckedAt } from './CheckedAt';
import { InfrastructureLoadError } from './InfrastructureLoadError';
import { InfrastructureStatusChip } from './InfrastructureStatusChip';
import { InfraNotes } from './InfraNotes';
import { SandboxesSection } from './Sandboxes';
import { PlanLines } from './PlanLines';
import { ApplyInfrastructure, ApplyResult } from './ApplyInfrastructure';

const TITLE = 'Infrastructure';

const useStyles = makeStyles((theme: Theme) => ({
  header: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(2),
  },
  name: { fontFamily: 'monospace', fontSize: '0.85rem' },
  label: { width: '30%', color: theme.palette.text.secondary },
  present: {
    color: theme.palette.success?.main ?? '#2e7d32',
    fontSize: '1rem',
    verticalAlign: 'middle',
    marginRight: theme.spacing(0.5),
  },
  missing: {
    color: theme.palette.text.secondary,
    fontSize: '1rem',
    verticalAlign: 'middle',
    marginRight: theme.spacing(0.5),
  },
  section: { marginTop: theme.spacing(2) },
}));

function Exists(props: { exists: boolean | null }) {
  const classes = useStyles();
  if (props.exists === null) return null;
  return props.exists ? (
    <CheckCircleIcon
      className={classes.present}
      titleAccess="exists"
      data-testid="infra-exists"
    />
  ) : (
    <RadioButtonUncheckedIcon
      className={classes.missing}
      titleAccess="missing"
      data-testid="infra-missing"
    />
  );
}

function NameRow(props: {
  label: string;
  testId: string;
  children: ReactNode;
}) {
  const classes = useStyles();
  return (
    <TableRow data-testid={props.testId}>
      <TableCell className={classes.label} component="th" scope="row">
        {props.label}
      </TableCell>
      <TableCell>{props.children}</TableCell>
    </TableRow>
  );
}

function ObjectName(props: { object: InfrastructureObjectStatus }) {
  const classes = useStyles();
  const { object } = props;
  return (
    <>
      <Exists exists={object.exists} />
      <Tooltip title={`In SQL: ${object.qualified}`}>
        <span className={classes.name}>{object.name}</span>
      </Tooltip>
    </>
  );
}

const LAYERS = [
  ['raw', 'Raw schema (private)'],
  ['intermediate', 'Intermediate schema (private)'],
  ['output', 'Output schema (org-public)'],
  // only for a product with personal data, on a warehouse that masks with views
  ['masked', 'Masked schema (personal data masked)'],
] as const;
const ROLES = [
  ['consumer', 'Consumer role'],
  // only for a product with personal data
  ['consumerPii', 'Personal-data consumer role (in clear)'],
  ['service', 'Service role'],
  ['owner', 'Owner role'],
] as const;

function NamesTable(props: { body: ProductInfrastructureResponse }) {
  const classes = useStyles();
  const { body } = props;
  const names = body.declared!.names;
  const { warehouse } = body;
  return (
    <Table size="small" aria-label="Provisioned names">
      <TableBody>
        <NameRow label="Stage" testId="infra-stage">
          <span className={classes.name}>{names.stage}</span>
        </NameRow>
        <NameRow label="Warehouse (compute)" testId="infra-warehouse">
          {names.warehouse ? (
            <ObjectName object={names.warehouse} />
          ) : (
            <Typography variant="body2" color="textSecondary" component="span">
              not applicable on {warehouse.displayName}
            </Typography>
          )}
        </NameRow>
        <NameRow label="Database" testId="infra-database">
          <Exists exists={names.database.exists} />
          <span className={classes.name}>{names.database.name}</span>
          {names.database.exists === null && (
            <Typography variant="body2" color="textSecondary" component="span">
              {' '}
              (a schema-name prefix on {warehouse.displayName})
            </Typography>
          )}
        </NameRow>
        {LAYERS.map(([layer, label]) => {
          const schema = names.schemas[layer];
          return (
            schema && (
              <NameRow
                key={layer}
                label={label}
                testId={`infra-schema-${layer}`}
              >
                <ObjectName object={schema} />
              </NameRow>
            )
          );
        })}
        {ROLES.map(([kind, label]) => {
          const role = names.roles[kind];
          return (
            role && (
              <NameRow key={kind} label={label} testId={`infra-role-${kind}`}>
                <ObjectName object={role} />
              </NameRow>
            )
          );
        })}
      </TableBody>
    </Table>
  );
}

function statusLabel(body: ProductInfrastructureResponse): string | undefined {
  if (body.status !== 'drift') return undefined;
  const n =
    body.drift.steps.length +
    body.drift.destructive.length +
    (body.access?.steps.length ?? 0) +
    (body.access?.destructive.length ?? 0);
  return `Drift: ${n} change${n === 1 ? '' : 's'}`;
}

/** The card's content for a loaded answer (exported for tests and custom layouts). */
export function InfrastructureView(props: {
  body: ProductInfrastructureResponse;
  /** The last apply from the card, whose answer `body` is. */
  applied?: InfrastructureApplyResponse;
  /** Offers the owners to apply the plan; without it, nothing is applied from here. */
  onApplied?: (result: InfrastructureApplyResponse) => void;
}) {
  const classes = useStyles();
  const { body, applied, onApplied } = props;
  return (
    <>
      <Box className={classes.header}>
        <InfrastructureStatusChip
          status={body.status}
          label={statusLabel(body)}
        />
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="infra-warehouse-type"
        >
          {body.warehouse.displayName} ({body.warehouse.type})
        </Typography>
        <Typography variant="caption" color="textSecondary">
          checked <CheckedAt iso={body.checkedAt} />
        </Typography>
      </Box>

      <ApplyResult applied={applied} />

      {body.conflicts.length > 0 && (
        <Alert severity="error" data-testid="infra-conflicts">
          <AlertTitle>Name conflicts stop the plan</AlertTitle>
          {body.conflicts.map(c => (
            <div key={c.message}>{c.message}</div>
          ))}
        </Alert>
      )}

      {body.status === 'invalid' ? (
        <Alert severity="error" data-testid="infra-issues">
          <AlertTitle>
            No warehouse names can be made from this product's spec
          </AlertTitle>
          {body.issues.map(issue => (
            <div key={formatIssue(issue)}>{formatIssue(issue)}</div>
          ))}
        </Alert>
      ) : (
        body.declared && <NamesTable body={body} />
      )}

      {body.status === 'in-sync' && (
        <Box className={classes.section}>
          <EmptyHint>The warehouse matches the declared state.</EmptyHint>
        </Box>
      )}
      {body.status === 'not-provisioned' && (
        <Box className={classes.section}>
          <EmptyHint>
            Nothing is provisioned for this product yet. The plan below is what
            the <em>New data product</em> template, <code>datamesh apply</code>{' '}
            or Provision would create.
          </EmptyHint>
        </Box>
      )}
      {body.status !== 'in-sync' && body.drift.lines.length > 0 && (
        <Box className={classes.section}>
          <Typography variant="subtitle2" component="h3">
            {body.status === 'not-provisioned'
              ? 'Plan'
              : 'Drift (the repair plan)'}
          </Typography>
          <PlanLines lines={body.drift.lines} data-testid="infra-drift-lines" />
          {onApplied && (
            <ApplyInfrastructure body={body} onApplied={onApplied} />
          )}
        </Box>
      )}

      {body.access && <AccessDriftSection access={body.access} />}

      <SandboxesSection
        sandboxes={body.sandboxes}
        inProgress={body.sandboxesInProgress}
        entityRef={body.entityRef}
      />

      <InfraNotes notes={body.notes} />
    </>
  );
}

/**
 * "Infrastructure" card of a DataProduct page: the provisioned names
 * (database, schemas per layer, roles, warehouse), whether the warehouse
 * matches the declared state, the drift as plan lines, and notes.
 * @public
 */
export function InfrastructureCard() {
  const entity = useDataProductEntity();
  const api = useApi(dataMeshApiRef);
  const namespace = entity?.metadata.namespace ?? 'default';
  const name = entity?.metadata.name;
  // an apply from the card answers with the infrastructure afterwards
  const [applied, setApplied] = useState<InfrastructureApplyResponse>();
  const state = useAsyncRetry(
    async () => (name ? api.getInfrastructure({ namespace, name }) : undefined),
    [api, namespace, name],
  );
  // checked again (or another product): the warehouse's answer wins
  useEffect(() => setApplied(undefined), [state.value]);
  if (!entity) return <NotADataProductCard title={TITLE} />;
  const refresh = (
    <Tooltip title="Check again">
      <span>
        <IconButton
          aria-label="Check the warehouse again"
          onClick={state.retry}
          disabled={state.loading}
        >
          <RefreshIcon />
        </IconButton>
      </span>
    </Tooltip>
  );
  return (
    <InfoCard
      title={TITLE}
      subheader="Declared versus actual warehouse objects"
      action={refresh}
    >
      {state.loading && <Progress />}
      {!state.loading && state.error && (
        <InfrastructureLoadError error={state.error} />
      )}
      {!state.loading && !state.error && state.value && (
        <InfrastructureView
          body={applied?.infrastructure ?? state.value}
          applied={applied}
          onApplied={setApplied}
        />
      )}
    </InfoCard>
  );
}
