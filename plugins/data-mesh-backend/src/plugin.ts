import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  type DataProductEntityV1alpha1,
  fromCatalogForm,
} from '@datamesh/plugin-data-mesh-common';
import {
  readPlatformConfig,
  warehouseServiceRef,
} from '@datamesh/plugin-data-mesh-node';
import {
  type SloClock,
  createSloCollector,
  systemClock,
} from './slo/collector';
import { readSloEngineConfig } from './slo/config';
import { isDataProduct } from './slo/monitors';
import { type LiveMonitorSync, startLiveMonitorSync } from './slo/liveSync';
import { createNotificationsBreachNotifier } from './slo/notifications';
import { createSloRouter } from './slo/router';
import { tellNewReaders } from './slo/collection/alerts';
import {
  AccessDriftRepair,
  InfrastructureApply,
  InfrastructureChangeReports,
  InfrastructureRepairRuns,
  InfrastructureService,
  RepairRunStore,
  SandboxClaimStore,
  SandboxClaims,
  SandboxCreation,
  SandboxDeletion,
  SandboxExpiry,
  SandboxExpiryNoticeStore,
  SandboxKeeping,
  setupLeftovers,
  UNEXPLAINED_GRANTS_TASK_ID,
  UnexplainedGrantStore,
  UnexplainedGrantWatch,
  accessGrantSourceFromStore,
  unexplainedGrantsView,
  createInfrastructureRouter,
  createSecretRedactor,
  readSandboxAnswerWithinMs,
  readSandboxExpiryConfig,
  scheduleSandboxExpiry,
  SANDBOX_SETTLE_ON_SHUTDOWN_MS,
} from './infra';
import { AccessRequestStore } from './access/AccessRequestStore';
import { accessEventsThrough } from './access/events';
import { createEventOutbox, scheduleEventOutboxFlush } from './events';
import { withBreachEvents } from './slo/events';
import { productAuditEventsThrough } from './lifecycle/events';
import { readersOf } from './access/parties';
import { readAccessConfig } from './access/config';
import { consumerRoleResolver } from './access/consumerRoles';
import type { AccessService } from './access/AccessService';
import { LifecycleStore } from './lifecycle/LifecycleStore';
import { SloStore } from './slo/SloStore';
import {
  type SloStartupContext,
  type SloStartupJob,
  dataMeshSloExtensionPoint,
} from './extensions';
import { registerDataProductPermissions } from './permissions';
import { accessGrantExecutorServiceRef, setupAccessRequests } from './access';
import { setupGovernance } from './governance';
import { setupProductChanges } from './changes';
import { setupSpecProblems } from './specProblems';
import { setupProductLifecycle } from './lifecycle';
import { setupUsage } from './usage';
import { setupQuality } from './quality';

/**
 * The clock of the SLO engine. Defaults to the system clock; a test backend
 * (or a demo that replays history) installs another factory for it.
 * @public
 */
export const dataMeshClockServiceRef = createServiceRef<SloClock>({
  id: 'data-mesh.clock',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({ service, deps: {}, factory: () => systemClock }),
});

/** Id of the scheduled collection task. @public */
export const SLO_COLLECTION_TASK_ID = 'data-mesh-slo-collection';

/** Id of the scheduled task that applies what is left of repair runs. @public */
export const REPAIR_RUNS_TASK_ID = 'data-mesh-infrastructure-repairs';

/** Fields of DataProduct entities the monitors are derived from. */
const ENTITY_FIELDS = [
  'apiVersion',
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'spec.owner',
  'spec.domain',
  'spec.slos',
  'spec.datasets',
  'spec.infrastructure',
];

/**
 * The data-mesh backend plugin: the SLO engine (monitors derived from
 * DataProduct entities, collection on the scheduler, SLIs, breach
 * notifications) and its REST API under `/api/data-mesh`.
 * @public
 */
export const dataMeshPlugin = createBackendPlugin({
  pluginId: 'data-mesh',
  register(env) {
    // jobs of modules (e.g. the example mesh) that run before live collection
    const startupJobs: SloStartupJob[] = [];
    env.registerExtensionPoint(dataMeshSloExtensionPoint, {
      addStartupJob(job) {
        startupJobs.push(job);
      },
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        discovery: coreServices.discovery,
        urlReader: coreServices.urlReader,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        rootLifecycle: coreServices.rootLifecycle,
        pluginLifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        notifications: notificationService,
        clock: dataMeshClockServiceRef,
        warehouse: warehouseServiceRef,
        accessGrantExecutor: accessGrantExecutorServiceRef,
      },
      async init(services) {
        const {
          config,
          logger,
          database,
          scheduler,
          httpRouter,
          httpAuth,
          auth,
          userInfo,
          permissions,
          permissionsRegistry,
          rootLifecycle,
          pluginLifecycle,
          catalog,
          events,
          notifications,
          clock,
          warehouse,
          accessGrantExecutor,
        } = services;
        const settings = readSloEngineConfig(config);
        const platform = readPlatformConfig(config);
        const store = await SloStore.create(database);
        // the consumer registry: the SLO engine tells a product's readers of
        // its breaches, the drift check asks it which grants should hold
        // (one store writes them all, so each change is published once on
        // the events service)
        // (its events go out through the outbox, written in each change's
        // transaction: at least once, even if this instance dies after a commit)
        // (the outbox reads the requests back as they stand when it publishes)
        const stores: { access?: AccessRequestStore } = {};
        const outbox = createEventOutbox(await database.getClient(), {
          events,
          logger,
          accessRequests: ids => stores.access!.byIds(ids),
        });
        const accessStore = await AccessRequestStore.create(
          database,
          accessEventsThrough(outbox),
        );
        stores.access = accessStore;
        await scheduleEventOutboxFlush(scheduler, outbox, logger);
        const accessSettings = readAccessConfig(config);
        // data products as a permission resource: conditional decisions
        // ("only its owners") are resolved here against the catalog
        registerDataProductPermissions({ permissionsRegistry, catalog, auth });

        // The process's one warehouse connection (opened on first use,
        // closed by the root service); shared with the scaffolder actions.
        const getAdapter = () => warehouse.getAdapter();

        // Full reads of the catalog go through the live sync when it runs,
        // so that its removal probe knows how many products the last one found.
        let liveSync: LiveMonitorSync | undefined;
        const listProducts = () =>
          liveSync ? liveSync.listEntities() : listEntities();

        async function listEntities() {
          const credentials = await auth.getOwnServiceCredentials();
          const entities: DataProductEntityV1alpha1[] = [];
          for await (const page of catalog.streamEntities(
            { filter: { kind: 'DataProduct' }, fields: ENTITY_FIELDS },
            { credentials },
          )) {
            entities.push(
              ...page.filter(isDataProduct).map(e => fromCatalogForm(e)),
            );
          }
          return entities;
        }

        const breachNotifier = settings.notifications
          ? createNotificationsBreachNotifier(notifications, {
              readersOf: async product =>
                readersOf(await accessStore.grantHolders(product)),
            })
          : undefined;
        const collectorOptions = {
          store,
          logger,
          platform,
          defaults: settings.defaults,
          collectionIntervalMs: settings.collectionIntervalMs,
          recentSlices: settings.recentSlices,
          retentionMs: settings.retentionMs,
          observationRetentionMs: settings.observationRetentionMs,
          removedGraceMs: settings.removedGraceMs,
          getAdapter,
          clock,
          // each breach and recovery is an event too, notifications on or off
          notifier: withBreachEvents(breachNotifier, {
            events: outbox.publisher(),
            logger,
          }),
          listEntities: listProducts,
        };
        const collector = createSloCollector(collectorOptions);

        // Startup jobs of modules (the example mesh: provisioning and a
        // replay of history) run after every plugin has started, not
        // awaited, so the portal is usable meanwhile; live collection waits
        // for them, then runs at once (e.g. replayed breaches are notified
        // now, not at the next cycle).
        let startupJobsDone = startupJobs.length === 0;
        if (settings.liveSync.enabled) {
          liveSync = await startLiveMonitorSync({
            events,
            catalog,
            auth,
            scheduler,
            collector,
            listEntities,
            logger,
            probeFrequency: settings.liveSync.probeFrequency,
            canObserve: () => startupJobsDone,
          });
        }
        // set up below; a startup job runs once every plugin has started
        const accessRegistry: { service?: AccessService } = {};
        rootLifecycle.addStartupHook(() => {
          if (startupJobsDone) return;
          const context: SloStartupContext = {
            store,
            collector,
            createCollector: (replayStore: SloStore) =>
              createSloCollector({
                ...collectorOptions,
                store: replayStore,
                notifier: undefined,
                listEntities: undefined,
              }),
            listEntities: listProducts,
            access: {
              recordAgreement: body =>
                accessRegistry.service!.record(body, 'system'),
            },
          };
          Promise.allSettled(startupJobs.map(job => job(context)))
            .then(results => {
              for (const result of results) {
                if (result.status === 'rejected') {
                  logger.error(`SLO startup job failed: ${result.reason}`);
                }
              }
              startupJobsDone = true;
              return scheduler.triggerTask(SLO_COLLECTION_TASK_ID);
            })
            .catch(e =>
              logger.warn(`SLO collection not triggered after startup: ${e}`),
            );
        });

        await scheduler.scheduleTask({
          id: SLO_COLLECTION_TASK_ID,
          ...settings.schedule,
          fn: async () => {
            if (!startupJobsDone) {
              // live observations must not land before the jobs' ones
              logger.info(
                'SLO collection: skipped while startup jobs (e.g. the example history replay) run',
              );
              return;
            }
            const report = await collector.runCollection();
            logger.info(
              `SLO collection: ${report.monitors} monitors, ${
                report.databases
              } databases, ${report.statsQueries} stats queries, ${
                report.notified
              } breach notifications${
                report.errors.length ? `, ${report.errors.length} problems` : ''
              }`,
            );
          },
        });

        // Monitors exist as soon as the backend is up, before the first
        // collection (which waits for the schedule's initial delay). The root
        // hook runs once every plugin, the catalog included, has started.
        rootLifecycle.addStartupHook(async () => {
          try {
            await collector.syncMonitors(await listProducts());
          } catch (e) {
            logger.warn(`SLO monitors not synced at startup: ${e}`);
          }
        });

        const router = Router();
        router.get('/health', (_req, res) => {
          res.json({ status: 'ok' });
        });
        router.use(
          createSloRouter({
            store,
            collector,
            httpAuth,
            userInfo,
            permissions,
            logger,
            clock,
            recentSlices: settings.recentSlices,
            retentionMs: settings.retentionMs,
          }),
        );
        // Infrastructure drift (declared vs actual) — src/infra, same adapter as the SLO engine
        // one hand at a time on a branch's sandbox: the portal's, pipelines'
        const sandboxClaims = new SandboxClaims({
          store: new SandboxClaimStore(await database.getClient()),
          permissions,
          logger,
          clock,
        });
        const sandboxExpiry = readSandboxExpiryConfig(config);
        const infrastructure = new InfrastructureService({
          sandboxClaims,
          sandboxExpireAfterMs: sandboxExpiry?.expireAfterMs,
          catalog,
          platform,
          getAdapter,
          warehouseType: warehouse.type,
          redact: createSecretRedactor(config),
          clock,
          // access grants are drift too: the requests say what should hold,
          // and a grant made by hand is named back to the team or product
          // reading through it
          accessGrants: accessGrantSourceFromStore(
            accessStore,
            consumerRoleResolver({
              catalog,
              auth,
              platform,
              teamRole: accessSettings.naming.teamRole,
              listProducts,
            }),
          ),
        });
        // repairs, applies and sandbox deletions are kept in the product's audit
        // trail (its tables migrated with the access requests' above)
        // (one store writes them all, so each entry is published once on the
        // events service)
        const audit = new LifecycleStore(
          await database.getClient(),
          productAuditEventsThrough(outbox),
        );
        const apply = new InfrastructureApply({
          infrastructure,
          permissions,
          audit,
          logger,
          clock,
        });
        // owners make a branch's sandbox; a long copy goes on in the
        // backend, which a stopping backend waits for a while
        const newSandboxes = new SandboxCreation({
          claims: sandboxClaims,
          infrastructure,
          permissions,
          audit,
          notifications,
          logger,
          clock,
          answerWithinMs: readSandboxAnswerWithinMs(config),
        });
        pluginLifecycle.addShutdownHook(() =>
          newSandboxes.settle(SANDBOX_SETTLE_ON_SHUTDOWN_MS),
        );
        // many products' plans applied by the backend, not the browser
        const runs = new InfrastructureRepairRuns({
          store: new RepairRunStore(await database.getClient()),
          apply,
          permissions,
          auth,
          redact: message => infrastructure.redactMessage(message),
          notifications,
          logger,
          clock,
        });
        // owners hear of grants made by hand on their products, once each
        const unexplainedGrantStore = new UnexplainedGrantStore(
          await database.getClient(),
        );
        if (accessSettings.unexplainedGrants) {
          const watch = new UnexplainedGrantWatch({
            infrastructure,
            catalog,
            store: unexplainedGrantStore,
            notifications: accessSettings.notifications
              ? notifications
              : undefined,
            auditors: accessSettings.auditorGroups,
            auth,
            logger,
            clock,
          });
          await scheduler.scheduleTask({
            id: UNEXPLAINED_GRANTS_TASK_ID,
            scope: 'global',
            ...accessSettings.unexplainedGrants.schedule,
            fn: async () => {
              try {
                const r = await watch.run();
                if (r.fresh || r.gone || r.told) {
                  logger.info(
                    `Unexplained grants: ${r.found} on ${r.products} products checked, ${r.fresh} new, ${r.gone} gone, ${r.told} told to owners`,
                  );
                }
              } catch (e) {
                logger.warn(`Unexplained grants not checked: ${e}`);
              }
            },
          });
        }
        const sandboxDeletion = new SandboxDeletion({
          claims: sandboxClaims,
          infrastructure,
          permissions,
          audit,
          logger,
          clock,
        });
        // the platform drops sandboxes left behind, telling their owners first
        if (sandboxExpiry) {
          await scheduleSandboxExpiry(
            scheduler,
            new SandboxExpiry({
              infrastructure,
              deletion: sandboxDeletion,
              store: new SandboxExpiryNoticeStore(await database.getClient()),
              notifications,
              settings: sandboxExpiry,
              auth,
              logger,
              clock,
            }),
            sandboxExpiry.schedule,
            logger,
          );
        }
        // schemas and roles of products gone from the catalog, renamed or
        // moved: listed, dropped and kept on the Drift page, watched on a
        // schedule so that who decides hears of them
        const leftovers = await setupLeftovers({
          config,
          db: await database.getClient(),
          scheduler,
          infrastructure,
          platform,
          audit,
          permissions,
          auth,
          notifications,
          adminGroups: accessSettings.adminGroups,
          // a product's SLO monitors outlive it a while, with its owner
          formerOwners: products => store.lastKnownOwners(products),
          logger,
          clock,
        });
        // picks up runs cut short by a restart (a new run starts at once),
        // and forgets runs finished 90 days ago
        await scheduler.scheduleTask({
          id: REPAIR_RUNS_TASK_ID,
          frequency: { minutes: 1 },
          timeout: { minutes: 60 },
          initialDelay: { seconds: 30 },
          fn: () => runs.sweep(),
        });
        router.use(
          createInfrastructureRouter({
            httpAuth,
            service: infrastructure,
            unexplainedGrants: unexplainedGrantsView({
              store: unexplainedGrantStore,
              permissions,
              watching: Boolean(accessSettings.unexplainedGrants),
            }),
            // owners re-grant what is missing, revoke what no request explains
            repair: new AccessDriftRepair({
              infrastructure,
              permissions,
              store: accessStore,
              audit,
              logger,
              clock,
            }),
            // owners provision their product, or repair its drift
            apply,
            // changes made by templates and pipelines, kept with the portal's
            changeReports: new InfrastructureChangeReports({
              permissions,
              permissionsRegistry,
              catalog,
              auth,
              audit,
              // a pipeline's failed apply is told to the product's owners
              notifications,
              redactMessage: message => infrastructure.redactMessage(message),
              logger,
              clock,
            }),
            runs,
            // owners drop a merged branch's copies of their product's data
            sandboxes: sandboxDeletion,
            // and keep a long-lived branch's past its expiry
            keptSandboxes: new SandboxKeeping({
              infrastructure,
              permissions,
              audit,
              claims: sandboxClaims,
              expireAfterMs: sandboxExpiry?.expireAfterMs,
              logger,
              clock,
            }),
            // pipelines and templates claim a branch's sandbox as the portal does
            sandboxClaims,
            leftovers: leftovers.cleanup,
            leftoversSeen: leftovers.seen,
            // and make one for a branch
            newSandboxes,
          }),
        );
        // Usage per consumer and unused grants — src/usage; set up before
        // lifecycle, whose retirement asks it who still reads (router below).
        // Each setup takes the services it declares from the plugin's.
        const usage = await setupUsage({
          ...services,
          getAdapter,
          listEntities: listProducts,
        });
        // Deprecation and retirement — src/lifecycle. Mounted before the
        // access router: its admission check refuses new access requests to
        // deprecated products.
        const lifecycle = await setupProductLifecycle({
          ...services,
          store: audit,
          accessStore,
          getAdapter,
          accessExecutor: Boolean(accessGrantExecutor.executor),
          usage: usage.service,
          sandboxClaims,
        });
        router.use(lifecycle.admission);
        router.use(lifecycle.router);
        // Access requests to output ports — src/access
        const accessRequests = await setupAccessRequests({
          ...services,
          store: accessStore,
          getAdapter,
          // a consumer approved during a breach hears of it, as the
          // product's readers did when it began
          onApproved: breachNotifier
            ? async request => {
                const others = (
                  await accessStore.grantHolders(request.product)
                ).filter(r => r.id !== request.id);
                const already = new Set(readersOf(others));
                await tellNewReaders({
                  store,
                  notifier: breachNotifier,
                  product: request.product,
                  readers: readersOf([request]).filter(r => !already.has(r)),
                });
              }
            : undefined,
        });
        accessRegistry.service = accessRequests.service;
        router.use(accessRequests.router);
        // Changes timeline and breaking-change notifications — src/changes
        router.use(await setupProductChanges(services));
        // Spec problems of the catalog and "Check a spec" — src/specProblems
        router.use(setupSpecProblems({ ...services, platform, getAdapter }));
        // Usage per consumer and unused grants — src/usage
        router.use(usage.router);
        // Data-quality checks of the specs, measured on a schedule — src/quality
        router.use(
          (
            await setupQuality({
              ...services,
              getAdapter,
              listEntities: listProducts,
              readersOf: async product =>
                readersOf(await accessStore.grantHolders(product)),
            })
          ).router,
        );
        // Governance policies: results per product, compliance per domain — src/governance
        router.use(
          await setupGovernance({
            ...services,
            sloStore: store,
            now: () => clock.now(),
          }),
        );
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
