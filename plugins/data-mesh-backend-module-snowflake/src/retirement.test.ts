/*
 * Retirement (lifecycle engine of data-mesh-node) against the loopback
 * fake Snowflake through the real snowflake-sdk driver.
 */
import { platformConfig } from '@datamesh/plugin-data-mesh-node';
import { runRetirementBehaviourSuite } from '@datamesh/plugin-data-mesh-node/testUtils';
import {
  SnowflakeClient,
  type SnowflakeConnectionSettings,
} from './client/SnowflakeClient';
import { quoteName, quoteSnowflakeIdentifier } from './sql/dialect';
import { SnowflakeWarehouseAdapter } from './SnowflakeWarehouseAdapter';
import { FakeSnowflake } from './testUtils';

runRetirementBehaviourSuite(
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
    const setup = new SnowflakeClient(admin);
    await setup.query(
      'CREATE WAREHOUSE IF NOT EXISTS DATAMESH_ADMIN_WH WITH WAREHOUSE_SIZE = XSMALL INITIALLY_SUSPENDED = TRUE',
    );
    await setup.destroy();
    const adapter = new SnowflakeWarehouseAdapter({
      connection: { ...admin, warehouse: 'DATAMESH_ADMIN_WH' },
    });
    // the pipeline's session, acting as the product's service role
    const asRole = new SnowflakeClient(admin);
    return {
      adapter,
      platform: platformConfig({ organization: 'acme' }),
      domainPrefix: `r${Math.random().toString(36).slice(2, 7)}`,
      async queryAs(role: string, _database: string, sql: string) {
        await asRole.query(`USE ROLE ${quoteName(role)}`);
        const [warehouse] = await asRole.query('SHOW WAREHOUSES');
        if (warehouse)
          await asRole.query(
            `USE WAREHOUSE ${quoteSnowflakeIdentifier(String(warehouse.name))}`,
          );
        return asRole.query(sql);
      },
      queryCount: () => fake.queries.length,
      async cleanup() {
        await adapter.close();
        await asRole.destroy();
        await fake.stop();
      },
    };
  },
);
