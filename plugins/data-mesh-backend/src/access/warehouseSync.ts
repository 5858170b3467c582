/*
 * The warehouse side of requests and the scheduled sweep. A grant is made
 * only for an `approved` request and confirmed by moving it to `active`
 * (conditional: a request revoked meanwhile is taken back instead); a
 * revoke or expiry changes the state first, so nothing is granted after
 * it, then drops the request role. What fails is recorded with its error
 * on the request (`warehouse_pending` stays set) and retried by the sweep,
 * which also expires requests past `expiresAt` and warns before.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  AccessRequestRecord,
  AccessRequestStore,
} from './AccessRequestStore';
import type { AccessConfig } from './config';
import type {
  AccessGrant,
  AccessGrantExecutor,
} from '@datamesh/plugin-data-mesh-node';
import type { AccessNotifier } from './notifications';
import { FINAL_STATES, TRANSITIONS } from './stateMachine';

/** What a sweep did. @public */
export interface AccessSweepReport {
  expired: number;
  warned: number;
  granted: number;
  revoked: number;
  failed: number;
}

/** How long an instance's claim on a warning holds before another may send it. */
const WARNING_LEASE_MS = 10 * 60_000;

const grantOf = (r: AccessRequestRecord): AccessGrant => ({
  id: r.id,
  product: r.product,
  outputPort: r.outputPort,
  role: r.role,
  providerRole: r.providerRole,
  grantee: r.grantee,
  pii: r.pii,
});

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class WarehouseSync {
  constructor(
    private readonly options: {
      store: AccessRequestStore;
      settings: AccessConfig;
      logger: LoggerService;
      clock: { now(): number };
      executor?: AccessGrantExecutor;
      notifier?: AccessNotifier;
    },
  ) {}

  /** Grant an approved request; true when it became active. */
  async grant(id: string): Promise<boolean> {
    const { store, executor, clock } = this.options;
    const request = await store.get(id);
    if (!executor || request?.state !== 'approved') return false;
    let statements: string[];
    try {
      statements = await executor.grant(grantOf(request));
    } catch (e) {
      await store.update(id, {
        states: ['approved'],
        patch: { lastError: message(e) },
        history: {
          at: clock.now(),
          actor: 'system',
          action: 'grant-failed',
          error: message(e),
        },
      });
      this.options.logger.warn(
        `access request ${id}: warehouse grant failed: ${message(e)}`,
      );
      return false;
    }
    const activated = await store.transition(id, {
      ...TRANSITIONS.grant,
      patch: { warehousePending: null, lastError: null },
      history: {
        at: clock.now(),
        actor: 'system',
        action: 'grant',
        statements,
      },
    });
    if (!activated) {
      // revoked or expired while the grant ran: take it back
      await store.update(id, {
        states: FINAL_STATES,
        patch: { warehousePending: 'revoke' },
        history: {
          at: clock.now(),
          actor: 'system',
          action: 'grant',
          comment: 'granted after the request ended; revoking',
          statements,
        },
      });
      await this.revoke(id);
    }
    return activated;
  }

  /** Drop the role of an ended request; true when the warehouse confirmed. */
  async revoke(id: string): Promise<boolean> {
    const { store, executor, clock } = this.options;
    const request = await store.get(id);
    if (!executor || !request || request.warehousePending !== 'revoke')
      return false;
    try {
      const statements = await executor.revoke(grantOf(request));
      await store.update(id, {
        states: FINAL_STATES,
        patch: { warehousePending: null, lastError: null },
        history: {
          at: clock.now(),
          actor: 'system',
          action: 'warehouse-revoke',
          statements,
        },
      });
      return true;
    } catch (e) {
      await store.update(id, {
        states: FINAL_STATES,
        patch: { lastError: message(e) },
        history: {
          at: clock.now(),
          actor: 'system',
          action: 'warehouse-revoke-failed',
          error: message(e),
        },
      });
      this.options.logger.warn(
        `access request ${id}: warehouse revoke failed: ${message(e)}`,
      );
      return false;
    }
  }

  /** Expire what is due, warn what is close, retry what the warehouse has not confirmed. */
  async sweep(): Promise<AccessSweepReport> {
    const { store, executor, clock, settings } = this.options;
    const report: AccessSweepReport = {
      expired: 0,
      warned: 0,
      granted: 0,
      revoked: 0,
      failed: 0,
    };
    const now = clock.now();
    for (const request of await store.dueForExpiry(now)) {
      const expired = await store.transition(request.id, {
        ...TRANSITIONS.expire,
        patch: {
          warehousePending: executor ? 'revoke' : null,
          extension: null,
        },
        history: {
          at: now,
          actor: 'system',
          action: 'expire',
          comment: `expired at ${new Date(request.expiresAt!).toISOString()}`,
        },
      });
      if (expired) report.expired++;
    }
    for (const request of await store.dueForWarning(
      now,
      settings.warnBeforeMs,
      WARNING_LEASE_MS,
    )) {
      if (!this.options.notifier) break;
      if (!(await store.claimWarning(request.id, now, WARNING_LEASE_MS)))
        continue;
      try {
        await this.options.notifier.expiring(request);
        await store.markWarned(request.id, clock.now());
        report.warned++;
      } catch (e) {
        await store.releaseWarning(request.id);
        this.options.logger.warn(
          `access request ${request.id}: expiry warning not sent: ${message(
            e,
          )}`,
        );
      }
    }
    if (executor) {
      for (const request of await store.warehousePending()) {
        const done =
          request.warehousePending === 'grant'
            ? await this.grant(request.id)
            : await this.revoke(request.id);
        if (!done) report.failed++;
        else if (request.warehousePending === 'grant') report.granted++;
        else report.revoked++;
      }
    }
    return report;
  }
}
