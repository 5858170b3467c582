/*
 * The Changes timeline as the REST API returns it
 * (`GET /api/data-mesh/changes?product=<ref>`), shared by the backend and
 * the frontend client. The OpenAPI document
 * (../openapi/data-mesh.openapi.json) describes the same shapes.
 */
import type { SpecChange } from './changeLog';

/**
 * One ingested revision of a data product: what the catalog served when the
 * backend noticed a change, classified against the revision before it.
 * @public
 */
export interface ProductRevision {
  /** 1 for the first revision the backend saw, then one more per change. */
  revision: number;
  /** The spec's declared version (annotation `datamesh.dev/spec-version`). */
  version?: string;
  /** The version of the revision before, when that one declared one. */
  previousVersion?: string;
  /** When the backend read this revision from the catalog (ISO 8601). */
  ingestedAt: string;
  /** The first revision seen: nothing to compare with. */
  initial: boolean;
  /** At least one change breaks consumers. */
  breaking: boolean;
  /**
   * Whether the version was raised enough for the changes (a breaking change
   * needs a new major version), and why not when it was not.
   */
  versionCheck: { ok: boolean; message: string };
  /** Every classified change, in classifyChanges' order. */
  changes: SpecChange[];
  /**
   * A breaking revision's notification, once settled: when, and to how many
   * entity refs (requesters and consumers of active access requests; 0 when
   * nobody had active access).
   */
  notified?: { at: string; recipients: number };
}

/** @public */
export interface ProductChangesResponse {
  /** The product's entity ref, lower-case. */
  product: string;
  /** Newest first. */
  items: ProductRevision[];
}

/**
 * When a product's spec last changed: its newest revision.
 * @public
 */
export interface ProductLastChange {
  /** The product's entity ref, lower-case. */
  product: string;
  /** The newest revision's number. */
  revision: number;
  /** Its declared version, when it declares one. */
  version?: string;
  /** When the backend read that revision from the catalog (ISO 8601). */
  ingestedAt: string;
}

/**
 * `GET /changes/latest`: the newest revision of every product the caller
 * may read, one request for a whole list of products.
 * @public
 */
export interface ProductLastChangesResponse {
  items: ProductLastChange[];
}
