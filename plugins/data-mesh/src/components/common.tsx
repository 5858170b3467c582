import { ReactNode, useMemo } from 'react';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { InfoCard } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import VerifiedUserIcon from '@material-ui/icons/VerifiedUser';
import ReportProblemOutlinedIcon from '@material-ui/icons/ReportProblemOutlined';
import {
  DataClassification,
  DataProductEntityV1alpha1,
  fromCatalogForm,
  isDataProductEntity,
} from '@datamesh/plugin-data-mesh-common';

/**
 * Backstage's theme breaks table cell text anywhere (`word-break:
 * break-word`): in tables of many columns it cut names, "masked" and button
 * labels mid-word. Cells styled so keep words whole, the column widening
 * instead; identifiers (port names, sources) may still break anywhere.
 */
export const WHOLE_WORDS = { wordBreak: 'normal' } as const;
/** For identifiers in such cells: long names with hyphens may break anywhere. */
export const BREAKABLE_IDENTIFIER = { overflowWrap: 'anywhere' } as const;

/**
 * The current entity as a DataProduct, or `undefined` when a card was placed
 * on another kind's page (possible in legacy apps, where nothing filters).
 */
export function useDataProductEntity(): DataProductEntityV1alpha1 | undefined {
  const { entity } = useEntity<Entity>();
  // parsed once per entity, not on every render of every card
  return useMemo(
    () => (isDataProductEntity(entity) ? fromCatalogForm(entity) : undefined),
    [entity],
  );
}

/** Rendered instead of a card's body when the entity is not a DataProduct. */
export function NotADataProductCard(props: { title: string }) {
  return (
    <InfoCard title={props.title}>
      <Typography variant="body2" color="textSecondary">
        This card shows DataProduct entities only; this entity is of another
        kind.
      </Typography>
    </InfoCard>
  );
}

/** A short, muted paragraph used for every "nothing declared" state. */
export function EmptyHint(props: { children: ReactNode }) {
  return (
    <Typography variant="body2" color="textSecondary" data-testid="empty-state">
      {props.children}
    </Typography>
  );
}

const TYPE_LABELS: Record<string, string> = {
  'source-aligned': 'Source-aligned',
  aggregate: 'Aggregate',
  'consumer-aligned': 'Consumer-aligned',
};

/** Display label of a product type; unknown values are shown as written. */
export function dataProductTypeLabel(type: string | undefined): string {
  if (!type) return '';
  return TYPE_LABELS[type] ?? type;
}

const useBadgeStyles = makeStyles((theme: Theme) => ({
  certified: {
    backgroundColor: theme.palette.success?.main ?? '#2e7d32',
    color: theme.palette.success?.contrastText ?? '#fff',
    fontWeight: theme.typography.fontWeightBold as number,
    '& svg': { color: 'inherit' },
  },
  notCertified: {
    borderColor: theme.palette.warning?.main ?? '#ed6c02',
    color: theme.palette.warning?.dark ?? '#a84b00',
    '& svg': { color: 'inherit' },
  },
}));

/**
 * Certified / not certified, distinguishable without colour (icon and label
 * differ) because consumers use it to decide whether to build on a product.
 *
 * @public
 */
export function CertifiedBadge(props: {
  certified: boolean | undefined;
  size?: 'small' | 'medium';
}) {
  const classes = useBadgeStyles();
  if (props.certified) {
    return (
      <Chip
        size={props.size ?? 'small'}
        icon={<VerifiedUserIcon />}
        label="Certified"
        className={classes.certified}
        data-testid="certified-badge"
      />
    );
  }
  return (
    <Chip
      size={props.size ?? 'small'}
      variant="outlined"
      icon={<ReportProblemOutlinedIcon />}
      label="Not certified"
      className={classes.notCertified}
      data-testid="not-certified-badge"
    />
  );
}

const useClassificationStyles = makeStyles((theme: Theme) => ({
  public: {
    borderColor: theme.palette.success?.main ?? '#2e7d32',
    color: theme.palette.success?.dark ?? '#1b5e20',
  },
  internal: {
    borderColor: theme.palette.info?.main ?? '#0288d1',
    color: theme.palette.info?.dark ?? '#01579b',
  },
  confidential: {
    borderColor: theme.palette.warning?.main ?? '#ed6c02',
    color: theme.palette.warning?.dark ?? '#a84b00',
  },
  restricted: {
    borderColor: theme.palette.error.main,
    color: theme.palette.error.dark,
    fontWeight: theme.typography.fontWeightBold as number,
  },
  pii: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
    fontWeight: theme.typography.fontWeightBold as number,
  },
}));

/** Data classification of a column (ODCS `classification`). @public */
export function ClassificationChip(props: {
  classification: DataClassification | string;
}) {
  const classes = useClassificationStyles();
  const known: string[] = ['public', 'internal', 'confidential', 'restricted'];
  const className = known.includes(props.classification)
    ? classes[props.classification as keyof typeof classes]
    : undefined;
  return (
    <Chip
      size="small"
      variant="outlined"
      label={props.classification}
      className={className}
      data-testid={`classification-${props.classification}`}
    />
  );
}

/** Marks personal data; filled red so it stands out in a column list. @public */
export function PiiChip() {
  const classes = useClassificationStyles();
  return (
    <Chip
      size="small"
      label="PII"
      title="Personally identifiable information"
      className={classes.pii}
      data-testid="pii-chip"
    />
  );
}

/**
 * A link to the entity `entityRef` names, of whatever kind (a team, a data
 * product, a user), shown by its title or else its name: without the
 * "dataproduct:" that a link with another default kind puts before an
 * untitled product. A ref without a kind is a `fallbackKind`.
 */
export function AnyEntityLink(props: {
  entityRef: string;
  fallbackKind?: string;
}) {
  const fallback = props.fallbackKind ?? 'group';
  let kind = fallback;
  try {
    kind = parseEntityRef(props.entityRef, { defaultKind: fallback }).kind;
  } catch {
    // shown as written
  }
  return <EntityRefLink entityRef={props.entityRef} defaultKind={kind} />;
}

/**
 * A user or group ref as a link; any other actor as text: `system` (the
 * scheduler, auto-approval), `service:plugin:scaffolder` (a backend plugin).
 */
export function Who(props: { entityRef: string; defaultKind?: string }) {
  let kind: string | undefined;
  try {
    kind = parseEntityRef(props.entityRef, {
      defaultKind: props.defaultKind ?? 'user',
    }).kind.toLowerCase();
  } catch {
    // not a ref: shown as written
  }
  if (props.entityRef === 'system' || (kind !== 'user' && kind !== 'group')) {
    return <>{props.entityRef}</>;
  }
  return (
    <EntityRefLink
      entityRef={props.entityRef}
      defaultKind={props.defaultKind ?? 'user'}
    />
  );
}
