/*
 * The scheduled sweep: expire what is due, warn what is close, remind the
 * deciders of what has waited long, retry what the warehouse has not
 * confirmed. It works in batches so that its cost
 * does not grow per grant beyond what must: one store read for all due
 * requests, one conditional UPDATE (per chunk of ids) and one history
 * insert for their expiry, the warehouse revokes as batches (one
 * introspection each, then only the drops of the roles that are there),
 * and the warnings claimed and marked in one statement each.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { AccessRequestStore } from './AccessRequestStore';
import type { AccessConfig } from './config';
import { approverLevelsOf } from './approvers';
import type { AccessNotifier } from './notifications';
import { TRANSITIONS } from './stateMachine';
import type { AccessContext } from './transition';
import {
  type AccessSweepReport,
  WarehouseSync,
  message,
} from './warehouseSync';
import type { AccessGrantExecutor } from '@datamesh/plugin-data-mesh-node';

/** How long an instance's claim on a warning holds before another may send it. */
const WARNING_LEASE_MS = 10 * 60_000;

export interface ExpirySweepOptions
  extends Partial<Pick<AccessContext, 'catalog' | 'auth'>> {
  store: AccessRequestStore;
  settings: AccessConfig;
  logger: LoggerService;
  clock: { now(): number };
  executor?: AccessGrantExecutor;
  notifier?: AccessNotifier;
}

export class ExpirySweep {
  private readonly warehouse: WarehouseSync;

  constructor(private readonly options: ExpirySweepOptions) {
    this.warehouse = new WarehouseSync(options);
  }

  /** Expire what is due, warn what is close, retry what the warehouse has not confirmed. */
  async run(): Promise<AccessSweepReport> {
    const now = this.options.clock.now();
    const expired = await this.expire(now);
    const warned = await this.warn(now);
    const reminded = await this.remind(now);
    // the requests just expired are pending revoke: this drops their roles
    return {
      expired,
      warned,
      reminded,
      ...(await this.warehouse.retryPending()),
    };
  }

  /**
   * Remind the deciders of requests waiting longer than `remindAfter`, once
   * across instances: each reminder is claimed (and marked) in one
   * statement, so a reminder that cannot be sent is logged, not repeated.
   */
  private async remind(now: number): Promise<number> {
    const { store, notifier, settings, logger } = this.options;
    if (!notifier) return 0;
    const due = await store.dueForReminder(now - settings.remindAfterMs);
    const claimed = new Set(
      await store.claimReminders(
        due.map(r => r.id),
        now,
      ),
    );
    let sent = 0;
    for (const request of due.filter(r => claimed.has(r.id))) {
      try {
        const { catalog, auth } = this.options;
        const levels =
          catalog && auth
            ? await approverLevelsOf(
                { catalog, auth },
                request.product,
                request.outputPort,
              )
            : { first: [], second: [] };
        // a first-level approval given: the second level is who it waits for
        await notifier.reminder(
          request,
          now - request.requestedAt,
          request.firstApproval && levels.second.length > 0
            ? levels.second
            : levels.first,
        );
        sent++;
      } catch (e) {
        logger.warn(
          `access request ${request.id}: reminder not sent: ${message(e)}`,
        );
      }
    }
    return sent;
  }

  /** Move every request past its expiry to `expired`, in one batched write. */
  private async expire(now: number): Promise<number> {
    const { store, executor } = this.options;
    const due = await store.dueForExpiry(now);
    const expiresAt = new Map(due.map(r => [r.id, r.expiresAt!]));
    const expired = await store.transitionMany([...expiresAt.keys()], {
      ...TRANSITIONS.expire,
      // an extension approved since the read moved the expiry: not due any more
      dueBy: now,
      patch: {
        warehousePending: executor ? 'revoke' : null,
        extension: null,
        firstApproval: null,
      },
      history: id => ({
        at: now,
        actor: 'system',
        action: 'expire',
        comment: `expired at ${new Date(expiresAt.get(id)!).toISOString()}`,
      }),
    });
    return expired.length;
  }

  /**
   * Warn requester and owners before the expiry, once across instances:
   * the warnings are claimed in one statement (each by one instance), sent
   * one by one, then marked sent — or released for the next run — in one
   * statement each.
   */
  private async warn(now: number): Promise<number> {
    const { store, notifier, settings, clock, logger } = this.options;
    if (!notifier) return 0;
    const due = await store.dueForWarning(
      now,
      settings.warnBeforeMs,
      WARNING_LEASE_MS,
    );
    const claimed = new Set(
      await store.claimWarnings(
        due.map(r => r.id),
        now,
        WARNING_LEASE_MS,
      ),
    );
    const sent: string[] = [];
    const failed: string[] = [];
    for (const request of due.filter(r => claimed.has(r.id))) {
      try {
        await notifier.expiring(request);
        sent.push(request.id);
      } catch (e) {
        failed.push(request.id);
        logger.warn(
          `access request ${request.id}: expiry warning not sent: ${message(
            e,
          )}`,
        );
      }
    }
    await store.markWarned(sent, clock.now());
    await store.releaseWarnings(failed);
    return sent.length;
  }
}
