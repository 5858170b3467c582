/*
 * The status table: the latest evaluation of each monitor (what the fleet
 * summary reads) and its alert state (which breach was claimed and
 * notified).
 */
import type { Knex } from 'knex';
import type { MonitorEvaluation } from '../evaluation';
import {
  type FleetFilter,
  type FleetRow,
  type MonitorStatusRecord,
  type ObservationRecord,
  MONITORS,
  OBSERVATIONS,
  STATUS,
  chunks,
  toStatus,
} from './records';

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
   * Move breaching monitors into the `breaching` alert state. The update is
   * conditional, so with several backend instances exactly one claims each
   * breach. Returns the monitors claimed now plus earlier claims whose
   * notification was never sent (a failed send is retried next cycle).
   */
  async claimBreaches(now: number, monitorIds?: number[]): Promise<number[]> {
    const candidates = this.db(STATUS)
      .join(MONITORS, `${MONITORS}.id`, `${STATUS}.monitor_id`)
      .whereNull(`${MONITORS}.removed_at`)
      .where(`${STATUS}.status`, 'breaching')
      .select(
        `${STATUS}.monitor_id`,
        `${STATUS}.alert_state`,
        `${STATUS}.notified_at`,
      );
    if (monitorIds) candidates.whereIn(`${STATUS}.monitor_id`, monitorIds);
    const rows = await candidates;
    const claimed: number[] = [];
    for (const r of rows) {
      const id = Number(r.monitor_id);
      if (r.alert_state === 'breaching') {
        if (r.notified_at === null || r.notified_at === undefined)
          claimed.push(id);
        continue;
      }
      const n = await this.db(STATUS)
        .where({ monitor_id: id, alert_state: 'ok' })
        .update({
          alert_state: 'breaching',
          breach_started_at: now,
          notified_at: null,
        });
      if (n === 1) claimed.push(id);
    }
    return claimed;
  }

  async markNotified(monitorId: number, now: number): Promise<void> {
    await this.db(STATUS)
      .where({ monitor_id: monitorId })
      .update({ notified_at: now });
  }

  /** A monitor back to ok ends its breach; the next breach notifies again. */
  async clearRecovered(monitorIds?: number[]): Promise<number> {
    const q = this.db(STATUS)
      .where({ alert_state: 'breaching', status: 'ok' })
      .update({
        alert_state: 'ok',
        breach_started_at: null,
        notified_at: null,
      });
    if (monitorIds) q.whereIn('monitor_id', monitorIds);
    return await q;
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
