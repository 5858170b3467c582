/*
 * The collection cycle: sync monitors from the catalog, ask each warehouse
 * database once for the stats of all monitored tables, turn the stats into
 * check results, store them, evaluate, and notify breaches. Each step is a
 * named unit in ./collection; `runCollection` only composes them.
 *
 * Time comes from the caller (`runCollection({ now })`) or an injected
 * clock, never from `Date.now()` directly, so a backfill can replay days of
 * cycles through this same code with a simulated clock.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  DataProductEntityV1alpha1,
  SloDefaults,
} from '@datamesh/plugin-data-mesh-common';
import type {
  PlatformConfig,
  WarehouseAdapter,
} from '@datamesh/plugin-data-mesh-node';
import { handleBreaches } from './collection/alerts';
import {
  checkCompletenessOfUpdates,
  observationsFromStats,
} from './collection/checks';
import {
  errorMessage,
  queryTableStats,
  tablesByDatabase,
} from './collection/stats';
import { evaluateMonitors } from './evaluation';
import { monitorsFromEntity } from './monitors';
import type { MonitorRecord, SloStore, SyncReport } from './SloStore';
import type { BreachNotifier } from './notifications';

/** Source of time. @public */
export interface SloClock {
  /** Epoch milliseconds. */
  now(): number;
}

/** The system clock. @public */
export const systemClock: SloClock = { now: () => Date.now() };

/** @public */
export interface CollectionReport {
  now: number;
  /** Monitors with a table that were observed. */
  monitors: number;
  /** Distinct warehouse databases. */
  databases: number;
  /** `tableStats` calls made: one per database. */
  statsQueries: number;
  observations: number;
  /** Table updates detected (completeness). */
  updates: number;
  /** Breach notifications sent. */
  notified: number;
  /** Breaches that ended. */
  recovered: number;
  sync?: SyncReport;
  /** Problems that did not stop the cycle (catalog or warehouse unreachable, a failed notification). */
  errors: string[];
}

/** @public */
export interface SloCollectorOptions {
  store: SloStore;
  logger: LoggerService;
  platform: PlatformConfig;
  defaults: SloDefaults;
  /** Interval of the schedule, when fixed: objectives with shorter slices are reported as problems. */
  collectionIntervalMs?: number;
  recentSlices: number;
  retentionMs: number;
  /** Raw observations are kept this long (default: `retentionMs`); slices and updates for `retentionMs`. */
  observationRetentionMs?: number;
  removedGraceMs: number;
  /** The warehouse the tables live in; rejects when it cannot be opened. */
  getAdapter(): Promise<WarehouseAdapter>;
  /** DataProduct entities, for syncing monitors; omitted: monitors are only synced explicitly. */
  listEntities?(): Promise<DataProductEntityV1alpha1[]>;
  notifier?: BreachNotifier;
  clock?: SloClock;
}

/** @public */
export interface SloCollector {
  /** Derive monitors from these entities and store them (create, update, remove). */
  syncMonitors(
    entities: DataProductEntityV1alpha1[],
    options?: { now?: number },
  ): Promise<SyncReport>;
  /**
   * A live update of some products (new, changed or gone — `entityRefs`
   * names them, `entities` holds those that still exist): their monitors
   * are synced, observed once and evaluated, so a new objective shows a
   * first observation within seconds. Other products are not touched.
   * `observe: false` syncs only (while startup jobs still run).
   */
  refreshProducts(options: {
    entityRefs: string[];
    entities: DataProductEntityV1alpha1[];
    now?: number;
    observe?: boolean;
  }): Promise<CollectionReport>;
  /**
   * One cycle. `sync: false` skips reading the catalog (a backfill that
   * synced once). `notify: false` records breach state without sending.
   */
  runCollection(options?: {
    now?: number;
    sync?: boolean;
    notify?: boolean;
  }): Promise<CollectionReport>;
  /** Re-evaluate some monitors (e.g. after pushed results), store the result and handle breaches. */
  evaluate(options: {
    now?: number;
    monitors: MonitorRecord[];
    notify?: boolean;
  }): Promise<{ notified: number; recovered: number; errors: string[] }>;
}

/**
 * Build the collector. The plugin schedules `runCollection`; a backfill
 * command can call it directly with a simulated `now`.
 * @public
 */
export function createSloCollector(options: SloCollectorOptions): SloCollector {
  const { store, logger } = options;
  const clock = options.clock ?? systemClock;

  async function syncMonitors(
    entities: DataProductEntityV1alpha1[],
    opts: { now?: number; onlyEntityRefs?: string[] } = {},
  ): Promise<SyncReport> {
    const definitions = entities.flatMap(entity =>
      monitorsFromEntity(entity, {
        platform: options.platform,
        defaults: options.defaults,
        collectionIntervalMs: options.collectionIntervalMs,
      }),
    );
    const report = await store.syncMonitors(definitions, {
      now: opts.now ?? clock.now(),
      removedGraceMs: options.removedGraceMs,
      onlyEntityRefs: opts.onlyEntityRefs,
    });
    if (report.created || report.updated || report.removed || report.restored) {
      logger.info(
        `SLO monitors synced: ${report.created} created, ${report.updated} updated, ${report.removed} removed, ${report.restored} restored`,
      );
    }
    return report;
  }

  /** Evaluate, store the evaluations, and handle breaches of `scope` (all when undefined). */
  async function evaluate(opts: {
    now: number;
    monitors: MonitorRecord[];
    notify: boolean;
    scope?: number[];
  }) {
    const { now } = opts;
    const evaluations = await evaluateMonitors(store, opts.monitors, {
      now,
      recentSlices: options.recentSlices,
    });
    await store.status.saveEvaluations([...evaluations.values()], now);
    return handleBreaches({
      status: store.status,
      monitors: opts.monitors,
      now,
      notifier: opts.notify ? options.notifier : undefined,
      scope: opts.scope,
      logger,
    });
  }

  /** Monitors synced from the catalog; a catalog outage is not a data outage. */
  async function syncFromCatalog(now: number, report: CollectionReport) {
    if (!options.listEntities) return;
    try {
      report.sync = await syncMonitors(await options.listEntities(), { now });
    } catch (e) {
      const message = `monitors not synced, the catalog could not be read: ${errorMessage(
        e,
      )}`;
      report.errors.push(message);
      logger.warn(message);
    }
  }

  /** Stats of the measurable monitors' tables turned into stored check results. */
  async function observe(
    monitors: MonitorRecord[],
    now: number,
    report: CollectionReport,
  ) {
    const byDatabase = tablesByDatabase(monitors);
    report.databases = byDatabase.size;
    const { stats, queries, errors } = await queryTableStats({
      byDatabase,
      getAdapter: options.getAdapter,
      loadedAtColumn: options.platform.metadataColumns.loadedAt,
      logger,
    });
    report.statsQueries = queries;
    report.errors.push(...errors);
    const defaultTolerance = options.defaults.tolerance;
    const completeness = await checkCompletenessOfUpdates({
      store,
      monitors,
      stats,
      now,
      defaultTolerance,
    });
    const observations = observationsFromStats({
      monitors,
      stats,
      completeness: completeness.results,
      now,
      defaultTolerance,
    });
    await store.recordObservations(observations);
    await store.recordUpdates(completeness.updates);
    report.observations = observations.length;
    report.updates = completeness.updates.length;
  }

  function emptyReport(now: number): CollectionReport {
    return {
      now,
      monitors: 0,
      databases: 0,
      statsQueries: 0,
      observations: 0,
      updates: 0,
      notified: 0,
      recovered: 0,
      errors: [],
    };
  }

  async function refreshProducts(opts: {
    entityRefs: string[];
    entities: DataProductEntityV1alpha1[];
    now?: number;
    observe?: boolean;
  }): Promise<CollectionReport> {
    const now = opts.now ?? clock.now();
    const report = emptyReport(now);
    if (opts.entityRefs.length === 0) return report;
    report.sync = await syncMonitors(opts.entities, {
      now,
      onlyEntityRefs: opts.entityRefs,
    });
    if (opts.observe === false) return report;
    const monitors = await store.listMonitors({ entityRefs: opts.entityRefs });
    const measurable = monitors.filter(m => m.table && !m.problem);
    report.monitors = measurable.length;
    await observe(measurable, now, report);
    const alerts = await evaluate({
      now,
      monitors,
      notify: true,
      scope: monitors.map(m => m.id),
    });
    report.notified = alerts.notified;
    report.recovered = alerts.recovered;
    report.errors.push(...alerts.errors);
    return report;
  }

  async function runCollection(
    opts: { now?: number; sync?: boolean; notify?: boolean } = {},
  ): Promise<CollectionReport> {
    const now = opts.now ?? clock.now();
    const report = emptyReport(now);
    if (opts.sync !== false) await syncFromCatalog(now, report);
    const all = await store.listMonitors();
    const measurable = all.filter(m => m.table && !m.problem);
    report.monitors = measurable.length;
    await observe(measurable, now, report);
    const alerts = await evaluate({
      now,
      monitors: all,
      notify: opts.notify ?? true,
    });
    report.notified = alerts.notified;
    report.recovered = alerts.recovered;
    report.errors.push(...alerts.errors);
    await store.prune(now, options.retentionMs, options.observationRetentionMs);
    return report;
  }

  return {
    syncMonitors,
    refreshProducts,
    runCollection,
    evaluate: opts =>
      evaluate({
        now: opts.now ?? clock.now(),
        monitors: opts.monitors,
        notify: opts.notify ?? true,
        scope: opts.monitors.map(m => m.id),
      }),
  };
}
