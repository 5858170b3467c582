/*
 * SLO breaches and recoveries on Backstage's events service (topic
 * SLO_BREACH_EVENT_TOPIC), for an on-call tool or a chat bridge: published
 * where the owners are notified, so once per breach across instances (the
 * alerts claim it in the database first). An event is published after the
 * notifications were sent: a failed send is retried next cycle, and its
 * event goes out then, not twice. `events` is the plugin's outbox: a
 * publication the events service refuses is kept and retried; the
 * notification stands.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EventsService } from '@backstage/plugin-events-node';
import {
  SLO_BREACH_EVENT_TOPIC,
  type SloBreachEvent,
} from '@datamesh/plugin-data-mesh-node';
import type { BreachNotifier } from './notifications';
import type { MonitorRecord, MonitorStatusRecord } from './SloStore';

const iso = (t: number) => new Date(t).toISOString();

function breachEvent(
  state: SloBreachEvent['state'],
  monitor: MonitorRecord,
  status: MonitorStatusRecord,
  breachStartedAt: number,
  reason?: string,
): SloBreachEvent {
  return {
    state,
    product: monitor.entityRef,
    ...(monitor.productTitle ? { productTitle: monitor.productTitle } : {}),
    ...(monitor.owner ? { owner: monitor.owner } : {}),
    ...(monitor.domain ? { domain: monitor.domain } : {}),
    objective: {
      name: monitor.sloName,
      ...(monitor.title ? { title: monitor.title } : {}),
      dimension: monitor.dimension,
      description: monitor.objective,
      target: monitor.target,
      window: monitor.window,
      slice: monitor.slice,
    },
    ...(status.sli !== undefined ? { sli: status.sli } : {}),
    ...(status.budgetRemaining !== undefined
      ? { budgetRemaining: status.budgetRemaining }
      : {}),
    breachStartedAt: iso(breachStartedAt),
    evaluatedAt: iso(status.evaluatedAt),
    ...(reason ? { reason } : {}),
    link: `/catalog/${monitor.namespace}/dataproduct/${monitor.name}/slos`,
  };
}

/**
 * `notifier` (the owners' and readers' notifications, if on) with each
 * breach and recovery also published as an event.
 */
export function withBreachEvents(
  notifier: BreachNotifier | undefined,
  options: { events: Pick<EventsService, 'publish'>; logger: LoggerService },
): BreachNotifier {
  const publish = async (event: SloBreachEvent) => {
    try {
      await options.events.publish({
        topic: SLO_BREACH_EVENT_TOPIC,
        eventPayload: event,
      });
    } catch (e) {
      options.logger.warn(
        `Could not publish ${SLO_BREACH_EVENT_TOPIC} (${event.state}) for ${event.product} ${event.objective.name}: ${e}`,
      );
    }
  };
  return {
    async notifyBreach(breach) {
      await notifier?.notifyBreach(breach);
      const { monitor, status, failure } = breach;
      await publish(
        breachEvent(
          'breaching',
          monitor,
          status,
          status.breachStartedAt ?? status.evaluatedAt,
          failure?.reason,
        ),
      );
    },
    async notifyRecovery(recovery) {
      await notifier?.notifyRecovery?.(recovery);
      await publish(
        breachEvent(
          'recovered',
          recovery.monitor,
          recovery.status,
          recovery.breachStartedAt,
        ),
      );
    },
    ...(notifier?.notifyNewReaders
      ? { notifyNewReaders: notifier.notifyNewReaders.bind(notifier) }
      : {}),
  };
}
