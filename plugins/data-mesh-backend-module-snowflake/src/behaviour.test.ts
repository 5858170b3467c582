/*
 * The shared WarehouseAdapter behaviour suite, run against the loopback
 * fake Snowflake through the real snowflake-sdk driver.
 */
import { platformConfig } from '@datamesh/plugin-data-mesh-node';
import { runWarehouseAdapterBehaviourSuite } from '@datamesh/plugin-data-mesh-node/testUtils';
import {
  SnowflakeClient,
  type SnowflakeConnectionSettings,
} from './client/SnowflakeClient';
import { quoteName, quoteSnowflakeIdentifier } from './sql/dialect';
import { SnowflakeWarehouseAdapter } from './SnowflakeWarehouseAdapter';
import { FakeSnowflake } from './testUtils';

runWarehouseAdapterBehaviourSuite(
  'Snowflake (fake server, real snowflake-sdk driver)',
  async () => {
    const fake = await FakeSnowflake.start();
    const admin: SnowflakeConnectionSettings = {
      account: 'test_account',
      username: 'admin',
      auth: { type: 'password', password: 'admin-password' },
      accessUrl: fake.url,
      role: 'ACCOUNTADMIN',
    };
    // The platform's own warehouse for INFORMATION_SCHEMA queries, made by an operator beforehand.
    const setup = new SnowflakeClient(admin);
    await setup.query(
      'CREATE WAREHOUSE IF NOT EXISTS DATAMESH_ADMIN_WH WITH WAREHOUSE_SIZE = XSMALL INITIALLY_SUSPENDED = TRUE',
    );
    await setup.destroy();

    const adapter = new SnowflakeWarehouseAdapter({
      connection: { ...admin, warehouse: 'DATAMESH_ADMIN_WH' },
    });
    // A second session acts as the product roles, as a pipeline or an analyst would.
    const asRole = new SnowflakeClient(admin);
    return {
      adapter,
      platform: platformConfig({ organization: 'acme' }),
      domainPrefix: `t${Math.random().toString(36).slice(2, 7)}`,
      async queryAs(role: string, _database: string, sql: string) {
        await asRole.query(`USE ROLE ${quoteName(role)}`);
        // Run on a warehouse the role itself may use (its domain's compute).
        const [warehouse] = await asRole.query('SHOW WAREHOUSES');
        if (warehouse)
          await asRole.query(
            `USE WAREHOUSE ${quoteSnowflakeIdentifier(String(warehouse.name))}`,
          );
        return asRole.query(sql);
      },
      queryCount: () => fake.queries.length,
      // SHOW FUTURE GRANTS IN SCHEMA: Snowflake has no bulk listing of schema-level future grants
      introspectionQueriesPerSchema: 1,
      async cleanup() {
        await adapter.close();
        await asRole.destroy();
        await fake.stop();
      },
    };
  },
);
