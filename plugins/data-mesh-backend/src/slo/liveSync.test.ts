/*
 * Live monitor sync with real parts: the in-process events service the
 * backend uses, the real store on SQLite, the real collector against PGlite,
 * and the catalog's own in-memory test catalog for the product count.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DefaultEventsService } from '@backstage/plugin-events-node';
import {
  DEFAULT_SLO_DEFAULTS,
  type DataProductEntityV1alpha1,
  toCatalogForm,
} from '@datamesh/plugin-data-mesh-common';
import { DATA_PRODUCT_PROCESSED_TOPIC } from '@datamesh/plugin-data-mesh-node';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  type TestWarehouse,
  eventsTable,
  loadTable,
  provision,
  sloProduct,
  warehouseFactories,
} from '../__testUtils__/warehouse';
import { createSloCollector } from './collector';
import { startLiveMonitorSync } from './liveSync';
import { SloStore } from './SloStore';

const databases = createTestDatabases();
const D = 24 * 60 * 60 * 1000;

const freshness = [
  {
    name: 'fresh',
    dimension: 'freshness' as const,
    objective: 'daily',
    maxAge: '26h',
  },
];

describe('SLO live sync', () => {
  let w: TestWarehouse;
  let store: SloStore;

  beforeAll(async () => {
    // PGlite: the first of the warehouses every collector test runs on
    w = await warehouseFactories[0][1]();
    const knex = await databases.init('SQLITE_3');
    store = await SloStore.create({ getClient: async () => knex });
  }, 120_000);

  afterAll(async () => {
    await w?.cleanup();
  }, 120_000);

  async function setup(catalogEntities: Entity[]) {
    const events = DefaultEventsService.create({
      logger: mockServices.logger.mock(),
    });
    const catalog = catalogServiceMock({ entities: catalogEntities });
    const collector = createSloCollector({
      store,
      logger: mockServices.logger.mock(),
      platform: w.platform,
      defaults: { ...DEFAULT_SLO_DEFAULTS },
      recentSlices: 1,
      retentionMs: 30 * D,
      removedGraceMs: D,
      getAdapter: async () => w.adapter,
    });
    const scheduled: string[] = [];
    const live = await startLiveMonitorSync({
      events,
      catalog,
      auth: mockServices.auth(),
      scheduler: {
        scheduleTask: async task => {
          scheduled.push(task.id);
        },
      },
      collector,
      listEntities: async () =>
        (
          await catalog.getEntities(
            { filter: { kind: 'DataProduct' } },
            {
              credentials: mockCredentials.service(),
            },
          )
        ).items as DataProductEntityV1alpha1[],
      logger: mockServices.logger.mock(),
      probeFrequency: { seconds: 5 },
      canObserve: () => true,
      batchDelayMs: 10_000, // the tests flush themselves
    });
    return { events, catalog, live, scheduled };
  }

  it('syncs, observes and evaluates a product announced by the catalog module, and no other', async () => {
    const domain = `${w.id}-live`;
    const product = sloProduct('live1', domain, freshness);
    const untouched = sloProduct('live2', domain, freshness);
    await provision(w, [product, untouched]);
    await loadTable(w.adapter, eventsTable(w, 'live1', domain), 5, Date.now());
    const { events, live, scheduled } = await setup([]);
    expect(scheduled).toEqual(['data-mesh-slo-catalog-probe']);

    // the other product's monitor exists from an earlier full sync
    await createSloCollector({
      store,
      logger: mockServices.logger.mock(),
      platform: w.platform,
      defaults: { ...DEFAULT_SLO_DEFAULTS },
      recentSlices: 1,
      retentionMs: 30 * D,
      removedGraceMs: D,
      getAdapter: async () => w.adapter,
    }).syncMonitors([untouched]);

    // the event carries the entity as the catalog stores it
    await events.publish({
      topic: DATA_PRODUCT_PROCESSED_TOPIC,
      eventPayload: {
        entityRef: 'dataproduct:default/live1',
        entity: toCatalogForm(product),
      },
    });
    expect(
      await store.listMonitors({ entityRef: 'dataproduct:default/live1' }),
    ).toEqual([]);
    await live.flush();

    const [monitor] = await store.listMonitors({
      entityRef: 'dataproduct:default/live1',
    });
    expect(monitor).toMatchObject({ sloName: 'fresh' });
    const observations = await store.latestObservations([monitor.id], 5);
    expect(observations.get(monitor.id)).toHaveLength(1);
    const statuses = await store.status.statuses([monitor.id]);
    expect(statuses.get(monitor.id)).toBeDefined();

    // the untouched product kept its monitor and got no observation
    const [other] = await store.listMonitors({
      entityRef: 'dataproduct:default/live2',
    });
    expect(other).toBeDefined();
    expect(
      (await store.latestObservations([other.id], 5)).get(other.id) ?? [],
    ).toEqual([]);
  });

  it('reconciles once when the catalog count differs, removing the monitors of products that are gone', async () => {
    const domain = `${w.id}-gone`;
    const keep = sloProduct('keep', domain, freshness);
    const gone = sloProduct('gone', domain, freshness);
    gone.metadata.uid = 'uid-of-gone';
    await provision(w, [keep, gone]);
    const { live, catalog } = await setup([keep, gone]);

    // first probe: this process knows of no product yet → full reconcile
    expect(await live.probe()).toBe(true);
    expect(
      await store.listMonitors({ entityRef: 'dataproduct:default/gone' }),
    ).toHaveLength(1);
    // nothing changed: a count, no reconcile
    expect(await live.probe()).toBe(false);

    await catalog.removeEntityByUid('uid-of-gone', {
      credentials: mockCredentials.service(),
    });
    expect(await live.probe()).toBe(true);
    expect(
      await store.listMonitors({ entityRef: 'dataproduct:default/gone' }),
    ).toEqual([]);
    expect(
      await store.listMonitors({ entityRef: 'dataproduct:default/keep' }),
    ).toHaveLength(1);
    expect(await live.probe()).toBe(false);
  });
});
