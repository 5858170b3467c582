import { ReactNode } from 'react';
import {
  CompoundEntityRef,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
} from '@backstage/catalog-model';
import {
  EntityRefLink,
  EntityRefLinks,
  getEntityRelations,
} from '@backstage/plugin-catalog-react';
import { InfoCard, MarkdownContent } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import {
  ANNOTATION_SPEC_FORMAT,
  type DataProductEntityV1alpha1,
} from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../api';
import { readersPhrase } from './access/rules';
import {
  CertifiedBadge,
  dataProductTypeLabel,
  NotADataProductCard,
  useDataProductEntity,
} from './common';

const SPEC_FORMAT_LABELS: Record<string, string> = {
  oam: 'data_product_spec.yml (OAM)',
  odps: 'ODPS / ODCS',
  entity: 'Catalog entity YAML',
};

const useStyles = makeStyles(theme => ({
  label: {
    color: theme.palette.text.secondary,
    textTransform: 'uppercase',
    fontSize: '10px',
    fontWeight: 'bold',
    letterSpacing: 0.5,
    overflow: 'hidden',
    whiteSpace: 'nowrap',
  },
  value: {
    fontWeight: 'bold',
    overflow: 'hidden',
    lineHeight: '24px',
    wordBreak: 'break-word',
  },
  tags: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
  },
}));

function Field(props: {
  label: string;
  children: ReactNode;
  xs?: 12 | 6;
  sm?: 12 | 6 | 4;
}) {
  const classes = useStyles();
  return (
    <Grid
      item
      xs={props.xs ?? 12}
      sm={props.sm ?? 6}
      data-testid={`about-${props.label.toLowerCase().replace(/ /g, '-')}`}
    >
      <Typography variant="h2" className={classes.label}>
        {props.label}
      </Typography>
      <Typography variant="body2" component="div" className={classes.value}>
        {props.children}
      </Typography>
    </Grid>
  );
}

/**
 * How widely the product is used: the teams and data products holding
 * access now, as the access registry counts them.
 */
function Readers(props: { entity: DataProductEntityV1alpha1 }) {
  const api = useApi(dataMeshApiRef);
  const ref = stringifyEntityRef(props.entity).toLowerCase();
  const { value, error, loading } = useAsync(
    () => api.listProductReaders(ref),
    [api, ref],
  );
  if (loading) return null;
  if (error || !value) {
    return (
      <Typography variant="body2" color="textSecondary">
        Unknown
      </Typography>
    );
  }
  const counts = value.items.find(i => i.product === ref);
  const phrase = counts && readersPhrase(counts);
  if (!phrase) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nobody reads it yet
      </Typography>
    );
  }
  return <>{phrase}</>;
}

/**
 * Description, domain, owner, type, certification, lifecycle, readers,
 * tags and the spec format the product was read from.
 *
 * @public
 */
export function DataProductAboutCard(props: { title?: string }) {
  const classes = useStyles();
  const entity = useDataProductEntity();
  const title = props.title ?? 'About this data product';
  if (!entity) return <NotADataProductCard title={title} />;

  const { spec, metadata } = entity;
  // Prefer the processed relations: they are the refs the catalog resolved.
  // The spec fields are the author's shorthand and are the fallback for
  // entities that have not been stitched yet.
  const owners: (string | CompoundEntityRef)[] = getEntityRelations(
    entity,
    RELATION_OWNED_BY,
  );
  if (owners.length === 0) owners.push(spec.owner);
  const domains = getEntityRelations(entity, RELATION_PART_OF, {
    kind: 'domain',
  });
  const specFormat = metadata.annotations?.[ANNOTATION_SPEC_FORMAT];

  return (
    <InfoCard
      title={title}
      subheader={metadata.title ?? metadata.name}
      action={<CertifiedBadge certified={spec.certified} size="medium" />}
    >
      <Grid container spacing={2}>
        <Field label="Description" xs={12} sm={12}>
          {metadata.description ? (
            <MarkdownContent content={metadata.description} />
          ) : (
            <Typography variant="body2" color="textSecondary">
              No description
            </Typography>
          )}
        </Field>
        <Field label="Domain">
          {domains.length > 0 ? (
            <EntityRefLinks entityRefs={domains} defaultKind="domain" />
          ) : (
            <EntityRefLink entityRef={spec.domain} defaultKind="domain" />
          )}
        </Field>
        <Field label="Owner">
          <EntityRefLinks entityRefs={owners} defaultKind="group" />
        </Field>
        <Field label="Type">{dataProductTypeLabel(spec.type)}</Field>
        <Field label="Certification">
          <CertifiedBadge certified={spec.certified} />
        </Field>
        <Field label="Lifecycle">{spec.lifecycle}</Field>
        <Field label="Readers">
          <Readers entity={entity} />
        </Field>
        <Field label="Spec format">
          {specFormat
            ? SPEC_FORMAT_LABELS[specFormat] ?? specFormat
            : 'Not recorded'}
        </Field>
        <Field label="Tags" xs={12} sm={12}>
          {metadata.tags && metadata.tags.length > 0 ? (
            <div className={classes.tags}>
              {metadata.tags.map(tag => (
                <Chip key={tag} size="small" label={tag} />
              ))}
            </div>
          ) : (
            <Typography variant="body2" color="textSecondary">
              No tags
            </Typography>
          )}
        </Field>
      </Grid>
    </InfoCard>
  );
}
