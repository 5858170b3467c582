/*
 * What products left behind, wired: the cleanup behind the Drift page's
 * Left behind (list, drop, keep), the portal's memory of it, and the
 * scheduled watch that tells who decides (`dataMesh.leftovers`).
 */
import type {
  AuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { PlatformConfig } from '@datamesh/plugin-data-mesh-node';
import type { Knex } from 'knex';
import type { LifecycleStore } from '../lifecycle/LifecycleStore';
import { LeftoverCleanup, type LeftoverCleanupOptions } from './leftovers';
import { LeftoverStore } from './LeftoverStore';
import {
  LeftoversWatch,
  leftoversSeenView,
  readLeftoversWatchConfig,
  scheduleLeftoversWatch,
} from './leftoverWatch';

/** The cleanup and the watch's view, for the infrastructure router. @public */
export async function setupLeftovers(deps: {
  config: RootConfigService;
  db: Knex;
  scheduler: SchedulerService;
  infrastructure: LeftoverCleanupOptions['infrastructure'];
  platform: PlatformConfig;
  /** Retirements, and the audit trail. */
  audit: Pick<LifecycleStore, 'list' | 'addAudit'>;
  permissions: PermissionsService;
  auth: AuthService;
  notifications: NotificationService;
  /** The platform team's groups: told of what products gone from the catalog left. */
  adminGroups: string[];
  /** The owners the portal last knew of products gone from the catalog. */
  formerOwners: (products: string[]) => Promise<Map<string, string>>;
  logger: LoggerService;
  clock: { now(): number };
}) {
  const store = new LeftoverStore(deps.db);
  const settings = readLeftoversWatchConfig(deps.config);
  const cleanup = new LeftoverCleanup({
    infrastructure: deps.infrastructure,
    platform: deps.platform,
    lifecycle: deps.audit,
    permissions: deps.permissions,
    auth: deps.auth,
    logger: deps.logger,
    clock: deps.clock,
    store,
    watching: Boolean(settings),
  });
  if (settings) {
    await scheduleLeftoversWatch(
      deps.scheduler,
      new LeftoversWatch({
        cleanup,
        store,
        notifications: settings.notifications ? deps.notifications : undefined,
        adminGroups: deps.adminGroups,
        formerOwners: deps.formerOwners,
        tellAfterMs: settings.tellAfterMs,
        logger: deps.logger,
        clock: deps.clock,
      }),
      settings.schedule,
      deps.logger,
    );
  }
  return {
    cleanup,
    seen: leftoversSeenView({
      store,
      permissions: deps.permissions,
      watching: Boolean(settings),
      tellAfterMs: settings?.tellAfterMs ?? 0,
      clock: deps.clock,
    }),
  };
}
