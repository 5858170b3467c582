import {
  CompoundEntityRef,
  DEFAULT_NAMESPACE,
  Entity,
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
import { useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  EntityRefLink,
  EntityRefLinks,
  getEntityRelations,
} from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  DATA_PRODUCT_KIND,
  DataProductEntityV1alpha1,
} from '@datamesh/plugin-data-mesh-common';
import { CertifiedBadge, dataProductTypeLabel } from './common';

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
  'relations',
];

function shortRef(ref: string | undefined, defaultKind: string): string {
  if (!ref) return '';
  try {
    const { namespace, name } = parseEntityRef(ref, { defaultKind });
    return namespace === DEFAULT_NAMESPACE ? name : `${namespace}/${name}`;
  } catch {
    return ref;
  }
}

/** Turns catalog entities into table rows. @internal */
export function toDataProductRows(entities: Entity[]): DataProductRow[] {
  return entities
    .map(e => e as DataProductEntityV1alpha1)
    .map(entity => ({
      entity,
      entityRef: stringifyEntityRef(entity),
      title: entity.metadata.title ?? entity.metadata.name,
      domain: shortRef(entity.spec?.domain, 'domain'),
      type: dataProductTypeLabel(entity.spec?.type),
      certified: entity.spec?.certified
        ? ('Certified' as const)
        : ('Not certified' as const),
      lifecycle: entity.spec?.lifecycle ?? '',
      description: entity.metadata.description ?? '',
    }))
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
  { title: 'Description', field: 'description', width: '30%' },
];

/**
 * All DataProduct entities in the catalog, with domain, owner, type,
 * certification and lifecycle, searchable and filterable.
 *
 * @public
 */
export function DataProductsTable() {
  const catalogApi = useApi(catalogApiRef);
  const { value, loading, error } = useAsync(async () => {
    const response = await catalogApi.getEntities({
      filter: { kind: DATA_PRODUCT_KIND },
      fields: FIELDS,
    });
    return toDataProductRows(response.items);
  }, [catalogApi]);

  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  return (
    <Table<DataProductRow>
      title={`Data products${value ? ` (${value.length})` : ''}`}
      isLoading={loading}
      data={value ?? []}
      columns={columns}
      options={{ search: true, paging: true, pageSize: 20, padding: 'dense' }}
      filters={[
        { column: 'Domain', type: 'multiple-select' },
        { column: 'Type', type: 'multiple-select' },
        { column: 'Certified', type: 'select' },
        { column: 'Lifecycle', type: 'multiple-select' },
      ]}
      emptyContent={
        <Typography variant="body2" style={{ padding: 16 }}>
          No data products are registered yet. Register a data_product_spec.yml,
          an ODPS file or a DataProduct entity as a catalog location to see it
          here.
        </Typography>
      }
    />
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
