/*
 * Access requests on Backstage's events service: each history entry the
 * store commits is published once, with the request as it stands, on
 * ACCESS_REQUEST_EVENT_TOPIC. The store tells of every entry it writes, so
 * no change of a request (a decision, a warehouse grant confirmed by the
 * sweep, an expiry, a repair) can miss its event; a publication that fails
 * is logged and never undoes the change.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EventsService } from '@backstage/plugin-events-node';
import {
  ACCESS_REQUEST_EVENT_TOPIC,
  type AccessRequestEvent,
} from '@datamesh/plugin-data-mesh-node';
import type {
  AccessHistoryListener,
  AccessRequestRecord,
} from './AccessRequestStore';
import { accessRequestView } from './views';

/** The store's listener that publishes what it wrote. */
export function accessEventPublisher(options: {
  events: EventsService;
  logger: LoggerService;
  /** The requests as they stand after the entries (the store's `byIds`). */
  requests: (ids: string[]) => Promise<AccessRequestRecord[]>;
}): AccessHistoryListener {
  return async written => {
    let byId: Map<string, AccessRequestRecord>;
    try {
      const ids = [...new Set(written.map(w => w.requestId))];
      byId = new Map(
        (await options.requests(ids)).map(r => [r.id, r] as const),
      );
    } catch (e) {
      options.logger.warn(
        `Could not publish ${ACCESS_REQUEST_EVENT_TOPIC} events of ${written.length} history entries: ${e}`,
      );
      return;
    }
    for (const { requestId, entry } of written) {
      const record = byId.get(requestId);
      if (!record) continue;
      const { history, ...request } = accessRequestView({
        ...record,
        history: [entry],
      });
      const { statements, ...told } = history[0];
      const eventPayload: AccessRequestEvent = { entry: told, request };
      // one by one: a subscriber that fails on one event does not keep
      // the others from being published
      try {
        await options.events.publish({
          topic: ACCESS_REQUEST_EVENT_TOPIC,
          eventPayload,
        });
      } catch (e) {
        options.logger.warn(
          `Could not publish ${ACCESS_REQUEST_EVENT_TOPIC} (${entry.action}) for access request ${requestId}: ${e}`,
        );
      }
    }
  };
}
