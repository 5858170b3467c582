/*
 * The REST contract of schemas left behind: marked by the platform as a
 * data product's, and declared by no product of the catalog now (the
 * product gone from it without retirement, renamed, or moved to another
 * domain or stage). They hold the product's data, personal data included,
 * where no plan, drift check or retirement looks again.
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
}

/** `GET /api/data-mesh/infrastructure/leftovers`. @public */
export interface InfrastructureLeftoversResponse {
  warehouse: InfrastructureWarehouseInfo;
  checkedAt: string;
  /** Warehouse queries the look took (one per database). */
  queries: number;
  /** By product, then database and schema. */
  items: InfrastructureLeftover[];
}

/**
 * `POST /api/data-mesh/products/{namespace}/{name}/leftovers/drop`: the
 * schemas to drop, as listed. Only those still left behind are dropped.
 * @public
 */
export interface LeftoverDropBody {
  schemas: { database: string; schema: string }[];
}

/** @public */
export interface LeftoverDropResponse {
  entityRef: string;
  /** The schemas dropped (qualified). */
  dropped: string[];
  /** The product's schemas still left behind. */
  leftovers: InfrastructureLeftover[];
}

/** The audit action of a drop of schemas left behind. @public */
export const LEFTOVER_DROP_AUDIT_ACTION = 'leftover-drop';

/** The `detail` of a {@link LEFTOVER_DROP_AUDIT_ACTION} audit entry. @public */
export type LeftoverDropAuditDetail = {
  /** Qualified names of the schemas dropped (or meant to be, when `error`). */
  dropped: string[];
  /** Whether the product was in the catalog (it no longer declared them). */
  productInCatalog: boolean;
  /** The warehouse's refusal (secrets removed), if any. */
  error?: string;
};
