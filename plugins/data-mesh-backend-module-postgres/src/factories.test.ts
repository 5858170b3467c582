import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createBackendPlugin,
  type BackendFeature,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  type WarehouseService,
  applyPlan,
  planProducts,
  platformConfig,
  renderPlan,
  warehouseServiceRef,
} from '@datamesh/plugin-data-mesh-node';
import { testDataProduct } from '@datamesh/plugin-data-mesh-node/testUtils';
import postgresWarehouseServiceFactories from './index';
import type { PostgresWarehouseAdapter } from './PostgresWarehouseAdapter';

/** A plugin that only takes the warehouse service, as data-mesh and the scaffolder do. */
function consumer(pluginId: string, got: WarehouseService[]): BackendFeature {
  return createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({
        deps: { warehouse: warehouseServiceRef },
        async init({ warehouse }) {
          got.push(warehouse);
        },
      });
    },
  });
}

describe('postgresWarehouseServiceFactories', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'datamesh-warehouse-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  async function start(config: object) {
    const got: WarehouseService[] = [];
    const backend = await startTestBackend({
      features: [
        postgresWarehouseServiceFactories,
        consumer('first', got),
        consumer('second', got),
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
    return { backend, services: got };
  }

  it('serves the embedded PGlite warehouse of the configured directory: one adapter per process, closed when the backend stops', async () => {
    const config = { dataMesh: { warehouse: { pglite: { dataDir } } } };
    const product = testDataProduct('orders', 'sales');
    const { backend, services } = await start(config);
    const [first, second] = services;
    expect(first).toBe(second);
    expect(first.type).toBe('pglite');
    expect(first.dataDirectory).toBe(dataDir);
    const adapter = (await first.getAdapter()) as PostgresWarehouseAdapter;
    expect(await second.getAdapter()).toBe(adapter);

    const { plan } = await planProducts([product], platformConfig(), adapter);
    expect((await applyPlan(plan!, adapter)).error).toBeUndefined();
    await adapter.connection.queryAs(
      'sales_orders_service',
      `CREATE TABLE ${adapter.dialect.qualifiedTable(
        { database: 'acme_sales_dev', schema: 'orders_output' },
        'events',
      )} (id INT)`,
    );
    await backend.stop();
    await expect(adapter.connection.query('SELECT 1')).rejects.toThrow();

    // a restart: a new backend on the same directory finds everything in place
    const again = await start(config);
    try {
      const reopened = await again.services[0].getAdapter();
      const replanned = await planProducts(
        [product],
        platformConfig(),
        reopened,
      );
      expect(renderPlan(replanned.plan!)).toContain(
        'no changes: the warehouse matches the declared state',
      );
      const [stats] = await reopened.tableStats('acme_sales_dev', [
        { schema: 'orders_output', table: 'events' },
      ]);
      expect(stats).toMatchObject({ exists: true, rowCount: 0 });
    } finally {
      await again.backend.stop();
    }
  }, 120_000);

  it('serves a PostgreSQL server when configured, and checks its settings at startup', async () => {
    const { backend, services } = await start({
      dataMesh: {
        warehouse: {
          type: 'postgres',
          postgres: {
            connection: 'postgres://nobody:secret@127.0.0.1:1/none',
            layout: 'schema-prefix',
          },
        },
      },
    });
    try {
      expect(services[0].type).toBe('postgres');
      expect(services[0].description).toBe('PostgreSQL at 127.0.0.1:1');
      const adapter = await services[0].getAdapter();
      expect(adapter.dialect).toMatchObject({
        id: 'postgresql',
        layout: 'schema-prefix',
      });
      // the configured server is the one asked (nothing listens on port 1)
      await expect(adapter.execute([{ sql: 'SELECT 1' }])).rejects.toThrow(
        /ECONNREFUSED/,
      );
    } finally {
      await backend.stop();
    }
    await expect(
      start({
        dataMesh: {
          warehouse: {
            type: 'postgres',
            postgres: { connection: 'postgres://x@y/z', layout: 'tables' },
          },
        },
      }),
    ).rejects.toThrow(/layout must be 'database' or 'schema-prefix'/);
    await expect(
      start({ dataMesh: { warehouse: { type: 'postgres' } } }),
    ).rejects.toThrow(/dataMesh.warehouse.postgres.connection is not set/);
  }, 60_000);

  it('leaves a type it does not provide to another package, and says so when the warehouse is used', async () => {
    const { backend, services } = await start({
      dataMesh: { warehouse: { type: 'snowflake' } },
    });
    try {
      await expect(services[0].getAdapter()).rejects.toThrow(
        "dataMesh.warehouse.type 'snowflake' is not one of pglite, postgres",
      );
    } finally {
      await backend.stop();
    }
  });
});
