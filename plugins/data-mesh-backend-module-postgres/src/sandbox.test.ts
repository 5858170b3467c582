/*
 * Sandboxes (engine of data-mesh-node) on PGlite always, and on a real
 * PostgreSQL server in both layouts when DATAMESH_TEST_PG_URL is set.
 */
import { runSandboxBehaviourSuite } from '@datamesh/plugin-data-mesh-node/testUtils';
import {
  pgliteHarness,
  postgresServerHarnesses,
} from './__testUtils__/harnesses';

runSandboxBehaviourSuite('PGlite', pgliteHarness('s'));
for (const [name, harness] of postgresServerHarnesses('s')) {
  runSandboxBehaviourSuite(name, harness);
}
