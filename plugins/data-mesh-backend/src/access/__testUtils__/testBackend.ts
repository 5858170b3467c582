/*
 * The plugin in a test backend for the access API: real database (SQLite,
 * and PostgreSQL when TestDatabases finds one), the real permission backend
 * with a policy like the portal's (admins decide everything, owners their
 * products' requests, everyone may request). Test doubles stand in for
 * Backstage services only (catalog, user info, clock, notifications,
 * scheduler) and for the warehouse executor, which this step does not ship.
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  type TestDatabaseId,
  type TestDatabases,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  type EventParams,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import {
  type NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import { testWarehouseServiceFactory } from '@datamesh/plugin-data-mesh-node/testUtils';
import { permissionTestFeatures } from '../../__testUtils__/permissions';
import { dataMeshClockServiceRef, dataMeshPlugin } from '../../plugin';
import {
  type AccessGrantExecutor,
  type WarehouseAdapter,
  accessGrantExecutorServiceRef,
} from '@datamesh/plugin-data-mesh-node';
import type { InMemoryAccessGrantExecutor } from './inMemoryExecutor';

export { TEST_ADMIN_GROUP as ADMIN_GROUP } from '../../__testUtils__/permissions';

/**
 * An events service that keeps what the plugin publishes (`failing`: it
 * throws instead), as a feature for the test backend.
 */
export function eventsRecorder() {
  const recorder = {
    published: [] as EventParams[],
    failing: false,
    /** The payloads published on `topic`. */
    on<T>(topic: string): T[] {
      return recorder.published
        .filter(p => p.topic === topic)
        .map(p => p.eventPayload as T);
    },
    feature: createServiceFactory({
      service: eventsServiceRef,
      deps: {},
      factory: () => ({
        async publish(params: EventParams) {
          if (recorder.failing) throw new Error('the event bus is down');
          recorder.published.push(params);
        },
        async subscribe() {},
      }),
    }),
  };
  return recorder;
}

export function product(
  name: string,
  owner: string,
  domain: string,
  ports: object[] = [{ name: 'events', type: 'sql', dataset: 'events' }],
): DataProductEntityV1alpha1 {
  return {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'source-aligned',
      lifecycle: 'production',
      owner,
      domain,
      certified: false,
      // with a personal-data column: a request may read it in clear
      datasets: [
        {
          name: 'events',
          columns: [
            { name: 'id', type: 'string' },
            { name: 'email', type: 'string', pii: true },
          ],
        },
      ],
      outputPorts: ports as DataProductEntityV1alpha1['spec']['outputPorts'],
    },
  };
}

export async function startAccessTestBackend(options: {
  databases: TestDatabases;
  databaseId: TestDatabaseId;
  entities: Entity[];
  memberships: Record<string, string[]>;
  clock: { now(): number };
  /** The in-memory one, or a warehouse executor for tests that grant for real. */
  executor?: InMemoryAccessGrantExecutor | AccessGrantExecutor;
  sent: NotificationSendOptions[];
  scheduler: ReturnType<typeof mockServices.scheduler>;
  /** More `dataMesh.access` config. */
  config?: object;
  /** More `dataMesh` config, beside `access`. */
  dataMeshConfig?: object;
  /** An existing database: a second instance, or a restart, on the same data. */
  knex?: Knex;
  /** A warehouse for tests that reach it (lifecycle); none by default. */
  warehouse?: WarehouseAdapter;
  /** More features, e.g. a module of the plugin. */
  features?: Parameters<typeof startTestBackend>[0]['features'];
}) {
  const knexes = {
    'data-mesh':
      options.knex ?? (await options.databases.init(options.databaseId)),
  } as Record<string, any>;
  return startTestBackend({
    features: [
      dataMeshPlugin,
      ...permissionTestFeatures,
      // the access API never touches the warehouse; retirement does
      testWarehouseServiceFactory(() => options.warehouse),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          permission: { enabled: true },
          dataMesh: {
            slo: { notifications: { enabled: false } },
            access: {
              defaultDuration: 'P90D',
              maxDuration: 'P365D',
              ...options.config,
            },
            ...options.dataMeshConfig,
          },
        },
      }),
      createServiceFactory({
        service: coreServices.database,
        deps: { plugin: coreServices.pluginMetadata },
        factory: ({ plugin }) => ({
          getClient: async () => knexes[plugin.getId()] ?? knexes['data-mesh'],
        }),
      }),
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () =>
          new InMemoryCatalogClient({ entities: options.entities }) as any,
      }),
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () => ({
          async getUserInfo(credentials: any) {
            const ref = credentials.principal.userEntityRef;
            return {
              userEntityRef: ref,
              ownershipEntityRefs: [ref, ...(options.memberships[ref] ?? [])],
            };
          },
        }),
      }),
      createServiceFactory({
        service: dataMeshClockServiceRef,
        deps: {},
        factory: () => options.clock,
      }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          async send(notification: NotificationSendOptions) {
            options.sent.push(notification);
          },
        }),
      }),
      createServiceFactory({
        service: accessGrantExecutorServiceRef,
        deps: {},
        factory: () => ({ executor: options.executor }),
      }),
      createServiceFactory({
        service: coreServices.scheduler,
        deps: {},
        factory: () => options.scheduler,
      }),
      ...(options.features ?? []),
    ],
  });
}
