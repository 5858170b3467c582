/*
 * Breach notifications to the owning group and to the product's readers
 * (the consumers holding a grant to it: their dashboards and models are
 * about to show late or incomplete data), through the Backstage
 * notifications plugin. The engine calls this once per breach (the state
 * transition is stored first); this file only writes the messages.
 */
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { formatAge, millisToDuration } from '@datamesh/plugin-data-mesh-common';
import { readersApartFromOwner } from '../access/parties';
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

/** What a recovery notification is about: the breach that ended. @public */
export interface RecoveryInfo {
  monitor: MonitorRecord;
  status: MonitorStatusRecord;
  breachStartedAt: number;
}

/** @public */
export interface BreachNotifier {
  notifyBreach(breach: BreachInfo): Promise<void>;
  /** The breach told by {@link BreachNotifier.notifyBreach} ended. */
  notifyRecovery?(recovery: RecoveryInfo): Promise<void>;
  /**
   * `readers` began to read the product during a breach already told: they
   * get the readers' notice of it (its recovery reaches them as it reaches
   * every reader).
   */
  notifyNewReaders?(breach: BreachInfo, readers: string[]): Promise<void>;
}

const percent = (x: number | undefined) =>
  x === undefined ? 'n/a' : `${Math.round(x * 1000) / 10} %`;

/** Notification topic of SLO breaches (users can mute it in their settings). @public */
export const SLO_BREACH_TOPIC = 'data-mesh-slo-breach';

/** Topic of the breaches of products a user reads, muted apart from their own products'. @public */
export const SLO_BREACH_READ_TOPIC = 'data-mesh-slo-breach-read';

/** @public */
export interface BreachNotifierOptions {
  /**
   * Who reads a product (its entity ref) now, as entity refs: they are told
   * of its breaches too. Absent: only the owners are.
   */
  readersOf?(product: string): Promise<string[]>;
}

/**
 * Notifier that sends to the product's owner entity (a group: every member
 * receives it) with the notifications plugin, then to its readers (a
 * consumer group's members, a consumer product's owners, each requester)
 * a message of their own, without the owners. The scope is per objective
 * (and audience), so a later breach of the same objective updates the
 * earlier notification (marked unread again) instead of piling up, and so
 * does its recovery: the notification says how the objective stands now.
 * @public
 */
export function createNotificationsBreachNotifier(
  notifications: NotificationService,
  options: BreachNotifierOptions = {},
): BreachNotifier {
  type Message = { title: string; description: string };
  const link = (monitor: MonitorRecord) =>
    `/catalog/${monitor.namespace}/dataproduct/${monitor.name}`;
  const scope = (monitor: MonitorRecord) =>
    `data-mesh:slo:${monitor.entityRef}:${monitor.sloName}`;

  /** The readers' notice, to `readers` apart from the owners; one scope per objective. */
  async function tellReaders(
    monitor: MonitorRecord,
    message: Message,
    severity: 'high' | 'normal',
    readers: string[],
  ) {
    // its owners are told in words of their own
    const recipients = readersApartFromOwner(readers, monitor.owner);
    if (!recipients) return;
    await notifications.send({
      recipients,
      payload: {
        ...message,
        link: `${link(monitor)}/slos`,
        severity,
        topic: SLO_BREACH_READ_TOPIC,
        scope: `${scope(monitor)}:read`,
      },
    });
  }

  /** One message to the owners, one to the readers; same scope per objective and audience. */
  async function tell(
    monitor: MonitorRecord,
    message: { owners: Message; readers: Message; severity: 'high' | 'normal' },
  ) {
    if (monitor.owner) {
      await notifications.send({
        recipients: { type: 'entity', entityRef: monitor.owner },
        payload: {
          ...message.owners,
          link: link(monitor),
          severity: message.severity,
          topic: SLO_BREACH_TOPIC,
          scope: scope(monitor),
        },
      });
    }
    await tellReaders(
      monitor,
      message.readers,
      message.severity,
      (await options.readersOf?.(monitor.entityRef)) ?? [],
    );
  }

  const names = (monitor: MonitorRecord) => ({
    product: monitor.productTitle ?? monitor.name,
    objective: monitor.title ?? monitor.sloName,
  });
  const measured = (monitor: MonitorRecord, status: MonitorStatusRecord) =>
    `The ${monitor.dimension} objective "${monitor.objective}" is at ${percent(
      status.sli,
    )} of good ${monitor.slice} slices over ${millisToDuration(
      monitor.windowMs,
    )}`;

  /** The notice of a breach, in the owners' words and the readers'. */
  const breachMessage = ({ monitor, status, failure }: BreachInfo) => {
    const { product, objective } = names(monitor);
    const reason = failure?.reason
      ? ` Latest failed check: ${failure.reason}.`
      : '';
    const below = `${measured(monitor, status)}, below its ${percent(
      monitor.target,
    )} target`;
    return {
      severity: 'high' as const,
      owners: {
        title: `SLO breached: ${product} — ${objective}`,
        description: `${below}; the error budget is spent.${reason}`,
      },
      readers: {
        title: `A data product you read breached its SLO: ${product} — ${objective}`,
        description: `${below}: what you read from it may be late or incomplete until its owners (${
          monitor.owner ?? 'unknown'
        }) restore it.${reason}`,
      },
    };
  };

  return {
    async notifyBreach(breach) {
      await tell(breach.monitor, breachMessage(breach));
    },

    async notifyNewReaders(breach, readers) {
      const message = breachMessage(breach);
      await tellReaders(
        breach.monitor,
        message.readers,
        message.severity,
        readers,
      );
    },

    async notifyRecovery({ monitor, status, breachStartedAt }) {
      const { product, objective } = names(monitor);
      const back = `${measured(monitor, status)}, meeting its ${percent(
        monitor.target,
      )} target again after a breach of ${formatAge(
        status.evaluatedAt - breachStartedAt,
      )}.`;
      await tell(monitor, {
        severity: 'normal',
        owners: {
          title: `SLO recovered: ${product} — ${objective}`,
          description: back,
        },
        readers: {
          title: `A data product you read recovered its SLO: ${product} — ${objective}`,
          description: back,
        },
      });
    },
  };
}
