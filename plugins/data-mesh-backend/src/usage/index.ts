/*
 * Usage, assembled (issue 9 §3): store, the scheduled collection (one
 * `readUsage` per warehouse database per cycle), the unused-grant check,
 * the REST router, and `consumersStillReading` for the retirement engine.
 * plugin.ts calls setupUsage once.
 */
import {
  type AuthService,
  type DatabaseService,
  type HttpAuthService,
  type LoggerService,
  type RootConfigService,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import {
  type WarehouseAdapter,
  readPlatformConfig,
} from '@datamesh/plugin-data-mesh-node';
import type express from 'express';
import { AccessRequestStore } from '../access/AccessRequestStore';
import { readDurationSetting } from '../durationSetting';
import { runUsageCollection } from './collector';
import { createUsageRouter } from './router';
import { UsageService } from './UsageService';
import { UsageStore } from './UsageStore';
import { createUnusedGrantNotifier } from './unused';
import { readScheduleSetting } from '../scheduleSetting';

export type { StillReading } from './UsageService';
export { createUsageRouter } from './router';

/** Id of the scheduled usage collection. @public */
export const USAGE_COLLECTION_TASK_ID = 'data-mesh-usage-collection';

const D = 24 * 3_600_000;

/** `dataMesh.access.unusedAfter` (default 30 days). */
export function readUnusedAfterMs(config: RootConfigService): number {
  return readDurationSetting(config, 'dataMesh.access.unusedAfter', 30 * D);
}

/** Wire usage into the plugin; returns its router and the retirement engine's question. */
export async function setupUsage(deps: {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  scheduler: SchedulerService;
  httpAuth: HttpAuthService;
  auth: AuthService;
  catalog: CatalogService;
  notifications: NotificationService;
  clock: { now(): number };
  getAdapter(): Promise<WarehouseAdapter>;
  listEntities(): Promise<DataProductEntityV1alpha1[]>;
}): Promise<{
  router: express.Router;
  service: UsageService;
  collect(now?: number): ReturnType<typeof runUsageCollection>;
}> {
  const { config } = deps;
  const store = await UsageStore.create(deps.database);
  const accessStore = await AccessRequestStore.create(deps.database);
  const unusedAfterMs = readUnusedAfterMs(config);
  const service = new UsageService({
    store,
    accessStore,
    clock: deps.clock,
    unusedAfterMs,
  });
  const collectorOptions = {
    store,
    accessStore,
    logger: deps.logger,
    platform: readPlatformConfig(config),
    getAdapter: deps.getAdapter,
    listEntities: deps.listEntities,
    clock: deps.clock,
    unusedAfterMs,
    notifier:
      config.getOptionalBoolean('dataMesh.access.notifications.enabled') ?? true
        ? createUnusedGrantNotifier(deps.notifications)
        : undefined,
  };
  const collect = (now?: number) =>
    runUsageCollection(collectorOptions, { now });
  // global scope: one instance per period reads the warehouse (ACCOUNT_USAGE
  // queries use warehouse credits); the counters' deltas must be booked once
  await deps.scheduler.scheduleTask({
    id: USAGE_COLLECTION_TASK_ID,
    scope: 'global',
    ...readScheduleSetting(config, 'dataMesh.usage.schedule', {
      frequency: { hours: 1 },
      timeout: { minutes: 10 },
      initialDelay: { minutes: 2 },
    }),
    fn: async () => {
      const r = await collect();
      deps.logger.info(
        `Usage collection: ${r.products} products, ${r.databases} databases, ${
          r.usageQueries
        } usage queries, ${r.flagged} grants flagged unused${
          r.errors.length ? `, ${r.errors.length} problems` : ''
        }`,
      );
    },
  });
  return {
    router: createUsageRouter({
      httpAuth: deps.httpAuth,
      catalog: deps.catalog,
      service,
    }),
    service,
    collect,
  };
}
