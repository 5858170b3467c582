/*
 * The data-mesh permissions, on Backstage's permission framework. Resource
 * permissions are decided per data product (resourceRef = the product's
 * entity ref), so a policy can answer "only its owners" with a conditional
 * decision that the data-mesh backend evaluates — in the database for lists.
 */
import {
  type Permission,
  createPermission,
} from '@backstage/plugin-permission-common';

/**
 * Resource type of data products; the resourceRef is the product's entity
 * ref, e.g. `dataproduct:default/claims-by-provider`.
 * @public
 */
export const DATA_PRODUCT_RESOURCE_TYPE = 'data-product';

/**
 * Request access to a product's output port. Basic, not per product: anyone
 * signed in may ask; what they may get is the owners' decision.
 * @public
 */
export const dataMeshAccessRequestCreatePermission = createPermission({
  name: 'data-mesh.access-request.create',
  attributes: { action: 'create' },
});

/** Approve or reject an access request to the product. @public */
export const dataMeshAccessRequestDecidePermission = createPermission({
  name: 'data-mesh.access-request.decide',
  attributes: { action: 'update' },
  resourceType: DATA_PRODUCT_RESOURCE_TYPE,
});

/**
 * See every access request to the product and what it granted, beyond the
 * caller's own and their teams' (whoever may decide on them sees them too):
 * for information governance or a data protection officer, who answer for
 * who reads personal data without deciding on it.
 * @public
 */
export const dataMeshAccessRequestReadPermission = createPermission({
  name: 'data-mesh.access-request.read',
  attributes: { action: 'read' },
  resourceType: DATA_PRODUCT_RESOURCE_TYPE,
});

/** Revoke a granted access to the product before it expires. @public */
export const dataMeshAccessRevokePermission = createPermission({
  name: 'data-mesh.access.revoke',
  attributes: { action: 'delete' },
  resourceType: DATA_PRODUCT_RESOURCE_TYPE,
});

/** Approve an extension of a granted access to the product. @public */
export const dataMeshAccessExtendPermission = createPermission({
  name: 'data-mesh.access.extend',
  attributes: { action: 'update' },
  resourceType: DATA_PRODUCT_RESOURCE_TYPE,
});

/**
 * Repair the product's access drift: re-grant what active requests miss
 * and, when asked, revoke what no request explains. @public
 */
export const dataMeshAccessRepairPermission = createPermission({
  name: 'data-mesh.access.repair',
  attributes: { action: 'update' },
  resourceType: DATA_PRODUCT_RESOURCE_TYPE,
});

/** Retire the product (archive its data, drop its roles). @public */
export const dataMeshProductRetirePermission = createPermission({
  name: 'data-mesh.product.retire',
  attributes: { action: 'delete' },
  resourceType: DATA_PRODUCT_RESOURCE_TYPE,
});

/**
 * Apply the product's infrastructure plan from the portal: provision it, or
 * repair its drift (revokes and drops only when asked). @public
 */
export const dataMeshInfrastructureApplyPermission = createPermission({
  name: 'data-mesh.infrastructure.apply',
  attributes: { action: 'update' },
  resourceType: DATA_PRODUCT_RESOURCE_TYPE,
});

/**
 * Drop a feature-branch sandbox of the product (its schemas hold copies of
 * the product's data). @public
 */
export const dataMeshSandboxDeletePermission = createPermission({
  name: 'data-mesh.sandbox.delete',
  attributes: { action: 'delete' },
  resourceType: DATA_PRODUCT_RESOURCE_TYPE,
});

/**
 * Make a feature-branch sandbox of the product: its schemas cloned, data
 * (PII included) and all. @public
 */
export const dataMeshSandboxCreatePermission = createPermission({
  name: 'data-mesh.sandbox.create',
  attributes: { action: 'create' },
  resourceType: DATA_PRODUCT_RESOURCE_TYPE,
});

/**
 * Drop schemas left behind by the product (marked as its own, no longer
 * declared by it, or the product gone from the catalog: then only a policy
 * that allows it unconditionally, e.g. to the platform team, lets anyone
 * drop them). @public
 */
export const dataMeshLeftoverDropPermission = createPermission({
  name: 'data-mesh.infrastructure.leftover.drop',
  attributes: { action: 'delete' },
  resourceType: DATA_PRODUCT_RESOURCE_TYPE,
});

/**
 * Keep what a data product left behind on purpose (a legal hold, another
 * portal's product on the same warehouse), with a reason, or stop keeping
 * it: kept leftovers are neither told nor counted as needing anyone. Who
 * may drop them may keep them. @public
 */
export const dataMeshLeftoverKeepPermission = createPermission({
  name: 'data-mesh.infrastructure.leftover.keep',
  attributes: { action: 'update' },
  resourceType: DATA_PRODUCT_RESOURCE_TYPE,
});

/**
 * Measure the product's data-quality checks now rather than at the next
 * scheduled run (each run scans the product's tables). @public
 */
export const dataMeshQualityRunPermission = createPermission({
  name: 'data-mesh.quality.run',
  attributes: { action: 'update' },
  resourceType: DATA_PRODUCT_RESOURCE_TYPE,
});

/** Push SLO observations (e.g. dbt test results) for the product. @public */
export const dataMeshSloObservationCreatePermission = createPermission({
  name: 'data-mesh.slo.observation.create',
  attributes: { action: 'create' },
  resourceType: DATA_PRODUCT_RESOURCE_TYPE,
});

/** Every data-mesh permission, for the permission registry. @public */
export const dataMeshPermissions: Permission[] = [
  dataMeshAccessRequestCreatePermission,
  dataMeshAccessRequestDecidePermission,
  dataMeshAccessRequestReadPermission,
  dataMeshAccessRevokePermission,
  dataMeshAccessExtendPermission,
  dataMeshAccessRepairPermission,
  dataMeshProductRetirePermission,
  dataMeshInfrastructureApplyPermission,
  dataMeshSandboxCreatePermission,
  dataMeshSandboxDeletePermission,
  dataMeshLeftoverDropPermission,
  dataMeshLeftoverKeepPermission,
  dataMeshSloObservationCreatePermission,
  dataMeshQualityRunPermission,
];
