/*
 * Monitors that follow the catalog within seconds (issue 10, item 3).
 *
 * The periodic collection reconciles every monitor with the whole catalog,
 * but only every few minutes. Two cheap signals close the gap, without
 * reading the whole catalog more often:
 *
 * - New and changed products: the data mesh catalog module publishes
 *   DATA_PRODUCT_PROCESSED_TOPIC as it processes a product whose spec
 *   changed. The product's monitors are synced from the event's entity,
 *   observed once and evaluated, so its objectives have a first observation
 *   within seconds. Events arriving together are handled as one batch.
 * - Removed products: the catalog publishes nothing when an entity is
 *   deleted. A probe asks the catalog for the number of DataProducts (one
 *   COUNT, no entities) every few seconds; when it differs from the number
 *   this process knows of, one full reconcile runs and removes the
 *   monitors of products that are gone.
 *
 * Both run in every replica: the store is shared, the work is idempotent,
 * and each replica only sees the events of the entities it processed.
 */
import type {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { HumanDuration } from '@backstage/types';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { EventsService } from '@backstage/plugin-events-node';
import {
  type DataProductEntityV1alpha1,
  fromCatalogForm,
} from '@datamesh/plugin-data-mesh-common';
import {
  DATA_PRODUCT_PROCESSED_TOPIC,
  type DataProductProcessedEvent,
} from '@datamesh/plugin-data-mesh-node';
import type { SloCollector } from './collector';
import { isDataProduct, productRefOf } from './monitors';

/** Id of the scheduled task that probes the catalog for removed products. @public */
export const SLO_CATALOG_PROBE_TASK_ID = 'data-mesh-slo-catalog-probe';

/** @public */
export interface LiveMonitorSyncOptions {
  events: EventsService;
  catalog: Pick<CatalogService, 'queryEntities'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  scheduler: Pick<SchedulerService, 'scheduleTask'>;
  collector: Pick<SloCollector, 'refreshProducts' | 'syncMonitors'>;
  /** Every DataProduct of the catalog (the full reconcile's read). */
  listEntities(): Promise<DataProductEntityV1alpha1[]>;
  logger: LoggerService;
  /** How often the catalog is asked for its number of products. */
  probeFrequency: HumanDuration;
  /** False while startup jobs run: products are synced but not observed yet. */
  canObserve(): boolean;
  /** How long events are gathered into one batch. Default 200 ms. */
  batchDelayMs?: number;
}

/** @public */
export interface LiveMonitorSync {
  /**
   * The full reconcile's read, remembering which products exist; the
   * periodic collection and the startup sync go through it too, so the
   * probe compares with what the last full read found.
   */
  listEntities(): Promise<DataProductEntityV1alpha1[]>;
  /** Handle the products of queued events now (tests; otherwise after the batch delay). */
  flush(): Promise<void>;
  /** One probe (tests; otherwise scheduled). Returns whether it reconciled. */
  probe(): Promise<boolean>;
}

/**
 * Subscribe to product events and schedule the removal probe. Call once
 * from the plugin's init.
 * @public
 */
export async function startLiveMonitorSync(
  options: LiveMonitorSyncOptions,
): Promise<LiveMonitorSync> {
  const { logger, collector } = options;
  const known = new Set<string>();
  const pending = new Map<string, DataProductEntityV1alpha1>();
  let timer: NodeJS.Timeout | undefined;
  // one batch at a time: concurrent syncs of one product would race in the store
  let running: Promise<void> = Promise.resolve();

  async function listEntities() {
    const entities = await options.listEntities();
    known.clear();
    for (const entity of entities) known.add(productRefOf(entity));
    return entities;
  }

  async function handleBatch() {
    if (pending.size === 0) return;
    const entities = [...pending.values()];
    pending.clear();
    const entityRefs = entities.map(productRefOf);
    const report = await collector.refreshProducts({
      entityRefs,
      entities,
      observe: options.canObserve(),
    });
    for (const ref of entityRefs) known.add(ref);
    const sync = report.sync;
    logger.info(
      `SLO monitors of ${
        entityRefs.length
      } changed product(s) synced at once: ${sync?.created ?? 0} created, ${
        sync?.updated ?? 0
      } updated, ${sync?.removed ?? 0} removed, ${
        report.observations
      } observations${
        report.errors.length ? `; problems: ${report.errors.join('; ')}` : ''
      }`,
    );
  }

  function flush() {
    if (timer) clearTimeout(timer);
    timer = undefined;
    running = running
      .then(handleBatch)
      .catch(e => logger.warn(`SLO live sync failed: ${e}`));
    return running;
  }

  await options.events.subscribe({
    id: 'data-mesh-slo-live-sync',
    topics: [DATA_PRODUCT_PROCESSED_TOPIC],
    onEvent: async params => {
      const payload = params.eventPayload as DataProductProcessedEvent;
      const entity = payload?.entity as DataProductEntityV1alpha1 | undefined;
      if (!entity || !isDataProduct(entity)) return;
      pending.set(productRefOf(entity), fromCatalogForm(entity));
      if (!timer) {
        timer = setTimeout(() => {
          flush();
        }, options.batchDelayMs ?? 200);
      }
    },
  });

  async function probe(): Promise<boolean> {
    const credentials = await options.auth.getOwnServiceCredentials();
    const { totalItems } = await options.catalog.queryEntities(
      { filter: { kind: 'DataProduct' }, limit: 1, fields: ['kind'] },
      { credentials },
    );
    if (totalItems === known.size) return false;
    const result = running.then(async () => {
      const report = await collector.syncMonitors(await listEntities());
      logger.info(
        `SLO monitors reconciled after the catalog's product count changed to ${totalItems}: ${report.removed} removed, ${report.created} created`,
      );
    });
    running = result.catch(() => undefined);
    await result;
    return true;
  }

  await options.scheduler.scheduleTask({
    id: SLO_CATALOG_PROBE_TASK_ID,
    frequency: options.probeFrequency,
    timeout: { minutes: 2 },
    initialDelay: options.probeFrequency,
    scope: 'local',
    fn: async () => {
      try {
        await probe();
      } catch (e) {
        logger.warn(`SLO catalog probe failed: ${e}`);
      }
    },
  });

  return { listEntities, flush, probe };
}
