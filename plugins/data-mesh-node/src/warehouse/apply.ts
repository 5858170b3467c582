/*
 * Running a plan: safe steps first, destructive ones only when allowed,
 * stopping at the first failure (a new plan starts from what was done).
 */
import {
  type Plan,
  type PlanStep,
  type Statement,
  type WarehouseAdapter,
  WarehouseError,
} from './types';

/** @public */
export interface ApplyOptions {
  /** Run revoke and drop steps too. Default false. */
  allowDestructive?: boolean;
  /** Progress callback, called before each step runs. */
  onStep?: (step: PlanStep) => void;
}

/** @public */
export interface ApplyResult {
  applied: PlanStep[];
  /** Destructive steps not run because they were not allowed, and steps after a failure. */
  skipped: PlanStep[];
  /** The first failure; later steps were not run. */
  error?: {
    step?: PlanStep;
    message: string;
    code?: string;
    statement?: Statement;
  };
}

/**
 * Run a plan: the safe steps, then (only when allowed) the destructive ones.
 * Stops at the first failure and returns it; a later plan picks up from
 * whatever was done, because plans are computed from the actual state.
 * @public
 */
export async function applyPlan(
  plan: Plan,
  adapter: WarehouseAdapter,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const result: ApplyResult = { applied: [], skipped: [] };
  if (plan.dialect !== adapter.dialect.id) {
    result.error = {
      message: `the plan was made for ${plan.dialect}, not ${adapter.dialect.id}`,
    };
    return result;
  }
  if (plan.conflicts.length > 0) {
    result.error = {
      message: `the plan has conflicts: ${plan.conflicts
        .map(c => c.message)
        .join('; ')}`,
    };
    return result;
  }
  const toRun = options.allowDestructive
    ? [...plan.steps, ...plan.destructive]
    : plan.steps;
  if (!options.allowDestructive) result.skipped.push(...plan.destructive);
  for (let i = 0; i < toRun.length; i++) {
    const step = toRun[i];
    options.onStep?.(step);
    try {
      await adapter.execute(step.statements);
      result.applied.push(step);
    } catch (e) {
      const err = e as WarehouseError;
      result.error = {
        step,
        message: err?.message ?? String(e),
        code: err instanceof WarehouseError ? err.code : (err as any)?.code,
        statement: err instanceof WarehouseError ? err.statement : undefined,
      };
      result.skipped.push(...toRun.slice(i + 1));
      break;
    }
  }
  return result;
}
