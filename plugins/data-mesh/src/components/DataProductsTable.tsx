import { useMemo } from 'react';
import {
  CompoundEntityRef,
  DEFAULT_NAMESPACE,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  Content,
  Header,
  Page,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import {
  EntityRefLink,
  EntityRefLinks,
  getEntityRelations,
} from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import {
  DataProductEntityV1alpha1,
  type SloFleetItem,
  type SloStatus,
} from '@datamesh/plugin-data-mesh-common';
import type { DataProductHealth } from '../fleet/joinFleet';
import { useDataProductFleet } from '../fleet/useDataProductFleet';
import { CertifiedBadge, dataProductTypeLabel } from './common';
import { formatBudget, STATUS_LABELS } from './slo/format';
import { errorMessage } from './slo/SloErrors';
import { SloStatusChip } from './slo/SloStatusChip';

/** One row of the data products table; plain strings so filters work. */
export interface DataProductRow {
  entity: DataProductEntityV1alpha1;
  entityRef: string;
  title: string;
  domain: string;
  type: string;
  certified: 'Certified' | 'Not certified';
  lifecycle: string;
  description: string;
  /** SLO health label, a plain string for the filter; empty when unknown. */
  health: string;
  /** The product's fleet row; absent when it has no monitors. */
  slo?: SloFleetItem;
  /** The product declares objectives. */
  declaresSlos: boolean;
}

// Only what the table shows, so a mesh with thousands of products does not
// ship every schema and agreement to the browser.
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

const HEALTH_ORDER: Record<SloStatus, number> = {
  breaching: 0,
  'no-data': 1,
  ok: 2,
};

function shortRef(ref: string | undefined, defaultKind: string): string {
  if (!ref) return '';
  try {
    const { namespace, name } = parseEntityRef(ref, { defaultKind });
    return namespace === DEFAULT_NAMESPACE ? name : `${namespace}/${name}`;
  } catch {
    return ref;
  }
}

/**
 * Turns catalog products joined with the SLO fleet into table rows, with
 * plain-string health labels for the table's filter.
 * @internal
 */
export function toDataProductRows(
  products: DataProductHealth[],
): DataProductRow[] {
  return products
    .map(({ entity: catalogEntity, declaresSlos, slo, status }) => {
      const entity = catalogEntity as DataProductEntityV1alpha1;
      // no status and declared: the fleet is unknown, so nothing is claimed
      let health = '';
      if (status) health = STATUS_LABELS[status];
      else if (!declaresSlos) health = 'No SLOs';
      return {
        entity,
        entityRef: stringifyEntityRef(entity),
        health,
        declaresSlos,
        ...(slo ? { slo } : {}),
        title: entity.metadata.title ?? entity.metadata.name,
        domain: shortRef(entity.spec?.domain, 'domain'),
        type: dataProductTypeLabel(entity.spec?.type),
        certified: entity.spec?.certified
          ? ('Certified' as const)
          : ('Not certified' as const),
        lifecycle: entity.spec?.lifecycle ?? '',
        description: entity.metadata.description ?? '',
      };
    })
    .sort((a, b) => a.title.localeCompare(b.title));
}

const columns: TableColumn<DataProductRow>[] = [
  {
    title: 'Name',
    field: 'title',
    highlight: true,
    render: row => <EntityRefLink entityRef={row.entity} />,
  },
  {
    title: 'Domain',
    field: 'domain',
    render: row =>
      row.entity.spec?.domain ? (
        <EntityRefLink
          entityRef={row.entity.spec.domain}
          defaultKind="domain"
        />
      ) : null,
  },
  {
    title: 'Owner',
    // The owner filter/search works on the written ref; the cell shows the
    // resolved relation when the catalog has stitched one.
    field: 'entity.spec.owner',
    render: row => {
      const owners: (string | CompoundEntityRef)[] = getEntityRelations(
        row.entity,
        RELATION_OWNED_BY,
      );
      if (owners.length === 0 && row.entity.spec?.owner) {
        owners.push(row.entity.spec.owner);
      }
      return <EntityRefLinks entityRefs={owners} defaultKind="group" />;
    },
  },
  { title: 'Type', field: 'type' },
  {
    title: 'Certified',
    field: 'certified',
    render: row => <CertifiedBadge certified={row.certified === 'Certified'} />,
  },
  { title: 'Lifecycle', field: 'lifecycle' },
  {
    title: 'Health',
    field: 'health',
    // worst first when sorted ascending
    customSort: (a, b) => healthRank(a) - healthRank(b),
    render: row => {
      if (row.slo) {
        return (
          <SloStatusChip
            status={row.slo.status}
            title={
              row.slo.minErrorBudget !== null
                ? `Lowest error budget: ${formatBudget(row.slo.minErrorBudget)}`
                : undefined
            }
          />
        );
      }
      if (row.health === STATUS_LABELS['no-data']) {
        return (
          <SloStatusChip
            status="no-data"
            title="Declares SLOs; monitors are not created yet"
          />
        );
      }
      return row.health ? (
        <Typography variant="caption" color="textSecondary">
          {row.health}
        </Typography>
      ) : null;
    },
  },
  { title: 'Description', field: 'description', width: '30%' },
];

function healthRank(row: DataProductRow): number {
  if (row.slo) return HEALTH_ORDER[row.slo.status];
  if (row.health === STATUS_LABELS['no-data']) return HEALTH_ORDER['no-data'];
  return 3;
}

/**
 * All DataProduct entities in the catalog, with domain, owner, type,
 * certification and lifecycle, searchable and filterable.
 *
 * @public
 */
export function DataProductsTable() {
  // One fleet request for the whole table, never one per row; its failure
  // only blanks the health column, the catalog's fails the page.
  const { value, loading, error } = useDataProductFleet({ fields: FIELDS });
  // the same rows object across renders, so the table keeps its filters
  const rows = useMemo(
    () => value && toDataProductRows(value.products),
    [value],
  );
  const catalogError = error ?? value?.catalogError;
  const fleetError = value?.fleetError;
  if (catalogError) {
    return <ResponseErrorPanel error={catalogError} />;
  }
  return (
    <>
      {fleetError && (
        <Typography
          variant="caption"
          color="textSecondary"
          display="block"
          data-testid="health-unavailable"
          style={{ marginBottom: 8 }}
        >
          SLO health is unavailable: {errorMessage(fleetError)}
        </Typography>
      )}
      <Table<DataProductRow>
        title={`Data products${rows ? ` (${rows.length})` : ''}`}
        isLoading={loading}
        data={rows ?? []}
        columns={columns}
        options={{ search: true, paging: true, pageSize: 20, padding: 'dense' }}
        filters={[
          { column: 'Domain', type: 'multiple-select' },
          { column: 'Type', type: 'multiple-select' },
          { column: 'Certified', type: 'select' },
          { column: 'Lifecycle', type: 'multiple-select' },
          { column: 'Health', type: 'multiple-select' },
        ]}
        emptyContent={
          <Typography variant="body2" style={{ padding: 16 }}>
            No data products are registered yet. Register a
            data_product_spec.yml, an ODPS file or a DataProduct entity as a
            catalog location to see it here.
          </Typography>
        }
      />
    </>
  );
}

/**
 * Stand-alone page for legacy apps (the new frontend system supplies the
 * page header itself and renders {@link DataProductsTable} directly).
 *
 * @public
 */
export function DataProductsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Data products"
        subtitle="Discover the data products of the mesh"
      />
      <Content>
        <DataProductsTable />
      </Content>
    </Page>
  );
}
