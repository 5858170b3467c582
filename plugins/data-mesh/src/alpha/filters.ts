/**
 * Entity filter for every data mesh extension: a predicate object rather than
 * a function so adopters can still override it in app-config
 * (`extensions: [entity-card:data-mesh/about: { config: { filter: ... } }]`).
 * Kind comparison in filter predicates is case-insensitive.
 */
export const isDataProduct = { kind: 'DataProduct' };
