import {
  Content,
  Header,
  Link,
  Page,
  Progress,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import {
  DATA_PRODUCT_KIND,
  type SloFleetItem,
  type SloStatus,
} from '@datamesh/plugin-data-mesh-common';
import { dataMeshApiRef } from '../../api';
import { compareByHealth, formatBudget, formatDateTime } from './format';
import { SloLoadError } from './SloErrors';
import { useSloTabPath } from './SloHealth';
import { SloStatusChip } from './SloStatusChip';

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

function useMyDataProducts() {
  const identityApi = useApi(identityApiRef);
  const catalogApi = useApi(catalogApiRef);
  const dataMeshApi = useApi(dataMeshApiRef);
  return useAsync(async () => {
    const { ownershipEntityRefs, userEntityRef } =
      await identityApi.getBackstageIdentity();
    if (ownershipEntityRefs.length === 0) {
      return { userEntityRef, ownershipEntityRefs, rows: [] };
    }
    // Both at once; the catalog adds the products that have no SLOs, and
    // an SLO backend outage must not hide which products a team owns.
    const [fleet, catalog] = await Promise.allSettled([
      dataMeshApi.getSloFleet({ owners: ownershipEntityRefs }),
      catalogApi.getEntities({
        filter: {
          kind: DATA_PRODUCT_KIND,
          'relations.ownedBy': ownershipEntityRefs,
        },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
          'spec.owner',
          'spec.slos',
        ],
      }),
    ]);
    if (fleet.status === 'rejected' && catalog.status === 'rejected') {
      throw fleet.reason;
    }
    const rows = new Map<string, MyDataProductRow>();
    if (catalog.status === 'fulfilled') {
      for (const e of catalog.value.items) {
        const ref = stringifyEntityRef(e).toLocaleLowerCase('en-US');
        rows.set(ref, {
          entityRef: ref,
          namespace: e.metadata.namespace ?? 'default',
          name: e.metadata.name,
          title: e.metadata.title ?? e.metadata.name,
          owner: (e.spec as { owner?: string } | undefined)?.owner,
          declaresSlos:
            ((e.spec as { slos?: unknown[] } | undefined)?.slos?.length ?? 0) >
            0,
        });
      }
    }
    if (fleet.status === 'fulfilled') {
      for (const item of fleet.value.items) {
        const ref = item.entityRef.toLocaleLowerCase('en-US');
        const known = rows.get(ref);
        rows.set(ref, {
          entityRef: ref,
          namespace: item.namespace,
          name: item.name,
          title: known?.title ?? item.title ?? item.name,
          owner: item.owner ?? known?.owner,
          declaresSlos: true,
          slo: item,
        });
      }
    }
    return {
      userEntityRef,
      ownershipEntityRefs,
      rows: sortWorstFirst([...rows.values()]),
      fleetError:
        fleet.status === 'rejected' ? (fleet.reason as Error) : undefined,
      catalogError:
        catalog.status === 'rejected' ? (catalog.reason as Error) : undefined,
    };
  }, [identityApi, catalogApi, dataMeshApi]);
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

function shortRef(ref: string): string {
  try {
    const { kind, namespace, name } = parseEntityRef(ref);
    return `${kind}:${namespace === 'default' ? '' : `${namespace}/`}${name}`;
  } catch {
    return ref;
  }
}

/**
 * "My data products": every DataProduct owned by the signed-in user or
 * their groups, worst SLO health first, with the lowest remaining error
 * budget and a link to each product's SLO tab.
 *
 * @public
 */
export function MyDataProducts() {
  const { value, loading, error } = useMyDataProducts();
  const sloTab = useSloTabPath();
  if (loading) return <Progress />;
  if (error) return <SloLoadError error={error} what="your data products" />;
  const { rows, ownershipEntityRefs, userEntityRef } = value!;

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
        {ownershipEntityRefs.length
          ? ownershipEntityRefs.map(shortRef).join(', ')
          : shortRef(userEntityRef)}
        , worst SLO health first.
      </Typography>
      {value!.fleetError && (
        <Box mb={2}>
          <SloLoadError error={value!.fleetError} what="SLO health" />
        </Box>
      )}
      {value!.catalogError && (
        <Box mb={2}>
          <Alert severity="warning">
            The catalog could not be read, so products without SLOs are missing:{' '}
            {value!.catalogError.message}
          </Alert>
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
