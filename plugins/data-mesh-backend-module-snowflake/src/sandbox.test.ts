/*
 * Sandboxes, and what products left behind (engine of data-mesh-node),
 * against the loopback fake Snowflake through the real snowflake-sdk driver.
 */
import {
  runLeftoversBehaviourSuite,
  runSandboxBehaviourSuite,
} from '@datamesh/plugin-data-mesh-node/testUtils';
import { fakeSnowflakeHarness } from './testUtils';

runSandboxBehaviourSuite(
  'Snowflake (fake server, real snowflake-sdk driver)',
  fakeSnowflakeHarness('s'),
);

runLeftoversBehaviourSuite(
  'Snowflake (fake server, real snowflake-sdk driver)',
  fakeSnowflakeHarness('l'),
);
