/*
 * The data-quality cycle: every product's declared checks (ODCS quality[]),
 * measured together — one `measureQuality` call per warehouse database,
 * each table scanned once (data-mesh-node qualityRun.ts) — the results
 * recorded, and the owners of a product told when one of its blocking
 * checks starts failing (once per failure: not again while it keeps
 * failing, again after it passed in between).
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  type DataProductEntityV1alpha1,
  isBlockingQualityCheck,
} from '@datamesh/plugin-data-mesh-common';
import {
  type PlatformConfig,
  type QualityCheckResult,
  type WarehouseAdapter,
  productQualityChecks,
  runQualityChecks,
} from '@datamesh/plugin-data-mesh-node';
import { errorMessage } from '../slo/collection/stats';
import { ownerRefOf, productRefOf } from '../slo/monitors';
import type { QualityResultRecord, QualityStore } from './QualityStore';

/** Who hears of a product's newly failing checks. @public */
export interface QualityFailureNotifier {
  failing(
    entity: DataProductEntityV1alpha1,
    failures: QualityCheckResult[],
  ): Promise<void>;
}

/** @public */
export interface QualityCycleReport {
  now: number;
  products: number;
  checks: number;
  /** Checks measured (passed or failed). */
  measured: number;
  failed: number;
  /** Products whose owners were told of newly failing checks. */
  notified: number;
  errors: string[];
}

export interface QualityCycleOptions {
  store: QualityStore;
  logger: LoggerService;
  platform: PlatformConfig;
  getAdapter(): Promise<WarehouseAdapter>;
  listEntities(): Promise<DataProductEntityV1alpha1[]>;
  clock: { now(): number };
  /** How long results are kept. */
  retentionMs: number;
  notifier?: QualityFailureNotifier;
}

/** Run one cycle, over every product or (`products`, entity refs) some. */
export async function runQualityCycle(
  options: QualityCycleOptions,
  opts: { now?: number; products?: string[] } = {},
): Promise<QualityCycleReport> {
  const { store, logger } = options;
  const now = opts.now ?? options.clock.now();
  const report: QualityCycleReport = {
    now,
    products: 0,
    checks: 0,
    measured: 0,
    failed: 0,
    notified: 0,
    errors: [],
  };
  let entities: DataProductEntityV1alpha1[];
  try {
    entities = await options.listEntities();
  } catch (e) {
    report.errors.push(`quality not measured: ${errorMessage(e)}`);
    logger.warn(`Data-quality checks: ${report.errors[0]}`);
    return report;
  }
  const only = opts.products && new Set(opts.products);
  const checks = entities
    .filter(e => !only || only.has(productRefOf(e)))
    .flatMap(entity =>
      productQualityChecks(entity, options.platform).map(c => ({
        entity,
        ...c,
      })),
    );
  report.products = new Set(checks.map(c => c.entity)).size;
  report.checks = checks.length;
  if (!checks.length) {
    // nothing declares a check any more: nothing is left failing
    if (!opts.products) await store.summarize([], { replaceAll: true });
    return report;
  }

  let results: QualityCheckResult[];
  try {
    results = await runQualityChecks(await options.getAdapter(), checks);
  } catch (e) {
    report.errors.push(`quality not measured: ${errorMessage(e)}`);
    logger.warn(`Data-quality checks: ${report.errors[0]}`);
    return report;
  }
  const refs = [...new Set(checks.map(c => productRefOf(c.entity)))];
  const previous = await store.latest(refs);
  const records: QualityResultRecord[] = [];
  const newlyFailing = new Map<
    DataProductEntityV1alpha1,
    QualityCheckResult[]
  >();
  results.forEach((r, i) => {
    if (r.status === 'not-run') return;
    const entity = checks[i].entity;
    const product = productRefOf(entity);
    records.push({
      product,
      checkKey: r.key,
      checkedAt: now,
      status: r.status,
      ...(r.outcome ? { value: r.outcome.value, rows: r.outcome.rows } : {}),
      message: r.outcome?.reason ?? r.message,
    });
    if (r.status !== 'error') report.measured++;
    if (r.status !== 'failed') return;
    report.failed++;
    const before = previous.get(product)?.get(r.key)?.status;
    if (before !== 'failed' && isBlockingQualityCheck(r.check)) {
      newlyFailing.set(entity, [...(newlyFailing.get(entity) ?? []), r]);
    }
  });
  await store.record(records);
  // what needs the owners now, per product: the home page counts it
  const failing = new Map<DataProductEntityV1alpha1, string[]>(
    checks.map(c => [c.entity, []]),
  );
  results.forEach((r, i) => {
    if (
      isBlockingQualityCheck(r.check) &&
      (r.status === 'failed' || r.status === 'error')
    ) {
      failing.get(checks[i].entity)!.push(r.key);
    }
  });
  await store.summarize(
    [...failing].map(([entity, keys]) => ({
      product: productRefOf(entity),
      owner: ownerRefOf(entity),
      checkedAt: now,
      failing: keys,
    })),
    { replaceAll: !opts.products },
  );
  if (options.notifier) {
    for (const [entity, failures] of newlyFailing) {
      try {
        await options.notifier.failing(entity, failures);
        report.notified++;
      } catch (e) {
        const message = `owners of ${productRefOf(
          entity,
        )} not told of failing checks: ${errorMessage(e)}`;
        report.errors.push(message);
        logger.warn(`Data-quality checks: ${message}`);
      }
    }
  }
  await store.prune(now - options.retentionMs);
  return report;
}
