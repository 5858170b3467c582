import { Content, Header, Page } from '@backstage/core-components';
import { DataProductsMarketplace } from './marketplace/DataProductsMarketplace';

/**
 * Every DataProduct of the catalog with domain, owner, type, certification,
 * lifecycle and health: the Data products page's body (search, facets,
 * sort, table and card views; see DataProductsMarketplace). The name is
 * kept for apps that render it.
 *
 * @public
 */
export function DataProductsTable() {
  return <DataProductsMarketplace />;
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
