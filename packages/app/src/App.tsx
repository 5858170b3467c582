import { createApp } from '@backstage/frontend-defaults';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { catalogModule } from './modules/catalog';

/**
 * The plugins themselves (catalog, catalog-graph, scaffolder, org, search,
 * notifications, signals, user settings, home and `@datamesh/plugin-data-mesh`)
 * are discovered at build time from this package's dependencies, because
 * app-config.yaml sets `app.packages: all`. Only app-local modules are listed.
 */
export default createApp({
  features: [navModule, homeModule, catalogModule],
});
