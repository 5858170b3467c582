/*
 * Shapes of the SLO REST API of the data-mesh backend (`/api/data-mesh`),
 * shared by the backend router and the frontend client. Times are ISO 8601
 * strings. The semantics are documented in the backend plugin's README.
 */
import type { SloDimension } from '../model';
import type { SliceStatus, SloStatus } from './timeslices';

/**
 * How a failed check's reason starts when the warehouse could not be asked
 * at all (connection refused, query error), as written by the indicator
 * checks; the rest of the reason is the warehouse's message.
 * @public
 */
export const WAREHOUSE_UNREACHABLE_REASON_PREFIX =
  'the warehouse could not be queried: ';

/** One slice of an objective's history. @public */
export interface SloSliceReport {
  start: string;
  end: string;
  /** Checks passed in the slice. */
  good: number;
  /** Checks recorded in the slice. */
  total: number;
  status: SliceStatus;
  /** Latest table stats seen in the slice, when any. */
  rowCount?: number;
  lastAltered?: string;
}

/** One check result. @public */
export interface SloObservationReport {
  observedAt: string;
  source: 'collector' | 'push';
  /** Who pushed it (user entity ref or service subject). */
  reporter?: string;
  /** Collector only: whether the table exists. */
  exists?: boolean;
  rowCount?: number;
  lastAltered?: string;
  bytes?: number;
  passed: boolean;
  reason?: string;
  /** The warehouse's message when it could not be queried at all. */
  warehouseError?: string;
  details?: unknown;
}

/**
 * The warehouse's message when this observation failed because the
 * warehouse could not be queried; undefined otherwise.
 * @public
 */
export function warehouseErrorOf(
  observation: Pick<
    SloObservationReport,
    'passed' | 'reason' | 'warehouseError'
  >,
): string | undefined {
  if (observation.warehouseError) return observation.warehouseError;
  if (observation.passed) return undefined;
  const reason = observation.reason ?? '';
  return reason.startsWith(WAREHOUSE_UNREACHABLE_REASON_PREFIX)
    ? reason.slice(WAREHOUSE_UNREACHABLE_REASON_PREFIX.length)
    : undefined;
}

/** One objective of a product, evaluated. @public */
export interface SloObjectiveReport {
  name: string;
  title?: string;
  dimension: SloDimension;
  objective: string;
  dataset?: string;
  /** `database.schema.table` watched; null when the objective cannot be monitored. */
  table: string | null;
  /** Why the objective cannot be monitored. */
  problem?: string;
  target: number;
  window: string;
  slice: string;
  maxAge?: string;
  tolerance?: number;
  /** good / total; null when no slice counts yet. */
  sli: number | null;
  status: SloStatus;
  /** Counted slices: good, bad (no-data included), without observation, all. */
  good: number;
  bad: number;
  noData: number;
  total: number;
  errorBudget: {
    allowedBad: number;
    bad: number;
    /** 1 untouched, 0 used up, negative overspent; null: 100 % target breached. */
    remaining: number | null;
    exhausted: boolean;
  };
  burnRate: {
    window: number | null;
    recent: number | null;
    recentSlices: number;
  };
  /** First counted slice; null when never observed. */
  windowStart: string | null;
  /** End of the last counted slice; null when never observed. */
  windowEnd: string | null;
  alert: { state: 'ok' | 'breaching'; since?: string; notifiedAt?: string };
  /** Counted slices oldest first, then the current slice while pending. */
  history: SloSliceReport[];
  /** Newest first. */
  latestObservations: SloObservationReport[];
}

/** `GET /products/:namespace/:name/slos`. @public */
export interface ProductSlosResponse {
  entityRef: string;
  evaluatedAt: string;
  objectives: SloObjectiveReport[];
}

/** One product in the fleet summary. @public */
export interface SloFleetItem {
  entityRef: string;
  namespace: string;
  name: string;
  title?: string;
  owner?: string;
  domain?: string;
  /** The product's worst objective. */
  status: SloStatus;
  /** Lowest remaining error budget among its objectives; null when none was evaluated. */
  minErrorBudget: number | null;
  objectives: number;
  breaching: number;
  noData: number;
  evaluatedAt?: string;
}

/** `GET /slos`. @public */
export interface SloFleetResponse {
  /** Rows after the filters, before limit/offset. */
  total: number;
  /** Products per status, before the status filter. */
  counts: { ok: number; breaching: number; noData: number };
  /** Worst first. */
  items: SloFleetItem[];
}

/** One result in `POST /products/:namespace/:name/observations`. @public */
export interface SloPushedResult {
  /** The objective; or give `dimension` for all objectives of it. */
  slo?: string;
  dimension?: SloDimension;
  passed: boolean;
  /** Default: now. */
  observedAt?: string;
  reason?: string;
  details?: Record<string, unknown>;
}

/** Answer of `POST /products/:namespace/:name/observations`. @public */
export interface SloPushResponse {
  accepted: {
    slo: string;
    dimension: SloDimension;
    observedAt: string;
    passed: boolean;
  }[];
  objectives: { name: string; status: SloStatus; sli: number | null }[];
}
