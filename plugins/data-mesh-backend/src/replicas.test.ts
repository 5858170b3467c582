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
 * - The sandbox expiry round is global too: the owners are told once of a
 *   coming expiry (the telling is claimed in the database), and an expired
 *   sandbox is dropped once, with one entry in the audit trail.
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
  assessProducts,
  createSandbox,
} from '@datamesh/plugin-data-mesh-node';
import { notificationsProcessingExtensionPoint } from '@backstage/plugin-notifications-node';
import { testWarehouseServiceFactory } from '@datamesh/plugin-data-mesh-node/testUtils';
import knexFactory, { type Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from './__testUtils__/databases';
import { topicSubscriber } from './__testUtils__/events';
import {
  type TestWarehouse,
  provision,
  sloProduct,
  warehouseFactories,
} from './__testUtils__/warehouse';
import {
  SANDBOX_EXPIRY_TASK_ID,
  SANDBOX_EXPIRY_TOPIC,
} from './infra/sandboxExpiry';
import {
  SLO_COLLECTION_TASK_ID,
  dataMeshClockServiceRef,
  dataMeshPlugin,
} from './plugin';

const CYCLE_MS = 1000;
const DAY = 24 * 3_600_000;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
/** Waits until `done` holds, asking every 100 ms, for at most 20 s. */
async function until(done: () => Promise<boolean> | boolean) {
  const deadline = Date.now() + 20_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(100);
  }
}

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
const team: Entity[] = [
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
const entities: Entity[] = [ghost, ...team];

/** What the replicas sent, each noted with the replica that sent it. */
interface Sent {
  user: string;
  scope?: string;
  topic?: string;
  title: string;
  replica: number;
}

/**
 * Two replicas of the backend on a fresh database `databaseId`, with the
 * given warehouse, catalog, `dataMesh` config and (optionally) clock.
 */
async function startReplicas(
  databaseId: Parameters<typeof databases.init>[0],
  options: {
    warehouse: TestWarehouse;
    entities: Entity[];
    dataMesh: object;
    clock?: { now(): number };
  },
) {
  const dataMeshDb = await databases.init(databaseId);
  const notificationsDb = await databases.init(databaseId);
  const pools: Knex[] = [];
  const replicas: { server: any; stop(): Promise<void> }[] = [];
  const sent: Sent[] = [];
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

  for (const replica of [0, 1]) {
    const knexes: Record<string, Knex> = {
      'data-mesh': poolOn(dataMeshDb),
      notifications: poolOn(notificationsDb),
    };
    const clock = options.clock;
    const backend = await startTestBackend({
      features: [
        dataMeshPlugin,
        import('@backstage/plugin-notifications-backend'),
        testWarehouseServiceFactory(options.warehouse.adapter),
        schedulerServiceFactory,
        ...(clock
          ? [
              createServiceFactory({
                service: dataMeshClockServiceRef,
                deps: {},
                factory: () => clock,
              }),
            ]
          : []),
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
                      topic: notification.payload.topic,
                      title: notification.payload.title,
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
            dataMesh: options.dataMesh,
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
          factory: () =>
            new InMemoryCatalogClient({ entities: options.entities }) as any,
        }),
      ],
    });
    replicas.push({ server: backend.server, stop: () => backend.stop() });
  }

  return {
    dataMeshDb,
    replicas,
    sent,
    breachEvents,
    async stop() {
      for (const replica of replicas) await replica.stop();
      for (const pool of pools) await pool.destroy();
    },
  };
}

describe.each(postgres)('two backends on one %s database', databaseId => {
  let w: TestWarehouse;
  let dataMeshDb: Knex;
  let replicas: { server: any }[];
  let sent: Sent[];
  let breachEvents: { product: string; state: string; replica: number }[];
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    w = await warehouseFactories[0][1]();
    ({ dataMeshDb, replicas, sent, breachEvents, stop } = await startReplicas(
      databaseId,
      {
        warehouse: w,
        entities,
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
    ));
  }, 120_000);

  afterAll(async () => {
    await stop?.();
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

describe.each(postgres)(
  'sandbox expiry on two backends on one %s database',
  databaseId => {
    const T0 = Date.UTC(2026, 0, 1);
    // within 3 days of the sandbox's expiry (30 days after it was made)
    let now = T0 + 27 * DAY + 60_000;
    const lab = sloProduct('lab', 'expiry', [], 'group:default/team-a');
    let w: TestWarehouse;
    let dataMeshDb: Knex;
    let sent: Sent[];
    let stop: (() => Promise<void>) | undefined;
    const told = () =>
      sent
        .filter(n => n.topic === SANDBOX_EXPIRY_TOPIC)
        .map(n => ({ user: n.user, title: n.title }));
    const sandboxSchemas = async () =>
      w.adapter.connection.query(
        "select nspname from pg_namespace where nspname like '%_sbx_%'",
      );

    beforeAll(async () => {
      w = await warehouseFactories[0][1]();
      await provision(w, [lab]);
      const { products } = await assessProducts([lab], w.platform, w.adapter, {
        namesOnly: true,
      });
      await createSandbox(w.adapter, products[0].desired!.products[0], {
        suffix: 'feat_a',
        layers: ['raw'],
        now: new Date(T0),
      });
      ({ dataMeshDb, sent, stop } = await startReplicas(databaseId, {
        warehouse: w,
        entities: [lab, ...team],
        clock: { now: () => now },
        dataMesh: {
          // no collection while the clock stands in January
          slo: {
            schedule: { frequency: { hours: 1 }, initialDelay: { hours: 1 } },
          },
          sandboxes: {
            expireAfter: '30d',
            warnBefore: '3d',
            expirySchedule: {
              frequency: { milliseconds: CYCLE_MS },
              initialDelay: { seconds: 0 },
              timeout: { seconds: 30 },
            },
          },
        },
      }));
    }, 120_000);

    afterAll(async () => {
      await stop?.();
      await w?.cleanup();
    }, 60_000);

    it('tells the owners once and drops an expired sandbox once', async () => {
      const tasks = await dataMeshDb('backstage_backend_tasks__tasks').where({
        id: SANDBOX_EXPIRY_TASK_ID,
      });
      expect(tasks).toHaveLength(1);

      // rounds on both replicas, a cycle apart: told once
      await until(() => told().length > 0);
      await sleep(4 * CYCLE_MS);
      expect(told()).toEqual([
        {
          user: 'user:default/alice',
          title: 'The sandbox of feat_a of LAB is deleted on 2026-01-31',
        },
      ]);
      expect(
        await dataMeshDb('data_mesh_sandbox_expiry_notices').select(
          'product',
          'branch',
        ),
      ).toEqual([{ product: 'dataproduct:default/lab', branch: 'feat_a' }]);

      // past its expiry: dropped once, told once, one entry in the trail
      now = T0 + 31 * DAY;
      await until(async () => (await sandboxSchemas()).length === 0);
      await sleep(4 * CYCLE_MS);
      expect(told()).toEqual([
        expect.anything(),
        {
          user: 'user:default/alice',
          title: 'The sandbox of feat_a of LAB was deleted: it expired',
        },
      ]);
      expect(
        await dataMeshDb('data_mesh_lifecycle_audit')
          .where({ product: 'dataproduct:default/lab' })
          .select('actor', 'action'),
      ).toEqual([{ actor: 'system', action: 'sandbox-delete' }]);
    }, 120_000);
  },
);
