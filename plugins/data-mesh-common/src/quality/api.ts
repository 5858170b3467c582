/*
 * A product's data-quality checks as the REST API returns them
 * (`GET /products/:namespace/:name/quality`): each check the spec declares,
 * its latest result and its recent history.
 */
import type { QualityCheck } from '../model';
import type { QualityMeasure } from './checks';

/**
 * `passed`/`failed`: measured; `error`: could not be measured (the table or
 * column is not there, the warehouse refused); `not-run`: a check the
 * portal does not run (`sql`, `custom`, `text`); `pending`: not measured yet.
 * @public
 */
export type QualityResultStatus =
  | 'passed'
  | 'failed'
  | 'error'
  | 'not-run'
  | 'pending';

/** One earlier result of a check. @public */
export interface QualityHistoryPoint {
  checkedAt: string;
  status: 'passed' | 'failed' | 'error';
  value?: number;
}

/** One declared check and where it stands. @public */
export interface ProductQualityCheckView {
  /** `dataset`, `dataset.column`, then `:name`. */
  key: string;
  dataset: string;
  column?: string;
  check: QualityCheck;
  /** The check in words, e.g. "null values must be 0". */
  description: string;
  /** The spec's severity, `error` when it says none. */
  severity: string;
  /** A failure of this check needs its owners (severity `error`): they are notified, and pipelines fail on it. */
  blocking: boolean;
  status: QualityResultStatus;
  /** The latest measure, in the check's unit. */
  value?: number;
  rows?: number;
  /** The latest outcome in words, or why it was not measured or run. */
  reason?: string;
  checkedAt?: string;
  /** Where the latest result was measured, when not by the portal itself (a product's pipeline, `datamesh quality --report-to`). */
  measuredBy?: QualityMeasuredBy;
  /** Results of the last 30 days, oldest first. */
  history: QualityHistoryPoint[];
}

/** Who measured a result the portal did not measure itself. @public */
export interface QualityMeasuredBy {
  source: QualityReportSource;
  /** Who reported it: a user ref, or a service's subject (e.g. `external:ci`). */
  actor: string;
  /** Where the run can be looked up, e.g. the CI run's address. */
  reference?: string;
}

/** Where reported results come from. @public */
export const QUALITY_REPORT_SOURCES = ['cli'] as const;

/** @public */
export type QualityReportSource = (typeof QUALITY_REPORT_SOURCES)[number];

/**
 * One check as a pipeline measured it: the table and the counts, not a
 * verdict. The portal judges the counts by the check as its catalog
 * entity declares it, so a pipeline with an older or newer spec cannot
 * pass a check the catalog holds differently.
 * @public
 */
export interface QualityReportedCheck {
  /** `dataset`, `dataset.column`, then `:name` (see `qualityChecksOfDatasets`). */
  key: string;
  /** Where it was counted, as the warehouse names it. */
  table?: { database: string; schema: string; table: string };
  /** The counts of the check's measures; absent when it could not be measured. */
  counts?: { measure: QualityMeasure; count: number }[];
  /** Why it could not be measured. */
  error?: string;
}

/** `POST /products/:namespace/:name/quality/reports`: checks measured elsewhere. @public */
export interface QualityReport {
  source: QualityReportSource;
  /** The stage the pipeline measured, for the log. */
  stage?: string;
  /** Where the run can be looked up, e.g. the CI run's address. */
  reference?: string;
  checks: QualityReportedCheck[];
}

/** What the portal made of a report. @public */
export interface QualityReportResponse {
  entityRef: string;
  checkedAt: string;
  actor: string;
  /** Checks judged and kept as the latest results. */
  recorded: { key: string; status: 'passed' | 'failed' | 'error' }[];
  /** Checks not kept, and why (not declared in the catalog, counted in another table, counted differently). */
  skipped: { key: string; reason: string }[];
}

/** @public */
export interface ProductQualityResponse {
  checks: ProductQualityCheckView[];
  /** Whether the portal measures checks on a schedule (`dataMesh.quality.enabled`). */
  enabled: boolean;
  /** When the newest result was measured. */
  lastCheckedAt?: string;
}

/** A product of the caller's teams that its latest run left failing. @public */
export interface QualityFailingItem {
  /** Entity ref, lower case. */
  product: string;
  /** Keys of its blocking checks that failed or could not be measured. */
  checks: string[];
  checkedAt: string;
}

/** `GET /quality/failing`: the caller's teams' products failing blocking checks. @public */
export interface QualityFailingResponse {
  items: QualityFailingItem[];
}

/** Where one product's checks stand, by their latest results. @public */
export interface QualityProductItem {
  /** Entity ref, lower case. */
  product: string;
  /** Checks with a result. */
  checks: number;
  /** Keys of blocking checks that failed or could not be measured. */
  failing: string[];
  /** Keys of warnings (not blocking) that failed or could not be measured. */
  warnings: string[];
  /** When the newest of those results was measured. */
  checkedAt: string;
}

/** `GET /quality/products`: every product with measured checks, for the data products list. @public */
export interface QualityProductsResponse {
  items: QualityProductItem[];
}
