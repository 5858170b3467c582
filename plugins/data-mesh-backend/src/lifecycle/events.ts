/*
 * A data product's audit trail on Backstage's events service: each entry
 * the lifecycle store commits (deprecation, retirement steps, applies,
 * repairs, sandboxes) becomes an event on PRODUCT_AUDIT_EVENT_TOPIC. The
 * store writes it into the outbox in the entry's own transaction
 * (events/EventOutbox.ts): published at least once, retried when the
 * events service fails, never undoing what was recorded.
 */
import {
  PRODUCT_AUDIT_EVENT_TOPIC,
  type ProductAuditEvent,
} from '@datamesh/plugin-data-mesh-node';
import type { EventOutbox } from '../events/EventOutbox';
import type { LifecycleAuditRecord, ProductAuditHooks } from './LifecycleStore';

/** One audit entry as its event. */
export function productAuditEvent(
  entry: LifecycleAuditRecord,
): ProductAuditEvent {
  return {
    product: entry.product,
    at: new Date(entry.at).toISOString(),
    by: entry.actor,
    action: entry.action,
    ...(entry.detail ? { detail: entry.detail } : {}),
  };
}

/** The store's hooks that send its entries through `outbox`, as events. */
export function productAuditEventsThrough(
  outbox: EventOutbox,
): ProductAuditHooks {
  return {
    inTransaction: (tx, entry) =>
      outbox.add(tx, PRODUCT_AUDIT_EVENT_TOPIC, [productAuditEvent(entry)]),
    onAudit: async () => {
      await outbox.flush({ rounds: 1 });
    },
  };
}
