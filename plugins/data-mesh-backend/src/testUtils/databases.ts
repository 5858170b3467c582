import type { TestDatabaseId } from '@backstage/backend-test-utils';

/**
 * The plugin database engines tests run on, for backend-test-utils'
 * `TestDatabases.create({ ids, disableDocker: true })`: SQLite always;
 * PostgreSQL when TestDatabases finds a server through its environment
 * variable, e.g.
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=postgres://postgres@127.0.0.1:5432
 * (Docker is never started from these tests).
 * @public
 */
export const TEST_DATABASE_IDS: TestDatabaseId[] = [
  'SQLITE_3',
  'POSTGRES_18',
  'POSTGRES_17',
  'POSTGRES_16',
  'POSTGRES_15',
  'POSTGRES_14',
  'POSTGRES_13',
];
