/*
 * The example mesh, alive: prepare the example products in the warehouse,
 * replay the history the SLO tab shows (the backfill), and keep the
 * pipelines running afterwards (the live job).
 *
 * The backfill is the real thing at simulated instants: for each tick it
 * runs the example pipelines as of that instant (loads stamped with the
 * simulated time) and then one real collection cycle of the SLO collector
 * with `now` set to it. Nothing is computed for the chart directly.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import {
  type MonitorRecord,
  type SloCollector,
  SloStore,
} from '@datamesh/plugin-data-mesh-backend/alpha';
import type { ExampleWarehouse, PreparedExampleProduct } from './warehouse';

/**
 * An SLO store that lists only some monitors. A backfill collects with it so
 * that it writes history for the example products only: the gap in a real
 * product's history while the portal was down stays a gap.
 * @public
 */
export class ScopedSloStore extends SloStore {
  constructor(
    store: SloStore,
    private readonly include: (monitor: MonitorRecord) => boolean,
  ) {
    super(store.db);
  }

  async listMonitors(
    filter: { entityRef?: string } = {},
  ): Promise<MonitorRecord[]> {
    return (await super.listMonitors(filter)).filter(this.include);
  }
}

/** @public */
export interface BackfillReport {
  /** Simulated instants replayed (each: the pipelines, then one collection). */
  ticks: number;
  from?: number;
  to?: number;
  /** Table loads written. */
  loads: number;
  /** Why nothing was replayed, when nothing was. */
  skipped?: string;
  /** Problems reported by the collection cycles. */
  errors: string[];
}

/** @public */
export interface BackfillOptions {
  warehouse: ExampleWarehouse;
  products: PreparedExampleProduct[];
  /** The SLO store; the backfill collects through a view scoped to the example products. */
  store: SloStore;
  /**
   * Builds a collector on the given store, with the plugin's settings
   * (the same engine the schedule runs; no notifier: breaches found in the
   * past are notified by the first live cycle, once).
   */
  createCollector(store: SloStore): SloCollector;
  /** The present; read again after every tick, so the replay catches up with the time it takes. */
  now(): number;
  /** How far back a first replay goes, e.g. 20 days. */
  windowMs: number;
  /** Simulated time between ticks; at most the shortest slice of the example objectives. */
  stepMs: number;
  logger: LoggerService;
  /** Checked between ticks: stop early (backend shutting down). */
  stopped?(): boolean;
  /** Called after each tick, e.g. for progress. */
  onTick?(at: number, index: number): void;
}

/**
 * Newest history of the example monitors: the latest observation or slice.
 * Undefined when they have none (the first start).
 */
async function latestHistory(
  store: SloStore,
  monitors: MonitorRecord[],
  since: number,
): Promise<number | undefined> {
  if (monitors.length === 0) return undefined;
  const ids = monitors.map(m => m.id);
  let latest: number | undefined;
  for (const list of (await store.latestObservations(ids, 1)).values()) {
    for (const o of list)
      latest = Math.max(latest ?? o.observedAt, o.observedAt);
  }
  for (const s of await store.slices(ids, since)) {
    latest = Math.max(latest ?? s.start, s.start);
  }
  return latest;
}

/**
 * Replay the example mesh's history up to the present: from `now - window`
 * on a first start (no history yet), otherwise from the newest history on,
 * so a portal that was stopped catches up and one that was not replays
 * nothing. Ticks fall in the middle of each step (e.g. hh:30 for hourly
 * steps), plus one at the present.
 * @public
 */
export async function backfillExampleHistory(
  options: BackfillOptions,
): Promise<BackfillReport> {
  const { warehouse, products, logger, stepMs, windowMs } = options;
  const report: BackfillReport = { ticks: 0, loads: 0, errors: [] };
  const refs = new Set(products.map(p => p.entityRef));
  const scoped = new ScopedSloStore(
    options.store,
    m => refs.has(m.entityRef) && m.table !== undefined && !m.problem,
  );
  const monitors = await scoped.listMonitors();
  if (monitors.length === 0) {
    report.skipped = 'the example products have no monitored objectives';
    return report;
  }
  const shortest = Math.min(...monitors.map(m => m.sliceMs));
  if (stepMs > shortest) {
    logger.warn(
      `Example backfill: a step of ${
        stepMs / 60_000
      } minutes leaves slices of ${shortest / 60_000} minutes without data`,
    );
  }

  const start = options.now();
  const latest = await latestHistory(options.store, monitors, start - windowMs);
  const from =
    latest === undefined || latest < start - windowMs
      ? start - windowMs
      : latest;
  if (latest !== undefined && start - latest < stepMs) {
    report.skipped = 'the example history is up to date';
    return report;
  }
  const collector = options.createCollector(scoped);
  let t = Math.floor(from / stepMs) * stepMs + stepMs / 2;
  if (t < from || (latest !== undefined && t <= latest)) t += stepMs;
  const lastLoads = await warehouse.lastLoads(products);
  report.from = t;

  const tick = async (at: number) => {
    report.loads += await warehouse.run(products, at, lastLoads);
    const cycle = await collector.runCollection({
      now: at,
      sync: false,
      notify: false,
    });
    report.errors.push(...cycle.errors);
    report.ticks++;
    report.to = at;
    options.onTick?.(at, report.ticks);
    // PGlite and better-sqlite3 settle their promises without I/O, so an
    // unbroken chain of ticks would starve the HTTP server for the whole
    // replay; give pending requests their turn between cycles.
    await yieldToEventLoop();
  };

  for (; t <= options.now(); t += stepMs) {
    if (options.stopped?.()) return report;
    await tick(t);
  }
  const end = options.now();
  if (!options.stopped?.() && (report.to === undefined || end > report.to)) {
    await tick(end);
  }
  return report;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise(resolve => setImmediate(resolve));
}

/** The example products among a list of entities, by the names in the profile. @public */
export function exampleEntities(
  entities: DataProductEntityV1alpha1[],
  names: string[],
  namespace: string,
): DataProductEntityV1alpha1[] {
  return entities.filter(
    e =>
      names.includes(e.metadata.name) &&
      (e.metadata.namespace ?? 'default') === namespace,
  );
}
