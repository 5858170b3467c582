/*
 * Events of the data mesh on Backstage's events service.
 *
 * What the catalog tells the data mesh plugins as it processes products:
 *
 * The catalog has no event for "an entity changed" (it publishes processing
 * errors and conflicts only), so the data mesh catalog module publishes one
 * when it processes a DataProduct whose spec differs from what it last saw.
 * Subscribers (the SLO engine) react within seconds instead of waiting for
 * their next full reconcile of the catalog, which stays as the safety net.
 */
import type {
  AccessRequest,
  AccessRequestHistoryEntry,
} from '@datamesh/plugin-data-mesh-common';

/** Topic of {@link DataProductProcessedEvent}. @public */
export const DATA_PRODUCT_PROCESSED_TOPIC = 'datamesh.data-product.processed';

/**
 * Payload of an event on {@link DATA_PRODUCT_PROCESSED_TOPIC}: the product as
 * processed (what the catalog is about to store; it may take a moment to
 * be served by the catalog API).
 * @public
 */
export interface DataProductProcessedEvent {
  /** `dataproduct:<namespace>/<name>`, lowercase. */
  entityRef: string;
  /** The processed entity (catalog form). */
  entity: unknown;
}

/** Topic of {@link AccessRequestEvent}. @public */
export const ACCESS_REQUEST_EVENT_TOPIC = 'datamesh.access-request';

/**
 * Payload of an event on {@link ACCESS_REQUEST_EVENT_TOPIC}: one entry of
 * an access request's history as it is written — asked for, approved,
 * granted in the warehouse, rejected, revoked, expired, extended,
 * cancelled, repaired — with the request as it stands after it. An audit
 * system, a ticketing workflow or a SIEM subscribes here (with
 * Backstage's events backend and one of its bus modules, also from outside
 * the backend) instead of polling the REST API. Each entry is published
 * once, by the instance that wrote it, after it was committed.
 * @public
 */
export interface AccessRequestEvent {
  /** The entry written (the warehouse statements left out). */
  entry: Omit<AccessRequestHistoryEntry, 'statements'>;
  /** The request after the entry, without its history. */
  request: Omit<AccessRequest, 'history'>;
}

/** Topic of {@link SloBreachEvent}. @public */
export const SLO_BREACH_EVENT_TOPIC = 'datamesh.slo-breach';

/**
 * Payload of an event on {@link SLO_BREACH_EVENT_TOPIC}: an objective of a
 * data product started breaching (its error budget is spent) or recovered.
 * Published once per breach and once per recovery across backend
 * instances, when the owners' notification is sent (or would be, with
 * notifications off): an on-call tool or a chat bridge subscribes here.
 * @public
 */
export interface SloBreachEvent {
  state: 'breaching' | 'recovered';
  /** `dataproduct:<namespace>/<name>`, lowercase. */
  product: string;
  productTitle?: string;
  /** Owner entity ref. */
  owner?: string;
  /** Domain entity ref. */
  domain?: string;
  objective: {
    /** The objective's name in the spec. */
    name: string;
    title?: string;
    dimension: string;
    /** What it promises, in words. */
    description: string;
    /** The share of good slices promised, 0..1. */
    target: number;
    /** The rolling window and the slice, as the spec writes them (e.g. 28d, 1d). */
    window: string;
    slice: string;
  };
  /** The share of good slices over the window when it was evaluated, 0..1. */
  sli?: number;
  /** The error budget left, 0..1 (negative: overspent). */
  budgetRemaining?: number;
  /** When the breach began (ISO). */
  breachStartedAt: string;
  /** When the objective was evaluated (ISO). */
  evaluatedAt: string;
  /** Why the latest check failed (a breach only). */
  reason?: string;
  /** The product's SLOs tab, a path of the portal. */
  link: string;
}

/** Topic of {@link ProductAuditEvent}. @public */
export const PRODUCT_AUDIT_EVENT_TOPIC = 'datamesh.product-audit';

/**
 * Payload of an event on {@link PRODUCT_AUDIT_EVENT_TOPIC}: one entry of a
 * data product's audit trail as it is written — a deprecation, a step of
 * its retirement, a plan applied to the warehouse, an access drift repair,
 * a sandbox made or dropped. Published once, by the instance that wrote
 * it, after it was committed.
 * @public
 */
export interface ProductAuditEvent {
  /** `dataproduct:<namespace>/<name>`, lowercase. */
  product: string;
  /** ISO time. */
  at: string;
  /** User entity ref, or `system` for a scheduled task. */
  by: string;
  /** e.g. `deprecate`, `infrastructure-apply`, `sandbox-create`, `access-repair`. */
  action: string;
  /** What the action did: its statements, names, error (the action's own shape). */
  detail?: Record<string, unknown>;
}
