/*
 * Data products as a permission resource: the data-mesh plugin registers the
 * `data-product` resource type with its rule, so conditional decisions from
 * the portal's policy ("only its owners") are resolved here, against the
 * product's owner in the catalog, or turned into a `where` on a store's owner
 * column so lists are filtered in the database.
 */
import type {
  AuthService,
  BackstageCredentials,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  type PermissionCriteria,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  type DataProductPermissionQuery,
  type DataProductPermissionResource,
  dataProductPermissionResourceRef,
  dataProductPermissionRules,
} from '@datamesh/plugin-data-mesh-node';
import { dataMeshPermissions } from '@datamesh/plugin-data-mesh-common';
import type { Knex } from 'knex';

/** The product's owner as a full lower-case ref (`team-a` → `group:default/team-a`). */
export function ownerRef(
  owner: unknown,
  namespace: string,
): string | undefined {
  if (typeof owner !== 'string' || owner === '') return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: namespace,
      }),
    ).toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Loads data products as permission resources from the catalog (one request
 * for the batch), `undefined` for refs that are not data products.
 */
export async function loadDataProductResources(
  options: {
    catalog: Pick<CatalogService, 'getEntitiesByRefs'>;
    auth: AuthService;
  },
  entityRefs: string[],
): Promise<Array<DataProductPermissionResource | undefined>> {
  const { items } = await options.catalog.getEntitiesByRefs(
    {
      entityRefs,
      fields: ['kind', 'metadata.namespace', 'metadata.name', 'spec.owner'],
    },
    { credentials: await options.auth.getOwnServiceCredentials() },
  );
  return items.map((entity, index) => {
    if (entity?.kind.toLowerCase() !== 'dataproduct') return undefined;
    const namespace = entity.metadata.namespace ?? 'default';
    const owner = ownerRef(entity.spec?.owner, namespace);
    return { entityRef: entityRefs[index], ...(owner ? { owner } : {}) };
  });
}

/**
 * Registers the data-mesh permissions and the `data-product` resource type:
 * the permission backend calls back with product refs to resolve a
 * conditional decision, and gets their owners from the catalog.
 */
export function registerDataProductPermissions(options: {
  permissionsRegistry: PermissionsRegistryService;
  catalog: Pick<CatalogService, 'getEntitiesByRefs'>;
  auth: AuthService;
}) {
  options.permissionsRegistry.addResourceType({
    resourceRef: dataProductPermissionResourceRef,
    permissions: dataMeshPermissions,
    rules: Object.values(dataProductPermissionRules),
    getResources: refs => loadDataProductResources(options, refs),
  });
}

/**
 * Throws NotAllowedError (403) unless the caller may do `permission` on the
 * product. Services pass unless their token restricts them; users go
 * through the portal's policy.
 */
export async function authorizeOnDataProduct(
  permissions: PermissionsService,
  permission: ResourcePermission<'data-product'>,
  entityRef: string,
  credentials: BackstageCredentials,
  message: () => string,
): Promise<void> {
  const [decision] = await permissions.authorize(
    [{ permission, resourceRef: entityRef }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(message());
  }
}

/**
 * Adds a conditional decision's criteria to a query as a `where` on the
 * store's owner column (holding lower-case entity refs).
 */
export function whereDataProductCriteria(
  query: Knex.QueryBuilder,
  criteria: PermissionCriteria<DataProductPermissionQuery>,
  ownerColumn: string,
): Knex.QueryBuilder {
  if ('allOf' in criteria) {
    return query.where(q => {
      for (const c of criteria.allOf) {
        q.andWhere(inner => whereDataProductCriteria(inner, c, ownerColumn));
      }
    });
  }
  if ('anyOf' in criteria) {
    return query.where(q => {
      for (const c of criteria.anyOf) {
        q.orWhere(inner => whereDataProductCriteria(inner, c, ownerColumn));
      }
    });
  }
  if ('not' in criteria) {
    return query.whereNot(q =>
      whereDataProductCriteria(q, criteria.not, ownerColumn),
    );
  }
  // Never SQL NULL: a product without owner fails the rule, so `not` passes it
  // as apply() does (NOT (NULL IN …) would drop it).
  return criteria.values.length === 0
    ? query.whereRaw('1 = 0')
    : query.where(q =>
        q.whereNotNull(ownerColumn).whereIn(ownerColumn, criteria.values),
      );
}
