/*
 * Breach alerts after an evaluation: end the breaches of recovered monitors
 * (telling the end of those whose start was told), start new breaches, and
 * send each breach's notification once: an instance sends only the
 * notifications it claimed in the database (and the recoveries it ended),
 * so several backend instances on one database never send one twice.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { BreachNotifier } from '../notifications';
import type { MonitorRecord, SloStatusStore, SloStore } from '../SloStore';
import { errorMessage } from './stats';

/**
 * How long a claimed notification stays with the instance that claimed it
 * before another may take it over (the claimer died while sending).
 */
const NOTIFY_LEASE_MS = 5 * 60_000;

/** @public */
export interface AlertsReport {
  notified: number;
  /** Breaches this instance ended (their monitor back to ok). */
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
  const recovered = await status.endRecovered(scope);
  const report: AlertsReport = {
    notified: 0,
    recovered: recovered.length,
    errors: [],
  };
  const byId = new Map(options.monitors.map(m => [m.id, m]));
  const told = recovered.filter(r => r.notified && byId.has(r.monitorId));
  if (notifier?.notifyRecovery && told.length > 0) {
    const back = await status.statuses(told.map(r => r.monitorId));
    for (const r of told) {
      const monitor = byId.get(r.monitorId)!;
      const current = back.get(r.monitorId);
      if (!current) continue;
      try {
        await notifier.notifyRecovery({
          monitor,
          status: current,
          breachStartedAt: r.breachStartedAt,
        });
      } catch (e) {
        // the breach has ended either way: its end is not told twice
        const message = `recovery notification for ${monitor.entityRef} ${
          monitor.sloName
        } failed: ${errorMessage(e)}`;
        options.logger.warn(message);
        report.errors.push(message);
      }
    }
  }
  const pending = await status.claimBreaches(now, scope);
  if (!notifier || pending.length === 0) return report;
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

/**
 * Readers who began to read `product` just now (an approval) are told of
 * its breaches whose start was told before them: the others heard of those
 * when they began. A breach not told yet reaches them with everyone's
 * notice. Returns how many breaches they were told of.
 */
export async function tellNewReaders(options: {
  store: SloStore;
  notifier: BreachNotifier;
  product: string;
  readers: string[];
}): Promise<number> {
  const { store, notifier, product, readers } = options;
  if (!notifier.notifyNewReaders || readers.length === 0) return 0;
  const monitors = await store.listMonitors({ entityRef: product });
  const statuses = await store.status.statuses(monitors.map(m => m.id));
  let told = 0;
  for (const monitor of monitors) {
    const status = statuses.get(monitor.id);
    if (status?.alertState !== 'breaching' || status.notifiedAt === undefined)
      continue;
    const failure = await store.status.latestFailure(monitor.id);
    await notifier.notifyNewReaders({ monitor, status, failure }, readers);
    told++;
  }
  return told;
}
