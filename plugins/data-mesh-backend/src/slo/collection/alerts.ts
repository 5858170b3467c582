/*
 * Breach alerts after an evaluation: end the breaches of recovered monitors,
 * claim new breaches (a conditional update, so with several backend
 * instances exactly one claims each) and notify the claimed ones once.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { BreachNotifier } from '../notifications';
import type { MonitorRecord, SloStatusStore } from '../SloStore';
import { errorMessage } from './stats';

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
  const claimed = await status.claimBreaches(now, scope);
  if (!notifier || claimed.length === 0) return report;
  const byId = new Map(options.monitors.map(m => [m.id, m]));
  const statuses = await status.statuses(claimed);
  for (const id of claimed) {
    const monitor = byId.get(id);
    const current = statuses.get(id);
    if (!monitor || !current) continue;
    try {
      const failure = await status.latestFailure(id);
      await notifier.notifyBreach({ monitor, status: current, failure });
      await status.markNotified(id, now);
      report.notified++;
    } catch (e) {
      const message = `breach notification for ${monitor.entityRef} ${
        monitor.sloName
      } failed: ${errorMessage(e)}`;
      options.logger.warn(message);
      report.errors.push(message);
    }
  }
  return report;
}
