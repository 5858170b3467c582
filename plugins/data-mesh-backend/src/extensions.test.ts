/*
 * Startup jobs of modules (dataMeshSloExtensionPoint) in a test backend:
 * the real plugin and its collection task, a real PGlite warehouse whose
 * stats queries are counted, an in-memory catalog and a scheduler the test
 * triggers. Live collection waits for every job, then runs at once; a job
 * that fails does not hold it back.
 */
import {
  createBackendModule,
  createServiceFactory,
  coreServices,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { testWarehouseServiceFactory } from '@datamesh/plugin-data-mesh-node/testUtils';
import {
  provision,
  recordingAdapter,
  sloProduct,
  warehouseFactories,
} from './__testUtils__/warehouse';
import { dataMeshSloExtensionPoint } from './extensions';
import { SLO_COLLECTION_TASK_ID, dataMeshPlugin } from './plugin';

async function until(condition: () => boolean, what: string) {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

describe('startup jobs of modules', () => {
  it('run before live collection, which then runs at once, also when a job fails', async () => {
    const w = await warehouseFactories[0][1]();
    const product = sloProduct('jobbed', `${w.id}-jobs`, [
      { name: 'available', dimension: 'availability', objective: 'answers' },
    ]);
    await provision(w, [product]);
    const { adapter, statsCalls } = recordingAdapter(w.adapter);
    const scheduler = mockServices.scheduler();
    let releaseJob: () => void = () => {};
    const jobHeld = new Promise<void>(resolve => {
      releaseJob = resolve;
    });
    const seen: string[][] = [];
    const jobs = createBackendModule({
      pluginId: 'data-mesh',
      moduleId: 'test-startup-jobs',
      register(reg) {
        reg.registerInit({
          deps: { slo: dataMeshSloExtensionPoint },
          async init({ slo }) {
            slo.addStartupJob(async () => {
              throw new Error('this job is broken');
            });
            slo.addStartupJob(async context => {
              const entities = await context.listEntities();
              seen.push(entities.map(e => e.metadata.name));
              await jobHeld;
            });
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        dataMeshPlugin,
        jobs,
        import('@backstage/plugin-notifications-backend'),
        mockServices.rootConfig.factory({
          data: { app: { baseUrl: 'http://localhost:3000' } },
        }),
        // the test owns the warehouse: the backend's shutdown must not close it
        testWarehouseServiceFactory(adapter),
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () =>
            new InMemoryCatalogClient({ entities: [product] }) as any,
        }),
        createServiceFactory({
          service: coreServices.scheduler,
          deps: {},
          factory: () => scheduler,
        }),
      ],
    });
    try {
      // the jobs started once the backend was up, with the catalog's products
      await until(() => seen.length === 1, 'the held job');
      expect(seen).toEqual([['jobbed']]);

      await scheduler.triggerTask(SLO_COLLECTION_TASK_ID);
      expect(statsCalls).toEqual([]);

      releaseJob();
      await until(() => statsCalls.length > 0, 'the collection after the jobs');
      expect(statsCalls[0].tables).toBe(1);
    } finally {
      await backend.stop();
      await w.cleanup();
    }
  }, 60_000);
});
