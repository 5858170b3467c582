import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  type WarehouseService,
  warehouseServiceRef,
} from '@datamesh/plugin-data-mesh-node';
import { snowflakeWarehouseServiceFactory } from './module';
import { FakeSnowflake } from './testUtils';

/** Starts a backend with the snowflake factory and a plugin that takes the warehouse service. */
async function start(config: object) {
  let service: WarehouseService | undefined;
  const backend = await startTestBackend({
    features: [
      snowflakeWarehouseServiceFactory,
      createBackendPlugin({
        pluginId: 'consumer',
        register(env) {
          env.registerInit({
            deps: { warehouse: warehouseServiceRef },
            async init({ warehouse }) {
              service = warehouse;
            },
          });
        },
      }),
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  return { backend, service: service! };
}

describe('snowflakeWarehouseServiceFactory', () => {
  it('serves the snowflake warehouse when configured, and its adapter reaches Snowflake', async () => {
    const fake = await FakeSnowflake.start();
    fake.account.addUser({
      name: 'SVC',
      password: 'pw',
      roles: ['ACCOUNTADMIN'],
      defaultRole: 'ACCOUNTADMIN',
    });
    const { backend, service } = await start({
      dataMesh: {
        warehouse: {
          type: 'snowflake',
          snowflake: {
            account: 'test_account',
            username: 'svc',
            password: 'pw',
            warehouse: 'WH',
            accessUrl: fake.url,
          },
        },
      },
    });
    try {
      expect(service.type).toBe('snowflake');
      expect(service.description).toBe('Snowflake account test_account');
      // resolving does not connect
      expect(fake.counters.logins).toBe(0);
      const adapter = await service.getAdapter();
      expect(adapter.dialect.id).toBe('snowflake');
      expect(adapter.defaultParentRole).toBe('SYSADMIN');
      await adapter.execute([{ sql: 'CREATE ROLE IF NOT EXISTS "PROBE"' }]);
      expect(fake.account.roles.get('PROBE')?.owner).toBe('ACCOUNTADMIN');
      // the backend owns the session and ends it when it stops
      await backend.stop();
      expect(fake.liveSessions()).toEqual([]);
    } finally {
      await backend.stop();
      await fake.stop();
    }
  });

  it('is not used unless dataMesh.warehouse.type names it', async () => {
    const { backend, service } = await start({
      dataMesh: {
        warehouse: {
          snowflake: { account: 'a', username: 'u', warehouse: 'W' },
        },
      },
    });
    try {
      expect(service.type).toBe('pglite');
      await expect(service.getAdapter()).rejects.toThrow(
        "dataMesh.warehouse.type 'pglite' is not one of snowflake",
      );
    } finally {
      await backend.stop();
    }
  });

  it('stops the backend at startup when the configuration is wrong', async () => {
    await expect(
      start({
        dataMesh: {
          warehouse: {
            type: 'snowflake',
            snowflake: { account: 'a', username: 'u', warehouse: 'W' },
          },
        },
      }),
    ).rejects.toThrow(/exactly one of password, privateKey or privateKeyPath/);
    await expect(
      start({ dataMesh: { warehouse: { type: 'snowflake' } } }),
    ).rejects.toThrow(/dataMesh.warehouse.snowflake is not configured/);
  });
});
