/*
 * Test databases: the engines of TEST_DATABASE_IDS (see testUtils), without
 * ever starting Docker.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { TEST_DATABASE_IDS } from '../testUtils';

export function createTestDatabases() {
  return TestDatabases.create({ ids: TEST_DATABASE_IDS, disableDocker: true });
}
