/*
 * Warehouse objects as the infrastructure API shows them: what the adapter
 * manages (what `diff` compares), in plain JSON.
 */
import type { InfrastructureObjects } from '@datamesh/plugin-data-mesh-common';
import type {
  WarehouseAdapter,
  WarehouseState,
} from '@datamesh/plugin-data-mesh-node';

export const EMPTY_OBJECTS = (): WarehouseState => ({
  computes: [],
  databases: [],
  schemas: [],
  roles: [],
  memberships: [],
  grants: [],
});

/** The objects as the adapter manages them (what `diff` compares). */
export function visibleObjects(
  state: WarehouseState,
  adapter: WarehouseAdapter,
): InfrastructureObjects {
  const { capabilities } = adapter;
  const perSchemaFuture = capabilities.futureGrants === 'per-schema';
  const seen = new Set<string>();
  const grants = state.grants
    .filter(g => capabilities.compute || g.target.type !== 'compute')
    .filter(
      g => capabilities.databases === 'native' || g.target.type !== 'database',
    )
    .map(g =>
      perSchemaFuture && g.target.type === 'future-tables'
        ? { ...g, target: { ...g.target, creator: undefined } }
        : g,
    )
    .filter(g => {
      const key = JSON.stringify([g.target, g.grantee, g.privilege]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(g => ({
      target: JSON.parse(JSON.stringify(g.target)),
      privilege: g.privilege,
      grantee: g.grantee,
      ...(g.partial ? { partial: true } : {}),
      ...(g.implicit ? { implicit: true } : {}),
    }));
  return {
    computes: capabilities.compute
      ? state.computes.map(c => ({
          name: c.name,
          size: c.size,
          autoSuspendSeconds: c.autoSuspendSeconds,
        }))
      : [],
    databases:
      capabilities.databases === 'native'
        ? state.databases.map(d => ({ name: d.name }))
        : [],
    schemas: state.schemas.map(s => ({ ...s })),
    roles: state.roles.map(r => ({ ...r })),
    memberships: state.memberships.map(m => ({ ...m })),
    grants,
  };
}
