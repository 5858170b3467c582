/*
 * Access requests, assembled: store, service, the scheduled expiry sweep
 * and the REST router. plugin.ts calls setupAccessRequests once.
 */
import type {
  AuthService,
  DatabaseService,
  HttpAuthService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  RootConfigService,
  SchedulerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  type AccessGrantExecutorService,
  type WarehouseAdapter,
  readPlatformConfig,
} from '@datamesh/plugin-data-mesh-node';
import type express from 'express';
import { AccessRequestStore } from './AccessRequestStore';
import { AccessService, type AccessServiceOptions } from './AccessService';
import { readAccessConfig } from './config';
import { createAccessNotifier } from './notifications';
import { createAccessRouter } from './router';
import { ExpirySweep } from './expirySweep';

// the executor's interface and service ref live in data-mesh-node, beside
// the warehouse service a backend installs the warehouse executor with
export { accessGrantExecutorServiceRef } from '@datamesh/plugin-data-mesh-node';

/** Id of the scheduled expiry sweep. @public */
export const ACCESS_EXPIRY_TASK_ID = 'data-mesh-access-expiry';

/** Wire access requests into the plugin; returns their router and service. */
export async function setupAccessRequests(deps: {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  scheduler: SchedulerService;
  httpAuth: HttpAuthService;
  auth: AuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  catalog: CatalogService;
  notifications: NotificationService;
  clock: { now(): number };
  accessGrantExecutor: AccessGrantExecutorService;
  /** The plugin's store (which publishes what it writes); else one of its own. */
  store?: AccessRequestStore;
  getAdapter?: () => Promise<WarehouseAdapter>;
  /** Told of each approval: see {@link AccessServiceOptions.onApproved}. */
  onApproved?: AccessServiceOptions['onApproved'];
}): Promise<{ router: express.Router; service: AccessService }> {
  const settings = readAccessConfig(deps.config);
  const store = deps.store ?? (await AccessRequestStore.create(deps.database));
  const shared = {
    ...deps,
    store,
    settings,
    platform: readPlatformConfig(deps.config),
    executor: deps.accessGrantExecutor.executor,
    notifier: settings.notifications
      ? createAccessNotifier(deps.notifications)
      : undefined,
  };
  const sweep = new ExpirySweep(shared);
  // global scope: with several instances on one database the sweep runs
  // once per period, and the warning claims make each warning go out once
  await deps.scheduler.scheduleTask({
    id: ACCESS_EXPIRY_TASK_ID,
    scope: 'global',
    ...settings.schedule,
    fn: async () => {
      const r = await sweep.run();
      if (
        r.expired ||
        r.warned ||
        r.reminded ||
        r.granted ||
        r.revoked ||
        r.failed
      ) {
        deps.logger.info(
          `Access sweep: ${r.expired} expired, ${r.warned} warned, ${r.reminded} reminded, ${r.granted} granted, ${r.revoked} revoked, ${r.failed} warehouse failures`,
        );
      }
    },
  });
  const service = new AccessService(shared);
  return {
    router: createAccessRouter({ httpAuth: deps.httpAuth, service }),
    service,
  };
}
