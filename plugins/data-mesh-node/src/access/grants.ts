/*
 * The warehouse side of one access request, planned by the provisioning
 * engine: the request role and its two memberships are a small desired
 * state, diffed against the introspected roles, so a grant that already
 * holds plans nothing and a grant that failed half-way plans the rest.
 * A revoke plans the removal of the request role alone: dropping it takes
 * both memberships with it and leaves the grantee's other requests (their
 * own roles) untouched.
 */
import { managedByMarker } from '../warehouse/desiredState';
import { diff } from '../warehouse/plan';
import { emptyState } from '../warehouse/scope';
import type {
  DesiredState,
  IntrospectionScope,
  Plan,
  WarehouseAdapter,
} from '../warehouse/types';
import type { AccessGrant } from './executor';
import { planAccessRevokes } from './revokes';

/**
 * The comment that marks a request role as made for one request, e.g.
 * `datamesh:dataproduct:default/orders:access:1f2e…`. A revoke drops only a
 * role that carries it (or none), never a role of the same name made by
 * someone else; drift detection finds request roles by it.
 * @public
 */
export function accessRoleMarker(grant: Pick<AccessGrant, 'product' | 'id'>) {
  return `${managedByMarker(grant.product)}:access:${grant.id}`;
}

/** Every name is checked by the dialect before any query is sent: a refused name costs no round trip. */
function checkNames(
  grant: AccessGrant,
  adapter: Pick<WarehouseAdapter, 'dialect'>,
) {
  for (const name of [grant.role, grant.providerRole, grant.grantee]) {
    adapter.dialect.quoteIdentifier(name);
  }
  const distinct = new Set([grant.role, grant.providerRole, grant.grantee]);
  if (distinct.size !== 3) {
    throw new Error(
      `access request ${grant.id}: the request role, the provider role and the grantee must be three different roles (${grant.role}, ${grant.providerRole}, ${grant.grantee})`,
    );
  }
}

/** The roles a request's grant involves, and nothing else: what to introspect. */
function grantScope(roles: string[]): IntrospectionScope {
  return { computes: [], databases: [], schemas: [], roles };
}

/**
 * The request role granted the provider role and granted to the grantee.
 * The provider role and the grantee are named without a marker, so the plan
 * neither adopts nor re-labels them; they must exist already.
 * @public
 */
export function accessGrantDesiredState(grant: AccessGrant): DesiredState {
  return {
    ...emptyState(),
    roles: [
      { name: grant.role, comment: accessRoleMarker(grant) },
      { name: grant.providerRole },
      { name: grant.grantee },
    ],
    // in this order: the role holds the product's access before anyone holds the role
    memberships: [
      { role: grant.providerRole, member: grant.role },
      { role: grant.role, member: grant.grantee },
    ],
  };
}

/**
 * Plan the grant of one request: create the request role if it is not
 * there, grant it the provider role, grant it to the grantee — each only if
 * missing. Only `plan.steps` are meant to run: a destructive step here
 * would be a membership between these roles that another request or a
 * person made, which a grant must not take away.
 * Throws, before any query, for a name the dialect refuses; and, before any
 * statement, when the provider role or the grantee does not exist (the
 * product is not provisioned, or the team has no role).
 * @public
 */
export async function planAccessGrant(
  grant: AccessGrant,
  adapter: WarehouseAdapter,
): Promise<Plan> {
  checkNames(grant, adapter);
  const desired = accessGrantDesiredState(grant);
  const actual = await adapter.introspect(
    grantScope(desired.roles.map(r => r.name)),
  );
  const existing = new Set(actual.roles.map(r => r.name));
  const absent = [
    { role: grant.providerRole, what: "the product's consumer role" },
    { role: grant.grantee, what: 'the grantee role' },
  ].filter(r => !existing.has(r.role));
  if (absent.length > 0) {
    throw new Error(
      `access request ${grant.id}: ${absent
        .map(r => `${r.what} ${r.role} does not exist`)
        .join(' and ')} in the warehouse`,
    );
  }
  const plan = diff(desired, actual, adapter);
  if (plan.conflicts.length > 0) {
    throw new Error(
      `access request ${grant.id}: ${plan.conflicts
        .map(c => c.message)
        .join('; ')}`,
    );
  }
  return plan;
}

/**
 * Plan the revoke of one request: drop its role if it exists. An absent
 * role gives an empty plan (a revoke retried after it succeeded); a role of
 * that name marked for another request or object is refused, not dropped.
 * The plan's steps are all destructive: run it with `allowDestructive`.
 * @public
 */
export async function planAccessRevoke(
  grant: AccessGrant,
  adapter: WarehouseAdapter,
): Promise<Plan> {
  // one request is a batch of one: the same checks, one introspection
  const [planned] = await planAccessRevokes([grant], adapter);
  if ('error' in planned) throw planned.error;
  return planned.plan;
}
