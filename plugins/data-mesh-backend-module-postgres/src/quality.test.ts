/*
 * Counting for data-quality checks (engine of data-mesh-node) on PGlite
 * always, and on a real PostgreSQL server in both layouts when
 * DATAMESH_TEST_PG_URL is set.
 */
import { runQualityBehaviourSuite } from '@datamesh/plugin-data-mesh-node/testUtils';
import {
  pgliteHarness,
  postgresServerHarnesses,
} from './__testUtils__/harnesses';

// PostgreSQL runs a sql check's query in a READ ONLY transaction
runQualityBehaviourSuite('PGlite', pgliteHarness('q'), {
  readOnlyQueries: true,
});
for (const [name, harness] of postgresServerHarnesses('q')) {
  runQualityBehaviourSuite(name, harness, { readOnlyQueries: true });
}
