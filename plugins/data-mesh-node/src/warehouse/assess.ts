/*
 * Assessment: for a set of DataProducts, one introspection of the warehouse,
 * then per product its desired state, its part of the actual state, the plan
 * between them, a status and the issues — plus the plan of the whole set,
 * which is what an apply runs. Drift in the backend, the scaffolder actions,
 * the CLI, the example mesh and the benches all map this result.
 */
import type {
  DataProductEntityV1alpha1,
  DataProductInfrastructure,
  InfrastructureStatus,
  SpecIssue,
} from '@datamesh/plugin-data-mesh-common';
import { computeDesiredState, productEntityRef } from './desiredState';
import { diff, isPlanEmpty, renderPlan } from './plan';
import type { PlatformConfig } from './platform';
import { actualForScopes, scopeOf, unionScope } from './scope';
import type {
  ActualState,
  DesiredState,
  Plan,
  ProvisionedProduct,
  WarehouseAdapter,
} from './types';

/** What the assessment finds for one product. @public */
export interface ProductAssessment {
  entity: DataProductEntityV1alpha1;
  entityRef: string;
  /** `invalid` when the product cannot be planned (see `issues`). */
  status: InfrastructureStatus;
  issues: SpecIssue[];
  /** This product's desired state; absent when it is invalid. */
  desired?: DesiredState;
  /** Its part of the introspection: what introspecting it alone returns. */
  actual?: ActualState;
  /** The plan for this product alone. */
  plan?: Plan;
}

/** @public */
export interface ProductsAssessment {
  /** One per product, in the order given. */
  products: ProductAssessment[];
  /** The issues of every product, and of the set (two products claiming one name). */
  issues: SpecIssue[];
  /** Desired state of all products together; absent when any is invalid. */
  desired?: DesiredState;
  /** The one introspection, of every valid product's scope. */
  actual?: ActualState;
  /** Plan of all products together — what an apply runs; absent when any is invalid. */
  plan?: Plan;
  /** Queries the introspection sent (0 when there was none). */
  queries: number;
}

/** @public */
export interface AssessOptions {
  /**
   * Ask the warehouse nothing unless every product is valid: what apply
   * flows want, so invalid or hostile input is refused before any query.
   * By default invalid products are reported and the others assessed.
   */
  requireAllValid?: boolean;
  /**
   * Only the names, checked by the warehouse's dialect: no introspection,
   * no plan. For callers that ask the warehouse their own question
   * (sandboxes), so the product's scope is not read for nothing.
   */
  namesOnly?: boolean;
}

/**
 * Names valid everywhere can still be too long for one warehouse's layout
 * (PGlite prefixes schemas with their database) or its identifier rules:
 * the dialect refuses them here, before any query. The one name check for
 * every dialect — the compute too, where the warehouse has one.
 * @public
 */
export function dialectNameIssues(
  desired: DesiredState,
  adapter: Pick<WarehouseAdapter, 'dialect' | 'capabilities'>,
): SpecIssue[] {
  const { dialect, capabilities } = adapter;
  const issues: SpecIssue[] = [];
  const check = (entityRef: string, fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      issues.push({
        severity: 'error',
        path: 'metadata.name',
        message: `${entityRef}: ${(e as Error).message} (${
          dialect.displayName
        })`,
      });
    }
  };
  for (const p of desired.products) {
    for (const schema of Object.values(p.schemas)) {
      check(p.entityRef, () =>
        dialect.qualifiedSchema({ database: p.database, schema }),
      );
    }
    if (p.maskedSchema) {
      const { maskedSchema: schema, database } = p;
      check(p.entityRef, () => dialect.qualifiedSchema({ database, schema }));
    }
    for (const role of [...Object.values(p.roles), p.piiRole ?? []].flat())
      check(p.entityRef, () => dialect.quoteIdentifier(role));
    check(p.entityRef, () => dialect.quoteIdentifier(p.database));
    if (capabilities.compute) {
      check(p.entityRef, () => dialect.quoteIdentifier(p.compute));
    }
  }
  return issues;
}

function statusOf(a: ProductAssessment): InfrastructureStatus {
  if (!a.plan || !a.desired || !a.actual) return 'invalid';
  if (a.plan.conflicts.length > 0) return 'conflict';
  if (isPlanEmpty(a.plan)) return 'in-sync';
  const product = a.desired.products[0];
  const roles = new Set(a.actual.roles.map(r => r.name));
  const schemas = new Set(a.actual.schemas.map(s => s.schema));
  const anything =
    Object.values(product.roles).some(r => roles.has(r)) ||
    Object.values(product.schemas).some(s => schemas.has(s));
  return anything ? 'drift' : 'not-provisioned';
}

/**
 * Declared versus actual for `products` in one introspection: per product
 * its desired state (so one invalid product does not hide the others), its
 * part of the warehouse, its plan and status; and the plan of the whole set.
 * @public
 */
export async function assessProducts(
  products: DataProductEntityV1alpha1[],
  platform: PlatformConfig,
  adapter: WarehouseAdapter,
  options: AssessOptions = {},
): Promise<ProductsAssessment> {
  const effective: PlatformConfig = {
    ...platform,
    parentRole: platform.parentRole ?? adapter.defaultParentRole,
  };
  const masking = { masking: adapter.capabilities.masking };
  const assessed: ProductAssessment[] = products.map(entity => {
    const entityRef = productEntityRef(entity);
    const { desired, issues } = computeDesiredState(
      [entity],
      effective,
      masking,
    );
    const nameIssues = desired ? dialectNameIssues(desired, adapter) : [];
    return nameIssues.length > 0 || !desired
      ? {
          entity,
          entityRef,
          status: 'invalid',
          issues: [...issues, ...nameIssues],
        }
      : { entity, entityRef, status: 'invalid', issues, desired };
  });
  const valid = assessed.filter(a => a.desired);
  // the set can be wrong where each product is right: one name, two products
  const together =
    valid.length === assessed.length
      ? computeDesiredState(products, effective, masking)
      : undefined;
  const issues = together?.issues ?? assessed.flatMap(a => a.issues);
  const result: ProductsAssessment = {
    products: assessed,
    issues,
    desired: together?.desired,
    queries: 0,
  };
  if (options.requireAllValid && !result.desired) return result;
  if (options.namesOnly) return result;
  if (valid.length === 0 && products.length > 0) return result;

  const actual = await adapter.introspect(
    result.desired
      ? scopeOf(result.desired)
      : unionScope(valid.map(a => scopeOf(a.desired!))),
  );
  const parts = actualForScopes(
    actual,
    valid.map(a => scopeOf(a.desired!)),
  );
  valid.forEach((a, i) => {
    a.actual = parts[i];
    a.plan = diff(a.desired!, a.actual, adapter);
    a.status = statusOf(a);
  });
  result.actual = actual;
  result.queries = actual.queries;
  if (result.desired) result.plan = diff(result.desired, actual, adapter);
  return result;
}

/** @public */
export interface ProductPlanResult {
  plan?: Plan;
  desired?: DesiredState;
  actual?: ActualState;
  /** Problems of the products or the platform config; no plan when any is an error. */
  issues: SpecIssue[];
}

/**
 * The plan of `products` together, or why there is none: the set view of
 * {@link assessProducts}, asking the warehouse nothing when a product is
 * invalid.
 * @public
 */
export async function planProducts(
  products: DataProductEntityV1alpha1[],
  platform: PlatformConfig,
  adapter: WarehouseAdapter,
): Promise<ProductPlanResult> {
  const { plan, desired, actual, issues } = await assessProducts(
    products,
    platform,
    adapter,
    { requireAllValid: true },
  );
  return { plan, desired, actual, issues };
}

/** @public */
export interface DriftReport {
  /** True when the warehouse matches the declared state. */
  inSync: boolean;
  /** The plan that would repair the drift (safe and destructive steps). */
  plan?: Plan;
  /** `renderPlan` of that plan. */
  lines: string[];
  issues: SpecIssue[];
}

/**
 * Drift of products applied before, as one verdict: the set view of
 * {@link assessProducts} that the adapters' tests read.
 * @public
 */
export async function detectDrift(
  products: DataProductEntityV1alpha1[],
  platform: PlatformConfig,
  adapter: WarehouseAdapter,
): Promise<DriftReport> {
  const { plan, issues } = await planProducts(products, platform, adapter);
  if (!plan) return { inSync: false, lines: [], issues };
  return {
    inSync: isPlanEmpty(plan) && plan.conflicts.length === 0,
    plan,
    lines: renderPlan(plan),
    issues,
  };
}

/**
 * The `spec.infrastructure` block of a provisioned product, for the
 * scaffolder's outputs and the entity: logical names, plus the warehouse
 * platform, and the compute only where the warehouse has one.
 * @public
 */
export function infrastructureOf(
  product: ProvisionedProduct,
  adapter: Pick<WarehouseAdapter, 'dialect' | 'capabilities'>,
): DataProductInfrastructure {
  return {
    stage: product.stage,
    platform: adapter.dialect.id,
    ...(adapter.capabilities.compute ? { warehouse: product.compute } : {}),
    database: product.database,
    schema: product.outputSchema,
    roles: { ...product.roles },
  };
}
