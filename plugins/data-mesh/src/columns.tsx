import { TableColumn } from '@backstage/core-components';
import {
  CatalogTable,
  CatalogTableColumnsFunc,
  CatalogTableRow,
} from '@backstage/plugin-catalog';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  DATA_PRODUCT_KIND,
  type DataProductEntityV1alpha1,
  isDataProductEntity,
} from '@datamesh/plugin-data-mesh-common';
import { CertifiedBadge, dataProductTypeLabel } from './components/common';
import { SloStatusChip } from './components/slo/SloStatusChip';
import { useFleetHealth } from './fleet/useFleetHealth';

/** Catalog column: the product's Backstage domain. @public */
export function createDomainColumn(): TableColumn<CatalogTableRow> {
  return {
    title: 'Domain',
    field: 'entity.spec.domain',
    render: ({ entity }) =>
      isDataProductEntity(entity) && entity.spec.domain ? (
        <EntityRefLink entityRef={entity.spec.domain} defaultKind="domain" />
      ) : null,
  };
}

/** Catalog column: source-aligned / aggregate / consumer-aligned. @public */
export function createDataProductTypeColumn(): TableColumn<CatalogTableRow> {
  return {
    title: 'Type',
    field: 'entity.spec.type',
    render: ({ entity }) =>
      isDataProductEntity(entity) ? dataProductTypeLabel(entity.spec.type) : '',
  };
}

/** Catalog column: the certified badge. @public */
export function createCertifiedColumn(): TableColumn<CatalogTableRow> {
  return {
    title: 'Certified',
    field: 'entity.spec.certified',
    render: ({ entity }) =>
      isDataProductEntity(entity) ? (
        <CertifiedBadge certified={entity.spec.certified} />
      ) : null,
  };
}

function SloHealthCell(props: { entity: DataProductEntityV1alpha1 }) {
  const { health, error } = useFleetHealth(props.entity);
  if (!health.declaresSlos) return <>No SLOs</>;
  if (error) {
    return (
      <span
        title={`SLO health is unavailable: ${error.message}`}
        data-testid="slo-health-unavailable"
      >
        —
      </span>
    );
  }
  // no status yet: the fleet is still loading
  return health.status ? <SloStatusChip status={health.status} /> : null;
}

/** Catalog column: the product's SLO health, worst status of its objectives. @public */
export function createSloHealthColumn(): TableColumn<CatalogTableRow> {
  return {
    title: 'Health',
    sorting: false,
    render: ({ entity }) =>
      isDataProductEntity(entity) ? <SloHealthCell entity={entity} /> : null,
  };
}

/**
 * The catalog table columns for DataProducts: name, domain, owner, type,
 * certified, SLO health, lifecycle, description and tags.
 *
 * @public
 */
export function createDataProductColumns(): TableColumn<CatalogTableRow>[] {
  const c = CatalogTable.columns;
  return [
    c.createTitleColumn({ hidden: true }),
    c.createNameColumn({ defaultKind: DATA_PRODUCT_KIND }),
    createDomainColumn(),
    c.createOwnerColumn(),
    createDataProductTypeColumn(),
    createCertifiedColumn(),
    createSloHealthColumn(),
    c.createSpecLifecycleColumn(),
    c.createMetadataDescriptionColumn(),
    c.createTagsColumn(),
  ];
}

/**
 * A `columns` function for `CatalogIndexPage` / `CatalogTable`: when the
 * kind picker is on DataProduct it shows {@link createDataProductColumns},
 * for every other kind the catalog's own defaults.
 *
 * @example
 * ```tsx
 * <Route path="/catalog" element={<CatalogIndexPage columns={dataProductColumns} />} />
 * ```
 * @public
 */
export const dataProductColumns: CatalogTableColumnsFunc = context => {
  if (
    context.filters.kind?.value?.toLocaleLowerCase('en-US') ===
    DATA_PRODUCT_KIND.toLocaleLowerCase('en-US')
  ) {
    return createDataProductColumns();
  }
  return CatalogTable.defaultColumnsFunc(context);
};
