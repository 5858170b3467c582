import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type {
  ProductRevision,
  SpecChange,
} from '@datamesh/plugin-data-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import { dataMeshApiRef } from '../../api';
import {
  EmptyHint,
  NotADataProductCard,
  useDataProductEntity,
} from '../common';
import { errorMessage } from '../slo/SloErrors';
import { formatDateTime } from '../slo/format';
import { AuditTrailCard } from './AuditTrailCard';

const KIND_LABELS: Record<SpecChange['kind'], string> = {
  breaking: 'Breaking',
  'non-breaking': 'Non-breaking',
  info: 'Info',
};

/** The kind of a change in words; breaking ones filled, so they stand out without colour too. */
function KindChip(props: { kind: SpecChange['kind'] }) {
  const { kind } = props;
  return (
    <Chip
      size="small"
      label={KIND_LABELS[kind]}
      color={kind === 'breaking' ? 'secondary' : 'default'}
      variant={kind === 'breaking' ? 'default' : 'outlined'}
      data-testid={`change-kind-${kind}`}
    />
  );
}

function versionTitle(r: ProductRevision): string {
  const version = r.version ? `Version ${r.version}` : 'No version declared';
  if (r.initial) return `${version} — first seen`;
  if (r.previousVersion && r.previousVersion !== r.version) {
    return `${version} (from ${r.previousVersion})`;
  }
  return version;
}

function ChangeItem(props: { change: SpecChange }) {
  const { change } = props;
  const where = change.location?.file
    ? ` (${change.location.file}${
        change.location.line ? `:${change.location.line}` : ''
      })`
    : '';
  return (
    <li data-testid="change-item">
      <Box display="flex" alignItems="baseline" style={{ gap: 8 }}>
        <KindChip kind={change.kind} />
        <Typography variant="body2">
          {change.message}{' '}
          <Typography component="span" variant="caption" color="textSecondary">
            <code>{change.path}</code>
            {where}
          </Typography>
        </Typography>
      </Box>
    </li>
  );
}

function RevisionEntry(props: { revision: ProductRevision }) {
  const r = props.revision;
  const counts = (['breaking', 'non-breaking', 'info'] as const)
    .map(kind => [kind, r.changes.filter(c => c.kind === kind).length] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`);
  return (
    <Box
      component="li"
      mb={2}
      data-testid={`revision-${r.revision}`}
      aria-label={`Revision ${r.revision}`}
    >
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <Typography variant="h6" component="h3">
          {versionTitle(r)}
        </Typography>
        {r.breaking && (
          <Chip
            size="small"
            color="secondary"
            label="Breaking"
            data-testid="revision-breaking"
          />
        )}
      </Box>
      <Typography variant="body2" color="textSecondary">
        Ingested {formatDateTime(Date.parse(r.ingestedAt))}
        {counts.length ? ` · ${counts.join(', ')}` : ''}
        {r.notified?.recipients
          ? ` · ${r.notified.recipients} consumer${
              r.notified.recipients === 1 ? '' : 's'
            } with active access notified ${formatDateTime(
              Date.parse(r.notified.at),
            )}`
          : ''}
      </Typography>
      {!r.versionCheck.ok && (
        <Alert severity="warning" data-testid="revision-version-warning">
          {r.versionCheck.message}
        </Alert>
      )}
      {r.initial ? (
        <EmptyHint>
          The first version the portal saw; later changes are compared with it.
        </EmptyHint>
      ) : (
        <ul>
          {r.changes.map((c, i) => (
            <ChangeItem key={`${c.code}-${c.path}-${i}`} change={c} />
          ))}
        </ul>
      )}
    </Box>
  );
}

/**
 * The "Changes" tab of a DataProduct: every version of its spec the portal
 * ingested from the catalog, newest first, each with its changes classified
 * as breaking, non-breaking or info against the version before, and a
 * warning when a breaking change came without a major version bump; below
 * it, the audit trail of what was done to the product.
 *
 * @public
 */
export function DataProductChangesContent() {
  const entity = useDataProductEntity();
  const api = useApi(dataMeshApiRef);
  const product = entity ? stringifyEntityRef(entity).toLowerCase() : '';
  const changes = useAsync(
    async () => (product ? api.listProductChanges(product) : undefined),
    [api, product],
  );
  if (!entity) return <NotADataProductCard title="Changes" />;
  if (changes.loading) return <Progress />;
  if (changes.error) {
    return (
      <Alert severity="error" data-testid="changes-load-error">
        <AlertTitle>Changes could not be loaded</AlertTitle>
        {errorMessage(changes.error)}
      </Alert>
    );
  }
  const items = changes.value?.items ?? [];
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <InfoCard title="Changes">
        {items.length === 0 ? (
          <EmptyHint>
            No version recorded yet: the portal reads the catalog every minute
            or so and records each version of the spec it sees.
          </EmptyHint>
        ) : (
          <Box component="ol" p={0} m={0} style={{ listStyle: 'none' }}>
            {items.map(r => (
              <RevisionEntry key={r.revision} revision={r} />
            ))}
          </Box>
        )}
      </InfoCard>
      <AuditTrailCard
        namespace={entity.metadata.namespace ?? 'default'}
        name={entity.metadata.name}
      />
    </Box>
  );
}
