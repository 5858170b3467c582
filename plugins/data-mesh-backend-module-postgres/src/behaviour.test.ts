/*
 * The shared WarehouseAdapter behaviour suite, against PGlite always and
 * against a real PostgreSQL server when DATAMESH_TEST_PG_URL is set
 * (CI: postgres://postgres@127.0.0.1:5432/test).
 */
import { runWarehouseAdapterBehaviourSuite } from '@datamesh/plugin-data-mesh-node/testUtils';
import {
  pgliteHarness,
  postgresServerHarnesses,
} from './__testUtils__/harnesses';

runWarehouseAdapterBehaviourSuite(
  'PGlite (embedded, schema-prefix layout)',
  pgliteHarness('t'),
);
for (const [name, harness] of postgresServerHarnesses('t')) {
  runWarehouseAdapterBehaviourSuite(name, harness);
}
