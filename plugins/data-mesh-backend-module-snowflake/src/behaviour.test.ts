/*
 * The shared WarehouseAdapter behaviour suite, run against the loopback
 * fake Snowflake through the real snowflake-sdk driver.
 */
import { runWarehouseAdapterBehaviourSuite } from '@datamesh/plugin-data-mesh-node/testUtils';
import { fakeSnowflakeHarness } from './testUtils';

runWarehouseAdapterBehaviourSuite(
  'Snowflake (fake server, real snowflake-sdk driver)',
  fakeSnowflakeHarness('t'),
);
