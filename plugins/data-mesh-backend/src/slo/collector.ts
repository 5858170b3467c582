/*
 * The collection cycle: sync monitors from the catalog, ask each warehouse
 * database once for the stats of all monitored tables, turn the stats into
 * check results, store them, evaluate, and notify breaches.
 *
 * Time comes from the caller (`runCollection({ now })`) or an injected
 * clock, never from `Date.now()` directly, so a backfill can replay days of
 * cycles through this same code with a simulated clock.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  type CheckResult,
  type DataProductEntityV1alpha1,
  type ObservationFailure,
  type SloDefaults,
  type TableObservation,
  checkAvailability,
  checkCompleteness,
  checkFreshness,
} from '@datamesh/plugin-data-mesh-common';
import type {
  PlatformConfig,
  TableRef,
  WarehouseAdapter,
} from '@datamesh/plugin-data-mesh-node';
import { type MonitorDefinition, monitorsFromEntity } from './monitors';
import {
  type MonitorRecord,
  type ObservationInput,
  type SloStore,
  type SyncReport,
  type UpdateInput,
} from './SloStore';
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

/** Stats of one table as the checks see them, plus its size for the history. */
type Observed = TableObservation & { bytes?: number };

const tableKey = (t: { database: string; schema: string; table: string }) =>
  `${t.database}\u0000${t.schema}\u0000${t.table}`;

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
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
    opts: { now?: number } = {},
  ): Promise<SyncReport> {
    const now = opts.now ?? clock.now();
    const definitions: MonitorDefinition[] = [];
    for (const entity of entities) {
      definitions.push(
        ...monitorsFromEntity(entity, {
          platform: options.platform,
          defaults: options.defaults,
          collectionIntervalMs: options.collectionIntervalMs,
        }),
      );
    }
    const report = await store.syncMonitors(definitions, {
      now,
      removedGraceMs: options.removedGraceMs,
    });
    if (report.created || report.updated || report.removed || report.restored) {
      logger.info(
        `SLO monitors synced: ${report.created} created, ${report.updated} updated, ${report.removed} removed, ${report.restored} restored`,
      );
    }
    return report;
  }

  async function handleAlerts(
    now: number,
    monitors: MonitorRecord[],
    notify: boolean,
    scope?: number[],
  ) {
    const errors: string[] = [];
    const recovered = await store.clearRecovered(scope);
    const claimed = await store.claimBreaches(now, scope);
    let notified = 0;
    if (notify && options.notifier && claimed.length > 0) {
      const byId = new Map(monitors.map(m => [m.id, m]));
      const statuses = await store.statuses(claimed);
      for (const id of claimed) {
        const monitor = byId.get(id);
        const status = statuses.get(id);
        if (!monitor || !status) continue;
        try {
          const failure = await store.latestFailure(id);
          await options.notifier.notifyBreach({ monitor, status, failure });
          await store.markNotified(id, now);
          notified++;
        } catch (e) {
          const message = `breach notification for ${monitor.entityRef} ${
            monitor.sloName
          } failed: ${errorMessage(e)}`;
          logger.warn(message);
          errors.push(message);
        }
      }
    }
    return { notified, recovered, errors };
  }

  async function evaluate(opts: {
    now?: number;
    monitors: MonitorRecord[];
    notify?: boolean;
    scoped?: boolean;
  }) {
    const now = opts.now ?? clock.now();
    const evaluations = await store.evaluate(opts.monitors, {
      now,
      recentSlices: options.recentSlices,
    });
    await store.saveEvaluations([...evaluations.values()], now);
    return handleAlerts(
      now,
      opts.monitors,
      opts.notify ?? true,
      opts.scoped === false ? undefined : opts.monitors.map(m => m.id),
    );
  }

  /** Stats of every monitored table: one `tableStats` call per database. */
  async function collectStats(
    monitors: MonitorRecord[],
    report: CollectionReport,
  ) {
    const byDatabase = new Map<string, Map<string, TableRef>>();
    for (const m of monitors) {
      const t = m.table!;
      if (!byDatabase.has(t.database)) byDatabase.set(t.database, new Map());
      byDatabase.get(t.database)!.set(tableKey(t), {
        schema: t.schema,
        table: t.table,
      });
    }
    report.databases = byDatabase.size;
    const stats = new Map<string, Observed | ObservationFailure>();
    let adapter: WarehouseAdapter | undefined;
    let adapterError: string | undefined;
    if (byDatabase.size > 0) {
      try {
        adapter = await options.getAdapter();
      } catch (e) {
        adapterError = `the warehouse adapter could not be opened: ${errorMessage(
          e,
        )}`;
        report.errors.push(adapterError);
        logger.warn(`SLO collection: ${adapterError}`);
      }
    }
    for (const [database, tables] of byDatabase) {
      const keys = [...tables.keys()];
      const refs = [...tables.values()];
      if (!adapter) {
        for (const key of keys) stats.set(key, { error: adapterError! });
        continue;
      }
      try {
        report.statsQueries++;
        const result = await adapter.tableStats(database, refs, {
          loadedAtColumn: options.platform.metadataColumns.loadedAt,
        });
        result.forEach((s, i) => {
          const lastAlteredAt = s.lastAltered ? Date.parse(s.lastAltered) : NaN;
          stats.set(keys[i], {
            exists: s.exists,
            ...(s.rowCount !== undefined
              ? { rowCount: Number(s.rowCount) }
              : {}),
            ...(Number.isFinite(lastAlteredAt) ? { lastAlteredAt } : {}),
            ...(s.bytes !== undefined ? { bytes: Number(s.bytes) } : {}),
          });
        });
      } catch (e) {
        const message = errorMessage(e);
        report.errors.push(`database ${database}: ${message}`);
        logger.warn(
          `SLO collection: stats of database ${database} failed: ${message}`,
        );
        for (const key of keys) stats.set(key, { error: message });
      }
    }
    return stats;
  }

  async function runCollection(
    opts: { now?: number; sync?: boolean; notify?: boolean } = {},
  ): Promise<CollectionReport> {
    const now = opts.now ?? clock.now();
    const report: CollectionReport = {
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
    if (opts.sync !== false && options.listEntities) {
      try {
        report.sync = await syncMonitors(await options.listEntities(), { now });
      } catch (e) {
        // keep measuring the monitors we have; a catalog outage is not a data outage
        const message = `monitors not synced, the catalog could not be read: ${errorMessage(
          e,
        )}`;
        report.errors.push(message);
        logger.warn(message);
      }
    }

    const all = await store.listMonitors();
    const monitors = all.filter(m => m.table && !m.problem);
    report.monitors = monitors.length;
    const stats = await collectStats(monitors, report);

    // completeness: a table whose row count or last-altered time changed was updated
    const completeness = monitors.filter(m => m.dimension === 'completeness');
    const updated: { monitor: MonitorRecord; stats: TableObservation }[] = [];
    const unchanged: MonitorRecord[] = [];
    for (const m of completeness) {
      const s = stats.get(tableKey(m.table!));
      if (!s || 'error' in s || !s.exists || s.rowCount === undefined) continue;
      const isUpdate =
        m.lastStatsAt === undefined ||
        s.rowCount !== m.lastRowCount ||
        (s.lastAlteredAt ?? null) !== (m.lastAlteredAt ?? null);
      if (isUpdate) updated.push({ monitor: m, stats: s });
      else unchanged.push(m);
    }
    const trailing = await store.trailingUpdates(
      updated.map(u => ({ id: u.monitor.id, windowMs: u.monitor.windowMs })),
      now,
    );
    const previous = await store.latestUpdateResults(unchanged.map(m => m.id));
    const completenessResults = new Map<number, CheckResult>();
    const updates: UpdateInput[] = [];
    for (const { monitor, stats: s } of updated) {
      const result = checkCompleteness(s, {
        trailing: trailing.get(monitor.id) ?? { count: 0, average: 0 },
        tolerance: monitor.tolerance ?? options.defaults.tolerance,
      });
      completenessResults.set(monitor.id, result);
      updates.push({
        monitorId: monitor.id,
        detectedAt: now,
        rowCount: s.rowCount!,
        lastAlteredAt: s.lastAlteredAt,
        passed: result.passed,
        reason: result.reason,
      });
    }
    for (const m of unchanged) {
      const p = previous.get(m.id);
      if (p) completenessResults.set(m.id, p);
    }

    const observations: ObservationInput[] = [];
    for (const m of monitors) {
      const s = stats.get(tableKey(m.table!));
      let result: CheckResult;
      if (m.dimension === 'availability') {
        result = checkAvailability(s);
      } else if (m.dimension === 'freshness') {
        result = checkFreshness(s, { now, maxAgeMs: m.maxAgeMs ?? m.sliceMs });
      } else {
        result =
          completenessResults.get(m.id) ??
          // no usable stats, or the latest update was pruned: check afresh
          checkCompleteness(s, {
            trailing: { count: 0, average: 0 },
            tolerance: m.tolerance ?? options.defaults.tolerance,
          });
      }
      const o = s && !('error' in s) ? s : undefined;
      observations.push({
        monitorId: m.id,
        observedAt: now,
        source: 'collector',
        exists: o?.exists,
        rowCount: o?.rowCount,
        lastAlteredAt: o?.lastAlteredAt,
        bytes: o?.bytes,
        passed: result.passed,
        reason: result.reason,
      });
    }
    await store.recordObservations(observations);
    await store.recordUpdates(updates);
    report.observations = observations.length;
    report.updates = updates.length;

    const alerts = await evaluate({
      now,
      monitors: all,
      notify: opts.notify,
      scoped: false,
    });
    report.notified = alerts.notified;
    report.recovered = alerts.recovered;
    report.errors.push(...alerts.errors);
    await store.prune(now, options.retentionMs, options.observationRetentionMs);
    return report;
  }

  return {
    syncMonitors,
    runCollection,
    evaluate: opts => evaluate({ ...opts, scoped: true }),
  };
}
