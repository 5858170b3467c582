/*
 * The example teams' roles in the warehouse. An access request on behalf of
 * a group is granted to that group's team role, which the warehouse
 * executor requires to exist; in a real warehouse the platform team makes
 * them, but on the embedded default nobody would, so an approved request of
 * an example team would never become active. The example mesh makes the
 * team role of every group that owns an example product, named by the
 * access service's own rule (`dataMesh.access.naming.teamRole`), through
 * the provisioning engine: the dialect checks and quotes each name, and a
 * role that exists already is left as it is.
 */
import { parseEntityRef } from '@backstage/catalog-model';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import {
  type PlatformConfig,
  type WarehouseAdapter,
  applyPlan,
  diff,
  emptyState,
} from '@datamesh/plugin-data-mesh-node';
import { teamRoleName } from '@datamesh/plugin-data-mesh-backend/alpha';

/** The example teams: the groups that own the given products, by entity ref, sorted. @public */
export function exampleTeams(products: DataProductEntityV1alpha1[]): string[] {
  const teams = new Set<string>();
  for (const product of products) {
    const owner = parseEntityRef(product.spec.owner, {
      defaultKind: 'group',
      defaultNamespace: product.metadata.namespace ?? 'default',
    });
    if (owner.kind.toLowerCase() === 'group') {
      teams.add(`group:${owner.namespace}/${owner.name}`.toLowerCase());
    }
  }
  return [...teams].sort();
}

/**
 * Create the team role of each group that has none (`template` is
 * `dataMesh.access.naming.teamRole`). Idempotent.
 * @returns the roles created.
 * @public
 */
export async function createTeamRoles(options: {
  adapter: WarehouseAdapter;
  platform: PlatformConfig;
  template: string;
  teams: string[];
}): Promise<string[]> {
  const { adapter, platform, template, teams } = options;
  const roles = [
    ...new Set(
      teams.map(ref =>
        teamRoleName(template, platform, parseEntityRef(ref).name),
      ),
    ),
  ];
  // refused names throw here, before any query
  roles.forEach(role => adapter.dialect.quoteIdentifier(role));
  const desired = { ...emptyState(), roles: roles.map(name => ({ name })) };
  const actual = await adapter.introspect({
    computes: [],
    databases: [],
    schemas: [],
    roles,
  });
  // unmarked roles: the plan creates the missing ones and adopts none
  const plan = diff(desired, actual, adapter);
  const result = await applyPlan(plan, adapter);
  if (result.error) {
    throw new Error(
      `the example teams' roles could not be created: ${result.error.message}`,
    );
  }
  return result.applied.flatMap(step =>
    step.change.action === 'create-role' ? [step.change.role.name] : [],
  );
}
