/*
 * The status table: the latest evaluation of each monitor (what the fleet
 * summary reads) and its alert state; and the breaches table, where the
 * notification of each breach is claimed by one backend instance.
 */
import type { Knex } from 'knex';
import type { MonitorEvaluation } from '../evaluation';
import {
  type FleetFilter,
  type FleetRow,
  type MonitorStatusRecord,
  type ObservationRecord,
  BREACHES,
  MONITORS,
  OBSERVATIONS,
  STATUS,
  chunks,
  num,
  toStatus,
} from './records';

/** A breach that ended: its monitor back to ok. @public */
export interface RecoveredBreach {
  monitorId: number;
  breachStartedAt: number;
  /** Its start was told: its end is told too. */
  notified: boolean;
}

/**
 * Evaluations, alert state and the fleet summary of the SLO engine.
 * @public
 */
export class SloStatusStore {
  constructor(private readonly db: Knex) {}

  /** Store evaluations (the fleet summary reads these); alert state is kept. */
  async saveEvaluations(
    evaluations: MonitorEvaluation[],
    now: number,
  ): Promise<void> {
    const rows = evaluations.map(e => ({
      monitor_id: e.monitorId,
      evaluated_at: now,
      status: e.status,
      sli: e.sli,
      good: e.good,
      total: e.total,
      budget_remaining: e.errorBudget.remaining,
      burn_rate: e.burnRate.window,
      burn_rate_recent: e.burnRate.recent,
    }));
    await this.db.transaction(async tx => {
      for (const batch of chunks(rows)) {
        await tx(STATUS)
          .insert(batch)
          .onConflict('monitor_id')
          .merge([
            'evaluated_at',
            'status',
            'sli',
            'good',
            'total',
            'budget_remaining',
            'burn_rate',
            'burn_rate_recent',
          ]);
      }
    });
  }

  async statuses(
    monitorIds: number[],
  ): Promise<Map<number, MonitorStatusRecord>> {
    const out = new Map<number, MonitorStatusRecord>();
    for (const batch of chunks(monitorIds, 500)) {
      const rows = await this.db(STATUS)
        .whereIn('monitor_id', batch)
        .select('*');
      for (const r of rows) out.set(Number(r.monitor_id), toStatus(r));
    }
    return out;
  }

  // ------------------------------------------------------------------ alerts

  /**
   * Move breaching monitors into the `breaching` alert state (a conditional
   * update: with several backend instances one of them starts each breach).
   * Returns the breaches whose notification is not sent yet: the ones
   * started now plus earlier ones (a failed send is retried next cycle).
   * Several instances may return the same breach; {@link claimNotification}
   * decides which one sends it.
   */
  async claimBreaches(
    now: number,
    monitorIds?: number[],
  ): Promise<{ monitorId: number; breachStartedAt: number }[]> {
    const candidates = this.db(STATUS)
      .join(MONITORS, `${MONITORS}.id`, `${STATUS}.monitor_id`)
      .whereNull(`${MONITORS}.removed_at`)
      .where(`${STATUS}.status`, 'breaching')
      .select(
        `${STATUS}.monitor_id`,
        `${STATUS}.alert_state`,
        `${STATUS}.breach_started_at`,
        `${STATUS}.notified_at`,
      );
    if (monitorIds) candidates.whereIn(`${STATUS}.monitor_id`, monitorIds);
    const rows = await candidates;
    const pending: { monitorId: number; breachStartedAt: number }[] = [];
    for (const r of rows) {
      const monitorId = Number(r.monitor_id);
      if (r.alert_state === 'breaching') {
        if (r.notified_at === null || r.notified_at === undefined)
          pending.push({
            monitorId,
            breachStartedAt: Number(r.breach_started_at),
          });
        continue;
      }
      const n = await this.db(STATUS)
        .where({ monitor_id: monitorId, alert_state: 'ok' })
        .update({
          alert_state: 'breaching',
          breach_started_at: now,
          notified_at: null,
        });
      if (n === 1) pending.push({ monitorId, breachStartedAt: now });
    }
    return pending;
  }

  /**
   * Claim the notification of one breach for this instance: true when this
   * instance is to send it. False when it was sent, or another instance
   * claimed it less than `leaseMs` ago (it is sending it now).
   */
  async claimNotification(
    breach: { monitorId: number; breachStartedAt: number },
    now: number,
    leaseMs: number,
  ): Promise<boolean> {
    const key = {
      monitor_id: breach.monitorId,
      breach_started_at: breach.breachStartedAt,
    };
    await this.db(BREACHES).insert(key).onConflict(Object.keys(key)).ignore();
    const claimed = await this.db(BREACHES)
      .where(key)
      .whereNull('notified_at')
      .where(q =>
        q.whereNull('claimed_at').orWhere('claimed_at', '<', now - leaseMs),
      )
      .update({ claimed_at: now });
    return claimed === 1;
  }

  /** The breach's notification was sent. */
  async markNotified(
    breach: { monitorId: number; breachStartedAt: number },
    now: number,
  ): Promise<void> {
    await this.db.transaction(async tx => {
      await tx(BREACHES)
        .where({
          monitor_id: breach.monitorId,
          breach_started_at: breach.breachStartedAt,
        })
        .update({ notified_at: now });
      await tx(STATUS)
        .where({
          monitor_id: breach.monitorId,
          breach_started_at: breach.breachStartedAt,
        })
        .update({ notified_at: now });
    });
  }

  /** Sending failed: free the claim, so the next cycle (of any instance) retries. */
  async releaseNotification(breach: {
    monitorId: number;
    breachStartedAt: number;
  }): Promise<void> {
    await this.db(BREACHES)
      .where({
        monitor_id: breach.monitorId,
        breach_started_at: breach.breachStartedAt,
      })
      .whereNull('notified_at')
      .update({ claimed_at: null });
  }

  /**
   * A monitor back to ok ends its breach; the next breach notifies again.
   * Each breach is ended by a conditional update, so with several backend
   * instances one of them ends it: the breaches this instance ended, with
   * whether their start was notified (then their end is told, once).
   */
  async endRecovered(monitorIds?: number[]): Promise<RecoveredBreach[]> {
    const q = this.db(STATUS)
      .where({ alert_state: 'breaching', status: 'ok' })
      .select('monitor_id', 'breach_started_at', 'notified_at');
    if (monitorIds) q.whereIn('monitor_id', monitorIds);
    const ended: RecoveredBreach[] = [];
    for (const row of await q) {
      const n = await this.db(STATUS)
        .where({
          monitor_id: row.monitor_id,
          alert_state: 'breaching',
          status: 'ok',
        })
        .update({
          alert_state: 'ok',
          breach_started_at: null,
          notified_at: null,
        });
      if (n !== 1) continue;
      ended.push({
        monitorId: Number(row.monitor_id),
        breachStartedAt: num(row.breach_started_at)!,
        notified: num(row.notified_at) !== undefined,
      });
    }
    return ended;
  }

  /** The latest failed observation of a monitor, for the breach message. */
  async latestFailure(
    monitorId: number,
  ): Promise<ObservationRecord | undefined> {
    const r = await this.db(OBSERVATIONS)
      .where({ monitor_id: monitorId })
      .where('passed', false)
      .orderBy('observed_at', 'desc')
      .first('*');
    if (!r) return undefined;
    return {
      monitorId,
      observedAt: Number(r.observed_at),
      source: r.source,
      passed: false,
      ...(r.reason ? { reason: r.reason } : {}),
    };
  }

  // ------------------------------------------------------------------- fleet

  /** One row per product, worst first: breaching, then no data, then ok; lowest budget first within each. */
  async fleet(filter: FleetFilter = {}): Promise<FleetRow[]> {
    const m = MONITORS;
    const s = STATUS;
    const worst = `max(case when ${s}.status = 'breaching' then 2 when ${s}.status = 'ok' then 0 else 1 end)`;
    const q = this.db(m)
      .leftJoin(s, `${s}.monitor_id`, `${m}.id`)
      .whereNull(`${m}.removed_at`)
      .groupBy(`${m}.entity_ref`)
      .select(
        `${m}.entity_ref`,
        this.db.raw(`max(${m}.namespace) as namespace`),
        this.db.raw(`max(${m}.name) as name`),
        this.db.raw(`max(${m}.product_title) as title`),
        this.db.raw(`max(${m}.owner) as owner`),
        this.db.raw(`max(${m}.domain) as domain`),
        this.db.raw(`${worst} as worst`),
        this.db.raw(`min(${s}.budget_remaining) as min_budget`),
        this.db.raw(`count(*) as objectives`),
        this.db.raw(
          `sum(case when ${s}.status = 'breaching' then 1 else 0 end) as breaching`,
        ),
        this.db.raw(
          `sum(case when ${s}.status is null or ${s}.status = 'no-data' then 1 else 0 end) as no_data`,
        ),
        this.db.raw(`max(${s}.evaluated_at) as evaluated_at`),
      )
      .orderByRaw(
        `${worst} desc, case when min(${s}.budget_remaining) is null then 1 else 0 end, min(${s}.budget_remaining) asc, ${m}.entity_ref asc`,
      );
    if (filter.owners?.length) q.whereIn(`${m}.owner`, filter.owners);
    if (filter.domains?.length) q.whereIn(`${m}.domain`, filter.domains);
    const rows = await q;
    const statusOf = ['ok', 'no-data', 'breaching'] as const;
    return rows.map((r: any) => {
      const row: FleetRow = {
        entityRef: r.entity_ref,
        namespace: r.namespace,
        name: r.name,
        status: statusOf[Number(r.worst)],
        objectives: Number(r.objectives),
        breaching: Number(r.breaching),
        noData: Number(r.no_data),
      };
      if (r.title) row.title = r.title;
      if (r.owner) row.owner = r.owner;
      if (r.domain) row.domain = r.domain;
      if (r.min_budget !== null) row.minErrorBudget = Number(r.min_budget);
      if (r.evaluated_at !== null) row.evaluatedAt = Number(r.evaluated_at);
      return row;
    });
  }
}
