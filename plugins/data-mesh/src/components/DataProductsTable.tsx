import { Content, Header, Link, Page } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import BubbleChartIcon from '@material-ui/icons/BubbleChart';
import { DataProductsMarketplace } from './marketplace/DataProductsMarketplace';
import { MESH_MAP_PATH } from './meshMap/MeshMap';

/**
 * Every DataProduct of the catalog with domain, owner, type, certification,
 * lifecycle and health: the Data products page's body (search, facets,
 * sort, table and card views; see DataProductsMarketplace), with a link
 * to the Mesh map. The name is kept for apps that render it.
 *
 * @public
 */
export function DataProductsTable() {
  return (
    <>
      <Box display="flex" justifyContent="flex-end" mb={1}>
        <Link to={MESH_MAP_PATH} style={{ display: 'flex', gap: 4 }}>
          <BubbleChartIcon fontSize="small" /> Mesh map
        </Link>
      </Box>
      <DataProductsMarketplace />
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
