/*
 * Data quality, assembled: the store, the scheduled run of every product's
 * checks (one count per warehouse database, each table scanned once), the
 * owners' notifications and the REST router. plugin.ts calls setupQuality.
 */
import {
  type AuthService,
  type DatabaseService,
  type HttpAuthService,
  type LoggerService,
  type PermissionsService,
  type RootConfigService,
  type SchedulerService,
  type UserInfoService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import {
  type WarehouseAdapter,
  readPlatformConfig,
} from '@datamesh/plugin-data-mesh-node';
import type express from 'express';
import { readDurationSetting } from '../durationSetting';
import { runQualityCycle } from './collector';
import { createQualityNotifier } from './notifications';
import { QualityService } from './QualityService';
import { QualityStore } from './QualityStore';
import { createQualityRouter } from './router';
import { readScheduleSetting } from '../scheduleSetting';

export { QUALITY_READ_TOPIC, QUALITY_TOPIC } from './notifications';

/** Id of the scheduled data-quality run. @public */
export const QUALITY_TASK_ID = 'data-mesh-quality';

const D = 24 * 3_600_000;

/** Wire data quality into the plugin; returns its router. */
export async function setupQuality(deps: {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  scheduler: SchedulerService;
  httpAuth: HttpAuthService;
  auth: AuthService;
  catalog: CatalogService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  notifications: NotificationService;
  clock: { now(): number };
  getAdapter(): Promise<WarehouseAdapter>;
  listEntities(): Promise<DataProductEntityV1alpha1[]>;
  /** Entity refs of who reads a product, told of its failing checks too. */
  readersOf?(product: string): Promise<string[]>;
}): Promise<{ router: express.Router }> {
  const { config } = deps;
  const store = await QualityStore.create(deps.database);
  const platform = readPlatformConfig(config);
  const enabled = config.getOptionalBoolean('dataMesh.quality.enabled') ?? true;
  const cycleOptions = {
    store,
    logger: deps.logger,
    platform,
    getAdapter: deps.getAdapter,
    listEntities: deps.listEntities,
    clock: deps.clock,
    retentionMs: readDurationSetting(
      config,
      'dataMesh.quality.retention',
      90 * D,
    ),
    intervalMs: readDurationSetting(config, 'dataMesh.quality.interval', D),
    notifier:
      config.getOptionalBoolean('dataMesh.quality.notifications.enabled') ??
      true
        ? createQualityNotifier(deps.notifications, {
            readersOf: deps.readersOf,
          })
        : undefined,
  };
  if (enabled) {
    // global scope: one instance per period scans the tables (warehouse
    // credits) and tells the owners once; each run measures what is due
    await deps.scheduler.scheduleTask({
      id: QUALITY_TASK_ID,
      scope: 'global',
      ...readScheduleSetting(config, 'dataMesh.quality.schedule', {
        frequency: { hours: 1 },
        timeout: { minutes: 30 },
        initialDelay: { minutes: 5 },
      }),
      fn: async () => {
        const r = await runQualityCycle(cycleOptions, { dueOnly: true });
        deps.logger.info(
          `Data-quality checks: ${r.checks} checks of ${r.products} products, ${
            r.notDue
          } not due, ${r.measured} measured, ${r.failed} failing, owners of ${
            r.notified
          } told${r.errors.length ? `, ${r.errors.length} problems` : ''}`,
        );
      },
    });
  }
  return {
    router: createQualityRouter({
      httpAuth: deps.httpAuth,
      catalog: deps.catalog,
      permissions: deps.permissions,
      userInfo: deps.userInfo,
      service: new QualityService({ ...cycleOptions, enabled }),
      runNow: product => runQualityCycle(cycleOptions, { products: [product] }),
    }),
  };
}
