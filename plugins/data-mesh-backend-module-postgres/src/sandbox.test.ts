/*
 * Sandboxes, and what products left behind (engine of data-mesh-node), on
 * PGlite always, and on a real PostgreSQL server in both layouts when
 * DATAMESH_TEST_PG_URL is set.
 */
import {
  runLeftoversBehaviourSuite,
  runSandboxBehaviourSuite,
} from '@datamesh/plugin-data-mesh-node/testUtils';
import {
  pgliteHarness,
  postgresServerHarnesses,
} from './__testUtils__/harnesses';

runSandboxBehaviourSuite('PGlite', pgliteHarness('s'));
runLeftoversBehaviourSuite('PGlite', pgliteHarness('l'));
for (const [name, harness] of postgresServerHarnesses('s')) {
  runSandboxBehaviourSuite(name, harness);
}
for (const [name, harness] of postgresServerHarnesses('l')) {
  runLeftoversBehaviourSuite(name, harness);
}
