/*
 * Breach alerts after an evaluation: end the breaches of recovered monitors,
 * start new breaches, and send each breach's notification once: an
 * instance sends only the notifications it claimed in the database, so
 * several backend instances on one database never send one twice.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { BreachNotifier } from '../notifications';
import type { MonitorRecord, SloStatusStore } from '../SloStore';
import { errorMessage } from './stats';

/**
 * How long a claimed notification stays with the instance that claimed it
 * before another may take it over (the claimer died while sending).
 */
const NOTIFY_LEASE_MS = 5 * 60_000;

/** @public */
export interface AlertsReport {
  notified: number;
  recovered: number;
  errors: string[];
}

/**
 * `scope`: the monitor ids to handle; undefined handles every monitor (a
 * full cycle). A failed notification is logged and retried next cycle.
 */
export async function handleBreaches(options: {
  status: SloStatusStore;
  monitors: MonitorRecord[];
  now: number;
  notifier?: BreachNotifier;
  scope?: number[];
  logger: LoggerService;
}): Promise<AlertsReport> {
  const { status, now, notifier, scope } = options;
  const report: AlertsReport = {
    notified: 0,
    recovered: await status.clearRecovered(scope),
    errors: [],
  };
  const pending = await status.claimBreaches(now, scope);
  if (!notifier || pending.length === 0) return report;
  const byId = new Map(options.monitors.map(m => [m.id, m]));
  const statuses = await status.statuses(pending.map(b => b.monitorId));
  for (const breach of pending) {
    const monitor = byId.get(breach.monitorId);
    const current = statuses.get(breach.monitorId);
    if (!monitor || !current) continue;
    // another instance may be sending it, or has sent it
    if (!(await status.claimNotification(breach, now, NOTIFY_LEASE_MS))) {
      continue;
    }
    try {
      const failure = await status.latestFailure(breach.monitorId);
      await notifier.notifyBreach({ monitor, status: current, failure });
      await status.markNotified(breach, now);
      report.notified++;
    } catch (e) {
      await status.releaseNotification(breach);
      const message = `breach notification for ${monitor.entityRef} ${
        monitor.sloName
      } failed: ${errorMessage(e)}`;
      options.logger.warn(message);
      report.errors.push(message);
    }
  }
  return report;
}
