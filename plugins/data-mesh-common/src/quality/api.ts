/*
 * A product's data-quality checks as the REST API returns them
 * (`GET /products/:namespace/:name/quality`): each check the spec declares,
 * its latest result and its recent history.
 */
import type { QualityCheck } from '../model';

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
  /** Results of the last 30 days, oldest first. */
  history: QualityHistoryPoint[];
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
