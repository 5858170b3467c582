/*
 * The Backstage Data Mesh portal backend (new backend system).
 *
 * One process serves the built frontend (app-backend), the catalog with the
 * DataProduct kind, the scaffolder, auth with the guest provider, search,
 * notifications, signals and user settings. Everything runs on the embedded
 * defaults from app-config.yaml: SQLite for Backstage's own database and the
 * in-memory Lunr search engine, so nothing external is needed to try it.
 */

import { createBackend } from '@backstage/backend-defaults';
import { warehouseAccessGrantExecutorServiceFactory } from '@datamesh/plugin-data-mesh-node';
import { authModuleExampleUsersProvider } from './modules/exampleUsers';
import { permissionPolicyModule } from './modules/permissionPolicy';
import { searchEngineModule } from './modules/searchEngine';

const backend = createBackend();

// Serves the built `app` package and injects its runtime config.
backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// auth: guest sign-in; see https://backstage.io/docs/auth/guest/provider
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// dev only: sign in as an example user (examples/org.yaml) to try both sides
// of an access request — src/modules/exampleUsers.ts
backend.add(authModuleExampleUsersProvider);

// catalog, with the DataProduct kind and spec-file reader
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
// Logs catalog processing errors (e.g. a broken data_product_spec.yml) to the backend log.
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(import('@datamesh/plugin-catalog-backend-module-data-mesh'));
// Serves the entities the catalog could not process, with their errors: the
// Spec problems page reads broken spec files from it (data-mesh-backend).
backend.add(import('@backstage/plugin-catalog-backend-module-unprocessed'));

// DevTools (backend info, config, scheduled tasks; the frontend's DevTools
// page also shows the unprocessed entities): platform admins only, by the
// policy below
backend.add(import('@backstage/plugin-devtools-backend'));

// scaffolder
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
// datamesh:* actions (validate, plan/apply infrastructure, sandbox, local publish)
backend.add(import('@datamesh/plugin-scaffolder-backend-module-data-mesh'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// permissions: the portal's policy (data products: owners and platform
// admins; requesting access: signed-in users) — src/modules/permissionPolicy.ts
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionPolicyModule);

// search: search-backend-node's in-memory Lunr engine (the pg engine would
// need PostgreSQL; the default DB is SQLite), with typos matched in proportion
// to each word's length so that a column name like `admitted_at` does not
// match every short word (src/modules/searchEngine.ts)
backend.add(import('@backstage/plugin-search-backend'));
backend.add(searchEngineModule);
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
// DataProducts with their datasets and columns (find a product by a column)
backend.add(import('@datamesh/plugin-search-backend-module-data-mesh'));

// notifications, signals (live updates to the browser) and user settings
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-user-settings-backend'));

// Backstage Data Mesh: SLO engine, infrastructure drift and the REST API.
// The warehouse types (PGlite embedded default, PostgreSQL, Snowflake) are
// service factories: `dataMesh.warehouse.type` picks one, and the process
// opens it once for the data-mesh plugin and the scaffolder actions alike.
backend.add(import('@datamesh/plugin-data-mesh-backend'));
// Approved access requests are granted in that warehouse: a role per request,
// given the product's consumer role and granted to the consumer's role.
backend.add(warehouseAccessGrantExecutorServiceFactory);
backend.add(import('@datamesh/plugin-data-mesh-backend-module-postgres'));
backend.add(import('@datamesh/plugin-data-mesh-backend-module-snowflake'));
// The example mesh (demo only): does nothing unless
// dataMesh.examples.activity.enabled, which app-config.production.yaml turns off.
backend.add(import('@datamesh/plugin-data-mesh-backend-module-examples'));

backend.start();
