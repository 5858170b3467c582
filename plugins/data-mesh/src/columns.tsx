import { TableColumn } from '@backstage/core-components';
import {
  CatalogTable,
  CatalogTableColumnsFunc,
  CatalogTableRow,
} from '@backstage/plugin-catalog';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import {
  DATA_PRODUCT_KIND,
  type DataProductEntityV1alpha1,
  type SloFleetItem,
  isDataProductEntity,
} from '@datamesh/plugin-data-mesh-common';
import { type DataMeshApi, dataMeshApiRef } from './api';
import { CertifiedBadge, dataProductTypeLabel } from './components/common';
import { SloStatusChip } from './components/slo/SloStatusChip';

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

// Every row of a catalog page shares one fleet request (and so does a page
// rendered again within the TTL): never one request per row.
const FLEET_TTL_MS = 30_000;
const fleetRequests = new WeakMap<
  DataMeshApi,
  { at: number; byRef: Promise<Map<string, SloFleetItem>> }
>();

function sloFleetByRef(api: DataMeshApi): Promise<Map<string, SloFleetItem>> {
  const cached = fleetRequests.get(api);
  if (cached && Date.now() - cached.at < FLEET_TTL_MS) return cached.byRef;
  const byRef = api
    .getSloFleet()
    .then(
      fleet =>
        new Map(
          fleet.items.map(i => [i.entityRef.toLocaleLowerCase('en-US'), i]),
        ),
    );
  // a failed request is not remembered, so the next render asks again
  byRef.catch(() => fleetRequests.delete(api));
  fleetRequests.set(api, { at: Date.now(), byRef });
  return byRef;
}

function SloHealthCell(props: { entity: DataProductEntityV1alpha1 }) {
  const api = useApi(dataMeshApiRef);
  const { value, error } = useAsync(() => sloFleetByRef(api), [api]);
  if (!props.entity.spec.slos?.length) return <>No SLOs</>;
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
  if (!value) return null;
  const item = value.get(
    stringifyEntityRef(props.entity).toLocaleLowerCase('en-US'),
  );
  // declared but not in the fleet: the monitors are not created yet
  return <SloStatusChip status={item?.status ?? 'no-data'} />;
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
