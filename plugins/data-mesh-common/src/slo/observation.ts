/*
 * One check result as the SLO engine stores it: written by the collector
 * (with the table stats it was computed from) or pushed through the REST API
 * (`POST /products/{namespace}/{name}/observations`). Times are epoch
 * milliseconds; the API shows them as `SloObservationReport`.
 */

/** One check result of one monitor. @public */
export interface ObservationInput {
  monitorId: number;
  observedAt: number;
  source: 'collector' | 'push';
  /** Who pushed it (user entity ref or service subject). */
  reporter?: string;
  /** Collector only: whether the table exists. */
  exists?: boolean;
  rowCount?: number;
  lastAlteredAt?: number;
  bytes?: number;
  passed: boolean;
  reason?: string;
  details?: unknown;
}
