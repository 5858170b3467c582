/*
 * npm run examples:backfill — replay the example mesh's SLO history while
 * the portal is stopped.
 *
 * The portal does this itself on every start (20 days on the first, the
 * gap since the last stop afterwards; see examples/README.md), so this
 * command is for preparing .data/ without starting the portal, e.g. in CI
 * or after deleting the SLO history (.data/sqlite/data-mesh.sqlite) to
 * replay it afresh. It runs the same code as the portal: the example
 * pipelines at each simulated hour, then one real cycle of the SLO
 * collector with `now` set to that hour.
 *
 * The embedded warehouse (PGlite) can be open in one process only, so the
 * command refuses to run while a portal holds it (its lock file, or a
 * portal answering on backend.baseUrl). Breaches found in the replayed
 * history are notified by the portal's first collection after it starts.
 *
 *   npm run examples:backfill [-- --config app-config.local.yaml ...] [--location examples/locations.yaml]
 */
import path from 'node:path';
import type {
  LifecycleService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { ConfigSources } from '@backstage/config-loader';
import { formatIssue } from '@datamesh/plugin-data-mesh-common';
import {
  type ResolvedWarehouse,
  readPlatformConfig,
  resolveWarehouse,
} from '@datamesh/plugin-data-mesh-node';
import { pgliteWarehouseAdapterFactory } from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
  SloStore,
  createSloCollector,
  readSloEngineConfig,
} from '@datamesh/plugin-data-mesh-backend/alpha';
import {
  ExampleWarehouse,
  backfillExampleHistory,
  exampleEntities,
  loadActivityProfile,
  lockWarehouse,
  readDataProductsOfLocation,
  readExampleActivityConfig,
  warehouseLockHolder,
} from '@datamesh/plugin-data-mesh-backend-module-examples';

const ROOT = path.resolve(__dirname, '../../..');
const BACKEND = path.join(ROOT, 'packages', 'backend');

function fail(message: string): never {
  process.stderr.write(`examples:backfill: ${message}\n`);
  process.exit(1);
}

const logger: LoggerService = {
  info: m => process.stdout.write(`${m}\n`),
  warn: m => process.stderr.write(`warning: ${m}\n`),
  error: m => process.stderr.write(`error: ${m}\n`),
  debug: () => {},
  child: () => logger,
};

/** `--config a --config b` (relative to the current directory) and `--location file`. */
function parseArgs(argv: string[]) {
  const configs: string[] = [];
  let location = path.join(ROOT, 'examples', 'locations.yaml');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if ((arg === '--config' || arg === '--location') && value) {
      if (arg === '--config') configs.push(path.resolve(value));
      else location = path.resolve(value);
      i++;
    } else {
      fail(
        `unknown argument '${arg}'\nusage: npm run examples:backfill [-- --config <file> ...] [--location <catalog Location file>]`,
      );
    }
  }
  return { configs, location };
}

async function portalAnswers(baseUrl: string | undefined): Promise<boolean> {
  if (!baseUrl) return false;
  try {
    const res = await fetch(`${baseUrl}/.backstage/health/v1/liveness`, {
      signal: AbortSignal.timeout(1500),
    });
    return res.ok;
  } catch {
    return false;
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const config = await ConfigSources.toConfig(
    ConfigSources.default({
      rootDir: ROOT,
      argv: args.configs.flatMap(c => ['--config', c]),
    }),
  );
  // relative paths in the config are the backend's (packages/backend)
  process.chdir(BACKEND);

  const settings = readExampleActivityConfig(config);
  if (!settings) {
    fail('dataMesh.examples.activity.enabled is not true in this config');
  }
  // only the embedded warehouse: the portal replays into any other itself
  let resolved: ResolvedWarehouse;
  try {
    resolved = resolveWarehouse(config, [pgliteWarehouseAdapterFactory]);
  } catch (e) {
    fail(
      `the example history is replayed into the embedded warehouse only (dataMesh.warehouse.type: pglite): ${
        (e as Error).message
      }`,
    );
  }
  const dataDir = resolved.dataDirectory!;
  const holder = warehouseLockHolder(dataDir);
  if (holder) {
    fail(
      `the portal holds the embedded warehouse ${dataDir} (process ${holder.pid}, since ${holder.since}). A PGlite directory can be open in one process only: stop the portal first — or just start it, it replays the missing history itself.`,
    );
  }
  const baseUrl = config.getOptionalString('backend.baseUrl');
  if (await portalAnswers(baseUrl)) {
    fail(
      `a portal answers on ${baseUrl}: stop it first — or let it replay the missing history itself`,
    );
  }
  const release = lockWarehouse(dataDir, 'npm run examples:backfill');
  process.on('exit', release);

  const profile = loadActivityProfile(settings.profile);
  const { entities, issues } = readDataProductsOfLocation(args.location);
  for (const issue of issues.filter(i => i.severity === 'error')) {
    logger.warn(formatIssue(issue));
  }
  const examples = exampleEntities(
    entities,
    profile.products.map(p => p.name),
    profile.namespace,
  );
  const platform = readPlatformConfig(config);
  const slo = readSloEngineConfig(config);

  const shutdown: (() => void | Promise<void>)[] = [];
  const lifecycle: LifecycleService = {
    addStartupHook: () => {},
    addShutdownHook: hook => {
      shutdown.push(hook);
    },
  };
  const database = DatabaseManager.fromConfig(config).forPlugin('data-mesh', {
    logger,
    lifecycle,
  });
  const store = await SloStore.create(database);
  const adapter = await resolved.open();
  try {
    const options = {
      store,
      logger,
      platform,
      defaults: slo.defaults,
      collectionIntervalMs: slo.collectionIntervalMs,
      recentSlices: slo.recentSlices,
      retentionMs: slo.retentionMs,
      observationRetentionMs: slo.observationRetentionMs,
      removedGraceMs: slo.removedGraceMs,
      getAdapter: async () => adapter,
    };
    const warehouse = new ExampleWarehouse({
      adapter,
      platform,
      profile,
      logger,
    });
    const prepared = await warehouse.prepare(examples);
    for (const problem of prepared.problems) logger.warn(problem);

    // The portal's catalog knows every product; this command only the
    // examples. Syncing with them alone would hide the others' monitors, so
    // monitors are derived here only when the store has none for the examples.
    const refs = new Set(prepared.products.map(p => p.entityRef));
    const known = (await store.listMonitors()).filter(m =>
      refs.has(m.entityRef),
    );
    if (known.length === 0) {
      await createSloCollector(options).syncMonitors(examples, {
        now: Date.now(),
      });
    }

    const began = Date.now();
    const report = await backfillExampleHistory({
      warehouse,
      products: prepared.products,
      store,
      createCollector: s => createSloCollector({ ...options, store: s }),
      now: () => Date.now(),
      windowMs: settings.backfill.windowMs,
      stepMs: settings.backfill.stepMs,
      logger,
      onTick: (at, i) => {
        if (i % 24 === 0) logger.info(`  ${new Date(at).toISOString()}`);
      },
    });
    if (report.skipped) {
      logger.info(`Nothing to replay: ${report.skipped}.`);
    } else {
      logger.info(
        `Replayed ${report.ticks} collection cycles from ${new Date(
          report.from!,
        ).toISOString()} to ${new Date(report.to!).toISOString()} (${
          report.loads
        } table loads) in ${Math.round((Date.now() - began) / 1000)} s.`,
      );
      for (const e of [...new Set(report.errors)]) logger.warn(e);
    }
  } finally {
    await adapter.close();
    for (const hook of shutdown) await hook();
    release();
  }
}

main().then(
  // the database manager keeps a keepalive timer running; the work is done
  () => process.exit(0),
  e => fail(e instanceof Error ? e.message : String(e)),
);
