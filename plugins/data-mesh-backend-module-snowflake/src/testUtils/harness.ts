/*
 * The account an operator prepares for the platform, on the fake server,
 * and the harness the shared behaviour suites of data-mesh-node run
 * against: written once here so every Snowflake test starts from the same
 * account (tests in this module and in data-mesh-backend).
 */
import { platformConfig } from '@datamesh/plugin-data-mesh-node';
import type { WarehouseTestHarness } from '@datamesh/plugin-data-mesh-node/testUtils';
import {
  SnowflakeClient,
  type SnowflakeConnectionSettings,
} from '../client/SnowflakeClient';
import { quoteName, quoteSnowflakeIdentifier } from '../sql/dialect';
import { SnowflakeWarehouseAdapter } from '../SnowflakeWarehouseAdapter';
import {
  FakeSnowflake,
  type FakeSnowflakeOptions,
} from './fakeSnowflake/server';

/** The platform's own warehouse for INFORMATION_SCHEMA queries. */
export const ADMIN_WAREHOUSE = 'DATAMESH_ADMIN_WH';

/** @public */
export interface FakeSnowflakeAccount {
  fake: FakeSnowflake;
  /** The operator's login: the fake's ADMIN user in `role`, no warehouse. */
  admin: SnowflakeConnectionSettings;
  /** What the platform connects with: `admin` on {@link ADMIN_WAREHOUSE}. */
  platform: SnowflakeConnectionSettings;
}

/**
 * Start the fake and prepare the account as an operator would before the
 * platform first connects: a warehouse of the platform's own for metadata
 * queries. With `role: 'DATAMESH_ADMIN'` the platform runs as a role with
 * only the account privileges it needs (CREATE ROLE, CREATE DATABASE,
 * CREATE WAREHOUSE, MANAGE GRANTS, and SYSADMIN for object ownership)
 * instead of ACCOUNTADMIN.
 * @public
 */
export async function startFakeSnowflakeAccount(
  options: FakeSnowflakeOptions & {
    role?: 'ACCOUNTADMIN' | 'DATAMESH_ADMIN';
    /** Roles that also get USAGE on the admin warehouse. */
    warehouseUsers?: string[];
  } = {},
): Promise<FakeSnowflakeAccount> {
  const {
    role = 'ACCOUNTADMIN',
    warehouseUsers = [],
    ...fakeOptions
  } = options;
  const fake = await FakeSnowflake.start(fakeOptions);
  const login = fake.adminLogin({ role: 'ACCOUNTADMIN' });
  const setup = new SnowflakeClient(login);
  try {
    const statements = [
      `CREATE WAREHOUSE IF NOT EXISTS ${ADMIN_WAREHOUSE} WITH WAREHOUSE_SIZE = XSMALL INITIALLY_SUSPENDED = TRUE`,
      ...warehouseUsers.map(
        r => `GRANT USAGE ON WAREHOUSE ${ADMIN_WAREHOUSE} TO ROLE ${r}`,
      ),
      ...(role === 'DATAMESH_ADMIN'
        ? [
            'CREATE ROLE DATAMESH_ADMIN',
            'GRANT CREATE ROLE, CREATE DATABASE, CREATE WAREHOUSE, MANAGE GRANTS ON ACCOUNT TO ROLE DATAMESH_ADMIN',
            'GRANT ROLE SYSADMIN TO ROLE DATAMESH_ADMIN',
            `GRANT USAGE ON WAREHOUSE ${ADMIN_WAREHOUSE} TO ROLE DATAMESH_ADMIN`,
            'GRANT ROLE DATAMESH_ADMIN TO USER ADMIN',
          ]
        : []),
    ];
    for (const sql of statements) await setup.query(sql);
  } finally {
    await setup.destroy();
  }
  const admin = { ...login, role };
  return { fake, admin, platform: { ...admin, warehouse: ADMIN_WAREHOUSE } };
}

/**
 * A harness factory for the shared suites of data-mesh-node
 * (runWarehouseAdapterBehaviourSuite, runRetirementBehaviourSuite): a fresh
 * account per suite, the adapter connected as the platform, and a second
 * session that acts as the product roles, as a pipeline or an analyst would.
 * @public
 */
export function fakeSnowflakeHarness(
  domainPrefix: string,
): () => Promise<WarehouseTestHarness> {
  return async () => {
    const { fake, admin, platform } = await startFakeSnowflakeAccount();
    const adapter = new SnowflakeWarehouseAdapter({ connection: platform });
    const asRole = new SnowflakeClient(admin);
    return {
      adapter,
      platform: platformConfig({ organization: 'acme' }),
      domainPrefix: `${domainPrefix}${Math.random().toString(36).slice(2, 7)}`,
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
      async runSession(_database, statements) {
        const session = new SnowflakeClient(admin);
        try {
          let rows: unknown[] = [];
          for (const sql of statements) rows = await session.query(sql);
          return rows;
        } finally {
          await session.destroy();
        }
      },
      queryCount: () => fake.queries.length,
      // SHOW FUTURE GRANTS IN SCHEMA: Snowflake has no bulk listing of
      // schema-level future grants
      introspectionQueriesPerSchema: 1,
      async cleanup() {
        await adapter.close();
        await asRole.destroy();
        await fake.stop();
      },
    };
  };
}
