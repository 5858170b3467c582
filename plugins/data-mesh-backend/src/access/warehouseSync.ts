/*
 * The warehouse side of requests. A grant is made only for an `approved`
 * request and confirmed by moving it to `active` (conditional: a request
 * revoked meanwhile is taken back instead); a revoke or expiry changes the
 * state first, so nothing is granted after it, then drops the request
 * role — many at once in batches. What fails is recorded with its error
 * on the request (`warehouse_pending` stays set) and retried by the
 * scheduled sweep (expirySweep.ts), also after a restart.
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
  AccessRevokeOutcome,
} from '@datamesh/plugin-data-mesh-node';
import type { AccessNotifier } from './notifications';
import { FINAL_STATES, TRANSITIONS } from './stateMachine';

/** What a sweep did. @public */
export interface AccessSweepReport {
  expired: number;
  warned: number;
  /** Pending requests whose deciders were reminded. */
  reminded: number;
  granted: number;
  revoked: number;
  failed: number;
}

/** Requests per batch revoke: bounds one introspection's scope and one executor call. */
const REVOKE_BATCH = 200;

const grantOf = (r: AccessRequestRecord): AccessGrant => ({
  id: r.id,
  product: r.product,
  outputPort: r.outputPort,
  role: r.role,
  providerRole: r.providerRole,
  grantee: r.grantee,
  pii: r.pii,
});

export const message = (e: unknown) =>
  e instanceof Error ? e.message : String(e);

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
    const request = await this.options.store.get(id);
    if (!request || request.warehousePending !== 'revoke') return false;
    return (await this.revokeAll([request])) === 1;
  }

  /**
   * Retry what the warehouse has not confirmed, from one read: grants one
   * by one (each is its own transition to `active`), revokes as batches.
   */
  async retryPending(): Promise<
    Pick<AccessSweepReport, 'granted' | 'revoked' | 'failed'>
  > {
    const report = { granted: 0, revoked: 0, failed: 0 };
    if (!this.options.executor) return report;
    const pending = await this.options.store.warehousePending();
    for (const request of pending.filter(r => r.warehousePending === 'grant')) {
      if (await this.grant(request.id)) report.granted++;
      else report.failed++;
    }
    const revokes = pending.filter(r => r.warehousePending === 'revoke');
    report.revoked = await this.revokeAll(revokes);
    report.failed += revokes.length - report.revoked;
    return report;
  }

  /**
   * Drop the roles of ended requests, REVOKE_BATCH at a time through the
   * executor's batch revoke when it has one (one introspection per batch),
   * else one by one; then record the outcomes in two batched writes.
   * Returns how many the warehouse confirmed.
   */
  async revokeAll(requests: AccessRequestRecord[]): Promise<number> {
    const { executor } = this.options;
    if (!executor || requests.length === 0) return 0;
    const outcomes: AccessRevokeOutcome[] = [];
    for (let i = 0; i < requests.length; i += REVOKE_BATCH) {
      const grants = requests.slice(i, i + REVOKE_BATCH).map(grantOf);
      if (executor.revokeMany) {
        try {
          outcomes.push(...(await executor.revokeMany(grants)));
        } catch (e) {
          // the batch's introspection failed: every request in it is retried
          outcomes.push(...grants.map(g => ({ id: g.id, error: message(e) })));
        }
        continue;
      }
      for (const grant of grants) {
        try {
          outcomes.push({
            id: grant.id,
            statements: await executor.revoke(grant),
          });
        } catch (e) {
          outcomes.push({ id: grant.id, error: message(e) });
        }
      }
    }
    return this.settleRevokes(outcomes);
  }

  private async settleRevokes(outcomes: AccessRevokeOutcome[]) {
    const { store, clock, logger } = this.options;
    const now = clock.now();
    const done = new Map<string, string[]>();
    const failed = new Map<string, string>();
    for (const o of outcomes) {
      if ('error' in o) failed.set(o.id, o.error);
      else done.set(o.id, o.statements);
    }
    await store.updateMany([...done.keys()], {
      states: FINAL_STATES,
      patch: { warehousePending: null, lastError: null },
      history: id => ({
        at: now,
        actor: 'system',
        action: 'warehouse-revoke',
        statements: done.get(id),
      }),
    });
    // one write per distinct error: a warehouse that is down fails them all alike
    for (const error of new Set(failed.values())) {
      const ids = [...failed].filter(([, e]) => e === error).map(([id]) => id);
      await store.updateMany(ids, {
        states: FINAL_STATES,
        patch: { lastError: error },
        history: () => ({
          at: now,
          actor: 'system',
          action: 'warehouse-revoke-failed',
          error,
        }),
      });
      logger.warn(
        `access requests ${ids.join(', ')}: warehouse revoke failed: ${error}`,
      );
    }
    return done.size;
  }
}
