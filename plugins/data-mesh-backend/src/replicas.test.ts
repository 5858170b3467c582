/*
 * Two replicas of the backend on one PostgreSQL database, as Backstage is
 * scaled: two test backends, each with its own connection pool, the real
 * scheduler (backend-defaults) and the real notifications backend, on a
 * fresh database created for the run and dropped after it.
 *
 * - The collection is a global scheduled task: per cycle one replica claims
 *   it in the scheduler's table and runs it, never both.
 * - A breach is notified once, although both replicas evaluate it (their
 *   cycles, and results pushed to each of them at the same moment): the
 *   notification is claimed in the database before it is sent.
 */
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  SLO_BREACH_EVENT_TOPIC,
  type SloBreachEvent,
} from '@datamesh/plugin-data-mesh-node';
import { notificationsProcessingExtensionPoint } from '@backstage/plugin-notifications-node';
import { testWarehouseServiceFactory } from '@datamesh/plugin-data-mesh-node/testUtils';
import knexFactory, { type Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from './__testUtils__/databases';
import { topicSubscriber } from './__testUtils__/events';
import {
  type TestWarehouse,
  sloProduct,
  warehouseFactories,
} from './__testUtils__/warehouse';
import { SLO_COLLECTION_TASK_ID, dataMeshPlugin } from './plugin';

const CYCLE_MS = 1000;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

// Replicas need a shared PostgreSQL database, which SQLite cannot stand in
// for: without a configured server, use the machine's local one, so that a
// plain `npm test` runs this test too (elsewhere it fails to connect, and
// says so).
const PG_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
if (
  !Object.keys(process.env).some(
    k => k.startsWith('BACKSTAGE_TEST_DATABASE_POSTGRES') && process.env[k],
  )
) {
  process.env[PG_ENV] = 'postgres://postgres@127.0.0.1:5432';
}

const databases = createTestDatabases();
const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));

// a product whose table was never created: its availability breaches at once
const ghost = sloProduct(
  'ghost',
  'replicas',
  [{ name: 'available', dimension: 'availability', objective: 'answers' }],
  'group:default/team-a',
);
const entities: Entity[] = [
  ghost,
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a', namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: [{ type: 'hasMember', targetRef: 'user:default/alice' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'alice', namespace: 'default' },
    spec: { memberOf: ['team-a'] },
    relations: [{ type: 'memberOf', targetRef: 'group:default/team-a' }],
  },
];

describe.each(postgres)('two backends on one %s database', databaseId => {
  let w: TestWarehouse;
  let dataMeshDb: Knex;
  const pools: Knex[] = [];
  const replicas: { server: any; stop(): Promise<void> }[] = [];
  const sent: { user: string; scope?: string; replica: number }[] = [];
  // breach events each replica published (an on-call tool subscribed to both)
  const breachEvents: { product: string; state: string; replica: number }[] =
    [];

  /** Another connection pool on the same database, as a second process has. */
  const poolOn = (db: Knex) => {
    const pool = knexFactory({
      client: db.client.config.client,
      connection: db.client.config.connection,
      pool: { min: 0, max: 5 },
    });
    pools.push(pool);
    return pool;
  };

  async function startReplica(replica: number, notificationsDb: Knex) {
    const knexes: Record<string, Knex> = {
      'data-mesh': poolOn(dataMeshDb),
      notifications: poolOn(notificationsDb),
    };
    const backend = await startTestBackend({
      features: [
        dataMeshPlugin,
        import('@backstage/plugin-notifications-backend'),
        testWarehouseServiceFactory(w.adapter),
        schedulerServiceFactory,
        createBackendModule({
          pluginId: 'notifications',
          moduleId: 'test-recorder',
          register(reg) {
            reg.registerInit({
              deps: { processing: notificationsProcessingExtensionPoint },
              async init({ processing }) {
                processing.addProcessor({
                  getName: () => 'recorder',
                  async postProcess(notification) {
                    sent.push({
                      user: notification.user!,
                      scope: notification.payload.scope,
                      replica,
                    });
                  },
                });
              },
            });
          },
        }),
        topicSubscriber<SloBreachEvent>(
          SLO_BREACH_EVENT_TOPIC,
          ({ product, state }) =>
            breachEvents.push({ product, state, replica }),
        ),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            dataMesh: {
              slo: {
                schedule: {
                  frequency: { milliseconds: CYCLE_MS },
                  initialDelay: { seconds: 0 },
                  timeout: { seconds: 30 },
                },
              },
            },
          },
        }),
        createServiceFactory({
          service: coreServices.database,
          deps: { plugin: coreServices.pluginMetadata },
          factory: ({ plugin }) => ({
            getClient: async () => knexes[plugin.getId()],
          }),
        }),
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => new InMemoryCatalogClient({ entities }) as any,
        }),
      ],
    });
    replicas.push({ server: backend.server, stop: () => backend.stop() });
  }

  beforeAll(async () => {
    w = await warehouseFactories[0][1]();
    dataMeshDb = await databases.init(databaseId);
    const notificationsDb = await databases.init(databaseId);
    await startReplica(0, notificationsDb);
    await startReplica(1, notificationsDb);
  }, 120_000);

  afterAll(async () => {
    for (const replica of replicas) await replica.stop();
    for (const pool of pools) await pool.destroy();
    await w?.cleanup();
  }, 60_000);

  it('collects once per cycle and notifies each breach once', async () => {
    // both replicas scheduled the task; the scheduler's table has it once
    const tasks = await dataMeshDb('backstage_backend_tasks__tasks').where({
      id: SLO_COLLECTION_TASK_ID,
    });
    expect(tasks).toHaveLength(1);

    // results pushed to both replicas at once, while cycles run
    const push = (replica: number) =>
      request(replicas[replica].server)
        .post('/api/data-mesh/products/default/ghost/observations')
        .set('Authorization', mockCredentials.service.header())
        .send({ slo: 'available', passed: false, reason: 'dbt test failed' });
    const deadline = Date.now() + 6 * CYCLE_MS;
    let monitorId: number | undefined;
    const answers: number[] = [];
    while (Date.now() < deadline) {
      monitorId ??= (await dataMeshDb('data_mesh_slo_monitors').first('id'))
        ?.id;
      if (monitorId !== undefined) {
        const [a, b] = await Promise.all([push(0), push(1)]);
        answers.push(a.status, b.status);
      }
      await sleep(CYCLE_MS / 4);
    }
    expect(answers.length).toBeGreaterThan(4);
    expect(new Set(answers)).toEqual(new Set([201]));
    expect(monitorId).toBeDefined();

    // collection cycles: observations of the collector, one per cycle
    const cycles = (
      await dataMeshDb('data_mesh_slo_observations')
        .where({ monitor_id: monitorId, source: 'collector' })
        .orderBy('observed_at')
        .select('observed_at')
    ).map(r => Number(r.observed_at));
    expect(cycles.length).toBeGreaterThanOrEqual(3);
    // one run per cycle: runs are at least a cycle apart (both replicas
    // running every cycle would make twice as many, at any distance)
    const span = cycles[cycles.length - 1] - cycles[0];
    console.log("CYCLES", cycles.map((c, i) => i ? c - cycles[i - 1] : 0));
    expect(cycles.length).toBeLessThanOrEqual(
      Math.floor(span / (0.9 * CYCLE_MS)) + 1,
    );

    const scope = 'data-mesh:slo:dataproduct:default/ghost:available';
    const notified = sent.filter(s => s.scope === scope);
    expect(notified.map(s => s.user)).toEqual(['user:default/alice']);
    // and one event for it, by the replica that notified it
    expect(breachEvents).toEqual([
      {
        product: 'dataproduct:default/ghost',
        state: 'breaching',
        replica: notified[0].replica,
      },
    ]);
    expect(
      await dataMeshDb('data_mesh_slo_breaches').where({
        monitor_id: monitorId,
      }),
    ).toEqual([
      expect.objectContaining({
        notified_at: expect.anything(),
        claimed_at: expect.anything(),
      }),
    ]);
  }, 120_000);
});
