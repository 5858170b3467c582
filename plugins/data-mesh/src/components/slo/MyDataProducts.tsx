import {
  Content,
  Header,
  Link,
  Page,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import {
  type BackstageUserIdentity,
  identityApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { EntityRefLink, EntityRefLinks } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { useMemo } from 'react';
import type {
  SloFleetItem,
  SloStatus,
} from '@datamesh/plugin-data-mesh-common';
import { type DataProductHealth, fleetKey } from '../../fleet/joinFleet';
import { useDataProductFleet } from '../../fleet/useDataProductFleet';
import { compareByHealth, formatBudget, formatDateTime } from './format';
import { SloLoadError, UnavailableNote } from './SloErrors';
import { useSloTabPath } from './SloHealth';
import { SloStatusChip } from './SloStatusChip';
import { AccessInboxCard } from '../access/AccessInboxCard';
import { QualityLine } from '../quality/QualityLine';
import { useProductQuality } from '../quality/useProductQuality';
import { MySpecProblemsCard } from '../specProblems/MySpecProblemsCard';

/** One owned product: its fleet row when it has monitors. */
export interface MyDataProductRow {
  entityRef: string;
  namespace: string;
  name: string;
  title: string;
  owner?: string;
  /** The product declares objectives (known from the catalog). */
  declaresSlos?: boolean;
  /** Absent: the product declares no SLOs, or the engine has no monitors for it yet. */
  slo?: SloFleetItem;
}

const hasSlos = (row: MyDataProductRow) => !!row.slo || !!row.declaresSlos;

function rank(row: MyDataProductRow) {
  return {
    // declared but without monitors yet: nothing measured, like no data
    status: (row.slo?.status ?? 'no-data') as SloStatus,
    minErrorBudget: row.slo?.minErrorBudget ?? undefined,
    entityRef: row.entityRef,
  };
}

/**
 * Worst first (see `compareByHealth`); products without SLOs last, since
 * there is nothing about them to act on.
 */
export function sortWorstFirst(rows: MyDataProductRow[]): MyDataProductRow[] {
  return [...rows].sort((a, b) => {
    if (hasSlos(a) !== hasSlos(b)) return hasSlos(a) ? -1 : 1;
    return compareByHealth(rank(a), rank(b));
  });
}

// Only what the page shows (the join adds the fields it needs).
const FIELDS = ['kind', 'metadata.title', 'spec.owner'];

function fromCatalog(product: DataProductHealth): MyDataProductRow {
  const { entity, slo } = product;
  const catalogTitle = entity.metadata.title ?? entity.metadata.name;
  const catalogOwner = (entity.spec as { owner?: string } | undefined)?.owner;
  if (slo) return fromFleet(slo, { title: catalogTitle, owner: catalogOwner });
  return {
    entityRef: product.key,
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
    title: catalogTitle,
    owner: catalogOwner,
    declaresSlos: product.declaresSlos,
  };
}

// The engine's row is the fresher one; the catalog's title and owner fill in.
function fromFleet(
  item: SloFleetItem,
  catalog?: { title: string; owner?: string },
): MyDataProductRow {
  return {
    entityRef: fleetKey(item.entityRef),
    namespace: item.namespace,
    name: item.name,
    title: catalog?.title ?? item.title ?? item.name,
    owner: item.owner ?? catalog?.owner,
    declaresSlos: true,
    slo: item,
  };
}

/**
 * The owners' products: the catalog adds the products that have no SLOs,
 * and an SLO backend outage must not hide which products a team owns.
 */
function useOwnedDataProducts(owners: string[]) {
  const { value, loading, error } = useDataProductFleet({
    owners,
    fields: FIELDS,
  });
  const rows = useMemo(
    () =>
      value &&
      sortWorstFirst([
        ...value.products.map(fromCatalog),
        ...value.uncatalogued.map(item => fromFleet(item)),
      ]),
    [value],
  );
  if (value?.catalogError && value.fleetError) {
    return { loading, error: value.fleetError };
  }
  return { loading, error, rows, fleet: value };
}

function StatusCell(props: { row: MyDataProductRow }) {
  const { row } = props;
  if (row.slo) return <SloStatusChip status={row.slo.status} />;
  if (row.declaresSlos) {
    return (
      <SloStatusChip
        status="no-data"
        label="No monitors yet"
        title="Declares SLOs; the engine creates monitors on its next cycle"
      />
    );
  }
  return <Chip size="small" variant="outlined" label="No SLOs" />;
}

function objectivesText(item: SloFleetItem): string {
  const parts = [
    `${item.objectives} ${item.objectives === 1 ? 'objective' : 'objectives'}`,
  ];
  if (item.breaching > 0) parts.push(`${item.breaching} breaching`);
  if (item.noData > 0) parts.push(`${item.noData} without data`);
  return parts.join(', ');
}

/**
 * "My data products": every DataProduct owned by the signed-in user or
 * their groups, worst SLO health first, with the lowest remaining error
 * budget, where its data-quality checks stand, and a link to each
 * product's SLO tab.
 *
 * @public
 */
export function MyDataProducts() {
  const identityApi = useApi(identityApiRef);
  const identity = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );
  if (identity.loading) return <Progress />;
  if (identity.error) {
    return <SloLoadError error={identity.error} what="your data products" />;
  }
  return <OwnedDataProducts identity={identity.value!} />;
}

function OwnedDataProducts(props: { identity: BackstageUserIdentity }) {
  const { ownershipEntityRefs, userEntityRef } = props.identity;
  const { rows, fleet, loading, error } =
    useOwnedDataProducts(ownershipEntityRefs);
  const quality = useProductQuality({ skip: !ownershipEntityRefs.length });
  const sloTab = useSloTabPath();
  if (loading) return <Progress />;
  if (error) return <SloLoadError error={error} what="your data products" />;
  if (!rows) return null;

  const columns: TableColumn<MyDataProductRow>[] = [
    {
      title: 'Data product',
      field: 'title',
      highlight: true,
      render: row => (
        <Link to={sloTab(row)} data-testid={`my-product-${row.name}`}>
          {row.title}
        </Link>
      ),
    },
    {
      title: 'SLO status',
      field: 'slo.status',
      render: row => <StatusCell row={row} />,
    },
    {
      title: 'Objectives',
      render: row => (row.slo ? objectivesText(row.slo) : ''),
    },
    {
      title: 'Lowest error budget',
      field: 'slo.minErrorBudget',
      render: row =>
        row.slo && row.slo.minErrorBudget !== null
          ? formatBudget(row.slo.minErrorBudget)
          : '—',
    },
    {
      // where its checks stand; the product page's Data quality card says which
      title: 'Data quality',
      render: row => {
        const checks = quality.value?.get(fleetKey(row.entityRef));
        return checks ? (
          <Link to={`/catalog/${row.namespace}/dataproduct/${row.name}`}>
            <QualityLine quality={checks} prefix="" />
          </Link>
        ) : (
          '—'
        );
      },
    },
    {
      title: 'Owner',
      field: 'owner',
      render: row =>
        row.owner ? (
          <EntityRefLink entityRef={row.owner} defaultKind="group" />
        ) : null,
    },
    {
      title: 'Evaluated',
      render: row =>
        row.slo?.evaluatedAt
          ? formatDateTime(Date.parse(row.slo.evaluatedAt))
          : '',
    },
  ];

  return (
    <>
      <Typography variant="body2" color="textSecondary" paragraph>
        Products owned by{' '}
        <EntityRefLinks
          entityRefs={
            ownershipEntityRefs.length ? ownershipEntityRefs : [userEntityRef]
          }
          defaultKind="group"
          hideIcons
        />
        , worst SLO health first.
      </Typography>
      {fleet?.fleetError && (
        <Box mb={2}>
          <SloLoadError error={fleet.fleetError} what="SLO health" />
        </Box>
      )}
      {quality.error && (
        <UnavailableNote error={quality.error} testId="quality-unavailable">
          Data quality is unavailable
        </UnavailableNote>
      )}
      {fleet?.catalogError && (
        <Box mb={2}>
          <Alert severity="warning">
            The catalog could not be read, so products without SLOs are missing:{' '}
            {fleet.catalogError.message}
          </Alert>
        </Box>
      )}
      {/* also without products: a team's first spec may be the broken one;
          without any ownership there is nothing of theirs to ask about */}
      {ownershipEntityRefs.length > 0 && <MySpecProblemsCard />}
      {/* a port's approvers (a steward, a governance board) may own no
          product: their inbox shows when it holds something */}
      {ownershipEntityRefs.length > 0 && (
        <Box mb={2}>
          <AccessInboxCard
            ownedProducts={rows.map(r => r.entityRef)}
            hideWhenEmpty={rows.length === 0}
          />
        </Box>
      )}
      <Table<MyDataProductRow>
        title={`My data products (${rows.length})`}
        data={rows}
        columns={columns}
        // the order is the point of this page; column sorting stays available
        options={{
          paging: rows.length > 50,
          pageSize: 50,
          search: rows.length > 10,
          padding: 'dense',
        }}
        emptyContent={
          <Box p={2} data-testid="my-products-empty">
            <Typography variant="body2">
              {ownershipEntityRefs.length
                ? 'None of your groups owns a data product yet.'
                : `You are signed in as ${userEntityRef}, which belongs to no group, so no data product is yours.`}
            </Typography>
          </Box>
        }
      />
    </>
  );
}

/** Stand-alone page for legacy apps. @public */
export function MyDataProductsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="My data products"
        subtitle="The products your teams own, worst SLO health first"
      />
      <Content>
        <MyDataProducts />
      </Content>
    </Page>
  );
}
