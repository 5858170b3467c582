/*
 * The data-quality cycle: which checks the scheduled run measures (a
 * check's own cron schedule, else the interval since its latest result),
 * and a product whose spec changes: its summary (what the home page and
 * the data products list read) follows its checks, and goes when the spec
 * drops them — also when only that product is measured (Measure now), not
 * just at the next run over every product.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { createPgliteWarehouseAdapter } from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
  type WarehouseAdapter,
  platformConfig,
} from '@datamesh/plugin-data-mesh-node';
import { createTestDatabases } from '../__testUtils__/databases';
import { product } from '../access/__testUtils__/testBackend';
import { isQualityCheckDue, runQualityCycle } from './collector';
import { QualityStore } from './QualityStore';

const databases = createTestDatabases();
const VISITS = 'dataproduct:default/visits';
const H = 3_600_000;
const D = 24 * H;

describe('isQualityCheckDue', () => {
  const daily = { metric: 'rowCount' as const, mustBeGreaterThan: 0 };
  const at20 = { ...daily, schedule: '0 20 * * *' };
  const now = Date.parse('2026-12-07T12:00:00Z');
  it('measures a check without a schedule once per interval, a little early allowed', () => {
    expect(isQualityCheckDue(daily, undefined, now, D)).toBe(true);
    expect(isQualityCheckDue(daily, now - D + 4 * 60_000, now, D)).toBe(true);
    expect(isQualityCheckDue(daily, now - 2 * H, now, D)).toBe(false);
    expect(isQualityCheckDue(daily, now - 2 * H, now, H)).toBe(true);
  });

  it('measures a check with its own cron schedule once it fired since its latest result', () => {
    // fired last on 6 December at 20:00 UTC
    const fired = Date.parse('2026-12-06T20:00:00Z');
    expect(isQualityCheckDue(at20, fired - H, now, D)).toBe(true);
    expect(isQualityCheckDue(at20, fired + 60_000, now, D)).toBe(false);
    expect(isQualityCheckDue(at20, undefined, now, D)).toBe(true);
    // another tool's schedule is not the portal's: the interval applies
    const airflow = { ...daily, scheduler: 'airflow', schedule: 'dq_dag' };
    expect(isQualityCheckDue(airflow, now - 2 * H, now, D)).toBe(false);
    expect(isQualityCheckDue(airflow, now - D, now, D)).toBe(true);
  });
});

describe.each(databases.eachSupportedId())('runQualityCycle on %s', id => {
  let warehouse: WarehouseAdapter;
  beforeAll(async () => {
    warehouse = await createPgliteWarehouseAdapter({ inMemory: true });
  });
  afterAll(() => warehouse?.close());

  it('forgets what a product left failing once its spec drops its checks', async () => {
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
      intervalMs: D,
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

  it('measures on schedule only what is due', async () => {
    const knex = await databases.init(id);
    const store = await QualityStore.create({ getClient: async () => knex });
    const visits = product(
      'visits',
      'group:default/clinical',
      'domain:default/care',
    );
    visits.spec.datasets![0].quality = [
      { metric: 'rowCount', mustBeGreaterThan: 0 },
      // every day at 20:00 UTC
      {
        name: 'evening',
        metric: 'rowCount',
        mustBeGreaterThan: 0,
        schedule: '0 20 * * *',
      },
    ];
    const options = {
      store,
      logger: mockServices.logger.mock(),
      platform: platformConfig(),
      getAdapter: async () => warehouse,
      listEntities: async () => [visits],
      clock: { now: () => 0 },
      retentionMs: 1e12,
      intervalMs: D,
    };
    const t0 = Date.parse('2026-12-07T12:00:00Z');
    const run = async (now: number) => {
      const r = await runQualityCycle(options, { now, dueOnly: true });
      return [r.checks, r.notDue];
    };
    const times = async () =>
      (await store.history(VISITS, t0)).map(r => [
        r.checkKey,
        new Date(r.checkedAt).toISOString().slice(5, 16),
      ]);
    // nothing measured yet: both
    expect(await run(t0)).toEqual([2, 0]);
    // an hour later: neither
    expect(await run(t0 + H)).toEqual([2, 2]);
    // after 20:00 the evening check, the other only after a day
    expect(await run(t0 + 9 * H)).toEqual([2, 1]);
    expect(await run(t0 + D)).toEqual([2, 1]);
    expect(await times()).toEqual([
      ['events:evening', '12-07T12:00'],
      ['events:evening', '12-07T21:00'],
      ['events:rowCount', '12-07T12:00'],
      ['events:rowCount', '12-08T12:00'],
    ]);
    // measure now measures everything
    expect(
      (await runQualityCycle(options, { now: t0 + D + H, products: [VISITS] }))
        .notDue,
    ).toBe(0);
  });
});
