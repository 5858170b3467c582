/*
 * Masking of personal data (PII columns) for consumers without a PII grant.
 *
 * A product whose datasets have PII columns gets a fourth role, the PII
 * consumer (`{role}` = `consumer_pii`), between consumer and service:
 * consumer → consumer_pii → service → owner. An access request with
 * `pii: true` receives it, any other request the plain consumer role.
 * Warehouses hide the columns from the plain consumer in one of two ways
 * (WarehouseCapabilities.masking):
 * - `masked-views` (PostgreSQL, PGlite: no column masking in the server):
 *   the output tables are readable by the PII consumer and up only; a
 *   second, org-public schema `<product>_masked` holds one view per output
 *   table with the PII columns replaced by `'***'` (text) or NULL, and the
 *   plain consumer reads that schema. The views are made by the engine once
 *   the pipeline has created the table, from the table's real columns.
 * - `masking-policies` (Snowflake): consumers read the output tables, and
 *   a masking policy per product and column type family, in the output
 *   schema, returns the value only when the PII consumer role is in the
 *   session (`IS_ROLE_IN_SESSION`, so the roles above it read clear too);
 *   the engine attaches it to each PII column of an existing table.
 * Both are planned from the actual columns, which every adapter introspects
 * with a constant number of queries per database.
 */
import type { SchemaRef } from './types';

/** One PII column the spec declares, in the output schema; readable in clear by `clearRole` (and the roles above it). @public */
export interface MaskedColumn extends SchemaRef {
  table: string;
  column: string;
  /** Role that reads the value: the product's PII consumer role. */
  clearRole: string;
}

/** How a warehouse masks PII columns (see masking.ts). @public */
export type MaskingStyle = 'masked-views' | 'masking-policies';

/** A column as the warehouse reports it. @public */
export interface ActualColumn {
  name: string;
  /** The warehouse's own type spelling, e.g. `character varying(20)`, `TEXT`. */
  type: string;
  /** Snowflake: the fully qualified masking policy attached to the column, if any. */
  maskingPolicy?: string;
}

/** A table or view found in a scope schema, with its columns. @public */
export interface ActualTable extends SchemaRef {
  name: string;
  kind: 'table' | 'view';
  comment?: string;
  columns: ActualColumn[];
}

/** A masking policy found in a scope schema. @public */
export interface ActualMaskingPolicy extends SchemaRef {
  name: string;
  comment?: string;
}

/**
 * A view of an output table with its PII columns masked (masked-views
 * style). `columns` are the table's columns in order; those named in
 * `masked` are replaced by the mask of their type.
 * @public
 */
export interface MaskedView {
  source: SchemaRef & { table: string };
  target: SchemaRef & { view: string };
  columns: ActualColumn[];
  masked: string[];
  /** Role that owns the view: its privileges on the source decide what the view can read. */
  owner: string;
  /** `datamesh:<ref>:masked:<columns>`, so drift sees which columns a view masks. */
  comment: string;
}

/** A masking policy for one type family (masking-policies style). @public */
export interface MaskingPolicy extends SchemaRef {
  name: string;
  /** The argument and return type, e.g. `VARCHAR`. */
  type: string;
  /** The expression returned to roles without the PII role, e.g. `'***'` or `NULL`. */
  mask: string;
  clearRole: string;
  comment: string;
}

/** The comment of a masked view: which product made it and which columns it masks. @public */
export function maskedViewComment(marker: string, masked: string[]): string {
  return `${marker}:masked:${[...masked].sort().join(',')}`;
}
