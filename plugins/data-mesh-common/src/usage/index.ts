/*
 * The usage of a product as the REST API returns it
 * (`GET /products/:namespace/:name/usage`, issue 9 §3): who reads it, how
 * often over the last days, and what the warehouse could not tell.
 */

/**
 * Where the numbers come from: `by-role` — the warehouse records who read
 * (Snowflake ACCESS_HISTORY); `table-level` — only how often the product's
 * tables were scanned, not by whom (PostgreSQL); `unknown` — nothing
 * collected yet, or the warehouse cannot tell at all.
 * @public
 */
export type ProductUsageSource = 'by-role' | 'table-level' | 'unknown';

/** One consumer holding (or having held) access through a request. @public */
export interface ConsumerUsage {
  consumer: string;
  requestId: string;
  outputPort: string;
  state: string;
  /** The warehouse roles of the request whose reads count for it (its own role and the grantee). */
  roles: string[];
  /** Reads in the period; undefined when the source cannot attribute reads. */
  reads?: number;
  /** ISO time of the newest read seen, if any. */
  lastRead?: string;
  /** Active, granted longer ago than `unusedAfterDays`, and no read in that time. */
  unused: boolean;
  /** ISO time the grant was flagged unused (owners were notified then). */
  unusedSince?: string;
}

/** Reads of a role that no access request explains (the product's own service role, a hand-made grant). @public */
export interface ReaderUsage {
  role: string;
  reads: number;
  lastRead?: string;
}

/** @public */
export interface ProductUsage {
  product: string;
  source: ProductUsageSource;
  /** Length of the period `reads` count, in days (30). */
  days: number;
  /** Grants unused this long are flagged (`dataMesh.access.unusedAfter`). */
  unusedAfterDays: number;
  /** Reads of the product's tables in the period, whoever read. */
  reads: number;
  lastRead?: string;
  consumers: ConsumerUsage[];
  otherReaders: ReaderUsage[];
  notes: string[];
}
