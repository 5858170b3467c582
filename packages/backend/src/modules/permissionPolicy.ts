/*
 * The portal's permission policy (replaces the allow-all policy).
 *
 * - Data products (`data-product` resource permissions: decide on, revoke,
 *   extend and repair access, apply the infrastructure plan, retire, delete
 *   feature-branch sandboxes, push SLO observations): members of a platform
 *   admin group (`dataMesh.access.adminGroups`) may, anyone else only on the
 *   products their user or groups own — a conditional decision, so the
 *   data-mesh backend resolves it against the product's owner, or filters a
 *   list in its database.
 * - Seeing every access request of a product
 *   (`data-mesh.access-request.read`): besides admins and its owners, the
 *   auditor groups (`dataMesh.access.auditorGroups`, e.g. information
 *   governance) on every product; they decide on none.
 * - Requesting access: any signed-in user.
 * - DevTools (`devtools.*`: backend info, config, scheduled tasks) and the
 *   catalog's unprocessed entities (`catalog.entities.unprocessed.*`: the
 *   raw entities the catalog could not process, and deleting them): platform
 *   admins only. The Spec problems page still lists broken spec files for
 *   everyone: the data-mesh backend reads the unprocessed entities with its
 *   own service credentials, which the permission framework does not send
 *   to this policy.
 * - Deleting (unregistering) a catalog entity: its owners only.
 * - Everything else (reading the catalog, running templates, …): allowed, as
 *   before, so the portal keeps working for the guest and example users.
 */
import {
  type RootConfigService,
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  type PolicyDecision,
  isPermission,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  DATA_PRODUCT_RESOURCE_TYPE,
  accessRef,
  dataMeshAccessRequestCreatePermission,
  dataMeshAccessRequestReadPermission,
} from '@datamesh/plugin-data-mesh-common';
import {
  createDataProductConditionalDecision,
  dataProductConditions,
} from '@datamesh/plugin-data-mesh-node';

/** Reads a list of groups from config (bare names are groups of the default namespace) as full lower-case refs. */
export function readGroupRefs(
  config: RootConfigService,
  key: string,
): string[] {
  // bare names are groups of the default namespace, as access requests read them
  return (config.getOptionalStringArray(key) ?? []).map(group =>
    accessRef(group, 'group'),
  );
}

/** Reads `dataMesh.access.adminGroups` as full lower-case group refs. */
export function readAdminGroups(config: RootConfigService): string[] {
  return readGroupRefs(config, 'dataMesh.access.adminGroups');
}

/**
 * Permissions for platform admins only, by name prefix so that permissions a
 * later DevTools version adds (the scheduler's came after the first four)
 * are covered too.
 */
const ADMIN_ONLY_PREFIXES = ['devtools.', 'catalog.entities.unprocessed.'];

/** See the file comment. */
export class DataMeshPermissionPolicy implements PermissionPolicy {
  private readonly adminGroups: Set<string>;
  private readonly auditorGroups: Set<string>;

  constructor(options: { adminGroups: string[]; auditorGroups?: string[] }) {
    this.adminGroups = new Set(options.adminGroups.map(g => g.toLowerCase()));
    this.auditorGroups = new Set(
      (options.auditorGroups ?? []).map(g => g.toLowerCase()),
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    // the user's own ref and their groups, as the catalog resolved at sign-in
    const claims = user?.info.ownershipEntityRefs ?? [];
    const isAdmin = claims.some(claim =>
      this.adminGroups.has(claim.toLowerCase()),
    );

    if (
      ADMIN_ONLY_PREFIXES.some(prefix => permission.name.startsWith(prefix))
    ) {
      return {
        result: isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    if (isResourcePermission(permission, DATA_PRODUCT_RESOURCE_TYPE)) {
      if (isAdmin) {
        return { result: AuthorizeResult.ALLOW };
      }
      // auditors see every product's requests, and decide on none
      if (
        isPermission(permission, dataMeshAccessRequestReadPermission) &&
        claims.some(claim => this.auditorGroups.has(claim.toLowerCase()))
      ) {
        return { result: AuthorizeResult.ALLOW };
      }
      return createDataProductConditionalDecision(
        permission,
        dataProductConditions.isDataProductOwner({ claims }),
      );
    }
    if (isPermission(permission, dataMeshAccessRequestCreatePermission)) {
      return {
        result: user ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    if (
      isResourcePermission(permission, 'catalog-entity') &&
      permission.name === 'catalog.entity.delete'
    ) {
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Installs {@link DataMeshPermissionPolicy} in the permission backend. */
export const permissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'data-mesh-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(
          new DataMeshPermissionPolicy({
            adminGroups: readAdminGroups(config),
            auditorGroups: readGroupRefs(
              config,
              'dataMesh.access.auditorGroups',
            ),
          }),
        );
      },
    });
  },
});
