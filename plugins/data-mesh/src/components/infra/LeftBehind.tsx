/*
 * What products left behind, on the Drift page (`GET
 * /infrastructure/leftovers`): schemas and roles the platform made for a
 * data product that no product of the catalog declares now — the product
 * removed from the catalog without retiring it, renamed, or moved to
 * another domain or stage. The schemas still hold its data, the roles may
 * still be granted to people, and nothing else in the portal shows them.
 * Grouped by product; each group's Drop… asks for the product's name
 * before they are dropped (`POST /products/…/leftovers/drop`), and only for
 * those the leftover permission allows: a product's owners while it is in
 * the catalog, the platform team once it is gone.
 */
import { useState } from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Paper from '@material-ui/core/Paper';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  type InfrastructureLeftover,
  type InfrastructureLeftoverRole,
  dataMeshLeftoverDropPermission,
} from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { formatDate } from '../slo/format';
import { errorMessage } from '../slo/SloErrors';

const useStyles = makeStyles((theme: Theme) => ({
  section: { padding: theme.spacing(2), marginTop: theme.spacing(3) },
  product: { marginTop: theme.spacing(2) },
  heading: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  schema: { wordBreak: 'break-all' },
}));

/** What a schema was to its product, in words. */
export function leftoverWords(l: InfrastructureLeftover): string {
  if (l.kind === 'sandbox') {
    return `the sandbox of branch ${l.branch}${
      l.createdAt ? `, made ${formatDate(Date.parse(l.createdAt))}` : ''
    }`;
  }
  if (l.kind === 'archive') return 'its archive (kept by retirement)';
  return l.productInCatalog ? 'a schema it no longer declares' : 'its schema';
}

/** What a role was to its product, in words. */
export function leftoverRoleWords(r: InfrastructureLeftoverRole): string {
  if (r.kind === 'access') return 'the role of one of its access requests';
  return r.productInCatalog ? 'a role it no longer declares' : 'its role';
}

/** A product's leftovers: its schemas and its roles. */
interface ProductLeftoverSet {
  schemas: InfrastructureLeftover[];
  roles: InfrastructureLeftoverRole[];
}

/** The name to type to confirm: the product's, as its ref names it. */
const nameOf = (product: string) => parseEntityRef(product).name;

function ConfirmDrop(props: {
  product: string;
  left: ProductLeftoverSet;
  onClose: () => void;
  onDropped: (dropped: string[]) => void;
}) {
  const { product, left, onClose, onDropped } = props;
  const { schemas, roles } = left;
  const classes = useStyles();
  const api = useApi(dataMeshApiRef);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const name = nameOf(product);
  const drop = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const { namespace } = parseEntityRef(product);
      const result = await api.dropLeftovers(
        { namespace, name },
        {
          ...(schemas.length
            ? {
                schemas: schemas.map(s => ({
                  database: s.database,
                  schema: s.schema,
                })),
              }
            : {}),
          ...(roles.length ? { roles: roles.map(r => r.name) } : {}),
        },
      );
      onDropped(result.dropped);
    } catch (e) {
      setError(errorMessage(e as Error));
      setBusy(false);
    }
  };
  const titleId = 'leftover-drop-title';
  return (
    <Dialog
      open
      onClose={busy ? undefined : onClose}
      aria-labelledby={titleId}
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id={titleId}>Drop what {name} left behind?</DialogTitle>
      <DialogContent>
        <DialogContentText component="div">
          {schemas.length > 0 &&
            'These schemas are dropped from the warehouse with everything in them. '}
          {roles.length > 0 &&
            'These roles are dropped: whoever holds them loses them. '}
          This cannot be undone: make sure no one still needs them.
          <ul>
            {[...schemas, ...roles].map(s => (
              <li key={s.qualified}>
                <code className={classes.schema}>{s.qualified}</code>
              </li>
            ))}
          </ul>
        </DialogContentText>
        <TextField
          fullWidth
          id="leftover-drop-confirm"
          label={`Type ${name} to confirm`}
          value={typed}
          onChange={e => setTyped(e.target.value)}
          disabled={busy}
        />
        {error && (
          <Box mt={2}>
            <Alert severity="error" data-testid="leftover-drop-error">
              Nothing was dropped: {error}
            </Alert>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          onClick={drop}
          disabled={busy || typed.trim() !== name}
          color="secondary"
          variant="contained"
        >
          Drop them
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** One product's leftovers, and Drop… for those who may. */
function ProductLeftovers(props: {
  product: string;
  left: ProductLeftoverSet;
  onDropped: (dropped: string[]) => void;
}) {
  const { product, left, onDropped } = props;
  const { schemas, roles } = left;
  const classes = useStyles();
  const [asking, setAsking] = useState(false);
  const { allowed } = usePermission({
    permission: dataMeshLeftoverDropPermission,
    resourceRef: product,
  });
  const inCatalog = [...schemas, ...roles][0].productInCatalog;
  // the watch's first sighting of any of them (ISO strings sort by time)
  const since = [...schemas, ...roles]
    .flatMap(l => l.firstSeenAt ?? [])
    .sort()[0];
  return (
    <Box className={classes.product} data-testid={`leftovers-${product}`}>
      <Box className={classes.heading}>
        <Typography variant="subtitle1" component="h3">
          {inCatalog ? <EntityRefLink entityRef={product} /> : product}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          {inCatalog
            ? 'in the catalog, no longer declares these'
            : 'not in the catalog: removed without retiring it, or renamed'}
          {since && ` · left behind since ${formatDate(Date.parse(since))}`}
        </Typography>
        {allowed && (
          <Button
            size="small"
            variant="outlined"
            color="secondary"
            onClick={() => setAsking(true)}
          >
            Drop…
          </Button>
        )}
      </Box>
      <ul>
        {schemas.map(s => (
          <li key={s.qualified}>
            <code className={classes.schema}>{s.qualified}</code>{' '}
            <Typography variant="body2" component="span">
              — {leftoverWords(s)}
            </Typography>
          </li>
        ))}
        {roles.map(r => (
          <li key={`role ${r.qualified}`}>
            role <code className={classes.schema}>{r.qualified}</code>{' '}
            <Typography variant="body2" component="span">
              — {leftoverRoleWords(r)}
            </Typography>
          </li>
        ))}
      </ul>
      {!allowed && (
        <Typography variant="body2" color="textSecondary">
          {inCatalog
            ? "Its owners drop them from here, once they are sure they hold nothing the product's readers need."
            : 'The platform team drops them from here.'}
        </Typography>
      )}
      {asking && (
        <ConfirmDrop
          product={product}
          left={left}
          onClose={() => setAsking(false)}
          onDropped={dropped => {
            setAsking(false);
            onDropped(dropped);
          }}
        />
      )}
    </Box>
  );
}

/**
 * Schemas left behind by data products, for the Drift page: nothing when
 * there are none.
 * @public
 */
export function LeftBehind() {
  const classes = useStyles();
  const api = useApi(dataMeshApiRef);
  const state = useAsyncRetry(() => api.getInfrastructureLeftovers(), [api]);
  const [news, setNews] = useState<string>();
  if (state.loading && !state.value) return <Progress />;
  if (state.error) {
    return (
      <Alert severity="warning" className={classes.section}>
        Schemas left behind could not be looked for: {errorMessage(state.error)}
      </Alert>
    );
  }
  const items = state.value?.items ?? [];
  const roles = state.value?.roles ?? [];
  const byProduct = new Map<string, ProductLeftoverSet>();
  const of = (product: string) => {
    const set = byProduct.get(product) ?? { schemas: [], roles: [] };
    byProduct.set(product, set);
    return set;
  };
  for (const item of items) of(item.product).schemas.push(item);
  for (const role of roles) of(role.product).roles.push(role);
  const count = [
    ...(items.length
      ? [`${items.length} ${items.length === 1 ? 'schema' : 'schemas'}`]
      : []),
    ...(roles.length
      ? [`${roles.length} ${roles.length === 1 ? 'role' : 'roles'}`]
      : []),
  ].join(', ');
  if (byProduct.size === 0 && !news) return null;
  return (
    <Paper className={classes.section} data-testid="leftover-schemas">
      <Typography variant="h6" component="h2">
        Left behind{count && ` (${count})`}
      </Typography>
      {byProduct.size > 0 ? (
        <Typography variant="body2">
          Schemas and roles the platform made for data products that no product
          in the catalog declares now: the product was removed from the catalog
          without retiring it, renamed, or moved to another domain or stage. The
          schemas still hold its data and the roles may still be granted to
          people (a product made again under the name would take them over,
          members and all); no plan, drift check or retirement looks at them
          again. Retire products instead of removing them; drop these once no
          one needs them.
        </Typography>
      ) : (
        <Typography variant="body2">Nothing is left behind now.</Typography>
      )}
      {news && (
        <Box mt={2}>
          <Alert severity="success" onClose={() => setNews(undefined)}>
            {news}
          </Alert>
        </Box>
      )}
      {[...byProduct].map(([product, left]) => (
        <ProductLeftovers
          key={product}
          product={product}
          left={left}
          onDropped={dropped => {
            setNews(`Dropped ${dropped.join(', ')}.`);
            state.retry();
          }}
        />
      ))}
    </Paper>
  );
}
