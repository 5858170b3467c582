/*
 * Access drift for the infrastructure API: the access requests say which
 * grants should hold, the engine's `assessAccessDrift` compares them with
 * the warehouse in one introspection, and this file maps the answer.
 */
import type {
  InfrastructureAccessDrift,
  InfrastructurePlanStep,
} from '@datamesh/plugin-data-mesh-common';
import {
  type AccessGrant,
  type PlanStep,
  type ProductAccessDrift,
  type ProductAssessment,
  type WarehouseAdapter,
  accessDriftProducts,
  assessAccessDrift,
  isPlanEmpty,
  renderPlan,
} from '@datamesh/plugin-data-mesh-node';
import type { Knex } from 'knex';
import type {
  AccessRequestRecord,
  AccessRequestStore,
} from '../access/AccessRequestStore';

/** Where the grants of access requests come from. @public */
export interface AccessGrantSource {
  /**
   * The requests of `products` (entity refs; every product when absent):
   * `active` ones, whose grant should hold, and `pending` ones, whose
   * warehouse change is under way.
   */
  grants(
    products?: string[],
  ): Promise<{ active: AccessGrant[]; pending: AccessGrant[] }>;
}

const grantOf = (r: AccessRequestRecord): AccessGrant => ({
  id: r.id,
  product: r.product,
  outputPort: r.outputPort,
  role: r.role,
  providerRole: r.providerRole,
  grantee: r.grantee,
  pii: r.pii,
});

/**
 * The access requests' store as a grant source: two reads (active, under
 * way) whatever the number of products.
 * @public
 */
export function accessGrantSourceFromStore(
  store: Pick<AccessRequestStore, 'list'>,
): AccessGrantSource {
  return {
    async grants(products) {
      // refs are stored lower-case
      const refs = products?.map(p => p.toLowerCase());
      const only = (q: Knex.QueryBuilder) => {
        if (refs) q.whereIn('product', refs);
      };
      const [active, pending] = await Promise.all([
        store.list({ state: 'active' }, q => only(q)),
        store.list({}, q => {
          only(q);
          q.whereNotNull('warehouse_pending');
        }),
      ]);
      return {
        active: active.filter(r => !r.warehousePending).map(grantOf),
        pending: pending.map(grantOf),
      };
    },
  };
}

/** One product's access drift, with the number of its active requests and the introspection's queries. */
export interface AssessedAccess {
  drift: ProductAccessDrift;
  active: number;
  queries: number;
}

/**
 * Access drift of the assessed products that have a desired state, in one
 * introspection (the engine's `assessAccessDrift`), in their order.
 */
export async function assessAccessOf(
  source: AccessGrantSource,
  assessed: ProductAssessment[],
  adapter: WarehouseAdapter,
): Promise<AssessedAccess[]> {
  const valid = assessed.filter(a => a.desired);
  if (valid.length === 0) return [];
  const { active, pending } = await source.grants(valid.map(a => a.entityRef));
  const report = await assessAccessDrift(
    {
      products: valid.flatMap(a => accessDriftProducts(a.desired!)),
      active,
      pending,
    },
    adapter,
  );
  return report.products.map(drift => ({
    drift,
    active: active.filter(
      g => g.product.toLowerCase() === drift.entityRef.toLowerCase(),
    ).length,
    queries: report.queries,
  }));
}

/** A plan step as the API shows it. */
export function toStep(step: PlanStep): InfrastructurePlanStep {
  return {
    kind: step.kind,
    action: step.change.action,
    line: step.line,
    destructive: step.destructive,
    sql: step.statements.map(s => s.sql),
    // JSON round trip: `change` holds the engine's objects, plain data only
    change: JSON.parse(JSON.stringify(step.change)),
  };
}

/** The engine's access drift of one product, as the API answers it. */
export function toAccessDrift(
  drift: ProductAccessDrift,
  active: number,
  queries: number,
): InfrastructureAccessDrift {
  const finding = (f: ProductAccessDrift['missing'][number]) => ({
    ...(f.requestId !== undefined ? { requestId: f.requestId } : {}),
    role: f.role,
    ...(f.membership ? { membership: { ...f.membership } } : {}),
    message: f.message,
  });
  return {
    inSync: drift.inSync,
    active,
    missing: drift.missing.map(finding),
    unmanaged: drift.unmanaged.map(finding),
    issues: drift.issues,
    // nothing to repair is no line at all (renderPlan says "no changes")
    lines: isPlanEmpty(drift.plan)
      ? []
      : renderPlan(drift.plan).filter(l => !l.startsWith('! note: ')),
    steps: drift.plan.steps.map(toStep),
    destructive: drift.plan.destructive.map(toStep),
    queries,
  };
}
