/*
 * The plugin in a test backend: real scheduler task, real database
 * (SQLite, and PostgreSQL when TestDatabases finds one), real PGlite
 * warehouse, real notifications backend. Test doubles stand in for Backstage
 * services only: the catalog (an in-memory catalog whose entities the test
 * changes), user info (group memberships) and the clock.
 */
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationsProcessingExtensionPoint } from '@backstage/plugin-notifications-node';
import {
  SLO_BREACH_EVENT_TOPIC,
  type SloBreachEvent,
} from '@datamesh/plugin-data-mesh-node';
import { testWarehouseServiceFactory } from '@datamesh/plugin-data-mesh-node/testUtils';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from './__testUtils__/databases';
import { topicSubscriber } from './__testUtils__/events';
import { permissionTestFeatures } from './__testUtils__/permissions';
import {
  type TestWarehouse,
  eventsTable,
  loadTable,
  provision,
  recordingAdapter,
  sloProduct,
  warehouseFactories,
} from './__testUtils__/warehouse';
import {
  SLO_COLLECTION_TASK_ID,
  dataMeshClockServiceRef,
  dataMeshPlugin,
} from './plugin';

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;
const T0 = Date.UTC(2025, 0, 1);

const threeSlos = [
  {
    name: 'available',
    dimension: 'availability' as const,
    objective: 'answers',
  },
  {
    name: 'fresh',
    dimension: 'freshness' as const,
    objective: 'daily',
    maxAge: '26h',
  },
  {
    name: 'complete',
    dimension: 'completeness' as const,
    objective: 'no drop',
  },
];

function org(): Entity[] {
  const user = (name: string, groups: string[]): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { memberOf: groups },
    relations: groups.map(g => ({
      type: 'memberOf',
      targetRef: `group:default/${g}`,
    })),
  });
  const group = (name: string, members: string[]): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: members.map(m => ({
      type: 'hasMember',
      targetRef: `user:default/${m}`,
    })),
  });
  return [
    group('team-a', ['alice', 'bob']),
    group('team-b', ['carol']),
    group('team-c', ['dave']),
    user('alice', ['team-a']),
    user('bob', ['team-a']),
    user('carol', ['team-b']),
    user('dave', ['team-c']),
  ];
}

const memberships: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-a'],
  'user:default/carol': ['group:default/team-b'],
  'user:default/dave': ['group:default/team-c'],
};

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'data-mesh backend on %s',
  databaseId => {
    let w: TestWarehouse;
    let server: any;
    let stopBackend: () => Promise<void>;
    let now = T0;
    let entities: Entity[] = [];
    const scheduler = mockServices.scheduler();
    const sent: { user: string; title: string; scope?: string }[] = [];
    // what an on-call tool subscribed to the events service receives
    const breachEvents: SloBreachEvent[] = [];
    let domain: string;
    let finance: string;

    const alice = mockCredentials.user.header('user:default/alice');
    const dave = mockCredentials.user.header('user:default/dave');
    const carol = mockCredentials.user.header('user:default/carol');
    const get = (path: string, auth = alice) =>
      request(server).get(`/api/data-mesh${path}`).set('Authorization', auth);
    const collect = async (at: number) => {
      now = at;
      await scheduler.triggerTask(SLO_COLLECTION_TASK_ID);
    };

    beforeAll(async () => {
      w = await warehouseFactories[0][1]();
      domain = `${w.id}-shop`;
      finance = `${w.id}-fin`;
      const orders = sloProduct(
        'orders',
        domain,
        threeSlos,
        'group:default/team-a',
      );
      // a port team-b will read: its readers are told of its breaches
      orders.spec.outputPorts = [
        { name: 'events', type: 'sql', dataset: 'events' },
      ];
      const products = [
        orders,
        sloProduct('ghost', domain, [threeSlos[0]], 'group:default/team-b'),
        sloProduct('invoices', finance, [threeSlos[0]], 'group:default/team-b'),
      ];
      await provision(w, products);
      await loadTable(w.adapter, eventsTable(w, 'invoices', finance), 5, T0);
      entities = [...org(), ...products];

      const knexes: Record<string, Knex> = {
        'data-mesh': await databases.init(databaseId),
        notifications: await databases.init(databaseId),
      };
      const backend = await startTestBackend({
        features: [
          dataMeshPlugin,
          import('@backstage/plugin-notifications-backend'),
          ...permissionTestFeatures,
          // the test owns the warehouse: the backend's shutdown must not close it
          testWarehouseServiceFactory(recordingAdapter(w.adapter).adapter),
          // records what the real notifications backend delivers, per user
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
                        title: notification.payload.title,
                        scope: notification.payload.scope,
                      });
                    },
                  });
                },
              });
            },
          }),
          topicSubscriber<SloBreachEvent>(SLO_BREACH_EVENT_TOPIC, event =>
            breachEvents.push(event),
          ),
          mockServices.rootConfig.factory({
            data: {
              app: { baseUrl: 'http://localhost:3000' },
              permission: { enabled: true },
              dataMesh: {
                slo: {
                  schedule: {
                    frequency: { minutes: 5 },
                    timeout: { minutes: 2 },
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
            // a fresh in-memory catalog per call, over whatever `entities` holds now
            factory: () =>
              new Proxy({} as any, {
                get(_target, prop) {
                  const client: any = new InMemoryCatalogClient({ entities });
                  const value = client[prop];
                  return typeof value === 'function'
                    ? value.bind(client)
                    : value;
                },
              }),
          }),
          createServiceFactory({
            service: coreServices.userInfo,
            deps: {},
            factory: () => ({
              async getUserInfo(credentials: any) {
                const ref = credentials.principal.userEntityRef;
                return {
                  userEntityRef: ref,
                  ownershipEntityRefs: [ref, ...(memberships[ref] ?? [])],
                };
              },
            }),
          }),
          createServiceFactory({
            service: dataMeshClockServiceRef,
            deps: {},
            factory: () => ({ now: () => now }),
          }),
          // the real mock scheduler, without its run-everything-on-startup hook:
          // the test triggers the collection task itself
          createServiceFactory({
            service: coreServices.scheduler,
            deps: {},
            factory: () => scheduler,
          }),
        ],
      });
      server = backend.server;
      stopBackend = () => backend.stop();
    }, 120_000);

    afterAll(async () => {
      await stopBackend?.();
      await w?.cleanup();
    }, 60_000);

    it('derives monitors from the catalog at startup', async () => {
      const res = await get('/products/default/orders/slos');
      expect(res.status).toBe(200);
      expect(res.body.entityRef).toBe('dataproduct:default/orders');
      expect(res.body.objectives).toEqual([
        expect.objectContaining({
          name: 'available',
          dimension: 'availability',
          objective: 'answers',
          table: `${
            eventsTable(w, 'orders', domain).database
          }.orders_output.events`,
          target: 0.8,
          window: '20d',
          slice: '1d',
          sli: null,
          status: 'no-data',
          total: 0,
          windowStart: null,
          windowEnd: null,
          alert: { state: 'ok' },
          history: [],
          latestObservations: [],
        }),
        expect.objectContaining({ name: 'fresh', maxAge: '26h' }),
        expect.objectContaining({ name: 'complete', tolerance: 0.05 }),
      ]);
      expect(
        (await get('/products/default/nope/slos')).body.objectives,
      ).toEqual([]);
      expect((await get('/products/default/bad%20name/slos')).status).toBe(400);
    });

    it('collects on the scheduler and serves SLIs, history and the fleet summary', async () => {
      // team-b reads orders from the start (carol asked, alice approved)
      const asked = await request(server)
        .post('/api/data-mesh/access-requests')
        .set('Authorization', carol)
        .send({
          product: 'orders',
          outputPort: 'events',
          consumer: 'group:default/team-b',
          purpose: 'invoice matching',
        });
      expect([asked.status, asked.body.error?.message]).toEqual([
        201,
        undefined,
      ]);
      const approved = await request(server)
        .post(`/api/data-mesh/access-requests/${asked.body.id}/approve`)
        .set('Authorization', alice)
        .send({});
      expect(approved.status).toBe(200);
      const table = eventsTable(w, 'orders', domain);
      // refreshes at 03:00: 100 rows, 110, then only 50, then none
      const loads: Record<number, number> = { 0: 100, 1: 110, 2: 50 };
      for (let day = 0; day < 4; day++) {
        for (const hour of [0, 6, 12, 18]) {
          if (hour === 6 && loads[day] !== undefined) {
            await loadTable(w.adapter, table, loads[day], T0 + day * D + 3 * H);
          }
          if (day === 0 && hour === 0) continue;
          await collect(T0 + day * D + hour * H + 5 * MIN);
        }
      }
      now = T0 + 3 * D + 20 * H;
      const res = await get('/products/default/orders/slos?observations=2');
      expect(res.status).toBe(200);
      expect(res.body.evaluatedAt).toBe(new Date(now).toISOString());
      const [available, fresh, complete] = res.body.objectives;
      // day 3 still pending for availability: days 0..2 count
      expect(available).toMatchObject({
        status: 'ok',
        sli: 1,
        good: 3,
        total: 3,
        windowStart: new Date(T0).toISOString(),
        windowEnd: new Date(T0 + 3 * D).toISOString(),
      });
      expect(available.history.map((h: any) => h.status)).toEqual([
        'good',
        'good',
        'good',
        'pending',
      ]);
      expect(available.history[1]).toEqual({
        start: new Date(T0 + D).toISOString(),
        end: new Date(T0 + 2 * D).toISOString(),
        good: 4,
        total: 4,
        status: 'good',
        rowCount: 110,
        lastAltered: new Date(T0 + D + 3 * H).toISOString(),
      });
      // stale since day 3 06:05: day 3 counts, 3 good of 4
      expect(fresh).toMatchObject({
        status: 'breaching',
        sli: 0.75,
        good: 3,
        bad: 1,
        noData: 0,
        total: 4,
        errorBudget: {
          allowedBad: 0.8,
          bad: 1,
          remaining: -0.25,
          exhausted: true,
        },
        burnRate: { window: 1.25, recent: 5, recentSlices: 1 },
        alert: {
          state: 'breaching',
          since: new Date(T0 + 3 * D + 6 * H + 5 * MIN).toISOString(),
        },
      });
      expect(fresh.latestObservations).toEqual([
        {
          observedAt: new Date(T0 + 3 * D + 18 * H + 5 * MIN).toISOString(),
          source: 'collector',
          exists: true,
          rowCount: 50,
          lastAltered: new Date(T0 + 2 * D + 3 * H).toISOString(),
          bytes: expect.any(Number),
          passed: false,
          reason:
            'last loaded 1d 15h ago, more than the 1d 2h promised; measured on the load-timestamp column',
          // PostgreSQL: the age is that of the load-timestamp column
          details: { freshnessSource: 'loaded_at' },
        },
        expect.objectContaining({
          observedAt: new Date(T0 + 3 * D + 12 * H + 5 * MIN).toISOString(),
        }),
      ]);
      expect(complete).toMatchObject({ status: 'breaching', sli: 0.5 });

      // worst first: ghost (budget 1 − 4/0.8 = −4), orders (−1.5), invoices (ok)
      const fleet = await get('/slos');
      expect(fleet.status).toBe(200);
      expect(fleet.body.counts).toEqual({ ok: 1, breaching: 2, noData: 0 });
      expect(
        fleet.body.items.map((i: any) => [i.name, i.status, i.minErrorBudget]),
      ).toEqual([
        ['ghost', 'breaching', -4],
        ['orders', 'breaching', -1.5],
        ['invoices', 'ok', 1],
      ]);
      expect(fleet.body.items[1]).toMatchObject({
        entityRef: 'dataproduct:default/orders',
        title: 'ORDERS',
        owner: 'group:default/team-a',
        domain: `domain:default/${domain}`,
        objectives: 3,
        breaching: 2,
        noData: 0,
        evaluatedAt: new Date(T0 + 3 * D + 18 * H + 5 * MIN).toISOString(),
      });
      const names = async (query: string, auth = alice) =>
        (await get(`/slos?${query}`, auth)).body.items.map((i: any) => i.name);
      expect(await names('owner=group:default/team-b')).toEqual([
        'ghost',
        'invoices',
      ]);
      expect(await names(`domain=domain:default/${finance}`)).toEqual([
        'invoices',
      ]);
      expect(await names('mine=true')).toEqual(['orders']);
      expect(await names('status=ok')).toEqual(['invoices']);
      expect(await names('limit=1&offset=1')).toEqual(['orders']);
      expect((await get('/slos?limit=0')).status).toBe(400);
    }, 120_000);

    it("notifies the owning group and the product's readers once per breach", async () => {
      const byScope = (scope: string) =>
        sent
          .filter(s => s.scope === scope)
          .map(s => s.user)
          .sort();
      // the access request's notifications aside
      const breaches = () =>
        sent.filter(s => s.scope?.startsWith('data-mesh:slo:'));
      // so far: orders/fresh and orders/complete (team-a: alice, bob), ghost (team-b: carol)
      expect(byScope('data-mesh:slo:dataproduct:default/orders:fresh')).toEqual(
        ['user:default/alice', 'user:default/bob'],
      );
      expect(
        byScope('data-mesh:slo:dataproduct:default/orders:complete'),
      ).toHaveLength(2);
      expect(
        byScope('data-mesh:slo:dataproduct:default/ghost:available'),
      ).toEqual(['user:default/carol']);
      // team-b reads orders: carol hears of both of its breaches, in words of a reader
      expect(
        byScope('data-mesh:slo:dataproduct:default/orders:fresh:read'),
      ).toEqual(['user:default/carol']);
      expect(
        byScope('data-mesh:slo:dataproduct:default/orders:complete:read'),
      ).toEqual(['user:default/carol']);
      expect(breaches()).toHaveLength(7);
      // one event per breach, as for the owners' notification
      const eventsOf = (state: SloBreachEvent['state']) =>
        breachEvents
          .filter(e => e.state === state)
          .map(e => `${e.product} ${e.objective.name}`)
          .sort();
      expect(eventsOf('breaching')).toEqual([
        'dataproduct:default/ghost available',
        'dataproduct:default/orders complete',
        'dataproduct:default/orders fresh',
      ]);
      expect(
        breachEvents.find(e => e.objective.name === 'fresh'),
      ).toMatchObject({
        productTitle: 'ORDERS',
        owner: 'group:default/team-a',
        objective: { dimension: 'freshness', window: expect.any(String) },
        link: '/catalog/default/dataproduct/orders/slos',
        reason: expect.stringMatching(/^last loaded .* ago, more than/),
      });
      expect(sent.find(s => s.scope?.endsWith('orders:fresh'))?.title).toBe(
        'SLO breached: ORDERS — fresh',
      );
      expect(
        sent.find(s => s.scope?.endsWith('orders:fresh:read'))?.title,
      ).toBe('A data product you read breached its SLO: ORDERS — fresh');

      // the notifications backend holds them for alice
      const inbox = await request(server)
        .get('/api/notifications/notifications')
        .set('Authorization', alice);
      expect(inbox.status).toBe(200);
      expect(
        inbox.body.notifications
          .map((n: any) => n.payload.scope)
          .filter((scope: string) => scope.startsWith('data-mesh:slo:'))
          .sort(),
      ).toEqual([
        'data-mesh:slo:dataproduct:default/orders:complete',
        'data-mesh:slo:dataproduct:default/orders:fresh',
      ]);

      // refreshes at 20:00 on days 3 and 4: fresh all day 4; at day 5 00:05
      // days 0..4 count with one bad: 4/5 = 0.8 meets the target, the breach ends
      const table = eventsTable(w, 'orders', domain);
      await loadTable(w.adapter, table, 120, T0 + 3 * D + 20 * H);
      for (const hour of [21, 22, 23]) await collect(T0 + 3 * D + hour * H);
      await loadTable(w.adapter, table, 120, T0 + 4 * D + 20 * H);
      for (const hour of [0, 6, 12, 18, 23])
        await collect(T0 + 4 * D + hour * H + 5 * MIN);
      expect(breaches()).toHaveLength(7); // still breaching: no repeat
      await collect(T0 + 5 * D + 5 * MIN);
      const recovered = (await get('/products/default/orders/slos')).body
        .objectives[1];
      expect(recovered).toMatchObject({
        name: 'fresh',
        status: 'ok',
        sli: 0.8,
        alert: { state: 'ok' },
      });
      // the end of the breach is told to whom its start was, in its place
      expect(breaches()).toHaveLength(10);
      expect(eventsOf('recovered')).toEqual([
        'dataproduct:default/orders fresh',
      ]);
      expect(eventsOf('breaching')).toHaveLength(3); // not again
      expect(
        sent
          .slice(-3)
          .map(s => [s.user, s.title])
          .sort(),
      ).toEqual([
        ['user:default/alice', 'SLO recovered: ORDERS — fresh'],
        ['user:default/bob', 'SLO recovered: ORDERS — fresh'],
        [
          'user:default/carol',
          'A data product you read recovered its SLO: ORDERS — fresh',
        ],
      ]);

      // no refresh after day 4 20:00: stale from day 5 22:00, a new breach
      await collect(T0 + 5 * D + 12 * H);
      await collect(T0 + 5 * D + 22 * H + 5 * MIN);
      await collect(T0 + 5 * D + 23 * H);
      expect(
        byScope('data-mesh:slo:dataproduct:default/orders:fresh'),
      ).toHaveLength(6);
      expect(breaches()).toHaveLength(13);
      expect(sent.at(-1)!.title).toMatch(/breached its SLO: ORDERS — fresh$/);

      // team-c is granted access during the breach: dave hears of it as
      // carol did when it began, and carol (a reader already) not again
      const asked = await request(server)
        .post('/api/data-mesh/access-requests')
        .set('Authorization', dave)
        .send({
          product: 'orders',
          outputPort: 'events',
          consumer: 'group:default/team-c',
          purpose: 'late-delivery report',
        });
      expect(asked.status).toBe(201);
      expect(breaches()).toHaveLength(13); // asking is not reading
      const approved = await request(server)
        .post(`/api/data-mesh/access-requests/${asked.body.id}/approve`)
        .set('Authorization', alice)
        .send({});
      expect(approved.status).toBe(200);
      const breaching = (
        await get('/products/default/orders/slos')
      ).body.objectives
        .filter((o: any) => o.alert?.state === 'breaching')
        .map(
          (o: any) => `data-mesh:slo:dataproduct:default/orders:${o.name}:read`,
        )
        .sort();
      expect(breaching).toContain(
        'data-mesh:slo:dataproduct:default/orders:fresh:read',
      );
      const toDave = breaches().slice(13);
      expect(toDave.map(s => s.user)).toEqual(
        breaching.map(() => 'user:default/dave'),
      );
      expect(toDave.map(s => s.scope).sort()).toEqual(breaching);
      expect(
        toDave.find(s => s.scope?.endsWith('orders:fresh:read'))?.title,
      ).toBe('A data product you read breached its SLO: ORDERS — fresh');
    }, 120_000);

    it('accepts results pushed by owners and services, and only them', async () => {
      now = T0 + 5 * D + 23 * H + 30 * MIN;
      const push = (body: unknown, auth: string, product = 'invoices') =>
        request(server)
          .post(`/api/data-mesh/products/default/${product}/observations`)
          .set('Authorization', auth)
          .send(body as object);

      expect(
        (
          await push(
            { dimension: 'availability', passed: true },
            mockCredentials.none.header(),
          )
        ).status,
      ).toBe(401);
      const forbidden = await push(
        { dimension: 'availability', passed: true },
        dave,
      );
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error.message).toBe(
        'user:default/dave may not report results for dataproduct:default/invoices: only its owner (group:default/team-b) or a service may',
      );
      // decided by the permission policy: owning another product is not enough
      expect(
        (await push({ dimension: 'availability', passed: true }, alice)).status,
      ).toBe(403);
      expect((await push({ passed: true }, carol)).status).toBe(400);
      expect(
        (await push({ slo: 'available', passed: 'yes' }, carol)).status,
      ).toBe(400);
      expect(
        (await push({ slo: 'nope', passed: true }, carol)).body.error.message,
      ).toMatch(
        /has no objective named 'nope'; its objectives are available \(availability\)/,
      );
      expect(
        (await push({ slo: 'available', passed: true }, carol, 'nope')).status,
      ).toBe(404);
      expect(
        (
          await push(
            {
              slo: 'available',
              passed: true,
              observedAt: new Date(now + H).toISOString(),
            },
            carol,
          )
        ).status,
      ).toBe(400);

      // a dbt test failure reported by the owner makes today's slice bad at once
      const ok = await push(
        {
          slo: 'available',
          passed: false,
          reason: 'dbt test not_null_invoices_id failed',
          details: { failures: 3 },
        },
        carol,
      );
      expect(ok.status).toBe(201);
      expect(ok.body).toEqual({
        accepted: [
          {
            slo: 'available',
            dimension: 'availability',
            observedAt: new Date(now).toISOString(),
            passed: false,
          },
        ],
        objectives: [
          { name: 'available', status: 'ok', sli: expect.any(Number) },
        ],
      });
      const byService = await push(
        [
          {
            dimension: 'availability',
            passed: true,
            observedAt: new Date(now - 10 * MIN).toISOString(),
          },
        ],
        mockCredentials.service.header(),
      );
      expect(byService.status).toBe(201);
      const view = (await get('/products/default/invoices/slos')).body
        .objectives[0];
      expect(view.latestObservations.slice(0, 2)).toEqual([
        {
          observedAt: new Date(now).toISOString(),
          source: 'push',
          reporter: 'user:default/carol',
          passed: false,
          reason: 'dbt test not_null_invoices_id failed',
          details: { failures: 3 },
        },
        expect.objectContaining({
          source: 'push',
          reporter: 'external:test-service',
          passed: true,
        }),
      ]);
      expect(view.history[view.history.length - 1]).toMatchObject({
        start: new Date(T0 + 5 * D).toISOString(),
        status: 'bad',
      });
    });

    it('drops the monitors of a product that leaves the catalog', async () => {
      entities = entities.filter(e => e.metadata.name !== 'ghost');
      await collect(T0 + 6 * D);
      expect(
        (await get('/products/default/ghost/slos')).body.objectives,
      ).toEqual([]);
      expect((await get('/slos')).body.items.map((i: any) => i.name)).toEqual([
        'orders',
        'invoices',
      ]);
    });
  },
);
