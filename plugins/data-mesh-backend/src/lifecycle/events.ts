/*
 * A data product's audit trail on Backstage's events service: each entry
 * the lifecycle store commits (deprecation, retirement steps, applies,
 * repairs, sandboxes) is published once on PRODUCT_AUDIT_EVENT_TOPIC. A
 * publication that fails is logged and never undoes what was recorded.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EventsService } from '@backstage/plugin-events-node';
import {
  PRODUCT_AUDIT_EVENT_TOPIC,
  type ProductAuditEvent,
} from '@datamesh/plugin-data-mesh-node';
import type { ProductAuditListener } from './LifecycleStore';

/** The store's listener that publishes each audit entry. */
export function productAuditEventPublisher(options: {
  events: EventsService;
  logger: LoggerService;
}): ProductAuditListener {
  return async entry => {
    const eventPayload: ProductAuditEvent = {
      product: entry.product,
      at: new Date(entry.at).toISOString(),
      by: entry.actor,
      action: entry.action,
      ...(entry.detail ? { detail: entry.detail } : {}),
    };
    try {
      await options.events.publish({
        topic: PRODUCT_AUDIT_EVENT_TOPIC,
        eventPayload,
      });
    } catch (e) {
      options.logger.warn(
        `Could not publish ${PRODUCT_AUDIT_EVENT_TOPIC} (${entry.action}) for ${entry.product}: ${e}`,
      );
    }
  };
}
