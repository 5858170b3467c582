/*
 * Drift of access grants: what the access requests say the warehouse should
 * hold (the active requests' roles and their two memberships) against what
 * it holds, in one introspection whatever the number of grants. The request
 * roles are found by their marker, not by the names the requests give, so a
 * request role nobody knows of any more is found too; and every member of a
 * product's roles is listed, so a role given the consumer role by hand is
 * found although no request names it.
 */
import { membershipKey } from '@datamesh/plugin-data-mesh-common';
import { diff, isPlanEmpty } from '../warehouse/plan';
import { emptyState } from '../warehouse/scope';
import type {
  ActualState,
  DesiredState,
  IntrospectionScope,
  Plan,
  RoleMembership,
  RoleObject,
  WarehouseAdapter,
} from '../warehouse/types';
import type { AccessGrant } from './executor';
import { accessGrantDesiredState, accessRoleMarker } from './grants';

/** One product whose access grants are checked. @public */
export interface AccessDriftProduct {
  /** Entity ref, e.g. `dataproduct:default/orders` (compared without case, as requests store it). */
  entityRef: string;
  /** The product's database: lets a warehouse that reads memberships through a database (Snowflake) do so in one query. */
  database?: string;
  /** The product's own roles (consumer, service, owner, personal data): every member of them must be explained. */
  roles: string[];
  /** The memberships the product's provisioning makes in those roles (service in consumer …): explained. */
  memberships: RoleMembership[];
  /** The role the owner role is granted to (Snowflake `SYSADMIN`), so the warehouse names it as the desired state does. */
  parentRole?: string;
}

/** What access drift compares. @public */
export interface AccessDriftInput {
  products: AccessDriftProduct[];
  /** The grants that should hold: the active requests of these products. */
  active: AccessGrant[];
  /**
   * Requests whose warehouse change is under way (approved and not yet
   * granted, ended and not yet revoked): their roles and memberships are
   * neither missing nor unmanaged.
   */
  pending?: AccessGrant[];
}

/** One difference. @public */
export interface AccessDriftFinding {
  /** The request it concerns: the missing grant's, or the id an unknown request role's marker names. */
  requestId?: string;
  /** The request role concerned, or the role found holding a product role. */
  role: string;
  /** The membership concerned (`member` holds `role`); absent when the finding is about a whole role. */
  membership?: RoleMembership;
  message: string;
}

/** Access drift of one product. @public */
export interface ProductAccessDrift {
  entityRef: string;
  /** Nothing missing, nothing unmanaged, no request unchecked. */
  inSync: boolean;
  /** Active requests whose role or memberships are gone. */
  missing: AccessDriftFinding[];
  /** Request roles and memberships in the product's roles that no request (and not the product itself) explains. */
  unmanaged: AccessDriftFinding[];
  /** Requests that could not be checked (a name the dialect refuses). */
  issues: string[];
  /**
   * The repair: `steps` re-grant what is missing; `destructive` revoke and
   * drop what is unmanaged, to run only when destructive changes are allowed.
   */
  plan: Plan;
}

/** @public */
export interface AccessDriftReport {
  /** One per product, in the order given. */
  products: ProductAccessDrift[];
  /** The repair of all products together. */
  plan: Plan;
  /** Queries the one introspection sent: independent of the number of grants. */
  queries: number;
}

/** The marker every request role of a product starts with. @public */
export function accessMarkerPrefix(entityRef: string): string {
  return accessRoleMarker({ product: entityRef.toLowerCase(), id: '' });
}

/**
 * The products of a desired state as access drift needs them: their roles
 * and the memberships their provisioning makes in them.
 * @public
 */
export function accessDriftProducts(
  desired: DesiredState,
): AccessDriftProduct[] {
  return desired.products.map(p => {
    // the personal-data role too: a grant of it by hand reads personal data in clear
    const roles = [
      ...new Set([
        ...Object.values(p.roles),
        ...(p.piiRole ? [p.piiRole] : []),
      ]),
    ];
    return {
      entityRef: p.entityRef,
      database: p.database,
      roles,
      memberships: desired.memberships.filter(m => roles.includes(m.role)),
      ...(desired.parentRole ? { parentRole: desired.parentRole } : {}),
    };
  });
}

const isUser = (m: RoleMembership) => m.memberKind === 'user';
const uniq = (xs: string[]) => [...new Set(xs)];

function mergeStates(states: DesiredState[]): DesiredState {
  const roles = new Map<string, RoleObject>();
  const memberships = new Map<string, RoleMembership>();
  for (const s of states) {
    s.roles.forEach(r => roles.set(r.name, roles.get(r.name) ?? r));
    s.memberships.forEach(m => memberships.set(membershipKey(m), m));
  }
  return {
    ...emptyState(),
    roles: [...roles.values()],
    memberships: [...memberships.values()],
  };
}

const viewOf = (
  roles: RoleObject[],
  memberships: RoleMembership[],
): ActualState => ({ ...emptyState(), roles, memberships, queries: 0 });

/** Grants whose names the dialect accepts, and the refusals of the others. */
function checked(
  grants: AccessGrant[],
  adapter: Pick<WarehouseAdapter, 'dialect'>,
): { ok: AccessGrant[]; refused: Map<AccessGrant, string> } {
  const ok: AccessGrant[] = [];
  const refused = new Map<AccessGrant, string>();
  for (const g of grants) {
    try {
      [g.role, g.providerRole, g.grantee].forEach(n =>
        adapter.dialect.quoteIdentifier(n),
      );
      ok.push(g);
    } catch (e) {
      refused.set(
        g,
        `access request ${g.id}: not checked: ${(e as Error).message}`,
      );
    }
  }
  return { ok, refused };
}

/**
 * Access drift of `input.products`, in one introspection of the warehouse:
 * per product the active requests whose grant is gone (`missing`), the
 * request roles and memberships in its roles nobody asked for
 * (`unmanaged`), and the plan that repairs both. The number of queries
 * does not grow with the number of grants (see `queries`).
 * @public
 */
export async function assessAccessDrift(
  input: AccessDriftInput,
  adapter: WarehouseAdapter,
): Promise<AccessDriftReport> {
  const refs = new Map(
    input.products.map(p => [p.entityRef.toLowerCase(), p] as const),
  );
  const ofProducts = (gs: AccessGrant[]) =>
    gs.filter(g => refs.has(g.product.toLowerCase()));
  const active = checked(ofProducts(input.active), adapter);
  const pending = checked(ofProducts(input.pending ?? []), adapter).ok;
  for (const p of input.products) {
    p.roles.forEach(r => adapter.dialect.quoteIdentifier(r));
  }
  const requestRoles = uniq([...active.ok, ...pending].map(g => g.role));
  const productRoles = uniq(input.products.flatMap(p => p.roles));
  const scope: IntrospectionScope = {
    computes: [],
    databases: uniq(input.products.flatMap(p => p.database ?? [])),
    schemas: [],
    roles: uniq([
      ...productRoles,
      ...requestRoles,
      ...active.ok.flatMap(g => [g.providerRole, g.grantee]),
    ]),
    // product roles only: a warehouse may need a query per role to list
    // every member (Snowflake); request roles' members come from the scope
    // (expected names) and the markers, whatever the number of grants
    membersOf: productRoles,
    roleMarkerPrefixes: input.products.map(p =>
      accessMarkerPrefix(p.entityRef),
    ),
    parentRole: input.products.find(p => p.parentRole)?.parentRole,
  };
  const actual = await adapter.introspect(scope);
  const roles = new Map(actual.roles.map(r => [r.name, r]));
  const present = new Set(actual.memberships.map(membershipKey));
  const membersOf = new Map<string, RoleMembership[]>();
  for (const m of actual.memberships) {
    membersOf.set(m.role, [...(membersOf.get(m.role) ?? []), m]);
  }

  const products = input.products.map(product => {
    const ref = product.entityRef.toLowerCase();
    const mine = (g: AccessGrant) => g.product.toLowerCase() === ref;
    const grants = active.ok.filter(mine);
    const under = pending.filter(mine);
    const missing: AccessDriftFinding[] = [];
    const unmanaged: AccessDriftFinding[] = [];
    const desired: DesiredState[] = [];
    const seen: RoleObject[] = [];
    const held: RoleMembership[] = [];

    for (const g of grants) {
      const absent = [
        [g.providerRole, `the provider role ${g.providerRole}`],
        [g.grantee, `the grantee role ${g.grantee}`],
      ].filter(([r]) => !roles.has(r));
      if (absent.length > 0) {
        // nothing to re-grant to or from: reported, not planned
        missing.push({
          requestId: g.id,
          role: g.role,
          message: `access request ${g.id}: ${absent
            .map(([, what]) => what)
            .join(' and ')} does not exist`,
        });
        continue;
      }
      desired.push(accessGrantDesiredState(g));
      seen.push(roles.get(g.providerRole)!, roles.get(g.grantee)!);
      const role = roles.get(g.role);
      if (!role) {
        missing.push({
          requestId: g.id,
          role: g.role,
          message: `access request ${g.id}: its role ${g.role} is gone (${g.grantee} cannot read through it)`,
        });
        continue;
      }
      seen.push(role);
      if (role.comment !== accessRoleMarker(g)) {
        missing.push({
          requestId: g.id,
          role: g.role,
          message: `access request ${g.id}: role ${
            g.role
          } is not marked as its own (comment ${
            role.comment ? `"${role.comment}"` : 'none'
          })`,
        });
      }
      for (const m of [
        { role: g.providerRole, member: g.role },
        { role: g.role, member: g.grantee },
      ]) {
        if (present.has(membershipKey(m))) held.push(m);
        else
          missing.push({
            requestId: g.id,
            role: g.role,
            membership: m,
            message: `access request ${g.id}: ${m.member} no longer holds ${m.role}`,
          });
      }
    }

    // every member of the product's roles and of its request roles must be explained
    const explained = new Set([
      ...product.memberships.map(membershipKey),
      ...grants.flatMap(g => [
        membershipKey({ role: g.providerRole, member: g.role }),
        membershipKey({ role: g.role, member: g.grantee }),
      ]),
    ]);
    const underRoles = new Set(under.map(g => g.role));
    const prefix = accessMarkerPrefix(ref);
    const strayRoles = actual.roles.filter(
      r =>
        r.comment?.startsWith(prefix) &&
        !grants.some(g => g.role === r.name) &&
        !underRoles.has(r.name),
    );
    for (const r of strayRoles) {
      const requestId = r.comment!.slice(prefix.length);
      unmanaged.push({
        requestId,
        role: r.name,
        message: `role ${r.name} is marked for access request ${requestId}, which is not active`,
      });
    }
    const stray = new Set(strayRoles.map(r => r.name));
    const checkedRoles = uniq([...product.roles, ...grants.map(g => g.role)]);
    const extra = checkedRoles
      .flatMap(r => membersOf.get(r) ?? [])
      .filter(
        m =>
          !explained.has(membershipKey(m)) &&
          // a role dropped whole takes its memberships with it; one under way is not judged
          (isUser(m) || (!stray.has(m.member) && !underRoles.has(m.member))),
      );
    for (const m of extra) {
      unmanaged.push({
        role: m.member,
        membership: m,
        message: `${isUser(m) ? 'user ' : ''}${m.member} holds ${
          m.role
        }, which no active access request explains`,
      });
    }

    const plan = diff(
      mergeStates(desired),
      viewOf(uniqRoles([...seen, ...strayRoles]), [...held, ...extra]),
      adapter,
    );
    const issues = [...active.refused]
      .filter(([g]) => mine(g))
      .map(([, message]) => message);
    return {
      entityRef: product.entityRef,
      inSync:
        missing.length === 0 && unmanaged.length === 0 && issues.length === 0,
      missing,
      unmanaged,
      issues,
      plan,
      // kept for the plan of the whole set
      parts: {
        desired,
        seen: [...seen, ...strayRoles],
        held: [...held, ...extra],
      },
    };
  });

  const plan = diff(
    mergeStates(products.flatMap(p => p.parts.desired)),
    viewOf(
      uniqRoles(products.flatMap(p => p.parts.seen)),
      uniqMemberships(products.flatMap(p => p.parts.held)),
    ),
    adapter,
  );
  return {
    products: products.map(({ parts: _parts, ...p }) => p),
    plan,
    queries: actual.queries,
  };
}

function uniqRoles(roles: RoleObject[]): RoleObject[] {
  return [...new Map(roles.map(r => [r.name, r])).values()];
}

function uniqMemberships(ms: RoleMembership[]): RoleMembership[] {
  return [...new Map(ms.map(m => [membershipKey(m), m])).values()];
}

/** True when no product has access drift. @public */
export function isAccessInSync(report: AccessDriftReport): boolean {
  return report.products.every(p => p.inSync) && isPlanEmpty(report.plan);
}
