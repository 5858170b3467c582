/*
 * Benchmark: what does provisioning cost for one data product, and for 200
 * products in one domain, on the embedded PGlite warehouse? Counts the
 * queries introspection sends (they must not grow with the number of
 * objects) and the statements a plan holds and an apply sends, and times
 * plan (cold: nothing exists yet), apply, and plan again (warm: everything
 * exists, the plan must be empty), as the median of repeated runs.
 *
 *   npm run bench:provision -- [--n 1,200] [--runs 5,3] [--memory]
 *
 * See bench/README.md for the recorded figures. A benchmark, not a test:
 * nothing here runs under `npm test`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConfigReader } from '@backstage/config';
import {
  type PostgresWarehouseAdapter,
  createPgliteWarehouseAdapter,
  pgliteWarehouseAdapterFactory,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
  applyPlan,
  diff,
  emptyState,
  assessProducts,
  isPlanEmpty,
  platformConfig,
  resolveWarehouse,
  scopeOf,
} from '@datamesh/plugin-data-mesh-node';
import { testDataProduct } from '@datamesh/plugin-data-mesh-node/testUtils';
import { median } from '../median';

const USAGE = `usage: run.ts [--n 1,200] [--runs 5,3] [--memory]
  --n       product counts, all in one domain; the first is the baseline
  --runs    repetitions per count (one number, or one per count)
  --memory  PGlite in memory instead of a data directory (the default, as the portal runs it)`;

interface Args {
  n: number[];
  runs: number[];
  memory: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { n: [1, 200], runs: [5, 3], memory: false };
  for (let i = 0; i < argv.length; i++) {
    const list = () => (argv[++i] ?? '').split(',').map(Number);
    switch (argv[i]) {
      case '--n':
        args.n = list();
        break;
      case '--runs':
        args.runs = list();
        break;
      case '--memory':
        args.memory = true;
        break;
      default:
        console.error(USAGE);
        process.exit(1);
    }
  }
  if (args.n.some(n => !Number.isInteger(n) || n < 1 || n > 999)) {
    console.error(`--n: counts from 1 to 999\n${USAGE}`);
    process.exit(1);
  }
  if (args.runs.some(r => !Number.isInteger(r) || r < 1)) {
    console.error(`--runs: positive integers\n${USAGE}`);
    process.exit(1);
  }
  return args;
}

interface Run {
  /** Queries introspection sent, cold and warm. */
  introspectionCold: number;
  introspectionWarm: number;
  /** Statements in the cold plan, and statements the apply sent. */
  planStatements: number;
  applyQueries: number;
  planMs: number;
  applyMs: number;
  replanMs: number;
  objects: { roles: number; schemas: number; grants: number };
}

async function once(
  adapter: PostgresWarehouseAdapter,
  n: number,
): Promise<Run> {
  const platform = platformConfig();
  const products = Array.from({ length: n }, (_, i) =>
    testDataProduct(`orders-${String(i + 1).padStart(3, '0')}`, 'bench'),
  );
  const q = () => adapter.connection.queryCount;

  let before = q();
  let t = performance.now();
  const cold = await assessProducts(products, platform, adapter);
  const planMs = performance.now() - t;
  const introspectionCold = q() - before;
  if (!cold.plan) throw new Error(JSON.stringify(cold.issues));
  if (cold.actual!.queries !== introspectionCold) {
    throw new Error(
      `adapter reports ${
        cold.actual!.queries
      } introspection queries, the connection counted ${introspectionCold}`,
    );
  }
  const planStatements = [...cold.plan.steps, ...cold.plan.destructive].reduce(
    (s, step) => s + step.statements.length,
    0,
  );

  before = q();
  t = performance.now();
  const applied = await applyPlan(cold.plan, adapter);
  const applyMs = performance.now() - t;
  const applyQueries = q() - before;
  if (applied.error) throw new Error(applied.error.message);

  before = q();
  t = performance.now();
  const warm = await assessProducts(products, platform, adapter);
  const replanMs = performance.now() - t;
  const introspectionWarm = q() - before;
  if (!warm.plan || !isPlanEmpty(warm.plan)) {
    throw new Error('the plan after apply is not empty');
  }
  const notInSync = warm.products.filter(p => p.status !== 'in-sync');
  if (notInSync.length > 0) {
    throw new Error(`not in sync after apply: ${notInSync[0].entityRef}`);
  }

  const objects = {
    roles: cold.desired!.roles.length,
    schemas: cold.desired!.schemas.length,
    grants: cold.desired!.grants.length,
  };

  // tear down with the engine itself, so the next run starts from nothing
  const actual = await adapter.introspect(scopeOf(cold.desired!));
  const removal = diff(emptyState(), actual, adapter);
  const removed = await applyPlan(removal, adapter, { allowDestructive: true });
  if (removed.error) throw new Error(`teardown: ${removed.error.message}`);

  return {
    introspectionCold,
    introspectionWarm,
    planStatements,
    applyQueries,
    planMs,
    applyMs,
    replanMs,
    objects,
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const dir = args.memory
    ? undefined
    : fs.mkdtempSync(path.join(os.tmpdir(), 'datamesh-bench-provision-'));
  // opened from config as the portal opens it (in memory has no config)
  const adapter = (await (dir
    ? resolveWarehouse(
        new ConfigReader({
          dataMesh: { warehouse: { type: 'pglite', pglite: { dataDir: dir } } },
        }),
        [pgliteWarehouseAdapterFactory],
      ).open()
    : createPgliteWarehouseAdapter({
        inMemory: true,
      }))) as PostgresWarehouseAdapter;
  console.log(
    `PGlite ${dir ? `in ${dir}` : 'in memory'}, node ${process.version}, ${
      os.cpus().length
    } CPUs (${os.cpus()[0]?.model ?? 'unknown'})`,
  );
  try {
    // warm up the WASM instance and the engine's code paths
    await once(adapter, 1);

    const results: { n: number; runs: Run[] }[] = [];
    for (const [i, n] of args.n.entries()) {
      const count = args.runs[Math.min(i, args.runs.length - 1)];
      const runs: Run[] = [];
      for (let r = 0; r < count; r++) runs.push(await once(adapter, n));
      results.push({ n, runs });
    }

    const summary = results.map(({ n, runs }) => ({
      n,
      runs: runs.length,
      objects: runs[0].objects,
      introspectionCold: median(runs.map(r => r.introspectionCold)),
      introspectionWarm: median(runs.map(r => r.introspectionWarm)),
      planStatements: median(runs.map(r => r.planStatements)),
      applyQueries: median(runs.map(r => r.applyQueries)),
      planMs: median(runs.map(r => r.planMs)),
      applyMs: median(runs.map(r => r.applyMs)),
      replanMs: median(runs.map(r => r.replanMs)),
    }));
    const base = summary[0];
    const ratio = (v: number, b: number) =>
      b === 0 ? '-' : `×${(v / b).toFixed(1)}`;
    const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;

    console.log('');
    console.log(
      '| products | runs | roles / schemas / grants | introspection queries (cold / warm) | statements (plan / apply) | plan (cold) | apply | plan (warm) |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const s of summary) {
      const vs = s === base ? '' : ' ';
      console.log(
        `| ${s.n} | ${s.runs} | ${s.objects.roles} / ${s.objects.schemas} / ${
          s.objects.grants
        } | ${s.introspectionCold} / ${s.introspectionWarm}${
          vs && ` (${ratio(s.introspectionCold, base.introspectionCold)})`
        } | ${s.planStatements} / ${s.applyQueries}${
          vs && ` (${ratio(s.applyQueries, base.applyQueries)})`
        } | ${fmt(s.planMs)}${
          vs && ` (${ratio(s.planMs, base.planMs)})`
        } | ${fmt(s.applyMs)}${
          vs && ` (${ratio(s.applyMs, base.applyMs)})`
        } | ${fmt(s.replanMs)}${
          vs && ` (${ratio(s.replanMs, base.replanMs)})`
        } |`,
      );
    }
    console.log('');
    for (const s of summary.slice(1)) {
      console.log(
        `${s.n} products vs ${base.n}: introspection queries ${ratio(
          s.introspectionCold,
          base.introspectionCold,
        )}, statements ${ratio(
          s.applyQueries,
          base.applyQueries,
        )}, apply per statement ${fmt(
          s.applyMs / s.applyQueries,
        )} (baseline ${fmt(base.applyMs / base.applyQueries)})`,
      );
    }
    const grew = summary.filter(
      s =>
        s.introspectionCold !== base.introspectionCold ||
        s.introspectionWarm !== base.introspectionWarm,
    );
    if (grew.length > 0) {
      console.error(
        `FAIL: introspection queries grew with the number of objects (${grew
          .map(s => `${s.n}: ${s.introspectionCold}/${s.introspectionWarm}`)
          .join(', ')})`,
      );
      process.exitCode = 1;
    } else {
      console.log(
        `introspection queries are constant: ${base.introspectionCold} for every product count`,
      );
    }
  } finally {
    await adapter.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
