/*
 * `GET /changes` in a test backend on SQLite and PostgreSQL: the Changes
 * timeline assembled as plugin.ts does it (migrations, the scheduled
 * reconcile, the router behind Backstage's auth and error handling), fed
 * by a catalog that serves a product at two versions.
 */
import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import { toCatalogForm } from '@datamesh/plugin-data-mesh-common';
import { DATA_PRODUCT_PROCESSED_TOPIC } from '@datamesh/plugin-data-mesh-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { T0, fakeCatalog, visits } from './__testUtils__/fixtures';
import { CHANGES_RECONCILE_TASK_ID, setupProductChanges } from '.';

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('GET /changes on %s', id => {
  const catalog = fakeCatalog();
  const scheduler = mockServices.scheduler();
  const sent: unknown[] = [];
  const events = DefaultEventsService.create({
    logger: mockServices.logger.mock(),
  });
  let now = T0;
  let server: any;
  let stop: () => Promise<void>;
  const alice = mockCredentials.user.header('user:default/alice');

  beforeAll(async () => {
    const knex = await databases.init(id);
    // the plugin's Changes part alone, wired like plugin.ts wires it
    const changesOnly = createBackendPlugin({
      pluginId: 'data-mesh',
      register(env) {
        env.registerInit({
          deps: {
            config: coreServices.rootConfig,
            logger: coreServices.logger,
            database: coreServices.database,
            scheduler: coreServices.scheduler,
            httpRouter: coreServices.httpRouter,
            httpAuth: coreServices.httpAuth,
            auth: coreServices.auth,
            catalog: catalogServiceRef,
            notifications: notificationService,
            events: eventsServiceRef,
          },
          async init(deps) {
            deps.httpRouter.use(
              await setupProductChanges({ ...deps, clock: { now: () => now } }),
            );
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        changesOnly,
        createServiceFactory({
          service: coreServices.database,
          deps: {},
          factory: () => ({ getClient: async () => knex }),
        }),
        createServiceFactory({
          service: coreServices.scheduler,
          deps: {},
          factory: () => scheduler,
        }),
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => catalog,
        }),
        createServiceFactory({
          service: eventsServiceRef,
          deps: {},
          factory: () => events,
        }),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ send: async (n: unknown) => void sent.push(n) }),
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
  });

  const get = (query: string, auth = alice) =>
    request(server)
      .get(`/api/data-mesh/changes${query}`)
      .set('Authorization', auth);

  it('serves the timeline the reconcile recorded, newest first', async () => {
    catalog.set(visits('1.0.0'));
    await scheduler.triggerTask(CHANGES_RECONCILE_TASK_ID);
    now += 60_000;
    catalog.set(visits('2.0.0', ['visit_id', 'ward']));
    await scheduler.triggerTask(CHANGES_RECONCILE_TASK_ID);

    // the short and the full ref name the same product
    for (const product of ['visits', 'dataproduct:default/visits']) {
      const res = await get(`?product=${encodeURIComponent(product)}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        product: 'dataproduct:default/visits',
        items: [
          {
            revision: 2,
            version: '2.0.0',
            previousVersion: '1.0.0',
            ingestedAt: new Date(T0 + 60_000).toISOString(),
            initial: false,
            breaking: true,
            versionCheck: {
              ok: true,
              message:
                '1 breaking change with a major version bump (1.0.0 → 2.0.0)',
            },
            changes: [
              {
                kind: 'breaking',
                code: 'column-removed',
                path: 'datasets.visits.columns.beds',
                message:
                  "column 'visits.beds' was removed: consumers selecting it fail",
              },
            ],
            // nobody has active access: nobody was told, but it is settled
            notified: {
              at: new Date(T0 + 60_000).toISOString(),
              recipients: 0,
            },
          },
          {
            revision: 1,
            version: '1.0.0',
            ingestedAt: new Date(T0).toISOString(),
            initial: true,
            breaking: false,
            versionCheck: { ok: true, message: 'the first revision seen' },
            changes: [],
          },
        ],
      });
    }
    expect(sent).toEqual([]);
  });

  it('records a product the catalog has just processed at once, without waiting for a cycle', async () => {
    now += 60_000;
    const pushed = visits('3.0.0', ['visit_id']);
    await events.publish({
      topic: DATA_PRODUCT_PROCESSED_TOPIC,
      eventPayload: {
        entityRef: 'dataproduct:default/visits',
        entity: toCatalogForm(pushed),
      },
    });
    const res = await get('?product=visits');
    expect(res.body.items.map((i: any) => [i.revision, i.version])).toEqual([
      [3, '3.0.0'],
      [2, '2.0.0'],
      [1, '1.0.0'],
    ]);
    expect(res.body.items[0].changes.map((c: any) => c.path)).toEqual([
      'datasets.visits.columns.ward',
    ]);
    // the catalog then serves the same product: the cycle finds nothing new
    catalog.set(pushed);
    await scheduler.triggerTask(CHANGES_RECONCILE_TASK_ID);
    expect((await get('?product=visits')).body.items).toHaveLength(3);
  });

  it('serves when each product last changed, in one request, only products the caller may read', async () => {
    // visits is at revision 3 (the processed event above); beds appears now
    now += 60_000;
    const seenAt = now;
    const beds = visits('0.1.0');
    beds.metadata = { ...beds.metadata, name: 'beds', title: 'Beds' };
    catalog.set(visits('3.0.0', ['visit_id']), beds);
    await scheduler.triggerTask(CHANGES_RECONCILE_TASK_ID);
    const latest = await request(server)
      .get('/api/data-mesh/changes/latest')
      .set('Authorization', alice);
    expect(latest.status).toBe(200);
    expect(latest.body).toEqual({
      items: [
        {
          product: 'dataproduct:default/beds',
          revision: 1,
          version: '0.1.0',
          ingestedAt: new Date(seenAt).toISOString(),
        },
        {
          product: 'dataproduct:default/visits',
          revision: 3,
          version: '3.0.0',
          ingestedAt: new Date(seenAt - 60_000).toISOString(),
        },
      ],
    });
    // the catalog decides who reads what: bob may not read beds
    catalog.hide('user:default/bob', 'dataproduct:default/beds');
    const bob = await request(server)
      .get('/api/data-mesh/changes/latest')
      .set('Authorization', mockCredentials.user.header('user:default/bob'));
    expect(bob.body.items.map((i: any) => i.product)).toEqual([
      'dataproduct:default/visits',
    ]);
    // a product no longer in the catalog keeps its history, but is not listed
    catalog.set(beds);
    const gone = await request(server)
      .get('/api/data-mesh/changes/latest')
      .set('Authorization', alice);
    expect(gone.body.items.map((i: any) => i.product)).toEqual([
      'dataproduct:default/beds',
    ]);
    const anonymous = await request(server)
      .get('/api/data-mesh/changes/latest')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });

  it('refuses bad references, unknown products and callers without credentials', async () => {
    const missing = await get('');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/^Invalid query: product: /);
    const group = await get('?product=group:default/team');
    expect(group.status).toBe(400);
    expect(group.body.error.message).toBe(
      "product: 'group:default/team' is not a data product reference",
    );
    const unknown = await get('?product=nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      'no data product dataproduct:default/nope',
    );
    const anonymous = await get(
      '?product=visits',
      mockCredentials.none.header(),
    );
    expect(anonymous.status).toBe(401);
  });
});
