/*
 * The example activity, a startup job of the data-mesh plugin's SLO engine,
 * when `dataMesh.examples.activity.enabled` is true (the embedded demo's
 * app-config.yaml; never in production):
 *
 * - once the backend has started and the catalog holds the example
 *   products: provision them, create and seed their tables, sync the SLO
 *   monitors, and replay the missing history (20 days on a first start);
 * - then, on the scheduler, run the example pipelines at the present.
 *
 * Until the job is over the plugin's scheduled collection skips its cycles,
 * so live observations never land before replayed ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import type {
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  type DataProductEntityV1alpha1,
  formatIssue,
} from '@datamesh/plugin-data-mesh-common';
import type {
  PlatformConfig,
  WarehouseService,
} from '@datamesh/plugin-data-mesh-node';
import type {
  DataMeshSloExtensionPoint,
  SloStartupContext,
} from '@datamesh/plugin-data-mesh-backend';
import {
  type SloClock,
  readAccessConfig,
} from '@datamesh/plugin-data-mesh-backend/alpha';
import { backfillExampleHistory, exampleEntities } from './activity';
import { exampleAgreements, recordExampleAgreements } from './agreements';
import { readExampleActivityConfig } from './config';
import { lockWarehouse, oneReplicaAtATime } from './lock';
import { type ExampleActivityProfile, parseActivityProfile } from './profile';
import { createTeamRoles, exampleTeams } from './teams';
import { ExampleWarehouse, type PreparedExampleProduct } from './warehouse';

/** Id of the scheduled task that runs the example pipelines. @public */
export const EXAMPLE_ACTIVITY_TASK_ID = 'data-mesh-example-activity';

/**
 * Read and check the activity profile; throws with every problem, located
 * by file and line.
 * @public
 */
export function loadActivityProfile(file: string): ExampleActivityProfile {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (e) {
    throw new Error(
      `the example activity profile ${absolute} cannot be read: ${
        (e as Error).message
      }`,
    );
  }
  const { profile, issues } = parseActivityProfile(text, absolute);
  if (!profile) {
    throw new Error(
      `invalid example activity profile:\n${issues
        .map(formatIssue)
        .join('\n')}`,
    );
  }
  return profile;
}

/** @public */
export interface ExampleActivityHandle {
  /** False while the example products are prepared and their history replayed. */
  ready(): boolean;
  /** Resolves when startup preparation and replay are over (successful or not). */
  settled: Promise<void>;
}

/** @public */
export interface ExampleActivitySetupOptions {
  config: Config;
  logger: LoggerService;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  /** The plugin's SLO engine: the preparation and replay run as its startup job. */
  slo: DataMeshSloExtensionPoint;
  /**
   * The whole entities of these data products from the catalog (the SLO
   * engine's list has only the fields its monitors need, not the ports).
   */
  readProducts(refs: string[]): Promise<DataProductEntityV1alpha1[]>;
  /** The process's warehouse: the example products are provisioned and driven in it. */
  warehouse: WarehouseService;
  platform: PlatformConfig;
  clock: SloClock;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Set up the example activity if the config enables it; undefined otherwise.
 * @public
 */
export async function setupExampleActivity(
  options: ExampleActivitySetupOptions,
): Promise<ExampleActivityHandle | undefined> {
  const settings = readExampleActivityConfig(options.config);
  if (!settings) return undefined;
  const { logger, clock } = options;
  const profile = loadActivityProfile(settings.profile);
  const names = profile.products.map(p => p.name);
  const teamRoleTemplate = readAccessConfig(options.config).naming.teamRole;

  // an embedded warehouse is marked as held, so the backfill command refuses it
  const dataDir = options.warehouse.dataDirectory;
  if (dataDir) {
    const release = lockWarehouse(dataDir, 'Backstage Data Mesh portal');
    options.lifecycle.addShutdownHook(release);
  }

  let ready = false;
  let stopping = false;
  let warehouse: ExampleWarehouse | undefined;
  let products: PreparedExampleProduct[] | undefined;
  let missing = 0;
  // the SLO engine, handed over when the startup job runs
  let engine: SloStartupContext | undefined;
  options.lifecycle.addShutdownHook(() => {
    stopping = true;
  });

  /** All DataProducts once the example ones are in the catalog (or the wait is over). */
  async function waitForCatalog(): Promise<DataProductEntityV1alpha1[]> {
    const deadline = Date.now() + settings!.catalogTimeoutMs;
    for (;;) {
      const entities = await engine!.listEntities();
      const found = exampleEntities(entities, names, profile.namespace);
      if (found.length === names.length || Date.now() >= deadline || stopping)
        return entities;
      await sleep(2000);
    }
  }

  async function prepare(entities: DataProductEntityV1alpha1[]) {
    warehouse = new ExampleWarehouse({
      adapter: await options.warehouse.getAdapter(),
      platform: options.platform,
      profile,
      logger,
    });
    const report = await warehouse.prepare(entities);
    // an approved request of an example team is granted to the team's role
    try {
      const created = await createTeamRoles({
        adapter: await options.warehouse.getAdapter(),
        platform: options.platform,
        template: teamRoleTemplate,
        teams: exampleTeams(
          exampleEntities(entities, names, profile.namespace),
        ),
      });
      if (created.length > 0) {
        logger.info(
          `Example activity: created the team roles ${created.join(', ')}`,
        );
      }
    } catch (e) {
      report.problems.push((e as Error).message);
    }
    // its pipelines read along the lineage: those reads are recorded access
    try {
      const access = await recordExampleAgreements(
        engine!.access,
        exampleAgreements(
          await options.readProducts(
            names.map(name => `dataproduct:${profile.namespace}/${name}`),
          ),
        ),
      );
      report.problems.push(...access.problems);
      if (access.recorded > 0) {
        logger.info(
          `Example activity: recorded ${access.recorded} reads of the example lineage as access (${access.held} held already)`,
        );
      }
    } catch (e) {
      report.problems.push((e as Error).message);
    }
    for (const problem of report.problems) {
      logger.warn(`Example activity: ${problem}`);
    }
    products = report.products;
    missing = report.missing.length;
    logger.info(
      `Example activity: ${report.products.length} of ${names.length} example products ready in the warehouse (${report.applied} provisioning steps applied)`,
    );
  }

  async function start() {
    try {
      const entities = await waitForCatalog();
      await prepare(entities);
      await engine!.collector.syncMonitors(entities, { now: clock.now() });
      if (settings!.backfill.enabled && products!.length > 0) {
        const began = Date.now();
        logger.info(
          'Example activity: bringing the example SLO history up to date',
        );
        const report = await backfillExampleHistory({
          warehouse: warehouse!,
          products: products!,
          store: engine!.store,
          createCollector: engine!.createCollector,
          now: () => clock.now(),
          windowMs: settings!.backfill.windowMs,
          stepMs: settings!.backfill.stepMs,
          logger,
          stopped: () => stopping,
        });
        const errors = [...new Set(report.errors)];
        logger.info(
          report.skipped
            ? `Example activity: no replay, ${report.skipped}`
            : `Example activity: replayed ${
                report.ticks
              } collection cycles from ${new Date(
                report.from!,
              ).toISOString()} to ${new Date(report.to!).toISOString()} with ${
                report.loads
              } table loads in ${Math.round((Date.now() - began) / 1000)} s${
                errors.length ? `; problems: ${errors.join('; ')}` : ''
              }`,
        );
      }
    } catch (e) {
      logger.error(
        `Example activity: preparing the example mesh failed: ${
          (e as Error).message
        }`,
      );
    } finally {
      ready = true;
    }
  }

  let settle: () => void = () => {};
  const settled = new Promise<void>(resolve => {
    settle = resolve;
  });
  // The engine runs it after every plugin has started (the catalog
  // included), not awaited, so the portal is usable during the replay.
  options.slo.addStartupJob(async context => {
    engine = context;
    try {
      // replicas on one database prepare and replay one after the other
      await oneReplicaAtATime(
        context.store.db,
        EXAMPLE_ACTIVITY_TASK_ID,
        start,
      );
    } finally {
      settle();
    }
  });

  await options.scheduler.scheduleTask({
    id: EXAMPLE_ACTIVITY_TASK_ID,
    ...settings.schedule,
    fn: async () => {
      if (!ready) return;
      if (!products || missing > 0) {
        // the catalog or the warehouse was not there at startup: try again
        await prepare(await engine!.listEntities());
      }
      const loads = await warehouse!.run(products!, clock.now());
      if (loads > 0) logger.info(`Example activity: ${loads} table loads`);
    },
  });

  return { ready: () => ready, settled };
}
