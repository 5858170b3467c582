/*
 * A product's data-quality checks for the API: the checks its spec declares
 * now (from the catalog entity, so a check removed from the spec is gone
 * and a new one is `pending`), joined with the latest stored result of
 * each and its results of the last 30 days; where every product's checks
 * stand, for the data products list; a pipeline's report, judged and kept.
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  type DataProductEntityV1alpha1,
  type ProductQualityCheckView,
  type ProductQualityResponse,
  type QualityFailingResponse,
  type QualityProductsResponse,
  type QualityReport,
  type QualityReportResponse,
  describeQualityCheck,
  isBlockingQualityCheck,
  qualityCheckRunner,
} from '@datamesh/plugin-data-mesh-common';
import {
  type PlatformConfig,
  productQualityChecks,
  qualityNotRunReason,
} from '@datamesh/plugin-data-mesh-node';
import { productRefOf } from '../slo/monitors';
import type { QualityCycleOptions } from './collector';
import type { QualityStore } from './QualityStore';
import { recordQualityReport } from './reports';

const HISTORY_MS = 30 * 24 * 3_600_000;

const iso = (t: number) => new Date(t).toISOString();

export class QualityService {
  constructor(
    private readonly options: Pick<
      QualityCycleOptions,
      'logger' | 'notifier'
    > & {
      store: QualityStore;
      platform: PlatformConfig;
      clock: { now(): number };
      /** Whether the scheduled run is on. */
      enabled: boolean;
    },
  ) {}

  async productQuality(
    entity: DataProductEntityV1alpha1,
  ): Promise<ProductQualityResponse> {
    const { store, clock } = this.options;
    const product = productRefOf(entity);
    const checks = productQualityChecks(entity, this.options.platform);
    const latest = (await store.latest([product])).get(product);
    const history = checks.length
      ? await store.history(product, clock.now() - HISTORY_MS)
      : [];
    let lastCheckedAt: number | undefined;
    const views = checks.map((c): ProductQualityCheckView => {
      const base = {
        key: c.key,
        dataset: c.dataset,
        ...(c.column ? { column: c.column } : {}),
        check: c.check,
        description: describeQualityCheck(c.check),
        severity: c.check.severity ?? 'error',
        blocking: isBlockingQualityCheck(c.check),
      };
      const runner = qualityCheckRunner(c.check);
      const last = latest?.get(c.key);
      // a sql check has results only once the product's pipeline reported
      if (!runner || (runner === 'pipeline' && !last)) {
        return {
          ...base,
          status: 'not-run',
          reason: qualityNotRunReason(c.check),
          history: [],
        };
      }
      // a result says what it measured; without one, why there is none
      const reason = last ? last.message : c.problem ?? 'not measured yet';
      if (last && (lastCheckedAt ?? 0) < last.checkedAt)
        lastCheckedAt = last.checkedAt;
      return {
        ...base,
        status: last?.status ?? 'pending',
        ...(last?.value !== undefined ? { value: last.value } : {}),
        ...(last?.rows !== undefined ? { rows: last.rows } : {}),
        ...(reason ? { reason } : {}),
        ...(last ? { checkedAt: iso(last.checkedAt) } : {}),
        ...(last?.measuredBy ? { measuredBy: last.measuredBy } : {}),
        history: history
          .filter(h => h.checkKey === c.key)
          .map(h => ({
            checkedAt: iso(h.checkedAt),
            status: h.status,
            ...(h.value !== undefined ? { value: h.value } : {}),
          })),
      };
    });
    return {
      checks: views,
      enabled: this.options.enabled,
      ...(lastCheckedAt !== undefined
        ? { lastCheckedAt: iso(lastCheckedAt) }
        : {}),
    };
  }

  /** The products of these owners (a user's ownership refs) left failing. */
  async failingOwnedBy(owners: string[]): Promise<QualityFailingResponse> {
    const failing = await this.options.store.failingOwnedBy(owners);
    return {
      items: failing.map(p => ({
        product: p.product,
        checks: p.failing,
        checkedAt: iso(p.checkedAt),
      })),
    };
  }

  /** Where every product with checks stands, by its checks' latest results. */
  async products(): Promise<QualityProductsResponse> {
    const summaries = await this.options.store.summaries();
    return {
      items: summaries.map(p => ({
        product: p.product,
        checks: p.checks,
        failing: p.failing,
        warnings: p.warnings,
        checkedAt: iso(p.checkedAt),
      })),
    };
  }

  /** A pipeline's results of the product's checks, judged by the catalog's checks. */
  async report(
    entity: DataProductEntityV1alpha1,
    report: QualityReport,
    credentials: BackstageCredentials,
  ): Promise<QualityReportResponse> {
    return recordQualityReport(this.options, entity, report, credentials);
  }
}
