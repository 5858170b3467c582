/*
 * The data-quality cycle over a product whose spec changes: its summary
 * (what the home page and the data products list read) follows its
 * checks, and goes when the spec drops them — also when only that product
 * is measured (Measure now), not just at the next run over every product.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { createPgliteWarehouseAdapter } from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
  type WarehouseAdapter,
  platformConfig,
} from '@datamesh/plugin-data-mesh-node';
import { createTestDatabases } from '../__testUtils__/databases';
import { product } from '../access/__testUtils__/testBackend';
import { runQualityCycle } from './collector';
import { QualityStore } from './QualityStore';

const databases = createTestDatabases();
const VISITS = 'dataproduct:default/visits';

describe.each(databases.eachSupportedId())('runQualityCycle on %s', id => {
  let warehouse: WarehouseAdapter;
  afterAll(() => warehouse?.close());

  it('forgets what a product left failing once its spec drops its checks', async () => {
    warehouse = await createPgliteWarehouseAdapter({ inMemory: true });
    const knex = await databases.init(id);
    const store = await QualityStore.create({ getClient: async () => knex });
    const visits = product(
      'visits',
      'group:default/clinical',
      'domain:default/care',
    );
    // no table yet: the check cannot be measured, which counts as failing
    visits.spec.datasets![0].quality = [
      { metric: 'rowCount', mustBeGreaterThan: 0 },
    ];
    let entities = [visits];
    const options = {
      store,
      logger: mockServices.logger.mock(),
      platform: platformConfig(),
      getAdapter: async () => warehouse,
      listEntities: async () => entities,
      clock: { now: () => 1_000 },
      retentionMs: 1e12,
    };
    const measured = await runQualityCycle(options, { products: [VISITS] });
    expect(measured).toMatchObject({ products: 1, checks: 1, measured: 0 });
    expect(await store.failingOwnedBy(['group:default/clinical'])).toEqual([
      {
        product: VISITS,
        owner: 'group:default/clinical',
        checkedAt: 1_000,
        checks: 1,
        failing: ['events:rowCount'],
        warnings: [],
      },
    ]);

    // the next spec declares no checks; its owners measure it now
    entities = [{ ...visits, spec: { ...visits.spec, datasets: [] } }];
    const none = await runQualityCycle(options, { products: [VISITS] });
    expect(none).toMatchObject({ products: 0, checks: 0 });
    expect(await store.failingOwnedBy(['group:default/clinical'])).toEqual([]);
    expect(await store.summaries()).toEqual([]);
  });
});
