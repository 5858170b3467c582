import {
  coreExtensionData,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import catalogPlugin, { CatalogIndexPage } from '@backstage/plugin-catalog/alpha';
import { dataProductColumns } from '@datamesh/plugin-data-mesh';

/**
 * The catalog index with data-product columns (domain, type, certified) when
 * the kind picker is on DataProduct. The new frontend system's catalog page
 * takes no column extensions, so the app overrides the page's loader; the
 * filters contributed by other plugins and the page's config still apply.
 */
const catalogIndexPage = catalogPlugin.getExtension('page:catalog').override({
  factory(originalFactory, { inputs, config }) {
    const filters = inputs.filters.map(filter =>
      filter.get(coreExtensionData.reactElement),
    );
    return originalFactory({
      params: {
        loader: async () => (
          <CatalogIndexPage
            columns={dataProductColumns}
            filters={filters.length ? <>{filters}</> : undefined}
            pagination={config.pagination}
          />
        ),
      },
    });
  },
});

/** App-level catalog customisation for the data mesh. */
export const catalogModule = createFrontendModule({
  pluginId: 'catalog',
  extensions: [catalogIndexPage],
});
