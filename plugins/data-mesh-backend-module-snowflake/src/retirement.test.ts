/*
 * Retirement (lifecycle engine of data-mesh-node) against the loopback
 * fake Snowflake through the real snowflake-sdk driver.
 */
import { runRetirementBehaviourSuite } from '@datamesh/plugin-data-mesh-node/testUtils';
import { fakeSnowflakeHarness } from './testUtils';

runRetirementBehaviourSuite(
  'Snowflake (fake server, real snowflake-sdk driver)',
  fakeSnowflakeHarness('r'),
);
