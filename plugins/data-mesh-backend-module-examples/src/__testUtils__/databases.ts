/*
 * The plugin database on the engines data-mesh-backend is tested on
 * (SQLite always, PostgreSQL when its environment variable names a server),
 * without ever starting Docker.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { TEST_DATABASE_IDS } from '@datamesh/plugin-data-mesh-backend/testUtils';

export function createTestDatabases() {
  return TestDatabases.create({ ids: TEST_DATABASE_IDS, disableDocker: true });
}
