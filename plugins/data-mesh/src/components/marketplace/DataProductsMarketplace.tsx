import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import { useDataProductFleet } from '../../fleet/useDataProductFleet';
import { UnavailableNote } from '../slo/SloErrors';
import {
  type FacetId,
  FACETS,
  facetCounts,
  type MarketplaceState,
  selectItems,
  SORTS,
  type SortId,
  stateFromParams,
  stateToParams,
  toMarketplaceItems,
} from './marketplaceModel';
import { ProductCards, ProductsTable } from './ProductViews';
import { useLastUpdates } from './useLastUpdates';
import { useProductReaders } from './useProductReaders';
import { useProductContents } from './useProductContents';
import { useProductQuality } from '../quality/useProductQuality';

// What the list and the facets need, not the datasets (see useProductContents).
const FIELDS = [
  'kind',
  'apiVersion',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.description',
  'metadata.tags',
  'spec.type',
  'spec.domain',
  'spec.owner',
  'spec.certified',
  'spec.lifecycle',
  'spec.slos',
  'relations',
];

function Facets(props: {
  state: MarketplaceState;
  counts: ReturnType<typeof facetCounts>;
  onToggle: (facet: FacetId, value: string) => void;
}) {
  const { state, counts, onToggle } = props;
  return (
    <Box component="nav" aria-label="Filters">
      {FACETS.map(({ id, label }) =>
        counts[id].length === 0 ? null : (
          <Box key={id} mb={2} role="group" aria-label={label}>
            <Typography variant="subtitle2" component="h3">
              {label}
            </Typography>
            {counts[id].map(({ value, count }) => (
              <FormControlLabel
                key={value}
                style={{ display: 'flex' }}
                control={
                  <Checkbox
                    size="small"
                    checked={state.filters[id]?.includes(value) ?? false}
                    onChange={() => onToggle(id, value)}
                  />
                }
                label={`${value} (${count})`}
              />
            ))}
          </Box>
        ),
      )}
    </Box>
  );
}

/**
 * The Data products page: every DataProduct of the catalog, found by words
 * of its name, description, tags, datasets and columns; narrowed by facets;
 * data quality among them (where its checks stand, from the portal's
 * latest results); ordered by name, health, last update (when its spec last changed, from
 * the Changes timeline) or how many teams and products read it (the access
 * registry); as a table or as cards. The whole state is in
 * the URL, so a filtered list can be bookmarked and shared.
 *
 * Search and facets run in the browser over a field-limited fetch: the
 * catalog has no full-text query and no facet counts over nested JSON, and a
 * product costs ~0.6 kB here plus its datasets (~2 kB) for the column index,
 * so 5,000 products are ~13 MB of JSON before compression, fetched once.
 *
 * @public
 */
export function DataProductsMarketplace() {
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => stateFromParams(params), [params]);
  const update = (next: Partial<MarketplaceState>) =>
    setParams(stateToParams({ ...state, ...next }), { replace: true });

  const { value, loading, error } = useDataProductFleet({ fields: FIELDS });
  const contents = useProductContents();
  const updates = useLastUpdates();
  const readers = useProductReaders();
  const quality = useProductQuality();
  const items = useMemo(
    () =>
      value
        ? toMarketplaceItems(
            value.products,
            contents.value,
            updates.value,
            readers.value,
            quality.value,
          )
        : [],
    [value, contents.value, updates.value, readers.value, quality.value],
  );
  const selected = useMemo(
    () => selectItems(items, state, contents.value),
    [items, state, contents.value],
  );
  const counts = useMemo(
    () => facetCounts(items, state, contents.value),
    [items, state, contents.value],
  );

  const catalogError = error ?? value?.catalogError;
  if (catalogError) return <ResponseErrorPanel error={catalogError} />;

  const toggle = (facet: FacetId, v: string) => {
    const now = state.filters[facet] ?? [];
    const next = now.includes(v) ? now.filter(x => x !== v) : [...now, v];
    update({ filters: { ...state.filters, [facet]: next } });
  };
  const title = `Data products${
    value
      ? ` (${selected.length}${
          selected.length === items.length ? '' : ` of ${items.length}`
        })`
      : ''
  }`;
  const empty = (
    <Typography
      variant="body2"
      style={{ padding: 16 }}
      data-testid="empty-state"
    >
      {items.length === 0
        ? 'No data products are registered yet. Register a data_product_spec.yml, an ODPS file or a DataProduct entity as a catalog location to see it here.'
        : 'No data product matches the search and filters.'}
    </Typography>
  );

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={3} lg={2}>
        <Facets state={state} counts={counts} onToggle={toggle} />
      </Grid>
      <Grid item xs={12} md={9} lg={10}>
        <Box
          display="flex"
          alignItems="center"
          flexWrap="wrap"
          mb={2}
          style={{ gap: 16 }}
        >
          <TextField
            label="Search data products"
            placeholder="Name, description, tag, dataset or column"
            value={state.query}
            onChange={e => update({ query: e.target.value })}
            style={{ flexGrow: 1, minWidth: 240 }}
            inputProps={{ 'aria-label': 'Search data products' }}
          />
          <TextField
            select
            label="Sort by"
            value={state.sort}
            onChange={e => update({ sort: e.target.value as SortId })}
            style={{ minWidth: 180 }}
            SelectProps={{ inputProps: { 'aria-label': 'Sort by' } }}
          >
            {SORTS.map(s => (
              <MenuItem key={s.id} value={s.id}>
                {s.label}
              </MenuItem>
            ))}
          </TextField>
          <ToggleButtonGroup
            exclusive
            size="small"
            value={state.view}
            onChange={(_e, view) => view && update({ view })}
          >
            <ToggleButton value="table" aria-label="Table view">
              Table
            </ToggleButton>
            <ToggleButton value="cards" aria-label="Card view">
              Cards
            </ToggleButton>
          </ToggleButtonGroup>
        </Box>
        {value?.fleetError && (
          <UnavailableNote error={value.fleetError} testId="health-unavailable">
            SLO health is unavailable
          </UnavailableNote>
        )}
        {contents.error && (
          <UnavailableNote error={contents.error} testId="contents-unavailable">
            Columns cannot be searched and personal data is unknown
          </UnavailableNote>
        )}
        {updates.error && (
          <UnavailableNote error={updates.error} testId="updates-unavailable">
            Last updates are unavailable
          </UnavailableNote>
        )}
        {readers.error && (
          <UnavailableNote error={readers.error} testId="readers-unavailable">
            Readers are unavailable
          </UnavailableNote>
        )}
        {quality.error && (
          <UnavailableNote error={quality.error} testId="quality-unavailable">
            Data quality is unavailable
          </UnavailableNote>
        )}
        {state.view === 'cards' ? (
          <>
            <Typography variant="h6" component="h2" gutterBottom>
              {title}
            </Typography>
            {selected.length ? (
              <ProductCards items={selected} />
            ) : (
              !loading && empty
            )}
          </>
        ) : (
          <ProductsTable
            items={selected}
            loading={loading}
            title={title}
            emptyContent={empty}
          />
        )}
      </Grid>
    </Grid>
  );
}
