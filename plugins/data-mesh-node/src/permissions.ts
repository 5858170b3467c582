/*
 * The permission rule of data products ("is owner of the product") and the
 * condition exports a permission policy builds its decisions with. The
 * data-mesh backend registers the rule for the `data-product` resource type,
 * so conditional decisions are evaluated there: against one loaded product
 * (apply) or as a filter on an `owner` column in its stores (toQuery).
 */
import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { DATA_PRODUCT_RESOURCE_TYPE } from '@datamesh/plugin-data-mesh-common';
import { z } from 'zod';

/**
 * A data product as the permission rules see it. `owner` is the full,
 * lower-case entity ref of the owning group or user (`group:default/team-a`).
 * @public
 */
export interface DataProductPermissionResource {
  entityRef: string;
  owner?: string;
}

/**
 * What a rule becomes for a store: the rows whose `property` column is one
 * of `values` (lower-case entity refs). Stores turn a criteria of these into
 * a `where` so lists are filtered in the database.
 * @public
 */
export interface DataProductPermissionQuery {
  property: 'owner';
  values: string[];
}

/** @public */
export const dataProductPermissionResourceRef = createPermissionResourceRef<
  DataProductPermissionResource,
  DataProductPermissionQuery
>().with({
  pluginId: 'data-mesh',
  resourceType: DATA_PRODUCT_RESOURCE_TYPE,
});

// Entity refs compare case-insensitively in Backstage; stores keep them lower-case.
const lower = (refs: string[]) => refs.map(r => r.toLowerCase());

/**
 * ALLOW when the product's owner is one of `claims`, the caller's ownership
 * entity refs (their user ref and groups).
 * @public
 */
export const isDataProductOwner = createPermissionRule({
  name: 'IS_DATA_PRODUCT_OWNER',
  description: 'Allow when the data product is owned by one of the claims',
  resourceRef: dataProductPermissionResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs of the caller: their user and their groups'),
  }),
  apply: (resource, { claims }) =>
    resource.owner !== undefined &&
    lower(claims).includes(resource.owner.toLowerCase()),
  toQuery: ({ claims }) => ({ property: 'owner', values: lower(claims) }),
});

/** The rules of the `data-product` resource type. @public */
export const dataProductPermissionRules = { isDataProductOwner };

/**
 * Conditions for permission policies: `dataProductConditions.isDataProductOwner({ claims })`
 * inside `createDataProductConditionalDecision(permission, …)`.
 * @public
 */
export const {
  conditions: dataProductConditions,
  createConditionalDecision: createDataProductConditionalDecision,
} = createConditionExports({
  resourceRef: dataProductPermissionResourceRef,
  rules: dataProductPermissionRules,
});
