/*
 * Revoking many requests at once, as the expiry sweep does: every request
 * role is looked up in ONE introspection (the roles go in as one scope, so
 * the number of queries is the adapter's constant for a scope of roles,
 * not one introspection per request), then each request gets its own plan
 * cut from that state — dropping its role if it is there and carries this
 * request's marker (or none). A name the dialect refuses, or a role marked
 * for someone else, fails that request alone; the others go on.
 */
import { diff } from '../warehouse/plan';
import { actualForScopes, emptyState } from '../warehouse/scope';
import type {
  IntrospectionScope,
  Plan,
  WarehouseAdapter,
} from '../warehouse/types';
import { parseManagedByMarker } from '../warehouse/desiredState';
import type { AccessGrant } from './executor';
import { accessRoleMarker } from './grants';

/** The revoke plan of one request of a batch, or why it has none. */
export type PlannedAccessRevoke =
  | { grant: AccessGrant; plan: Plan }
  | { grant: AccessGrant; error: Error };

const rolesScope = (roles: string[]): IntrospectionScope => ({
  computes: [],
  databases: [],
  schemas: [],
  roles,
});

const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

/**
 * Plan the revoke of each request, in the order given, after one
 * introspection of all their roles (none when every name is refused). An
 * absent role plans nothing (a revoke retried after it succeeded). The
 * plans' steps are all destructive: run them with `allowDestructive`.
 */
export async function planAccessRevokes(
  grants: AccessGrant[],
  adapter: WarehouseAdapter,
): Promise<PlannedAccessRevoke[]> {
  const checked = grants.map(grant => {
    try {
      adapter.dialect.quoteIdentifier(grant.role);
      return { grant };
    } catch (e) {
      return { grant, error: asError(e) };
    }
  });
  const valid = checked.filter(c => !c.error).map(c => c.grant);
  if (valid.length === 0) return checked as PlannedAccessRevoke[];
  const actual = await adapter.introspect(
    rolesScope([...new Set(valid.map(g => g.role))]),
  );
  const cuts = actualForScopes(
    actual,
    valid.map(g => rolesScope([g.role])),
  );
  const cutOf = new Map(valid.map((g, i) => [g, cuts[i]]));
  return checked.map(({ grant, error }): PlannedAccessRevoke => {
    if (error) return { grant, error };
    const cut = cutOf.get(grant)!;
    const found = cut.roles.find(r => r.name === grant.role);
    const owner = parseManagedByMarker(found?.comment);
    if (
      found &&
      owner !== undefined &&
      found.comment !== accessRoleMarker(grant)
    ) {
      return {
        grant,
        error: new Error(
          `access request ${grant.id}: role ${grant.role} belongs to ${owner}, not to this request; it is not dropped`,
        ),
      };
    }
    return { grant, plan: diff(emptyState(), cut, adapter) };
  });
}
