import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  type WarehouseAdapterFactory,
  applyPlan,
  planProducts,
  platformConfig,
  renderPlan,
  warehouseAdaptersExtensionPoint,
} from '@datamesh/plugin-data-mesh-node';
import { testDataProduct } from '@datamesh/plugin-data-mesh-node/testUtils';
import { dataMeshModulePostgres } from './module';
import type { PostgresWarehouseAdapter } from './PostgresWarehouseAdapter';

describe('dataMeshModulePostgres', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'datamesh-warehouse-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  async function registered(config: object) {
    const factories: WarehouseAdapterFactory[] = [];
    const backend = await startTestBackend({
      extensionPoints: [
        [
          warehouseAdaptersExtensionPoint,
          { addAdapter: f => factories.push(f) },
        ],
      ],
      features: [
        dataMeshModulePostgres,
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
    await backend.stop();
    return factories;
  }

  it('registers the embedded PGlite warehouse, persisted in the configured data directory', async () => {
    const factories = await registered({
      dataMesh: { warehouse: { pglite: { dataDir } } },
    });
    expect(factories.map(f => f.type)).toEqual(['pglite']);
    const product = testDataProduct('orders', 'sales');

    const first = (await factories[0].create()) as PostgresWarehouseAdapter;
    const { plan } = await planProducts([product], platformConfig(), first);
    expect((await applyPlan(plan!, first)).error).toBeUndefined();
    await first.connection.queryAs(
      'sales_orders_service',
      `CREATE TABLE ${first.dialect.qualifiedTable(
        { database: 'acme_sales_dev', schema: 'orders_output' },
        'events',
      )} (id INT)`,
    );
    await first.close();

    // a restart: a new adapter on the same directory finds everything in place
    const second = (await factories[0].create()) as PostgresWarehouseAdapter;
    try {
      const again = await planProducts([product], platformConfig(), second);
      expect(renderPlan(again.plan!)).toContain(
        'no changes: the warehouse matches the declared state',
      );
      const [stats] = await second.tableStats('acme_sales_dev', [
        { schema: 'orders_output', table: 'events' },
      ]);
      expect(stats).toMatchObject({ exists: true, rowCount: 0 });
    } finally {
      await second.close();
    }
  }, 120_000);

  it('registers a PostgreSQL server when a connection is configured, and checks the layout', async () => {
    const factories = await registered({
      dataMesh: {
        warehouse: {
          postgres: {
            connection: 'postgres://nobody@127.0.0.1:1/none',
            layout: 'schema-prefix',
          },
        },
      },
    });
    expect(factories.map(f => f.type)).toEqual(['pglite', 'postgres']);
    await expect(
      registered({
        dataMesh: {
          warehouse: {
            postgres: { connection: 'postgres://x@y/z', layout: 'tables' },
          },
        },
      }),
    ).rejects.toThrow(/layout must be 'database' or 'schema-prefix'/);
  }, 60_000);
});
