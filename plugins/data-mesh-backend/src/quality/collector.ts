/*
 * The data-quality cycle: every product's declared checks (ODCS quality[]),
 * measured together — one `measureQuality` call per warehouse database,
 * each table scanned once (data-mesh-node qualityRun.ts) — the results
 * recorded, and the owners of a product told when one of its blocking
 * checks starts failing (once per failure: not again while it keeps
 * failing, again after it passed in between). Results a pipeline reports
 * (reports.ts) are recorded the same way.
 *
 * The scheduled run measures only the checks that are due: a check with
 * its own cron schedule when the schedule has fired since its latest
 * result, any other when its latest result is older than the interval
 * (default a day). A result the product's pipeline reported counts, so a
 * table its pipeline just measured is not scanned again by the portal.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  type DataProductEntityV1alpha1,
  type QualityCheck,
  type QualityMeasuredBy,
  isBlockingQualityCheck,
  previousCronTime,
  qualityCheckCron,
  qualityCheckRunner,
} from '@datamesh/plugin-data-mesh-common';
import {
  type PlatformConfig,
  type ProductQualityCheck,
  type QualityCheckResult,
  type WarehouseAdapter,
  productQualityChecks,
  runQualityChecks,
} from '@datamesh/plugin-data-mesh-node';
import { errorMessage } from '../slo/collection/stats';
import { ownerRefOf, productRefOf } from '../slo/monitors';
import type {
  ProductQualitySummary,
  QualityResultRecord,
  QualityStore,
} from './QualityStore';

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
  /** Checks not due yet, left for a later run. */
  notDue: number;
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
  /** How often a check without its own schedule is measured. */
  intervalMs: number;
  notifier?: QualityFailureNotifier;
}

/** One product's declared checks, and the results measured of them now. */
export interface MeasuredProduct {
  entity: DataProductEntityV1alpha1;
  /** Every check the product declares. */
  checks: ProductQualityCheck[];
  /** Results measured now: of every check (a run), or of some (a report). */
  results: QualityCheckResult[];
}

/** What recording results did. */
export interface RecordedQuality {
  /** Results kept (checks measured, or not measurable). */
  recorded: number;
  failed: number;
  /** Products whose owners were told of newly failing checks. */
  notified: number;
  errors: string[];
}

const standsFailing = (status: string | undefined) =>
  status === 'failed' || status === 'error';

// a run a little early (the scheduler's jitter) still finds the check due
const EARLY_MS = 5 * 60_000;

/**
 * Whether the scheduled run measures a check now, given when its latest
 * result was measured: its own cron schedule fired since then, or, without
 * one, the interval has passed.
 */
export function isQualityCheckDue(
  check: QualityCheck,
  lastCheckedAt: number | undefined,
  now: number,
  intervalMs: number,
): boolean {
  if (lastCheckedAt === undefined) return true;
  const cron = qualityCheckCron(check);
  if (!cron) return now - lastCheckedAt >= intervalMs - EARLY_MS;
  const fired = previousCronTime(cron, now);
  return fired !== undefined && fired > lastCheckedAt;
}

/**
 * Keep results measured at `now` — by the portal, or reported
 * (`measuredBy`) — and bring each product's summary up to date from its
 * checks' latest results; tell the owners of the blocking checks that
 * start failing. With `replaceAll` the products listed are every product.
 */
export async function recordQualityResults(
  options: Pick<QualityCycleOptions, 'store' | 'logger' | 'notifier'>,
  products: MeasuredProduct[],
  opts: { now: number; measuredBy?: QualityMeasuredBy; replaceAll: boolean },
): Promise<RecordedQuality> {
  const { store, logger } = options;
  const { now, measuredBy } = opts;
  const out: RecordedQuality = {
    recorded: 0,
    failed: 0,
    notified: 0,
    errors: [],
  };
  // read now, not reused from before the measuring (which can take
  // minutes): a pipeline may have reported meanwhile, and who was already
  // told of a failure depends on it
  const previous = await store.latest(
    products.filter(p => p.checks.length).map(p => productRefOf(p.entity)),
  );
  const records: QualityResultRecord[] = [];
  const summaries: ProductQualitySummary[] = [];
  const newlyFailing: MeasuredProduct[] = [];
  for (const { entity, checks, results } of products) {
    const product = productRefOf(entity);
    const before = previous.get(product);
    const measuredNow = new Map<string, QualityCheckResult>();
    for (const r of results) {
      if (r.status === 'not-run') continue;
      measuredNow.set(r.key, r);
      records.push({
        product,
        checkKey: r.key,
        checkedAt: now,
        status: r.status,
        ...(r.outcome ? { value: r.outcome.value, rows: r.outcome.rows } : {}),
        message: r.outcome?.reason ?? r.message,
        ...(measuredBy ? { measuredBy } : {}),
      });
      if (r.status === 'failed') out.failed++;
    }
    const failures = [...measuredNow.values()].filter(
      r =>
        r.status === 'failed' &&
        isBlockingQualityCheck(r.check) &&
        before?.get(r.key)?.status !== 'failed',
    );
    if (failures.length) {
      newlyFailing.push({ entity, checks, results: failures });
    }
    // where its checks stand: this result, else the one before
    const summary: ProductQualitySummary = {
      product,
      owner: ownerRefOf(entity),
      checkedAt: 0,
      checks: 0,
      failing: [],
      warnings: [],
    };
    for (const c of checks) {
      // the portal's checks and those the pipeline reports (sql)
      if (!qualityCheckRunner(c.check)) continue;
      const latest = measuredNow.has(c.key)
        ? { status: measuredNow.get(c.key)!.status, checkedAt: now }
        : before?.get(c.key);
      if (!latest) continue;
      summary.checks++;
      summary.checkedAt = Math.max(summary.checkedAt, latest.checkedAt);
      if (!standsFailing(latest.status)) continue;
      if (isBlockingQualityCheck(c.check)) summary.failing.push(c.key);
      else summary.warnings.push(c.key);
    }
    summaries.push(summary);
  }
  await store.record(records);
  out.recorded = records.length;
  await store.summarize(summaries, { replaceAll: opts.replaceAll });
  for (const { entity, results } of newlyFailing) {
    if (!options.notifier) break;
    try {
      await options.notifier.failing(entity, results);
      out.notified++;
    } catch (e) {
      const message = `owners of ${productRefOf(
        entity,
      )} not told of failing checks: ${errorMessage(e)}`;
      out.errors.push(message);
      logger.warn(`Data-quality checks: ${message}`);
    }
  }
  return out;
}

/**
 * Run one cycle, over every product or (`products`, entity refs) some;
 * with `dueOnly` (the scheduled run), only the checks that are due.
 */
export async function runQualityCycle(
  options: QualityCycleOptions,
  opts: { now?: number; products?: string[]; dueOnly?: boolean } = {},
): Promise<QualityCycleReport> {
  const { logger } = options;
  const now = opts.now ?? options.clock.now();
  const report: QualityCycleReport = {
    now,
    products: 0,
    checks: 0,
    measured: 0,
    notDue: 0,
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
  const products = entities
    .filter(e => !only || only.has(productRefOf(e)))
    .map(entity => ({
      entity,
      checks: productQualityChecks(entity, options.platform),
    }));
  report.products = products.filter(p => p.checks.length).length;
  report.checks = products.reduce((n, p) => n + p.checks.length, 0);
  const latest = opts.dueOnly
    ? await options.store.latest(
        products.filter(p => p.checks.length).map(p => productRefOf(p.entity)),
      )
    : undefined;
  const due = products.map(p => {
    if (!latest) return p.checks;
    const last = latest.get(productRefOf(p.entity));
    return p.checks.filter(c =>
      isQualityCheckDue(
        c.check,
        last?.get(c.key)?.checkedAt,
        now,
        options.intervalMs,
      ),
    );
  });
  const checks = due.flat();
  report.notDue = report.checks - checks.length;
  let results: QualityCheckResult[] = [];
  try {
    if (checks.length) {
      results = await runQualityChecks(await options.getAdapter(), checks);
    }
  } catch (e) {
    report.errors.push(`quality not measured: ${errorMessage(e)}`);
    logger.warn(`Data-quality checks: ${report.errors[0]}`);
    return report;
  }
  // results come in the order of the checks: cut them back per product
  let at = 0;
  const measured = products.map((p, i) => {
    const own = results.slice(at, at + due[i].length);
    at += due[i].length;
    return { ...p, results: own };
  });
  report.measured = results.filter(
    r => r.status === 'passed' || r.status === 'failed',
  ).length;
  // a product without checks any more is in the list, so its summary goes
  const recorded = await recordQualityResults(options, measured, {
    now,
    replaceAll: !opts.products,
  });
  report.failed = recorded.failed;
  report.notified = recorded.notified;
  report.errors.push(...recorded.errors);
  await options.store.prune(now - options.retentionMs);
  return report;
}
