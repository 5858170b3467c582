/*
 * The example mesh, end to end below the plugin: the real example products
 * (read from examples/ as the catalog reads them), the real activity
 * profile (examples/warehouse/activity.yaml), PGlite in a temporary
 * directory through the shared adapter, the real collector and SloStore on
 * SQLite (and PostgreSQL when TestDatabases finds one). Nine days are
 * replayed, ending on Friday 17 January 2025, 10:10 UTC: Saturday 11 and
 * Sunday 12 are weekend days (ehr-encounters misses its refreshes), Tuesday
 * 14 is a volume-drop day for patient-encounter-history.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import {
  DEFAULT_SLO_DEFAULTS,
  formatIssue,
} from '@datamesh/plugin-data-mesh-common';
import {
  type PlatformConfig,
  planProducts,
  platformConfig,
} from '@datamesh/plugin-data-mesh-node';
import {
  type PostgresWarehouseAdapter,
  createPgliteWarehouseAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import { createTestDatabases } from './__testUtils__/databases';
import {
  SloStore,
  createSloCollector,
  evaluateMonitors,
} from '@datamesh/plugin-data-mesh-backend/alpha';
import { backfillExampleHistory } from './activity';
import { readDataProductsOfLocation } from './files';
import { loadActivityProfile } from './setup';
import { ExampleWarehouse } from './warehouse';

const H = 60 * 60_000;
const D = 24 * H;
const NOW = Date.UTC(2025, 0, 17, 10, 10); // a Friday
const WINDOW = 9 * D; // from Wednesday 8 January, 10:10
const day = (d: number) => new Date(Date.UTC(2025, 0, d)).toISOString();

const EXAMPLES = path.resolve(__dirname, '../../../examples');
const { entities, issues } = readDataProductsOfLocation(
  path.join(EXAMPLES, 'locations.yaml'),
);
const profile = loadActivityProfile(
  path.join(EXAMPLES, 'warehouse/activity.yaml'),
);
// the embedded default's naming (app-config.yaml), which fits PGlite's 63 characters
const platform: PlatformConfig = platformConfig({
  organization: 'eh',
  layers: { intermediate: 'interim' },
});

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'the example mesh with the SLO store on %s',
  databaseId => {
    let dir: string;
    let adapter: PostgresWarehouseAdapter;
    let store: SloStore;
    let warehouse: ExampleWarehouse;
    const logger = mockServices.logger.mock();
    let now = NOW;

    const collectorOn = (s: SloStore) =>
      createSloCollector({
        store: s,
        logger,
        platform,
        defaults: { ...DEFAULT_SLO_DEFAULTS },
        recentSlices: 1,
        retentionMs: 30 * D,
        observationRetentionMs: 7 * D,
        removedGraceMs: D,
        getAdapter: async () => adapter,
      });

    async function startup() {
      const prepared = await warehouse.prepare(entities);
      await collectorOn(store).syncMonitors(entities, { now });
      const backfill = await backfillExampleHistory({
        warehouse,
        products: prepared.products,
        store,
        createCollector: collectorOn,
        now: () => now,
        windowMs: WINDOW,
        stepMs: H,
        logger,
      });
      return { prepared, backfill };
    }

    async function objective(product: string, slo: string) {
      const monitor = (
        await store.listMonitors({
          entityRef: `dataproduct:default/${product}`,
        })
      ).find(m => m.sloName === slo);
      if (!monitor) throw new Error(`no monitor ${product} ${slo}`);
      const evaluation = (
        await evaluateMonitors(store, [monitor], { now, recentSlices: 1 })
      ).get(monitor.id)!;
      const slices = await store.slices([monitor.id], evaluation.plan.start);
      const bad = slices
        .filter(
          s =>
            s.start < evaluation.plan.end &&
            !(s.checks > 0 && s.passed >= s.checks),
        )
        .map(s => new Date(s.start).toISOString());
      return { monitor, evaluation, slices, bad };
    }

    const rowCount = async (table: string) =>
      Number(
        (
          await adapter.connection.query<{ n: string }>(
            `select count(*)::text as n from ${table}`,
          )
        )[0].n,
      );

    beforeAll(async () => {
      if (issues.length > 0)
        throw new Error(issues.map(formatIssue).join('\n'));
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datamesh-examples-'));
      adapter = await createPgliteWarehouseAdapter({
        dataDir: path.join(dir, 'warehouse'),
      });
      const knex = await databases.init(databaseId);
      store = await SloStore.create({ getClient: async () => knex });
      warehouse = new ExampleWarehouse({ adapter, platform, profile, logger });
    }, 120_000);

    afterAll(async () => {
      await adapter?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('provisions every example product and replays nine days through the collector', async () => {
      // the event loop turns during the replay, so the backend keeps answering
      let turns = 0;
      let polling = true;
      const poll = () => {
        if (!polling) return;
        turns++;
        setImmediate(poll);
      };
      setImmediate(poll);
      const { prepared, backfill } = await startup();
      polling = false;
      expect(turns).toBeGreaterThanOrEqual(backfill.ticks);
      expect(prepared.problems).toEqual([]);
      expect(prepared.products.map(p => p.entityRef).sort()).toEqual(
        entities.map(e => `dataproduct:default/${e.metadata.name}`).sort(),
      );
      // hourly ticks at hh:30 from Wednesday 10:30 to Friday 09:30, then one at 10:10
      expect(backfill.ticks).toBe(9 * 24 + 1);
      expect(backfill.from).toBe(Date.UTC(2025, 0, 8, 10, 30));
      expect(backfill.to).toBe(NOW);
      expect(backfill.errors).toEqual([]);
    }, 300_000);

    it('fails the freshness of ehr-encounters on the weekend it missed its refreshes', async () => {
      const { evaluation, bad, slices } = await objective(
        'ehr-encounters',
        'data-is-refreshed-daily',
      );
      expect(bad).toEqual([day(11), day(12)]);
      expect(evaluation.status).toBe('breaching');
      expect(evaluation.total).toBe(9);
      expect(evaluation.good).toBe(7);
      // the chart's reason: the last refresh stays at Friday 23:00 all weekend
      const sunday = slices.find(s => s.start === Date.UTC(2025, 0, 12))!;
      expect(sunday.lastAlteredAt).toBe(Date.UTC(2025, 0, 10, 23));
    });

    it('fails the completeness of patient-encounter-history after its Tuesday volume drop', async () => {
      const { evaluation, bad, slices } = await objective(
        'patient-encounter-history',
        'history-complete',
      );
      // Tuesday's load is short; the result holds until Wednesday's load at 05:00
      expect(bad).toEqual([day(14), day(15)]);
      expect(evaluation.status).toBe('breaching');
      const rows = (d: number) =>
        slices.find(s => s.start === Date.UTC(2025, 0, d))!.rowCount!;
      expect(rows(14)).toBeLessThan(rows(13) * 0.7);
      expect(rows(15)).toBeGreaterThan(rows(14) / 0.7);
    });

    it('keeps every other objective ok, and every hourly slice observed', async () => {
      const failing = [
        'ehr-encounters/data-is-refreshed-daily',
        'patient-encounter-history/history-complete',
      ];
      const monitors = await store.listMonitors();
      expect(monitors.length).toBeGreaterThan(20);
      expect(monitors.filter(m => m.problem)).toEqual([]);
      const evaluations = await evaluateMonitors(store, monitors, {
        now,
        recentSlices: 1,
      });
      const statuses = Object.fromEntries(
        monitors.map(m => [
          `${m.name}/${m.sloName}`,
          evaluations.get(m.id)!.status,
        ]),
      );
      for (const [key, status] of Object.entries(statuses)) {
        expect([key, status]).toEqual([
          key,
          failing.includes(key) ? 'breaching' : 'ok',
        ]);
      }
      const { evaluation } = await objective(
        'claims-by-provider',
        'aggregate-available',
      );
      expect(evaluation.total).toBe(9 * 24);
      expect(evaluation.good).toBe(9 * 24);
    });

    it('writes the tables as a pipeline would: as the service role, readable by the consumer, with metadata columns', async () => {
      const { desired } = await planProducts(
        entities.filter(e => e.metadata.name === 'claims-by-provider'),
        platform,
        adapter,
      );
      const p = desired!.products[0];
      const table = adapter.dialect.qualifiedTable(
        { database: p.database, schema: p.outputSchema },
        'provider_monthly_claims',
      );
      const [meta] = await adapter.connection.query<{
        owner: string;
        loaded: string;
        record_type: string;
        source_system: string;
      }>(
        `select tableowner as owner,
                (select max(loaded_at)::text from ${table}) as loaded,
                (select min(record_type) from ${table}) as record_type,
                (select min(source_system) from ${table}) as source_system
         from pg_tables where schemaname = $1 and tablename = $2`,
        [`${p.database}__${p.outputSchema}`, 'provider_monthly_claims'],
      );
      expect(meta.owner).toBe(p.roles.service);
      // daily at 07:00: Friday's load
      expect(new Date(meta.loaded).getTime()).toBe(Date.UTC(2025, 0, 17, 7));
      expect(meta.record_type).toBe('provider_monthly_claims');
      expect(meta.source_system).toBe('claims-transactions');
      const [read] = await adapter.connection.queryAs<{ n: string }>(
        p.roles.consumer,
        `select count(*)::text as n from ${table}`,
      );
      expect(Number(read.n)).toBeGreaterThan(500);
      await expect(
        adapter.connection.queryAs(p.roles.consumer, `delete from ${table}`),
      ).rejects.toThrow(/permission denied/);
    });

    it('does nothing twice: a restart plans, creates and replays nothing', async () => {
      const { monitor } = await objective(
        'ehr-encounters',
        'data-is-available-hourly',
      );
      const before = await store.slices([monitor.id], 0);
      const encounters = adapter.dialect.qualifiedTable(
        { database: 'eh_clinical_care_dev', schema: 'ehr_encounters_output' },
        'encounters',
      );
      const rowsBefore = await rowCount(encounters);

      const { prepared, backfill } = await startup();
      expect(prepared.applied).toBe(0);
      expect(prepared.problems).toEqual([]);
      expect(backfill.skipped).toBe('the example history is up to date');
      expect(backfill.ticks).toBe(0);
      expect(await store.slices([monitor.id], 0)).toEqual(before);
      expect(await rowCount(encounters)).toBe(rowsBefore);
      // one check per replayed hour, never two
      expect(before.every(s => s.checks === 1)).toBe(true);
    }, 300_000);

    it('catches up after a stop, from where the history ends', async () => {
      now = NOW + 5 * H; // Friday 15:10
      const { backfill } = await startup();
      // 10:30 … 14:30, then 15:10
      expect(backfill.ticks).toBe(6);
      expect(backfill.from).toBe(Date.UTC(2025, 0, 17, 10, 30));
      const { slices } = await objective(
        'ehr-encounters',
        'data-is-available-hourly',
      );
      const friday = slices.filter(s => s.start >= Date.UTC(2025, 0, 17));
      expect(
        friday.map(s => [new Date(s.start).getUTCHours(), s.checks]),
      ).toEqual([...Array(16).keys()].map(h => [h, h === 10 ? 2 : 1]));
    }, 300_000);

    it('replays afresh into a new SLO store, rewinding the tables it finds loaded', async () => {
      // the SLO history deleted, the warehouse kept (its tables loaded up to now)
      const knex = await databases.init(databaseId);
      store = await SloStore.create({ getClient: async () => knex });
      const { backfill } = await startup();
      expect(backfill.from).toBe(Date.UTC(2025, 0, 8, 15, 30));
      expect(backfill.ticks).toBe(9 * 24 + 1);
      expect(
        (await objective('ehr-encounters', 'data-is-refreshed-daily')).bad,
      ).toEqual([day(11), day(12)]);
      expect(
        (await objective('patient-encounter-history', 'history-complete')).bad,
      ).toEqual([day(14), day(15)]);
    }, 300_000);
  },
);
