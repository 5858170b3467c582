/*
 * The data-mesh backend plugin as the portal runs it, in a test backend:
 * the real plugin and its router, Backstage's real database service
 * (DatabaseManager: better-sqlite3 file or PostgreSQL, the same pool and
 * pragmas as `app-config.yaml` gives) and the real mock auth of
 * backend-test-utils. Test doubles only for what the bench controls: the
 * catalog (an in-memory catalog of the generated entities), the clock, the
 * scheduler (the bench triggers the collection itself), notifications (not
 * measured) and the warehouse adapter.
 *
 * Assembled like backend-test-utils' startTestBackend (its mock services),
 * except that the HTTP server listens on 127.0.0.1 only (startTestBackend's
 * listens on every interface and cannot be told otherwise).
 */
import http from 'node:http';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { createSpecializedBackend } from '@backstage/backend-app-api';
import { mockServices } from '@backstage/backend-test-utils';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { HostDiscovery } from '@backstage/backend-defaults/discovery';
import {
  DefaultRootHttpRouter,
  MiddlewareFactory,
  createHealthRouter,
  createHttpServer,
} from '@backstage/backend-defaults/rootHttpRouter';
import { ConfigReader } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import type { WarehouseAdapter } from '@datamesh/plugin-data-mesh-node';
import { testWarehouseServiceFactory } from '@datamesh/plugin-data-mesh-node/testUtils';
import {
  SLO_COLLECTION_TASK_ID,
  dataMeshClockServiceRef,
  dataMeshPlugin,
} from '@datamesh/plugin-data-mesh-backend';
import express from 'express';

export interface BenchBackend {
  /** `http://127.0.0.1:<port>/api/data-mesh` */
  baseUrl: string;
  /** Run the plugin's scheduled collection task once and wait for it. */
  collect(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBenchBackend(options: {
  /** `backend.database` config. */
  database: object;
  entities: Entity[];
  clock: { now(): number };
  /** The warehouse adapter the plugin gets for `pglite`; its close() is not forwarded. */
  adapter?: () => WarehouseAdapter;
  observationRetention: string;
}): Promise<BenchBackend> {
  let server: Awaited<ReturnType<typeof createHttpServer>> | undefined;
  const scheduler = mockServices.scheduler();
  const backend = createSpecializedBackend({
    defaultServiceFactories: [
      mockServices.auth.factory(),
      mockServices.auditor.factory(),
      mockServices.cache.factory(),
      mockServices.httpAuth.factory(),
      mockServices.httpRouter.factory(),
      mockServices.lifecycle.factory(),
      mockServices.logger.factory(),
      mockServices.permissions.factory(),
      mockServices.permissionsRegistry.factory(),
      mockServices.rootHealth.factory(),
      mockServices.rootLifecycle.factory(),
      mockServices.rootLogger.factory(),
      mockServices.userInfo.factory(),
      mockServices.urlReader.factory(),
      mockServices.events.factory(),
    ],
  });
  const features = [
    dataMeshPlugin,
    mockServices.rootConfig.factory({
      data: {
        app: { baseUrl: 'http://127.0.0.1:3000' },
        backend: { database: options.database },
        dataMesh: {
          slo: {
            schedule: {
              frequency: { hours: 1 },
              timeout: { minutes: 50 },
            },
            observationRetention: options.observationRetention,
          },
        },
      },
    }),
    databaseServiceFactory,
    createServiceFactory({
      service: coreServices.rootHttpRouter,
      deps: {
        config: coreServices.rootConfig,
        lifecycle: coreServices.rootLifecycle,
        rootLogger: coreServices.rootLogger,
        health: coreServices.rootHealth,
      },
      async factory({ config, lifecycle, rootLogger, health }) {
        const router = DefaultRootHttpRouter.create();
        const logger = rootLogger.child({ service: 'rootHttpRouter' });
        const app = express();
        const middleware = MiddlewareFactory.create({ config, logger });
        app.use(createHealthRouter({ config, health }));
        app.use(router.handler());
        app.use(middleware.notFound());
        app.use(middleware.error());
        server = await createHttpServer(
          app as unknown as http.RequestListener,
          { listen: { host: '127.0.0.1', port: 0 } },
          { logger },
        );
        lifecycle.addShutdownHook(() => server!.stop(), { logger });
        await server.start();
        return router;
      },
    }),
    createServiceFactory({
      service: coreServices.discovery,
      deps: { rootHttpRouter: coreServices.rootHttpRouter },
      async factory() {
        const port = server!.port();
        return HostDiscovery.fromConfig(
          new ConfigReader({
            backend: { baseUrl: `http://127.0.0.1:${port}`, listen: { port } },
          }),
        );
      },
    }),
    createServiceFactory({
      service: catalogServiceRef,
      deps: {},
      factory: () =>
        new InMemoryCatalogClient({ entities: options.entities }) as any,
    }),
    createServiceFactory({
      service: notificationService,
      deps: {},
      factory: () => ({ send: async () => {} }),
    }),
    createServiceFactory({
      service: dataMeshClockServiceRef,
      deps: {},
      factory: () => options.clock,
    }),
    // the mock scheduler without its run-everything-at-startup hook
    createServiceFactory({
      service: coreServices.scheduler,
      deps: {},
      factory: () => scheduler,
    }),
    // the bench owns the warehouse: the backend's shutdown must not close it
    testWarehouseServiceFactory(() => options.adapter?.()),
  ];
  for (const feature of features) backend.add(feature);
  await backend.start();
  return {
    baseUrl: `http://127.0.0.1:${server!.port()}/api/data-mesh`,
    collect: () => scheduler.triggerTask(SLO_COLLECTION_TASK_ID),
    stop: () => backend.stop(),
  };
}
