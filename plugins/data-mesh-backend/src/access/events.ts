/*
 * Access requests on Backstage's events service: each history entry the
 * store commits becomes an event on ACCESS_REQUEST_EVENT_TOPIC, with the
 * request as it stands when published. The store writes the entry's event
 * into the outbox in the change's own transaction (events/EventOutbox.ts),
 * so no change of a request (a decision, a warehouse grant confirmed by
 * the sweep, an expiry, a repair) can miss its event, not even when the
 * instance dies right after its commit; a publication that fails is
 * retried and never undoes the change.
 */
import {
  ACCESS_REQUEST_EVENT_TOPIC,
  type AccessRequestEvent,
} from '@datamesh/plugin-data-mesh-node';
import type {
  AccessHistoryRecord,
  AccessRequestRecord,
  WrittenHistoryEntry,
} from './AccessRequestStore';
import type { EventOutbox, OutboxTopicHandler } from '../events/EventOutbox';
import { accessRequestView } from './views';

/** What the store keeps in the outbox per history entry. */
type StoredEntry = WrittenHistoryEntry;

/** The outbox's handler of the topic: stored entries → events, the requests read once. */
export function accessEventHandler(
  /** The requests as they stand (the store's `byIds`). */
  requests: (ids: string[]) => Promise<AccessRequestRecord[]>,
): OutboxTopicHandler {
  return async stored => {
    const written = stored as StoredEntry[];
    const ids = [...new Set(written.map(w => w.requestId))];
    const byId = new Map((await requests(ids)).map(r => [r.id, r] as const));
    return written.map(({ requestId, entry }) => {
      const record = byId.get(requestId);
      return record ? accessRequestEvent(record, entry) : undefined;
    });
  };
}

/** One history entry of `record` as its event (no history, no SQL). */
export function accessRequestEvent(
  record: AccessRequestRecord,
  entry: AccessHistoryRecord,
): AccessRequestEvent {
  const { history, ...request } = accessRequestView({
    ...record,
    history: [entry],
  });
  const { statements, ...told } = history[0];
  return { entry: told, request };
}

/** The store's journal and listener that send its entries through `outbox`. */
export function accessEventsThrough(outbox: EventOutbox) {
  return {
    inTransaction: (
      tx: Parameters<EventOutbox['add']>[0],
      written: WrittenHistoryEntry[],
    ) => outbox.add(tx, ACCESS_REQUEST_EVENT_TOPIC, written),
    onHistory: async () => {
      await outbox.flush({ rounds: 1 });
    },
  };
}
