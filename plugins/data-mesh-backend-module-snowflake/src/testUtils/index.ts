/**
 * Test utilities: a loopback fake Snowflake server for exercising the
 * adapter through the real `snowflake-sdk` driver. Test-only.
 *
 * @packageDocumentation
 */
export { FakeSnowflake } from './fakeSnowflake/server';
export type {
  FakeSnowflakeOptions,
  FakeSnowflakeUser,
  FakeSession,
  RecordedQuery,
} from './fakeSnowflake/server';
export { FakeAccount, displayName, displayPart } from './fakeSnowflake/account';
export type {
  FakeAccountOptions,
  FakeDatabase,
  FakeRole,
  FakeSchema,
  FakeTable,
  FakeUser,
  FakeWarehouse,
  FutureGrant,
  GranteeKind,
  PrivilegeGrant,
  RoleGrant,
  SecurableType,
} from './fakeSnowflake/account';
export {
  ADMIN_WAREHOUSE,
  fakeSnowflakeHarness,
  startFakeSnowflakeAccount,
} from './harness';
export type { FakeSnowflakeAccount } from './harness';
