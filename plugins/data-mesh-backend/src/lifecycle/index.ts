/*
 * Product lifecycle, assembled: store, deprecation service, retirement
 * runner, the scheduled drop of archives whose retention is over, the
 * REST router and the access admission check. plugin.ts calls
 * setupProductLifecycle once, before mounting the access router.
 */
import type {
  AuthService,
  DatabaseService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  type WarehouseAdapter,
  readPlatformConfig,
} from '@datamesh/plugin-data-mesh-node';
import type express from 'express';
import type { SandboxClaims } from '../infra/sandboxClaims';
import { AccessRequestStore } from '../access/AccessRequestStore';
import { readDurationSetting } from '../durationSetting';
import { LifecycleService } from './LifecycleService';
import { LifecycleStore } from './LifecycleStore';
import { createLifecycleNotifier } from './notifications';
import { RetirementRunner } from './retire';
import type { UsageService } from '../usage/UsageService';
import {
  createAccessAdmissionMiddleware,
  createLifecycleRouter,
} from './router';

export { LifecycleService } from './LifecycleService';
export { LifecycleStore } from './LifecycleStore';
export { RetirementRunner } from './retire';
export {
  createAccessAdmissionMiddleware,
  createLifecycleRouter,
} from './router';
export {
  PRODUCT_DEPRECATION_TOPIC,
  createLifecycleNotifier,
} from './notifications';

/** Id of the scheduled drop of archives past their retention. @public */
export const LIFECYCLE_ARCHIVE_TASK_ID = 'data-mesh-lifecycle-archives';

const DAY_MS = 24 * 3_600_000;

/** `dataMesh.lifecycle.archiveRetention` (default 90 days), in ms. */
export function readArchiveRetention(config: RootConfigService): number {
  return readDurationSetting(
    config,
    'dataMesh.lifecycle.archiveRetention',
    90 * DAY_MS,
  );
}

/** `dataMesh.lifecycle.readersLookBack` (default 30 days), in ms: reads this recent keep a product from retiring. */
export function readReadersLookBack(config: RootConfigService): number {
  return readDurationSetting(
    config,
    'dataMesh.lifecycle.readersLookBack',
    30 * DAY_MS,
  );
}

/** Wire product lifecycle into the plugin. */
export async function setupProductLifecycle(deps: {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  scheduler: SchedulerService;
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  notifications: NotificationService;
  clock: { now(): number };
  getAdapter: () => Promise<WarehouseAdapter>;
  accessExecutor: boolean;
  /** Usage (set up first): who still reads a product being retired. */
  usage?: Pick<UsageService, 'consumersStillReading'>;
  /** Sandboxes being changed: retirement's drop waits for them. */
  sandboxClaims?: Pick<SandboxClaims, 'inProgress'>;
  /** The plugin's stores (which publish what they write); else stores of its own. */
  store?: LifecycleStore;
  accessStore?: AccessRequestStore;
}): Promise<{ router: express.Router; admission: express.RequestHandler }> {
  const store = deps.store ?? (await LifecycleStore.create(deps.database));
  // the access requests' tables (their migrations run with this one's)
  const accessStore =
    deps.accessStore ?? new AccessRequestStore(await deps.database.getClient());
  const notify =
    deps.config.getOptionalBoolean(
      'dataMesh.lifecycle.notifications.enabled',
    ) ?? true;
  const service = new LifecycleService({
    ...deps,
    store,
    accessStore,
    platform: readPlatformConfig(deps.config),
    archiveRetentionMs: readArchiveRetention(deps.config),
    readersLookBackMs: readReadersLookBack(deps.config),
    notifier: notify ? createLifecycleNotifier(deps.notifications) : undefined,
  });
  const retirement = new RetirementRunner(service);
  await deps.scheduler.scheduleTask({
    id: LIFECYCLE_ARCHIVE_TASK_ID,
    scope: 'global',
    frequency: { hours: 1 },
    timeout: { minutes: 30 },
    initialDelay: { minutes: 5 },
    fn: async () => {
      const dropped = await retirement.dropDueArchives();
      if (dropped.length) {
        deps.logger.info(
          `Lifecycle: archives dropped after retention: ${dropped.join(', ')}`,
        );
      }
    },
  });
  return {
    router: createLifecycleRouter({
      httpAuth: deps.httpAuth,
      service,
      retirement,
    }),
    admission: createAccessAdmissionMiddleware(service),
  };
}
