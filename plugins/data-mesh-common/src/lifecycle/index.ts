/*
 * The REST contract of product lifecycle (deprecation and retirement),
 * shared by the backend, the frontend client and the scaffolder action.
 * The spec's `lifecycle` stays the source of a product's stage; these
 * records add what the spec does not hold: the retirement date, the
 * successor, and retirement's progress and audit trail.
 */
import type { ProductUsageSource } from '../usage';

/** States of a lifecycle record; a product without one is simply live. @public */
export const PRODUCT_LIFECYCLE_STATES = [
  'deprecated',
  'retiring',
  'retired',
] as const;
/** @public */
export type ProductLifecycleState = (typeof PRODUCT_LIFECYCLE_STATES)[number];

/** The phases of retirement, in order (see data-mesh-node's retirement engine). @public */
export const RETIREMENT_STEP_IDS = [
  'revoke-access',
  'revoke',
  'archive',
  'drop',
  'unregister',
  'drop-archive',
] as const;
/** @public */
export type RetirementStepId = (typeof RETIREMENT_STEP_IDS)[number];

/** `POST /lifecycle/:namespace/:name/deprecation`. @public */
export interface DeprecationBody {
  /** ISO date (or date-time) on or after which the product may be retired. */
  retireAt: string;
  /** Entity ref of the product that replaces it. */
  successor?: string;
  reason?: string;
  /** Owner override: keep accepting new access requests while deprecated. */
  acceptNewRequests?: boolean;
}

/** @public */
export interface LifecycleAuditEntry {
  at: string;
  actor: string;
  action: string;
  detail?: Record<string, unknown>;
}

/** `GET /lifecycle/:namespace/:name`. @public */
export interface ProductLifecycle {
  product: string;
  /** `live` when the product has no deprecation record. */
  state: ProductLifecycleState | 'live';
  retireAt?: string;
  successor?: string;
  reason?: string;
  acceptNewRequests?: boolean;
  deprecatedBy?: string;
  deprecatedAt?: string;
  retiredAt?: string;
  archiveDropAfter?: string;
  archiveDroppedAt?: string;
  audit: LifecycleAuditEntry[];
}

/** One step of a retirement plan. @public */
export interface RetirementPlanStep {
  id: RetirementStepId;
  done: boolean;
  /** Readable lines of what the step does now. */
  lines: string[];
  /** Destructive steps run only when listed in `confirm`. */
  destructive: boolean;
  /** Why the step cannot run yet (e.g. the archive's retention period). */
  blockedUntil?: string;
}

/** One reader of a product in the retirement's look-back, from usage. @public */
export interface RetirementReader {
  /** A consumer's entity ref, or `role <name>` for a warehouse role no grant explains. */
  reader: string;
  reads: number;
  lastRead?: string;
}

/** What usage says about reads of a product since the look-back's start. @public */
export interface RetirementUsage {
  source: ProductUsageSource;
  /** Start (a UTC day) of the look-back, `dataMesh.lifecycle.readersLookBack`. */
  since: string;
  readers: RetirementReader[];
  /** Reads that name nobody: table-level scan counts, the product's own roles. */
  unattributedReads: number;
}

/** `GET /lifecycle/:namespace/:name/retirement`. @public */
export interface RetirementPlanView {
  product: string;
  state: ProductLifecycle['state'];
  /** Reasons the retirement cannot start now (empty: it can). */
  refusals: string[];
  /** Consumers still reading, from usage, or holding grants. */
  readers: string[];
  /** The reads behind `readers`; absent when usage is not set up. */
  usage?: RetirementUsage;
  archive: { database: string; schema: string };
  steps: RetirementPlanStep[];
  notes: string[];
}

/** `POST /lifecycle/:namespace/:name/retirement`. @public */
export interface RetirementApplyBody {
  /** Steps the caller confirms; the run stops before the first unconfirmed destructive step. */
  confirm: RetirementStepId[];
  /** Retire although consumers still read; needs `reason`. */
  force?: boolean;
  reason?: string;
}

/** @public */
export interface RetirementApplyResult {
  applied: { id: RetirementStepId; lines: string[] }[];
  /** The step the run stopped at, and why (unconfirmed, failed, blocked). */
  stoppedAt?: { id: RetirementStepId; reason: string };
  plan: RetirementPlanView;
}
