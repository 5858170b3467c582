/*
 * The API part: latency of the SLO REST API on the baseline and on the large
 * set (history copied from the baseline), endpoint by endpoint, then the
 * statements behind it profiled on the large set.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { platformConfig } from '@datamesh/plugin-data-mesh-node';
import type { readSloEngineConfig } from '@datamesh/plugin-data-mesh-backend/alpha';
import { type BenchTimeline, writeBaseline } from './baseline';
import { withCpuProfile } from './cpuProfile';
import { percentile, runLoad } from './load';
import type { Args } from './options';
import { profileStore } from './profile';
import { type Measured, fmt, log, secs } from './report';
import { replicate } from './replicate';
import { type BenchStores, type Store, settle, sizeOf } from './stores';
import { variantsFor } from './variants';
import { ownerOf, productEntity, productName } from './world';

export interface ApiContext {
  args: Args;
  stores: BenchStores;
  timeline: BenchTimeline;
  authorization: string;
  settings: ReturnType<typeof readSloEngineConfig>;
  platform: ReturnType<typeof platformConfig>;
}

/** What the API part measured, and the wrong answers it saw. */
export interface ApiResults {
  measured: Measured[];
  failures: string[];
}

export async function measureApi(ctx: ApiContext): Promise<ApiResults> {
  const { args } = ctx;
  const results: ApiResults = { measured: [], failures: [] };
  const baseStores = await writeBaseline(ctx);
  // then, per database, the large set beside its baseline
  for (const baseStore of baseStores) {
    const kind = baseStore.kind;
    log(
      `\n== ${kind}: ${args.baseline} products (${await sizeOf(baseStore)})${
        args.products !== args.baseline ? ` and ${args.products}` : ''
      }`,
    );
    const stores = [baseStore];
    if (args.products !== args.baseline) {
      log(
        `${args.products} products: monitors from the plugin's catalog sync, history copied from the baseline`,
      );
      const entities = Array.from({ length: args.products }, (_, i) =>
        productEntity(i),
      );
      const store = await ctx.stores.open(kind, args.products, entities);
      const t = performance.now();
      await replicate(baseStore.knex, store.knex, args.baseline, log);
      await settle(store);
      log(
        `  loaded in ${secs(performance.now() - t)} (with ${
          kind === 'postgres' ? 'VACUUM ANALYZE' : 'no ANALYZE'
        }); ${await sizeOf(store)}`,
      );
      stores.push(store);
    }
    await compare(ctx, results, stores);
    await printStatementProfile(ctx, stores[stores.length - 1]);
    for (const store of stores) {
      await store.backend!.stop();
      store.backend = undefined;
    }
  }
  return results;
}

/**
 * Every variant on each store in turn, repeated `--rounds` times, so that
 * the baseline and the large set see the same machine load (it drifts on
 * a shared machine) and their ratio means something.
 */
async function compare(ctx: ApiContext, results: ApiResults, stores: Store[]) {
  for (const { variant } of variantsFor(stores[0].products, ctx.args)) {
    for (let round = 1; round <= ctx.args.rounds; round++) {
      for (const store of stores)
        await measureOnce(ctx, results, store, variant, round);
    }
  }
}

/** One run of one variant against one store; latencies pooled per (store, variant). */
async function measureOnce(
  ctx: ApiContext,
  { measured, failures }: ApiResults,
  store: Store,
  variant: string,
  round: number,
) {
  const { args, authorization } = ctx;
  const n = store.products;
  const v = variantsFor(n, args).find(x => x.variant === variant)!;
  const base = store.backend!.baseUrl;
  // warm-up: connections, JIT, caches
  await runLoad({
    baseUrl: base,
    paths: v.paths,
    concurrency: 2,
    maxRequests: 6,
    maxMs: 10_000,
    authorization,
    seed: 7 + round,
  });
  const profileFile =
    args.cpuProfile && n === args.products
      ? path.join(
          args.cpuProfile,
          `${store.kind}-${n}-${v.variant.replace(
            /[^a-z0-9]+/gi,
            '-',
          )}-${round}.cpuprofile`,
        )
      : undefined;
  const result = await withCpuProfile(profileFile, () =>
    runLoad({
      baseUrl: base,
      paths: v.paths,
      concurrency: v.concurrency,
      maxRequests: Math.max(1, Math.round(v.maxRequests)),
      maxMs: v.maxMs,
      authorization,
      seed: 42 + round,
    }),
  );
  let m = measured.find(
    x => x.kind === store.kind && x.products === n && x.variant === v.variant,
  );
  if (!m) {
    m = {
      kind: store.kind,
      products: n,
      variant: v.variant,
      concurrency: v.concurrency,
      result: { latencies: [], errors: [], wallMs: 0, bytes: 0 },
    };
    measured.push(m);
  }
  m.result.latencies.push(...result.latencies);
  m.result.errors.push(...result.errors);
  m.result.wallMs += result.wallMs;
  m.result.bytes += result.bytes;
  const l = result.latencies;
  log(
    `  ${store.kind}, ${n} products, ${v.variant}${
      v.concurrency > 1 ? ` (${v.concurrency} in flight)` : ''
    }, round ${round}: ${l.length} requests in ${secs(
      result.wallMs,
    )}, p50 ${fmt(percentile(l, 50))}, p95 ${fmt(percentile(l, 95))}, max ${fmt(
      Math.max(...l),
    )}, ${(result.bytes / Math.max(1, l.length) / 1024).toFixed(0)} KiB/answer${
      result.errors.length
        ? `, ${result.errors.length} ERRORS: ${result.errors
            .slice(0, 3)
            .join(' | ')}`
        : ''
    }`,
  );
  if (result.errors.length)
    failures.push(`${store.kind} ${n} ${v.variant}: ${result.errors[0]}`);
}

/** The statements behind the API, timed (and with --explain, planned) on a separate connection. */
async function printStatementProfile(ctx: ApiContext, store: Store) {
  const { args } = ctx;
  const picks = Array.from(
    { length: 20 },
    (_, k) =>
      `dataproduct:default/${productName(
        Math.floor((k * 7919) % store.products),
      )}`,
  );
  const profiles = await profileStore({
    knex: store.knex,
    client: store.kind,
    now: ctx.timeline.NOW,
    productRefs: picks,
    owner: ownerOf(0),
    explain: args.explain,
  });
  log(
    `  statements (median per execution, separate connection, nothing else running):`,
  );
  for (const p of profiles) {
    log(
      `    ${p.call.padEnd(13)} ${fmt(p.medianMs).padStart(8)} ×${
        p.runs
      }  ${p.sql.replace(/\s+/g, ' ').slice(0, 150)}`,
    );
    if (p.plan)
      log(
        p.plan
          .split('\n')
          .map(l => `        ${l}`)
          .join('\n'),
      );
  }
}
