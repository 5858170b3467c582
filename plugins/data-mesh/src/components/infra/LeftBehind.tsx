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
 * the catalog, the platform team once it is gone. Keep… keeps them on
 * purpose with a reason (`PUT /products/…/leftovers/keep`): listed last,
 * with who kept them, and no longer told nor counted on the home page
 * until someone stops keeping them.
 */
import { useState } from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  type InfrastructureLeftover,
  type InfrastructureLeftoverRole,
  type LeftoverKeep,
  dataMeshLeftoverDropPermission,
  dataMeshLeftoverKeepPermission,
} from '@datamesh/plugin-data-mesh-common';
import {
  type ProductLeftoverSet,
  ConfirmDrop,
  KeepLeftovers,
  nameOf,
} from './LeftoverDialogs';
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

/** Who kept a product's leftovers, when and why. */
function KeptLine(props: { kept: LeftoverKeep }) {
  const { kept } = props;
  return (
    <Typography variant="body2" data-testid="leftovers-kept">
      Kept by <EntityRefLink entityRef={kept.by} /> on{' '}
      {formatDate(Date.parse(kept.at))}: “{kept.reason}”. No one is told of them
      and the home page does not count them.
    </Typography>
  );
}

/** One product's leftovers, and Drop…, Keep… or Stop keeping for those who may. */
function ProductLeftovers(props: {
  product: string;
  left: ProductLeftoverSet;
  kept?: LeftoverKeep;
  /** Something changed (dropped, kept, no longer kept), in words. */
  onChanged: (news: string) => void;
}) {
  const { product, left, kept, onChanged } = props;
  const { schemas, roles } = left;
  const classes = useStyles();
  const api = useApi(dataMeshApiRef);
  const [asking, setAsking] = useState<'drop' | 'keep'>();
  const [stopping, setStopping] = useState(false);
  const [stopError, setStopError] = useState<string>();
  const { allowed } = usePermission({
    permission: dataMeshLeftoverDropPermission,
    resourceRef: product,
  });
  const { allowed: mayKeep } = usePermission({
    permission: dataMeshLeftoverKeepPermission,
    resourceRef: product,
  });
  const stopKeeping = async () => {
    setStopping(true);
    setStopError(undefined);
    try {
      const { namespace, name } = parseEntityRef(product);
      await api.stopKeepingLeftovers({ namespace, name });
      onChanged(`What ${name} left behind is no longer kept.`);
    } catch (e) {
      setStopError(errorMessage(e as Error));
    }
    setStopping(false);
  };
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
            onClick={() => setAsking('drop')}
          >
            Drop…
          </Button>
        )}
        {mayKeep && !kept && (
          <Button size="small" onClick={() => setAsking('keep')}>
            Keep…
          </Button>
        )}
        {mayKeep && kept && (
          <Button size="small" onClick={stopKeeping} disabled={stopping}>
            Stop keeping
          </Button>
        )}
      </Box>
      {kept && <KeptLine kept={kept} />}
      {stopError && (
        <Alert severity="error" data-testid="leftover-stop-keeping-error">
          Still kept: {stopError}
        </Alert>
      )}
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
      {asking === 'drop' && (
        <ConfirmDrop
          product={product}
          left={left}
          onClose={() => setAsking(undefined)}
          onDropped={dropped => {
            setAsking(undefined);
            onChanged(`Dropped ${dropped.join(', ')}.`);
          }}
        />
      )}
      {asking === 'keep' && (
        <KeepLeftovers
          product={product}
          onClose={() => setAsking(undefined)}
          onKept={() => {
            setAsking(undefined);
            onChanged(`What ${nameOf(product)} left behind is kept.`);
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
  const kept = new Map((state.value?.kept ?? []).map(k => [k.product, k]));
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
      {[...byProduct]
        // kept on purpose: after those that need someone
        .sort(([a], [b]) => Number(kept.has(a)) - Number(kept.has(b)))
        .map(([product, left]) => (
          <ProductLeftovers
            key={product}
            product={product}
            left={left}
            kept={kept.get(product)}
            onChanged={said => {
              setNews(said);
              state.retry();
            }}
          />
        ))}
    </Paper>
  );
}
