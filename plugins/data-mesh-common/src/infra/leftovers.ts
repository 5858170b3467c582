/*
 * The REST contract of what products left behind: schemas and roles marked
 * by the platform as a data product's, and declared by no product of the
 * catalog now (the product gone from it without retirement, renamed, or
 * moved to another domain or stage). The schemas hold the product's data,
 * personal data included; the roles may still be granted to people (and a
 * product made again under the name would adopt them, members and all).
 * No plan, drift check or retirement looks at them again.
 */
import type { InfrastructureWarehouseInfo } from './api';

/** What a left-behind schema was to its product. @public */
export type InfrastructureLeftoverKind = 'product' | 'sandbox' | 'archive';

/** One schema left behind. @public */
export interface InfrastructureLeftover {
  /** The product its marker names, e.g. `dataproduct:default/visits`. */
  product: string;
  /**
   * The product is in the catalog and no longer declares the schema;
   * otherwise it is gone from the catalog.
   */
  productInCatalog: boolean;
  kind: InfrastructureLeftoverKind;
  database: string;
  schema: string;
  /** The schema as the warehouse writes it. */
  qualified: string;
  /** A sandbox's branch suffix. */
  branch?: string;
  /** When a sandbox was made (ISO). */
  createdAt?: string;
  /** When the leftovers watch first saw it left behind (ISO), once it has. */
  firstSeenAt?: string;
}

/** A role left behind. @public */
export interface InfrastructureLeftoverRole {
  /** The product its marker names. */
  product: string;
  /** As for schemas: in the catalog, no longer declared; else gone. */
  productInCatalog: boolean;
  /** A product's role, or the role of one of its access requests. */
  kind: 'product' | 'access';
  name: string;
  /** The role as the warehouse writes it. */
  qualified: string;
  /** When the leftovers watch first saw it left behind (ISO), once it has. */
  firstSeenAt?: string;
}

/** `GET /api/data-mesh/infrastructure/leftovers`. @public */
export interface InfrastructureLeftoversResponse {
  warehouse: InfrastructureWarehouseInfo;
  checkedAt: string;
  /** Warehouse queries the look took (one per database). */
  queries: number;
  /** Schemas, by product, then database and schema. */
  items: InfrastructureLeftover[];
  /** Roles, by product, then name (none where the warehouse cannot list them). */
  roles: InfrastructureLeftoverRole[];
  /** The products of these whose leftovers are kept on purpose. */
  kept: LeftoverKeep[];
}

/**
 * A product whose leftovers are kept on purpose (a legal hold, another
 * portal's product on the same warehouse): neither told nor counted as
 * needing anyone, still listed, and still dropped when someone decides to.
 * @public
 */
export interface LeftoverKeep {
  product: string;
  /** Who decided (a user entity ref). */
  by: string;
  /** When (ISO). */
  at: string;
  reason: string;
}

/** `PUT /api/data-mesh/products/{namespace}/{name}/leftovers/keep`. @public */
export interface LeftoverKeepBody {
  /** Why they are kept: 1 to 500 characters. */
  reason: string;
}

/** The answer of keeping (`kept`) or no longer keeping (no `kept`) a product's leftovers. @public */
export interface LeftoverKeepResponse {
  entityRef: string;
  kept?: LeftoverKeep;
}

/**
 * `POST /api/data-mesh/products/{namespace}/{name}/leftovers/drop`: the
 * schemas to drop, as listed. Only those still left behind are dropped.
 * @public
 */
export interface LeftoverDropBody {
  schemas?: { database: string; schema: string }[];
  /** Role names, as listed. */
  roles?: string[];
}

/** @public */
export interface LeftoverDropResponse {
  entityRef: string;
  /** The schemas and roles dropped (qualified). */
  dropped: string[];
  /** The product's schemas still left behind. */
  leftovers: InfrastructureLeftover[];
  /** The product's roles still left behind. */
  roles: InfrastructureLeftoverRole[];
}

/** The audit action of a drop of schemas left behind. @public */
export const LEFTOVER_DROP_AUDIT_ACTION = 'leftover-drop';

/** The audit action of keeping a product's leftovers on purpose, or no longer. @public */
export const LEFTOVER_KEEP_AUDIT_ACTION = 'leftover-keep';

/** The `detail` of a {@link LEFTOVER_KEEP_AUDIT_ACTION} audit entry. @public */
export type LeftoverKeepAuditDetail = {
  /** Kept from now on (with the reason), or no longer. */
  kept: boolean;
  reason?: string;
  /** When kept: how many schemas and roles were left behind then. */
  schemas?: number;
  roles?: number;
};

/** The `detail` of a {@link LEFTOVER_DROP_AUDIT_ACTION} audit entry. @public */
export type LeftoverDropAuditDetail = {
  /** Qualified names of the schemas dropped (or meant to be, when `error`). */
  dropped: string[];
  /** Qualified names of the roles dropped (or meant to be). */
  roles?: string[];
  /** Whether the product was in the catalog (it no longer declared them). */
  productInCatalog: boolean;
  /** The warehouse's refusal (secrets removed), if any. */
  error?: string;
};

/**
 * A schema or role left behind as the leftovers watch last found it (a
 * scheduled look at the whole warehouse; who decides is told once).
 * @public
 */
export interface LeftoverSeenItem {
  /** The product its marker names, e.g. `dataproduct:default/visits`. */
  product: string;
  /** As listed: in the catalog and no longer declared, or gone from it. */
  productInCatalog: boolean;
  kind: 'schema' | 'role';
  /** As the warehouse writes it (a schema qualified). */
  name: string;
  /** When the watch first found it (ISO). */
  firstSeenAt: string;
  /** When its product's owners, or the platform team, were told (ISO). */
  notifiedAt?: string;
}

/**
 * `GET /api/data-mesh/infrastructure/leftovers/seen`: what the watch found
 * at its last look, of the products whose leftovers the caller may drop,
 * with no warehouse query (the home page counts them).
 * @public
 */
export interface LeftoversSeenResponse {
  /** Whether the watch runs (`dataMesh.leftovers.enabled`). */
  watching: boolean;
  items: LeftoverSeenItem[];
}
