/*
 * Access drift for the infrastructure API: the access requests say which
 * grants should hold, the engine's `assessAccessDrift` compares them with
 * the warehouse in one introspection, and this file maps the answer.
 */
import {
  type InfrastructureAccessDrift,
  type InfrastructureAccessFinding,
  type InfrastructurePlanStep,
  membershipKey,
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
  /**
   * The catalog groups and data products some warehouse roles belong to
   * (their team or service roles), to name who reads through a grant made
   * by hand; without it such grants are reported by role only.
   */
  consumersOf?(roles: string[]): Promise<Map<string, string>>;
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
  consumersOf?: AccessGrantSource['consumersOf'],
): AccessGrantSource {
  return {
    ...(consumersOf ? { consumersOf } : {}),
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

/** Who reads through a grant of one of the product's read roles that no request explains. */
export type UnexplainedReader = NonNullable<
  InfrastructureAccessFinding['reader']
>;

/** One product's access drift, with the number of its active requests and the introspection's queries. */
export interface AssessedAccess {
  drift: ProductAccessDrift;
  active: number;
  queries: number;
  /** The unmanaged memberships in a read role of the product, by `role|member`. */
  readers: Map<string, UnexplainedReader>;
}

function groupBy<T, K>(items: T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
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
  // a role reading a product outside any request: the product's consumer
  // role (masked) or personal-data role (in clear) held by a role that no
  // request made — a grant by hand, perhaps from before the portal
  const readRoles = new Map(
    valid
      .flatMap(a => a.desired!.products)
      .map(p => [
        p.entityRef.toLowerCase(),
        { consumer: p.roles.consumer, personalData: p.piiRole },
      ]),
  );
  const unexplained = report.products.flatMap(drift => {
    const roles = readRoles.get(drift.entityRef.toLowerCase());
    return drift.unmanaged.flatMap(f =>
      f.membership &&
      roles &&
      (f.membership.role === roles.consumer ||
        f.membership.role === roles.personalData)
        ? [{ drift, membership: f.membership, roles }]
        : [],
    );
  });
  // a user is nobody's team or service role
  const roleMembers = unexplained
    .filter(u => u.membership.memberKind !== 'user')
    .map(u => u.membership.member);
  const consumers =
    roleMembers.length > 0 && source.consumersOf
      ? await source.consumersOf([...new Set(roleMembers)])
      : new Map<string, string>();

  // by product once: thousands of products and grants stay linear
  const grantsOf = groupBy(active, g => g.product.toLowerCase());
  const unexplainedOf = groupBy(unexplained, u => u.drift);
  return report.products.map(drift => {
    const grants = grantsOf.get(drift.entityRef.toLowerCase()) ?? [];
    const readers = new Map<string, UnexplainedReader>();
    for (const u of unexplainedOf.get(drift) ?? []) {
      const { role, member, memberKind } = u.membership;
      const user = memberKind === 'user';
      const consumer = user ? undefined : consumers.get(member);
      // the same role reached through a request already: the hand-made
      // grant adds nothing, and revoking it cuts no access
      const covering = user
        ? undefined
        : grants.find(g => g.grantee === member && g.providerRole === role);
      readers.set(membershipKey(u.membership), {
        personalData: role === u.roles.personalData,
        ...(consumer ? { consumer } : {}),
        ...(covering ? { coveredBy: covering.id } : {}),
      });
    }
    return { drift, active: grants.length, queries: report.queries, readers };
  });
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
export function toAccessDrift({
  drift,
  active,
  queries,
  readers,
}: AssessedAccess): InfrastructureAccessDrift {
  const finding = (
    f: ProductAccessDrift['missing'][number],
  ): InfrastructureAccessFinding => {
    const reader = f.membership && readers.get(membershipKey(f.membership));
    return {
      ...(f.requestId !== undefined ? { requestId: f.requestId } : {}),
      role: f.role,
      ...(f.membership ? { membership: { ...f.membership } } : {}),
      message: f.message,
      ...(reader ? { reader } : {}),
    };
  };
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
