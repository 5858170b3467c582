import {
  type CompoundEntityRef,
  RELATION_OWNED_BY,
} from '@backstage/catalog-model';
import { Table, type TableColumn } from '@backstage/core-components';
import {
  EntityRefLink,
  EntityRefLinks,
  getEntityRelations,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Card from '@material-ui/core/Card';
import CardContent from '@material-ui/core/CardContent';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { readersPhrase } from '../access/rules';
import { CertifiedBadge, WHOLE_WORDS } from '../common';
import { formatAgo, formatBudget, formatDateTime } from '../slo/format';
import { SloStatusChip } from '../slo/SloStatusChip';
import { QualityLine } from '../quality/QualityLine';
import {
  type MarketplaceItem,
  QUALITY_LABELS,
  readerCount,
} from './marketplaceModel';
import type { CSSProperties } from 'react';

const useStyles = makeStyles(theme => ({
  // two lines, then an ellipsis: rows and cards keep one height however
  // long a description is; the full text is the element's title
  clamp: {
    display: '-webkit-box',
    '-webkit-line-clamp': 2,
    '-webkit-box-orient': 'vertical',
    overflow: 'hidden',
  },
  card: { height: '100%', display: 'flex', flexDirection: 'column' },
  meta: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1) },
  tags: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) },
}));

/** The product's SLO health: a chip for a status, a muted label otherwise. */
export function HealthCell(props: { item: MarketplaceItem }) {
  const { item } = props;
  if (item.slo) {
    return (
      <SloStatusChip
        status={item.slo.status}
        title={
          item.slo.minErrorBudget !== null
            ? `Lowest error budget: ${formatBudget(item.slo.minErrorBudget)}`
            : undefined
        }
      />
    );
  }
  if (item.status === 'no-data') {
    return (
      <SloStatusChip
        status="no-data"
        title="Declares SLOs; monitors are not created yet"
      />
    );
  }
  return (
    <Typography variant="caption" color="textSecondary">
      {item.facets.health}
    </Typography>
  );
}

/** When the spec last changed, relative ("3d 2h ago"); the date in its title. */
export function LastUpdate(props: { item: MarketplaceItem; prefix?: string }) {
  const { updatedAt } = props.item;
  if (updatedAt === undefined) return null;
  return (
    <Typography
      variant="caption"
      color="textSecondary"
      title={formatDateTime(updatedAt)}
      data-testid="last-update"
    >
      {props.prefix}
      {formatAgo(updatedAt, Date.now())}
    </Typography>
  );
}

/** How many read it now: teams and data products holding access; nothing while unknown. */
export function ReadersCount(props: {
  item: MarketplaceItem;
  prefix?: string;
}) {
  const { readers } = props.item;
  if (!readers) return null;
  const count = readerCount(readers);
  const phrase = readersPhrase(readers);
  return (
    <Typography
      variant="caption"
      color={count === 0 ? 'textSecondary' : undefined}
      title={
        phrase ? `Read by ${phrase}, holding access` : 'Nobody reads it yet'
      }
      data-testid="readers"
    >
      {props.prefix}
      {count}
    </Typography>
  );
}

function Owners(props: { item: MarketplaceItem }) {
  const { entity } = props.item;
  // the relation is the ref the catalog resolved; the spec is the fallback
  const owners: (string | CompoundEntityRef)[] = getEntityRelations(
    entity,
    RELATION_OWNED_BY,
  );
  if (owners.length === 0 && entity.spec?.owner) owners.push(entity.spec.owner);
  return <EntityRefLinks entityRefs={owners} defaultKind="group" />;
}

function Description(props: { text: string; secondary?: boolean }) {
  const classes = useStyles();
  return (
    <Typography
      variant="body2"
      color={props.secondary ? 'textSecondary' : undefined}
      // under the name, which the table sets in bold
      style={props.secondary ? { fontWeight: 'normal' } : undefined}
      className={classes.clamp}
      title={props.text}
      data-testid="product-description"
    >
      {props.text}
    </Typography>
  );
}

/**
 * Words whole (see WHOLE_WORDS): names and domains break at spaces and
 * hyphens only. For the eight columns to fit a 1440 px screen beside the
 * facets, cells are padded a little less than the theme's 20 + 16 px. A
 * new object per column: the table adds the highlight's bold to it.
 */
const CELL_PADDING = { paddingLeft: 16, paddingRight: 12 };
const cellStyle = (): CSSProperties => ({ ...WHOLE_WORDS, ...CELL_PADDING });

function columns(): TableColumn<MarketplaceItem>[] {
  const all: TableColumn<MarketplaceItem>[] = [
    {
      title: 'Name',
      field: 'title',
      highlight: true,
      width: '28%',
      // the description under the name rather than a column of its own:
      // nine columns leave a description column too narrow to read
      render: item => (
        <>
          <EntityRefLink entityRef={item.entity} />
          {item.description && (
            <Description text={item.description} secondary />
          )}
        </>
      ),
    },
    {
      title: 'Domain',
      field: 'facets.domain',
      render: item =>
        item.entity.spec?.domain ? (
          <EntityRefLink
            entityRef={item.entity.spec.domain}
            defaultKind="domain"
          />
        ) : null,
    },
    {
      title: 'Owner',
      field: 'facets.owner',
      render: item => <Owners item={item} />,
    },
    {
      // the lifecycle under the type: nine columns beside the facets
      // overflowed a 1440 px screen
      title: 'Type',
      field: 'facets.type',
      render: item => (
        <>
          {item.facets.type}
          {item.facets.lifecycle && (
            <Typography
              variant="caption"
              color="textSecondary"
              display="block"
              title={`Lifecycle: ${item.facets.lifecycle}`}
            >
              {item.facets.lifecycle}
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'Certified',
      field: 'facets.certified',
      render: item => (
        <CertifiedBadge certified={item.facets.certified === 'Certified'} />
      ),
    },
    {
      // data quality under the SLO health: a ninth column would overflow
      title: 'Health',
      field: 'facets.health',
      render: item => (
        <>
          <HealthCell item={item} />
          <QualityLine
            quality={item.quality}
            pending={item.facets.quality === QUALITY_LABELS.pending}
          />
        </>
      ),
    },
    {
      title: 'Readers',
      field: 'readers',
      render: item => <ReadersCount item={item} />,
    },
    {
      title: 'Last update',
      field: 'updatedAt',
      render: item => <LastUpdate item={item} />,
    },
  ];
  return all.map(column => ({ ...column, cellStyle: cellStyle() }));
}

/** The table view; the page orders and filters, the table only pages. */
export function ProductsTable(props: {
  items: MarketplaceItem[];
  loading: boolean;
  title: string;
  emptyContent: JSX.Element;
}) {
  return (
    <Table<MarketplaceItem>
      title={props.title}
      isLoading={props.loading}
      data={props.items}
      columns={columns()}
      options={{
        headerStyle: CELL_PADDING,
        search: false,
        sorting: false,
        paging: props.items.length > 20,
        pageSize: 20,
        padding: 'dense',
      }}
      emptyContent={props.emptyContent}
    />
  );
}

/** The card view: one card per product, descriptions in two lines. */
export function ProductCards(props: { items: MarketplaceItem[] }) {
  const classes = useStyles();
  return (
    <Grid container spacing={2} data-testid="product-cards">
      {props.items.map(item => (
        <Grid item xs={12} sm={6} lg={4} key={item.ref}>
          <Card
            className={classes.card}
            variant="outlined"
            data-testid="product-card"
          >
            <CardContent>
              <Box display="flex" alignItems="center" mb={1}>
                <Box flexGrow={1}>
                  <Typography variant="h6" component="h3">
                    <EntityRefLink entityRef={item.entity} />
                  </Typography>
                </Box>
                <CertifiedBadge
                  certified={item.facets.certified === 'Certified'}
                />
              </Box>
              <Box className={classes.meta} mb={1}>
                <Typography variant="caption" color="textSecondary">
                  {item.facets.type}
                </Typography>
                {item.entity.spec?.domain && (
                  <Typography variant="caption">
                    <EntityRefLink
                      entityRef={item.entity.spec.domain}
                      defaultKind="domain"
                    />
                  </Typography>
                )}
                <Typography variant="caption">
                  <Owners item={item} />
                </Typography>
                <HealthCell item={item} />
                <QualityLine
                  quality={item.quality}
                  pending={item.facets.quality === QUALITY_LABELS.pending}
                />
                {item.facets.pii === 'Yes' && (
                  <Chip size="small" label="Personal data" />
                )}
                <ReadersCount item={item} prefix="Readers: " />
                <LastUpdate item={item} prefix="Updated " />
              </Box>
              <Description text={item.description || 'No description'} />
              {item.tags.length > 0 && (
                <Box className={classes.tags} mt={1}>
                  {item.tags.map(tag => (
                    <Chip
                      key={tag}
                      size="small"
                      variant="outlined"
                      label={tag}
                    />
                  ))}
                </Box>
              )}
            </CardContent>
          </Card>
        </Grid>
      ))}
    </Grid>
  );
}
