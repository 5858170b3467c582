/*
 * The Changes timeline, assembled: store, the scheduled reconcile against
 * the catalog (with breaking-change notifications) and the REST router.
 * plugin.ts calls setupProductChanges once.
 */
import type {
  AuthService,
  DatabaseService,
  HttpAuthService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { EventsService } from '@backstage/plugin-events-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  DATA_PRODUCT_PROCESSED_TOPIC,
  type DataProductProcessedEvent,
} from '@datamesh/plugin-data-mesh-node';
import type { Entity } from '@backstage/catalog-model';
import type express from 'express';
import { AccessRequestStore } from '../access/AccessRequestStore';
import { ChangeStore } from './ChangeStore';
import { readChangesConfig } from './config';
import { createChangeNotifier } from './notifications';
import { ChangeReconciler, type ReconcileReport } from './reconciler';
import { createChangesRouter } from './router';

export { ChangeStore } from './ChangeStore';
export { ChangeReconciler, type ReconcileReport } from './reconciler';
export { createChangesRouter } from './router';
export {
  PRODUCT_CHANGE_TOPIC,
  createChangeNotifier,
  type ChangeNotifier,
} from './notifications';

/** Id of the scheduled reconcile of the Changes timeline. @public */
export const CHANGES_RECONCILE_TASK_ID = 'data-mesh-changes-reconcile';

/** Wire the Changes timeline into the plugin; returns its router. */
export async function setupProductChanges(deps: {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  scheduler: SchedulerService;
  httpAuth: HttpAuthService;
  auth: AuthService;
  catalog: CatalogService;
  notifications: NotificationService;
  clock: { now(): number };
  /** With it, a product the catalog reprocessed is compared at once. */
  events?: EventsService;
}): Promise<express.Router> {
  const settings = readChangesConfig(deps.config);
  const store = await ChangeStore.create(deps.database);
  // the same tables as the access requests' (migrations ran above)
  const accessStore = new AccessRequestStore(await deps.database.getClient());
  const reconciler = new ChangeReconciler({
    ...deps,
    store,
    accessStore,
    notifier: settings.notifications
      ? createChangeNotifier(deps.notifications)
      : undefined,
  });
  const report = (what: string, r: ReconcileReport) => {
    if (r.recorded || r.notified || r.errors.length) {
      deps.logger.info(
        `Changes (${what}): ${r.products} products, ${
          r.recorded
        } revisions recorded (${r.breaking} breaking), ${r.notified} notified${
          r.errors.length ? `; problems: ${r.errors.join('; ')}` : ''
        }`,
      );
    }
  };
  // global scope: with several instances on one database a cycle runs once
  // per period; the head's conditional update and the notification claims
  // cover a cycle that outlives its timeout
  await deps.scheduler.scheduleTask({
    id: CHANGES_RECONCILE_TASK_ID,
    scope: 'global',
    ...settings.schedule,
    fn: async () => report('cycle', await reconciler.run()),
  });
  await deps.events?.subscribe({
    id: 'data-mesh-changes',
    topics: [DATA_PRODUCT_PROCESSED_TOPIC],
    onEvent: async params => {
      const entity = (params.eventPayload as DataProductProcessedEvent)
        ?.entity as Entity | undefined;
      if (!entity?.metadata) return;
      report('processed event', await reconciler.runOne(entity));
    },
  });
  return createChangesRouter({
    httpAuth: deps.httpAuth,
    store,
    catalog: deps.catalog,
  });
}
