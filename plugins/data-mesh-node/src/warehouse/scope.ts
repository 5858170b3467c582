/*
 * What to introspect for a desired state, and how one introspection of many
 * products' scopes is cut back into each product's part.
 */
import type {
  ActualState,
  DesiredState,
  IntrospectionScope,
  SchemaRef,
} from './types';

const schemaKey = (t: { database: string; schema: string }) =>
  `${t.database}|${t.schema}`;

/** The names a desired state touches: what to introspect. @public */
export function scopeOf(desired: DesiredState): IntrospectionScope {
  return {
    computes: desired.computes.map(c => c.name),
    databases: desired.databases.map(d => d.name),
    schemas: desired.schemas.map(s => ({
      database: s.database,
      schema: s.schema,
    })),
    roles: desired.roles.map(r => r.name),
    parentRole: desired.parentRole,
    ...(desired.masks?.length ? { columns: maskingSchemas(desired) } : {}),
  };
}

/** The output (and masked-view) schemas of products with PII: where masking needs the columns. */
function maskingSchemas(desired: DesiredState): SchemaRef[] {
  return desired.products
    .filter(p => p.piiRole)
    .flatMap(p => [
      { database: p.database, schema: p.outputSchema },
      ...(p.maskedSchema
        ? [{ database: p.database, schema: p.maskedSchema }]
        : []),
    ]);
}

/** An empty desired state, e.g. to plan the removal of a scope. @public */
export function emptyState(): DesiredState {
  return {
    computes: [],
    databases: [],
    schemas: [],
    roles: [],
    memberships: [],
    grants: [],
    products: [],
  };
}

/** Union of scopes, each name once: one introspection for many products. @public */
export function unionScope(scopes: IntrospectionScope[]): IntrospectionScope {
  const uniq = (xs: string[]) => [...new Set(xs)];
  const schemas = new Map<string, { database: string; schema: string }>();
  for (const s of scopes.flatMap(x => x.schemas)) {
    schemas.set(`${s.database}|${s.schema}`, s);
  }
  return {
    computes: uniq(scopes.flatMap(s => s.computes)),
    databases: uniq(scopes.flatMap(s => s.databases)),
    schemas: [...schemas.values()],
    roles: uniq(scopes.flatMap(s => s.roles)),
    parentRole: scopes.find(s => s.parentRole)?.parentRole,
    ...(scopes.some(s => s.columns?.length)
      ? {
          columns: [
            ...new Map(
              scopes.flatMap(s => s.columns ?? []).map(c => [schemaKey(c), c]),
            ).values(),
          ],
        }
      : {}),
  };
}

/**
 * The part of an introspection that concerns `scope`: exactly what
 * introspecting `scope` alone would have returned (see the rules on
 * `ActualState`).
 * @public
 */
export function actualForScope(
  actual: ActualState,
  scope: IntrospectionScope,
): ActualState {
  return actualForScopes(actual, [scope])[0];
}

/** Items by key, each with its position so that picks keep the introspection's order. */
function groupBy<T>(
  items: T[],
  key: (item: T) => string,
): Map<string, [number, T][]> {
  const groups = new Map<string, [number, T][]>();
  items.forEach((item, i) => {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push([i, item]);
    else groups.set(k, [[i, item]]);
  });
  return groups;
}

function pick<T>(index: Map<string, [number, T][]>, keys: string[]): T[] {
  return [...new Set(keys)]
    .flatMap(k => index.get(k) ?? [])
    .sort((a, b) => a[0] - b[0])
    .map(([, item]) => item);
}

/**
 * {@link actualForScope} for many scopes at once: the introspection is
 * indexed once, so cutting it for every product of a large set stays linear.
 * @public
 */
export function actualForScopes(
  actual: ActualState,
  scopes: IntrospectionScope[],
): ActualState[] {
  const computes = groupBy(actual.computes, c => c.name);
  const databases = groupBy(actual.databases, d => d.name);
  const schemas = groupBy(actual.schemas, schemaKey);
  const roles = groupBy(actual.roles, r => r.name);
  const memberships = groupBy(actual.memberships, m => m.role);
  const tables = groupBy(actual.tables ?? [], schemaKey);
  const policies = groupBy(actual.maskingPolicies ?? [], schemaKey);
  const grants = groupBy(actual.grants, g => {
    switch (g.target.type) {
      case 'compute':
        return `compute|${g.target.name}`;
      case 'database':
        return `database|${g.target.name}`;
      default:
        return `schema|${schemaKey(g.target)}`;
    }
  });
  return scopes.map(scope => {
    const inScope = new Set(scope.roles);
    const schemaKeys = scope.schemas.map(schemaKey);
    return {
      computes: pick(computes, scope.computes),
      databases: pick(databases, scope.databases),
      schemas: pick(schemas, schemaKeys),
      roles: pick(roles, scope.roles),
      memberships: pick(memberships, scope.roles).filter(
        m =>
          inScope.has(m.member) ||
          (scope.parentRole !== undefined && m.member === scope.parentRole),
      ),
      grants: pick(grants, [
        ...scope.computes.map(n => `compute|${n}`),
        ...scope.databases.map(n => `database|${n}`),
        ...schemaKeys.map(k => `schema|${k}`),
      ]),
      ...(actual.tables ? { tables: pick(tables, schemaKeys) } : {}),
      ...(actual.maskingPolicies
        ? { maskingPolicies: pick(policies, schemaKeys) }
        : {}),
      queries: actual.queries,
    };
  });
}
