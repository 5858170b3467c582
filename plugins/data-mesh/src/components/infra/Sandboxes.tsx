import { useEffect, useState } from 'react';
import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import DialogContentText from '@material-ui/core/DialogContentText';
import IconButton from '@material-ui/core/IconButton';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemSecondaryAction from '@material-ui/core/ListItemSecondaryAction';
import ListItemText from '@material-ui/core/ListItemText';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import DeleteIcon from '@material-ui/icons/Delete';
import UpdateIcon from '@material-ui/icons/Update';
import Alert from '@material-ui/lab/Alert';
import {
  type InfrastructureSandbox,
  type InfrastructureSandboxInProgress,
  dataMeshSandboxCreatePermission,
  dataMeshSandboxDeletePermission,
} from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { errorMessage } from '../slo/SloErrors';
import { formatAgo, formatDate } from '../slo/format';
import { Who } from '../common';
import { changeWhere } from '../changes/auditWords';
import { ChangeWhere, useChangeLinks } from '../changes/ChangeWhere';
import { ActionDialog } from './ActionDialog';
import { NewSandbox, madeText } from './NewSandbox';

const useStyles = makeStyles((theme: Theme) => ({
  section: { marginTop: theme.spacing(2) },
  // one per line: sandbox names are long, and a line cut at the card's edge hides them
  schema: { display: 'block', wordBreak: 'break-all' },
  // room for the delete button beside the names
  withAction: { paddingRight: theme.spacing(6) },
  // and for keep beside it
  withTwoActions: { paddingRight: theme.spacing(12) },
}));

/** The dialog that asks before a sandbox's schemas are dropped. */
function ConfirmDelete(props: {
  product: { namespace: string; name: string };
  sandbox: InfrastructureSandbox;
  onClose: () => void;
  onDeleted: (left: InfrastructureSandbox[], dropped: number) => void;
}) {
  const { product, sandbox, onClose, onDeleted } = props;
  const classes = useStyles();
  const api = useApi(dataMeshApiRef);
  const drop = async () => {
    const result = await api.deleteSandbox(product, sandbox.branch);
    onDeleted(result.sandboxes, result.dropped.length);
  };
  return (
    <ActionDialog
      id="sandbox-delete"
      title={`Delete the sandbox of ${sandbox.branch}?`}
      action="Delete sandbox"
      run={drop}
      refused="The sandbox was not deleted"
      onClose={onClose}
    >
      <DialogContentText component="div">
        These schemas are dropped from the warehouse with everything in them.
        This cannot be undone; the branch's pipeline can make the sandbox again.
        <ul>
          {sandbox.schemas.map(s => (
            <li key={s.name}>
              <code className={classes.schema}>{s.qualified}</code>
            </li>
          ))}
        </ul>
      </DialogContentText>
    </ActionDialog>
  );
}

/** When the platform deletes an expiring sandbox: "on 7 Jan (in 3d 2h)". */
function expiryWords(expiresAt: string): string {
  const at = Date.parse(expiresAt);
  const now = Date.now();
  // past its expiry, the next round drops it
  if (at <= now) return 'soon (it expired)';
  return `on ${formatDate(at)} (${formatAgo(at, now)})`;
}

/**
 * A branch's sandbox being made or deleted: by whom since when, and where
 * when outside the portal (a pipeline's run linked).
 */
function BusyCaption(props: { busy: InfrastructureSandboxInProgress }) {
  const { busy } = props;
  const where = changeWhere(busy, useChangeLinks());
  let what = busy.change === 'create' ? 'being made' : 'being deleted';
  if (!where && busy.change === 'create') what += ': the backend is copying it';
  return (
    <Typography variant="caption" color="textSecondary" component="span">
      {' '}
      {what}
      {where && (
        <>
          {' '}
          <ChangeWhere where={where} />
        </>
      )}{' '}
      (asked by <Who entityRef={busy.requestedBy} />{' '}
      <time dateTime={busy.startedAt} title={busy.startedAt}>
        {formatAgo(Date.parse(busy.startedAt), Date.now())}
      </time>
      )
    </Typography>
  );
}

/**
 * The product's feature-branch sandboxes on the Infrastructure card. They
 * are copies of its data outside its own schemas, so its owners should see
 * them and delete those of merged branches: those who may (its owners and
 * admins, as the permission policy answers `data-mesh.sandbox.delete`) do
 * it here, and make one for a branch (`data-mesh.sandbox.create`).
 * Without any, nothing is shown to those who may not make one.
 * @public
 */
export function SandboxesSection(props: {
  sandboxes?: InfrastructureSandbox[];
  /** Being made from the portal: a copy going on in the backend. */
  inProgress?: InfrastructureSandboxInProgress[];
  /** The product's entity ref, the resource the delete permission is asked on. */
  entityRef: string;
}) {
  const { entityRef } = props;
  const { namespace, name } = parseEntityRef(entityRef);
  const product = { namespace, name };
  const classes = useStyles();
  const { allowed, loading } = usePermission({
    permission: dataMeshSandboxDeletePermission,
    resourceRef: entityRef,
  });
  const mayCreate = usePermission({
    permission: dataMeshSandboxCreatePermission,
    resourceRef: entityRef,
  }).allowed;
  const api = useApi(dataMeshApiRef);
  const [sandboxes, setSandboxes] = useState(props.sandboxes ?? []);
  const [confirming, setConfirming] = useState<InfrastructureSandbox>();
  // what the last delete, keep or creation did
  const [news, setNews] = useState<string>();
  // a creation the backend goes on with: news, not yet a success
  const [going, setGoing] = useState(false);
  // a branch being kept past its expiry, and why keeping one failed
  const [keeping, setKeeping] = useState<string>();
  const [keepError, setKeepError] = useState<string>();
  const keep = async (branch: string) => {
    setKeeping(branch);
    setKeepError(undefined);
    try {
      const kept = await api.keepSandbox(product, branch);
      setSandboxes(kept.sandboxes);
      setGoing(false);
      setNews(
        `Kept the sandbox of ${branch}: the platform deletes it ${expiryWords(
          kept.expiresAt,
        )}.`,
      );
    } catch (e) {
      setKeepError(
        `The sandbox of ${branch} was not kept: ${errorMessage(e as Error)}`,
      );
    } finally {
      setKeeping(undefined);
    }
  };
  useEffect(() => {
    setSandboxes(props.sandboxes ?? []);
    setNews(undefined);
  }, [props.sandboxes]);
  // a copy going on shows until its sandbox is listed; a deletion on its sandbox
  const inProgress = (props.inProgress ?? []).filter(
    p => p.change === 'create' && !sandboxes.some(s => s.branch === p.branch),
  );
  const deleting = new Map(
    (props.inProgress ?? [])
      .filter(p => p.change === 'delete')
      .map(p => [p.branch, p]),
  );
  // kept by those who may make it again, while the platform would delete it
  const mayKeep = (s: InfrastructureSandbox) =>
    Boolean(mayCreate && s.expiresAt && !deleting.has(s.branch));
  const actionsClass = (n: number) => {
    if (n === 0) return undefined;
    return n === 1 ? classes.withAction : classes.withTwoActions;
  };
  // no sandbox is news only to those who may make one
  if (
    sandboxes.length === 0 &&
    inProgress.length === 0 &&
    !news &&
    !mayCreate
  ) {
    return null;
  }
  return (
    <Box className={classes.section} data-testid="infra-sandboxes">
      <Box display="flex" alignItems="center" justifyContent="space-between">
        <Typography variant="subtitle2" component="h3">
          Feature-branch sandboxes ({sandboxes.length}
          {inProgress.length ? `, ${inProgress.length} being made` : ''})
        </Typography>
        {mayCreate && (
          <NewSandbox
            product={product}
            onMade={made => {
              if (made.status === 'made') setSandboxes(made.sandboxes);
              setGoing(made.status === 'in-progress');
              setNews(madeText(made));
            }}
          />
        )}
      </Box>
      {news && (
        <Alert
          severity={going ? 'info' : 'success'}
          data-testid="sandbox-deleted"
        >
          {news}
        </Alert>
      )}
      {keepError && (
        <Alert severity="error" data-testid="sandbox-keep-error">
          {keepError}
        </Alert>
      )}
      <List dense disablePadding aria-label="Feature-branch sandboxes">
        {inProgress.map(p => (
          <ListItem
            key={`in-progress-${p.branch}`}
            disableGutters
            data-testid="sandbox-in-progress"
          >
            <ListItemText
              primary={
                <>
                  <code>{p.branch}</code>
                  <BusyCaption busy={p} />
                </>
              }
            />
          </ListItem>
        ))}
        {sandboxes.map(s => (
          <ListItem
            key={s.branch}
            disableGutters
            className={actionsClass(
              Number(allowed && !deleting.has(s.branch)) + Number(mayKeep(s)),
            )}
          >
            <ListItemText
              primary={
                <>
                  <code>{s.branch}</code>
                  {deleting.has(s.branch) && (
                    <BusyCaption busy={deleting.get(s.branch)!} />
                  )}
                  {!deleting.has(s.branch) && s.createdAt && (
                    <Typography
                      variant="caption"
                      color="textSecondary"
                      component="span"
                    >
                      {' '}
                      made{' '}
                      <time dateTime={s.createdAt} title={s.createdAt}>
                        {formatAgo(Date.parse(s.createdAt), Date.now())}
                      </time>
                      {s.expiresAt && (
                        <>
                          {' '}
                          · the platform deletes it{' '}
                          <time dateTime={s.expiresAt} title={s.expiresAt}>
                            {expiryWords(s.expiresAt)}
                          </time>
                        </>
                      )}
                    </Typography>
                  )}
                </>
              }
              secondaryTypographyProps={{ component: 'div' }}
              secondary={s.schemas.map(schema => (
                <Tooltip
                  key={schema.name}
                  title={`In SQL: ${schema.qualified}`}
                >
                  <code className={classes.schema}>{schema.name}</code>
                </Tooltip>
              ))}
            />
            {(mayKeep(s) || (allowed && !deleting.has(s.branch))) && (
              <ListItemSecondaryAction>
                {mayKeep(s) && (
                  <Tooltip title="Keep it past its expiry: its time runs anew from now">
                    <span>
                      <IconButton
                        edge={allowed ? false : 'end'}
                        aria-label={`Keep the sandbox of ${s.branch}`}
                        disabled={keeping !== undefined}
                        onClick={() => keep(s.branch)}
                      >
                        <UpdateIcon />
                      </IconButton>
                    </span>
                  </Tooltip>
                )}
                {allowed && !deleting.has(s.branch) && (
                  <Tooltip title="Delete this sandbox">
                    <IconButton
                      edge="end"
                      aria-label={`Delete the sandbox of ${s.branch}`}
                      onClick={() => setConfirming(s)}
                    >
                      <DeleteIcon />
                    </IconButton>
                  </Tooltip>
                )}
              </ListItemSecondaryAction>
            )}
          </ListItem>
        ))}
      </List>
      <Typography variant="caption" color="textSecondary" component="p">
        Copies of this product's data. {/* who may is known once asked */}
        {loading && 'Delete a merged branch’s '}
        {!loading && allowed && 'Delete a merged branch’s here, or '}
        {!loading && !allowed && 'Its owners delete a merged branch’s here; '}
        with <code>datamesh sandbox delete --branch &lt;branch&gt;</code> in its
        pipeline or the <code>datamesh:sandbox:delete</code> template action.
        Retiring the product drops them all.
      </Typography>
      {confirming && (
        <ConfirmDelete
          product={product}
          sandbox={confirming}
          onClose={() => setConfirming(undefined)}
          onDeleted={(left, dropped) => {
            setSandboxes(left);
            setGoing(false);
            setNews(
              dropped === 0
                ? `The sandbox of ${confirming.branch} was already gone.`
                : `Dropped the sandbox of ${
                    confirming.branch
                  } (${dropped} schema${dropped === 1 ? '' : 's'}).`,
            );
            setConfirming(undefined);
          }}
        />
      )}
    </Box>
  );
}
