/*
 * Whose warehouse role is it: a consumer's role (a group's team role, a
 * data product's service role) named back to the catalog entity it was
 * named from. The access drift check asks it about grants made by hand, so
 * that an owner sees "Finance & Claims Data reads it" instead of a role name
 * and can record the grant as agreed access. Roles are named by the same
 * code that names them for requests (teamRoleName, the provisioning's
 * desired state), so what is found here is what a request would grant.
 */
import type { AuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import {
  type PlatformConfig,
  computeDesiredState,
} from '@datamesh/plugin-data-mesh-node';
import { teamRoleName } from './policy';

/** Warehouse role → the catalog group or data product it belongs to. @public */
export type ConsumerRoleResolver = (
  roles: string[],
) => Promise<Map<string, string>>;

/**
 * A resolver reading the catalog's groups (one query) and, for roles no
 * group explains, the data products (`listProducts`, the plugin's full read)
 * — only when asked about roles, which the drift check does only for grants
 * no request explains. A role two groups of different namespaces share
 * (team roles are named by the group's name) is left unnamed.
 */
export function consumerRoleResolver(deps: {
  catalog: CatalogService;
  auth: AuthService;
  platform: PlatformConfig;
  /** `dataMesh.access.naming.teamRole`. */
  teamRole: string;
  listProducts: () => Promise<DataProductEntityV1alpha1[]>;
}): ConsumerRoleResolver {
  return async roles => {
    const wanted = new Set(roles);
    const found = new Map<string, string>();
    if (wanted.size === 0) return found;
    const { items: groups } = await deps.catalog.getEntities(
      {
        filter: { kind: 'Group' },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials: await deps.auth.getOwnServiceCredentials() },
    );
    const shared = new Set<string>();
    for (const group of groups) {
      let role: string;
      try {
        role = teamRoleName(deps.teamRole, deps.platform, group.metadata.name);
      } catch {
        continue; // a name no team role can be made of: no request grants to it either
      }
      if (!wanted.has(role)) continue;
      if (found.has(role)) shared.add(role);
      found.set(role, stringifyEntityRef(group));
    }
    for (const role of shared) found.delete(role);
    if ([...wanted].every(r => found.has(r) || shared.has(r))) return found;

    const { desired } = computeDesiredState(
      await deps.listProducts(),
      deps.platform,
    );
    for (const product of desired?.products ?? []) {
      const role = product.roles.service;
      if (wanted.has(role) && !found.has(role) && !shared.has(role)) {
        found.set(role, product.entityRef);
      }
    }
    return found;
  };
}
