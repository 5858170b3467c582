/*
 * Retirement (lifecycle engine of data-mesh-node) on PGlite always, and on
 * a real PostgreSQL server in both layouts when DATAMESH_TEST_PG_URL is set.
 */
import { runRetirementBehaviourSuite } from '@datamesh/plugin-data-mesh-node/testUtils';
import {
  pgliteHarness,
  postgresServerHarnesses,
} from './__testUtils__/harnesses';

runRetirementBehaviourSuite('PGlite', pgliteHarness('r'));
for (const [name, harness] of postgresServerHarnesses('r')) {
  runRetirementBehaviourSuite(name, harness);
}
