/*
 * Breach notifications to the owning group, through the Backstage
 * notifications plugin. The engine calls this once per breach (the state
 * transition is stored first); this file only writes the message.
 */
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { millisToDuration } from '@datamesh/plugin-data-mesh-common';
import type {
  MonitorRecord,
  MonitorStatusRecord,
  ObservationRecord,
} from './SloStore';

/** What a breach notification is about. @public */
export interface BreachInfo {
  monitor: MonitorRecord;
  status: MonitorStatusRecord;
  /** The latest failed check, for the reason. */
  failure?: ObservationRecord;
}

/** @public */
export interface BreachNotifier {
  notifyBreach(breach: BreachInfo): Promise<void>;
}

const percent = (x: number | undefined) =>
  x === undefined ? 'n/a' : `${Math.round(x * 1000) / 10} %`;

/** Notification topic of SLO breaches (users can mute it in their settings). @public */
export const SLO_BREACH_TOPIC = 'data-mesh-slo-breach';

/**
 * Notifier that sends to the product's owner entity (a group: every member
 * receives it) with the notifications plugin. The scope is per objective,
 * so a later breach of the same objective updates the earlier notification
 * (marked unread again) instead of piling up.
 * @public
 */
export function createNotificationsBreachNotifier(
  notifications: NotificationService,
): BreachNotifier {
  return {
    async notifyBreach({ monitor, status, failure }) {
      if (!monitor.owner) return;
      const product = monitor.productTitle ?? monitor.name;
      const objective = monitor.title ?? monitor.sloName;
      const window = millisToDuration(monitor.windowMs);
      const reason = failure?.reason
        ? ` Latest failed check: ${failure.reason}.`
        : '';
      await notifications.send({
        recipients: { type: 'entity', entityRef: monitor.owner },
        payload: {
          title: `SLO breached: ${product} — ${objective}`,
          description: `The ${monitor.dimension} objective "${
            monitor.objective
          }" is at ${percent(status.sli)} of good ${
            monitor.slice
          } slices over ${window}, below its ${percent(
            monitor.target,
          )} target; the error budget is spent.${reason}`,
          link: `/catalog/${monitor.namespace}/dataproduct/${monitor.name}`,
          severity: 'high',
          topic: SLO_BREACH_TOPIC,
          scope: `data-mesh:slo:${monitor.entityRef}:${monitor.sloName}`,
        },
      });
    },
  };
}
