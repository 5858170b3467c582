import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  type WarehouseAdapterFactory,
  warehouseAdaptersExtensionPoint,
} from '@datamesh/plugin-data-mesh-node';
import { dataMeshModuleSnowflake } from './module';
import { FakeSnowflake } from './testUtils';

describe('dataMeshModuleSnowflake', () => {
  it('registers the snowflake warehouse when configured, and its adapter reaches Snowflake', async () => {
    const fake = await FakeSnowflake.start();
    fake.account.addUser({
      name: 'SVC',
      password: 'pw',
      roles: ['ACCOUNTADMIN'],
      defaultRole: 'ACCOUNTADMIN',
    });
    const factories: WarehouseAdapterFactory[] = [];
    const backend = await startTestBackend({
      extensionPoints: [
        [
          warehouseAdaptersExtensionPoint,
          { addAdapter: f => factories.push(f) },
        ],
      ],
      features: [
        dataMeshModuleSnowflake,
        mockServices.rootConfig.factory({
          data: {
            dataMesh: {
              warehouse: {
                snowflake: {
                  account: 'test_account',
                  username: 'svc',
                  password: 'pw',
                  warehouse: 'WH',
                  accessUrl: fake.url,
                },
              },
            },
          },
        }),
      ],
    });
    try {
      expect(factories.map(f => f.type)).toEqual(['snowflake']);
      // registering does not connect
      expect(fake.counters.logins).toBe(0);
      const adapter = await factories[0].create();
      expect(adapter.dialect.id).toBe('snowflake');
      expect(adapter.defaultParentRole).toBe('SYSADMIN');
      await adapter.execute([{ sql: 'CREATE ROLE IF NOT EXISTS "PROBE"' }]);
      expect(fake.account.roles.get('PROBE')?.owner).toBe('ACCOUNTADMIN');
      await adapter.close();
      expect(fake.liveSessions()).toEqual([]);
    } finally {
      await backend.stop();
      await fake.stop();
    }
  });

  it('registers nothing without configuration', async () => {
    const factories: WarehouseAdapterFactory[] = [];
    const backend = await startTestBackend({
      extensionPoints: [
        [
          warehouseAdaptersExtensionPoint,
          { addAdapter: f => factories.push(f) },
        ],
      ],
      features: [
        dataMeshModuleSnowflake,
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    await backend.stop();
    expect(factories).toEqual([]);
  });

  it('stops the backend at startup when the configuration is wrong', async () => {
    await expect(
      startTestBackend({
        extensionPoints: [
          [warehouseAdaptersExtensionPoint, { addAdapter: () => undefined }],
        ],
        features: [
          dataMeshModuleSnowflake,
          mockServices.rootConfig.factory({
            data: {
              dataMesh: {
                warehouse: {
                  snowflake: { account: 'a', username: 'u', warehouse: 'W' },
                },
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(/exactly one of password, privateKey or privateKeyPath/);
  });
});
