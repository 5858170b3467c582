/*
 * The plugin's outbox of events, wired: the handlers that turn what the
 * stores keep into the events of each topic, and the scheduled flush that
 * publishes what a commit's own flush could not (a failing events service,
 * an instance that died).
 */
import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { EventsService } from '@backstage/plugin-events-node';
import { ACCESS_REQUEST_EVENT_TOPIC } from '@datamesh/plugin-data-mesh-node';
import type { Knex } from 'knex';
import type { AccessRequestRecord } from '../access/AccessRequestStore';
import { accessEventHandler } from '../access/events';
import { EventOutbox } from './EventOutbox';

export { EventOutbox } from './EventOutbox';
export type { EventOutboxOptions, OutboxTopicHandler } from './EventOutbox';

/** Task id of the scheduled flush of the outbox. */
export const EVENT_OUTBOX_TASK_ID = 'data-mesh-event-outbox-flush';

/** The plugin's outbox; `accessRequests` reads the requests as they stand (the access store's `byIds`). */
export function createEventOutbox(
  knex: Knex,
  options: {
    events: EventsService;
    logger: LoggerService;
    accessRequests: (ids: string[]) => Promise<AccessRequestRecord[]>;
  },
): EventOutbox {
  return new EventOutbox(knex, {
    events: options.events,
    logger: options.logger,
    handlers: {
      [ACCESS_REQUEST_EVENT_TOPIC]: accessEventHandler(options.accessRequests),
    },
  });
}

/** Every 30 seconds, on one instance at a time: what waits goes out. */
export async function scheduleEventOutboxFlush(
  scheduler: SchedulerService,
  outbox: EventOutbox,
  logger: LoggerService,
): Promise<void> {
  await scheduler.scheduleTask({
    id: EVENT_OUTBOX_TASK_ID,
    scope: 'global',
    frequency: { seconds: 30 },
    // each commit flushes at once: the schedule is for what was left
    initialDelay: { seconds: 30 },
    timeout: { minutes: 5 },
    fn: async () => {
      const published = await outbox.flush();
      if (published > 0) {
        logger.info(`Event outbox: published ${published} waiting events`);
      }
    },
  });
}
