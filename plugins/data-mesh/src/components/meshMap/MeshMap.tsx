import { CSSProperties, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  Content,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import { useDataProductFleet } from '../../fleet/useDataProductFleet';
import { toMarketplaceItems } from '../marketplace/marketplaceModel';
import { errorMessage } from '../slo/SloErrors';
import { sloStatusStyle } from '../slo/SloStatusChip';
import {
  domainCounts,
  layoutMesh,
  MESH_HEALTHS,
  MESH_LAYOUT,
  type MeshHealth,
  meshHealthLabel,
  type PlacedLane,
  selectDomains,
} from './meshMapModel';

/** Where the Mesh map is mounted by default (both app systems). @public */
export const MESH_MAP_PATH = '/data-products/mesh-map';

// What the map draws: names, domain, health and the lineage relations.
const FIELDS = [
  'kind',
  'apiVersion',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'spec.type',
  'spec.domain',
  'spec.owner',
  'spec.lifecycle',
  'spec.slos',
  'relations',
];

const ZOOMS = [0.25, 0.4, 0.6, 0.8, 1, 1.25, 1.5];

/**
 * A product's colours: the SLO status chip's for a status, muted and
 * dashed when there is none, so the map reads like the marketplace.
 */
export function meshHealthStyle(
  health: MeshHealth,
  theme: Theme,
): CSSProperties {
  const base: CSSProperties = {
    backgroundColor: theme.palette.background.paper,
    border: `2px solid ${theme.palette.text.secondary}`,
    color: theme.palette.text.primary,
  };
  if (health === 'no-slos' || health === 'unknown') {
    return {
      ...base,
      borderStyle: 'dashed',
      color: theme.palette.text.secondary,
    };
  }
  const status = sloStatusStyle(health, theme);
  return {
    ...base,
    ...status,
    border: `2px solid ${
      status.backgroundColor ?? status.borderColor ?? theme.palette.divider
    }`,
  };
}

const useStyles = makeStyles(theme => ({
  viewport: {
    overflow: 'auto',
    maxHeight: '75vh',
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(1),
  },
  lane: {
    position: 'absolute',
    left: 0,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
  laneTitle: {
    position: 'absolute',
    left: MESH_LAYOUT.lanePadding,
    top: 4,
    fontWeight: theme.typography.fontWeightBold as number,
  },
  node: {
    position: 'absolute',
    boxSizing: 'border-box',
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(0.5, 1),
    overflow: 'hidden',
    whiteSpace: 'nowrap',
    textOverflow: 'ellipsis',
    '& a': { color: 'inherit', fontWeight: 500 },
  },
  edge: { fill: 'none', stroke: theme.palette.text.secondary },
  arrow: { fill: theme.palette.text.secondary },
  swatch: {
    display: 'inline-block',
    width: 14,
    height: 14,
    borderRadius: 3,
    marginRight: theme.spacing(0.5),
    verticalAlign: 'middle',
    boxSizing: 'border-box',
  },
}));

function Legend() {
  const classes = useStyles();
  const theme = useTheme<Theme>();
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      style={{ gap: 16 }}
      role="list"
      aria-label="Health colours"
    >
      {MESH_HEALTHS.map(h => (
        <Typography key={h} variant="caption" role="listitem">
          <span className={classes.swatch} style={meshHealthStyle(h, theme)} />
          {meshHealthLabel(h)}
        </Typography>
      ))}
    </Box>
  );
}

function Lane(props: { lane: PlacedLane; width: number }) {
  const { lane, width } = props;
  const classes = useStyles();
  const theme = useTheme<Theme>();
  return (
    <section
      className={classes.lane}
      style={{ top: lane.y, width, height: lane.height }}
      aria-label={`Domain ${lane.domain}`}
      data-testid="mesh-domain"
    >
      <Typography variant="body2" component="h3" className={classes.laneTitle}>
        {lane.domainRef ? (
          <EntityRefLink entityRef={lane.domainRef} defaultKind="domain">
            {lane.domain}
          </EntityRefLink>
        ) : (
          lane.domain
        )}
      </Typography>
      {lane.nodes.map(({ item, health, x, y }) => (
        <div
          key={item.key}
          className={classes.node}
          style={{
            ...meshHealthStyle(health, theme),
            left: x,
            top: y - lane.y,
            width: MESH_LAYOUT.nodeWidth,
            height: MESH_LAYOUT.nodeHeight,
          }}
          title={`${item.title} (${item.ref}): ${meshHealthLabel(health)}`}
          data-testid="mesh-node"
          data-ref={item.ref}
          data-health={health}
        >
          <EntityRefLink entityRef={item.entity} hideIcon disableTooltip>
            {item.title}
          </EntityRefLink>
          <Typography variant="caption" component="div">
            {meshHealthLabel(health)}
          </Typography>
        </div>
      ))}
    </section>
  );
}

/**
 * The Mesh map: every data product in a lane of its domain, lineage edges
 * from upstream to downstream, each product coloured by its SLO health and
 * linked to its page. Domains can be picked (kept in the URL as `domain`,
 * as on the Data products page) and the drawing zoomed, so a mesh of
 * hundreds of products stays readable.
 *
 * @public
 */
export function MeshMap() {
  const classes = useStyles();
  const [params, setParams] = useSearchParams();
  const picked = params.getAll('domain').filter(Boolean);
  const pickedKey = picked.join('\n');
  const { value, loading, error } = useDataProductFleet({ fields: FIELDS });
  const items = useMemo(
    () => (value ? toMarketplaceItems(value.products, undefined) : []),
    [value],
  );
  const domains = useMemo(() => domainCounts(items), [items]);
  const selection = useMemo(
    () => selectDomains(items, pickedKey ? pickedKey.split('\n') : []),
    [items, pickedKey],
  );
  const layout = useMemo(() => layoutMesh(selection.items), [selection]);
  const [zoom, setZoom] = useState(1);
  const viewport = useRef<HTMLDivElement>(null);

  const catalogError = error ?? value?.catalogError;
  if (catalogError) return <ResponseErrorPanel error={catalogError} />;
  if (loading || !value) return <Progress />;
  if (items.length === 0) {
    return (
      <Typography variant="body2" data-testid="empty-state">
        No data products are registered yet. Register a data_product_spec.yml,
        an ODPS file or a DataProduct entity as a catalog location to see it on
        the map.
      </Typography>
    );
  }

  const toggle = (domain: string) => {
    const next = new URLSearchParams(params);
    next.delete('domain');
    const now = picked.includes(domain)
      ? picked.filter(d => d !== domain)
      : [...picked, domain];
    now.forEach(d => next.append('domain', d));
    setParams(next, { replace: true });
  };
  const zoomTo = (z: number) =>
    setZoom(Math.min(ZOOMS[ZOOMS.length - 1], Math.max(ZOOMS[0], z)));
  const step = (dir: 1 | -1) => {
    const i = ZOOMS.findIndex(z => z >= zoom - 1e-9);
    zoomTo(ZOOMS[Math.max(0, Math.min(ZOOMS.length - 1, i + dir))]);
  };
  const fit = () => {
    const w = viewport.current?.clientWidth ?? 0;
    if (w > 0 && layout.width > 0) zoomTo(Math.min(1, (w - 16) / layout.width));
  };
  const titleOf = new Map(selection.items.map(i => [i.key, i]));

  return (
    <Box>
      <Box display="flex" flexWrap="wrap" alignItems="center" mb={1}>
        <Box role="group" aria-label="Domains" display="flex" flexWrap="wrap">
          {domains.map(({ domain, count }) => (
            <FormControlLabel
              key={domain}
              control={
                <Checkbox
                  size="small"
                  checked={picked.includes(domain)}
                  onChange={() => toggle(domain)}
                />
              }
              label={`${domain} (${count})`}
            />
          ))}
        </Box>
        <Box flexGrow={1} />
        <Button size="small" onClick={() => step(-1)} aria-label="Zoom out">
          −
        </Button>
        <Typography variant="caption" data-testid="mesh-zoom">
          {Math.round(zoom * 100)} %
        </Typography>
        <Button size="small" onClick={() => step(1)} aria-label="Zoom in">
          +
        </Button>
        <Button size="small" onClick={fit}>
          Fit width
        </Button>
      </Box>
      <Box display="flex" flexWrap="wrap" mb={1} style={{ gap: 16 }}>
        <Typography variant="body2" data-testid="mesh-summary">
          {selection.items.length} of {items.length} products,{' '}
          {layout.edges.length} lineage edges
          {selection.hiddenEdges > 0 &&
            `; ${selection.hiddenEdges} more lead to domains not shown`}
        </Typography>
        <Legend />
      </Box>
      {value.fleetError && (
        <Typography
          variant="caption"
          color="textSecondary"
          display="block"
          data-testid="health-unavailable"
        >
          SLO health is unavailable: {errorMessage(value.fleetError)}
        </Typography>
      )}
      <div className={classes.viewport} ref={viewport}>
        <div
          style={{ width: layout.width * zoom, height: layout.height * zoom }}
        >
          <div
            style={{
              position: 'relative',
              width: layout.width,
              height: layout.height,
              transform: `scale(${zoom})`,
              transformOrigin: '0 0',
            }}
            data-testid="mesh-map"
          >
            <svg
              width={layout.width}
              height={layout.height}
              style={{ position: 'absolute', left: 0, top: 0 }}
              aria-hidden="true"
            >
              <defs>
                <marker
                  id="mesh-arrow"
                  viewBox="0 0 10 10"
                  refX="10"
                  refY="5"
                  markerWidth="8"
                  markerHeight="8"
                  orient="auto-start-reverse"
                >
                  <path className={classes.arrow} d="M 0 0 L 10 5 L 0 10 z" />
                </marker>
              </defs>
              {layout.edges.map(e => (
                <path
                  key={`${e.from} ${e.to}`}
                  className={classes.edge}
                  d={e.path}
                  markerEnd="url(#mesh-arrow)"
                  data-testid="mesh-edge"
                  data-from={titleOf.get(e.from)?.ref}
                  data-to={titleOf.get(e.to)?.ref}
                >
                  <title>
                    {titleOf.get(e.from)?.title} → {titleOf.get(e.to)?.title}
                  </title>
                </path>
              ))}
            </svg>
            {layout.lanes.map(lane => (
              <Lane key={lane.domain} lane={lane} width={layout.width} />
            ))}
          </div>
        </div>
      </div>
    </Box>
  );
}

/**
 * Stand-alone page for legacy apps (the new frontend system supplies the
 * page header itself and renders {@link MeshMap} directly).
 *
 * @public
 */
export function MeshMapPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Mesh map"
        subtitle="Every data product by domain, with lineage and SLO health"
      />
      <Content>
        <MeshMap />
      </Content>
    </Page>
  );
}
