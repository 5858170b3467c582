/*
 * Counting for data-quality checks (engine of data-mesh-node) against the
 * loopback fake Snowflake through the real snowflake-sdk driver.
 */
import { runQualityBehaviourSuite } from '@datamesh/plugin-data-mesh-node/testUtils';
import { fakeSnowflakeHarness } from './testUtils';

runQualityBehaviourSuite(
  'Snowflake (fake server, real snowflake-sdk driver)',
  fakeSnowflakeHarness('q'),
);
