/*
 * Repair runs and their products (tables of migration
 * 20270102000000_infrastructure_repairs). The store only persists; the
 * claims are conditional updates, so with several instances on one
 * database each product of a run is applied by one of them.
 */
import {
  INFRASTRUCTURE_REPAIR_ITEM_STATES,
  type InfrastructureRepairItemState,
  type InfrastructureRepairRun,
  type InfrastructureRepairRunItem,
} from '@datamesh/plugin-data-mesh-common';
import type { Knex } from 'knex';

const RUNS = 'data_mesh_repair_runs';
const ITEMS = 'data_mesh_repair_run_items';
const UNFINISHED: InfrastructureRepairItemState[] = ['queued', 'running'];

/** A product of a run, claimed for applying. */
export interface ClaimedRepairItem {
  runId: string;
  position: number;
  product: string;
  requestedBy: string;
  allowDestructive: boolean;
  claimedAt: number;
}

/** What applying a claimed product came to. */
export type RepairItemOutcome = {
  state: 'applied' | 'failed';
  applied: number;
  skipped: number;
  error?: string;
};

const iso = (ms: unknown) =>
  ms === null || ms === undefined
    ? undefined
    : new Date(Number(ms)).toISOString();

function toItem(row: any): InfrastructureRepairRunItem {
  const finishedAt = iso(row.finished_at);
  return {
    entityRef: row.product,
    state: row.state,
    applied: Number(row.applied),
    skipped: Number(row.skipped),
    ...(row.error ? { error: row.error } : {}),
    ...(finishedAt ? { finishedAt } : {}),
  };
}

function toRun(row: any, items: InfrastructureRepairRunItem[]) {
  const counts = Object.fromEntries(
    INFRASTRUCTURE_REPAIR_ITEM_STATES.map(s => [s, 0]),
  ) as InfrastructureRepairRun['counts'];
  for (const item of items) counts[item.state] += 1;
  const finishedAt = iso(row.finished_at);
  return {
    id: row.id,
    requestedBy: row.requested_by,
    requestedAt: iso(row.requested_at)!,
    allowDestructive: Boolean(row.allow_destructive),
    done: counts.queued + counts.running === 0,
    ...(finishedAt ? { finishedAt } : {}),
    ...(row.stopped_by
      ? { stopped: { by: row.stopped_by, at: iso(row.stopped_at)! } }
      : {}),
    counts,
    items,
  } satisfies InfrastructureRepairRun;
}

/** @public */
export class RepairRunStore {
  constructor(private readonly db: Knex) {}

  /** A new run; `refused` products are recorded as such, the others queued. */
  async create(run: {
    id: string;
    requestedBy: string;
    requestedAt: number;
    allowDestructive: boolean;
    products: { entityRef: string; refused?: string }[];
  }): Promise<void> {
    await this.db.transaction(async tx => {
      await tx(RUNS).insert({
        id: run.id,
        requested_by: run.requestedBy,
        requested_at: run.requestedAt,
        allow_destructive: run.allowDestructive,
        // nothing to apply: done as it starts
        finished_at: run.products.every(p => p.refused)
          ? run.requestedAt
          : null,
      });
      // in slices: SQLite binds at most 999 values per statement
      const rows = run.products.map((p, position) => ({
        run_id: run.id,
        position,
        product: p.entityRef,
        state: p.refused ? 'refused' : 'queued',
        error: p.refused ?? null,
        finished_at: p.refused ? run.requestedAt : null,
      }));
      for (let i = 0; i < rows.length; i += 100) {
        await tx(ITEMS).insert(rows.slice(i, i + 100));
      }
    });
  }

  async get(id: string): Promise<InfrastructureRepairRun | undefined> {
    const row = await this.db(RUNS).where('id', id).first();
    if (!row) return undefined;
    const items = await this.db(ITEMS).where('run_id', id).orderBy('position');
    return toRun(row, items.map(toItem));
  }

  /** The latest runs, newest first, with their products. */
  async latest(limit: number): Promise<InfrastructureRepairRun[]> {
    const rows = await this.db(RUNS)
      .orderBy([
        { column: 'requested_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(limit);
    if (rows.length === 0) return [];
    const items = await this.db(ITEMS)
      .whereIn(
        'run_id',
        rows.map(r => r.id),
      )
      .orderBy(['run_id', 'position']);
    return rows.map(row =>
      toRun(row, items.filter(i => i.run_id === row.id).map(toItem)),
    );
  }

  /**
   * Claim the next product to apply, oldest run first: a queued one, or one
   * whose claim is older than `staleBefore` (its instance stopped part way;
   * the plan is assessed afresh, so applying it again is safe). Undefined
   * when none is left.
   */
  async claimNext(
    now: number,
    staleBefore: number,
  ): Promise<ClaimedRepairItem | undefined> {
    for (;;) {
      const next = await this.db(`${ITEMS} as i`)
        .join(`${RUNS} as r`, 'r.id', 'i.run_id')
        .where(q =>
          q
            .where('i.state', 'queued')
            .orWhere(s =>
              s
                .where('i.state', 'running')
                .where('i.claimed_at', '<', staleBefore),
            ),
        )
        .orderBy([
          { column: 'r.requested_at', order: 'asc' },
          { column: 'i.run_id', order: 'asc' },
          { column: 'i.position', order: 'asc' },
        ])
        .select(
          'i.run_id',
          'i.position',
          'i.product',
          'i.state',
          'i.claimed_at',
          'r.requested_by',
          'r.allow_destructive',
        )
        .first();
      if (!next) return undefined;
      // taken only if nobody took it since it was read
      const claimed = await this.db(ITEMS)
        .where({
          run_id: next.run_id,
          position: next.position,
          state: next.state,
        })
        .where(q =>
          next.claimed_at === null
            ? q.whereNull('claimed_at')
            : q.where('claimed_at', next.claimed_at),
        )
        .update({ state: 'running', claimed_at: now });
      if (claimed === 1) {
        return {
          runId: next.run_id,
          position: Number(next.position),
          product: next.product,
          requestedBy: next.requested_by,
          allowDestructive: Boolean(next.allow_destructive),
          claimedAt: now,
        };
      }
    }
  }

  /**
   * Stop a run: its queued products are not sent (`stopped`); the one being
   * applied is finished. False when the run had nothing left to stop.
   */
  async stop(
    runId: string,
    by: string,
    now: number,
  ): Promise<{ stopped: boolean; runFinished: boolean }> {
    return this.db.transaction(async tx => {
      const stopped = await tx(ITEMS)
        .where({ run_id: runId, state: 'queued' })
        .update({ state: 'stopped', finished_at: now });
      if (stopped === 0) return { stopped: false, runFinished: false };
      await tx(RUNS)
        .where('id', runId)
        .whereNull('stopped_by')
        .update({ stopped_by: by, stopped_at: now });
      return {
        stopped: true,
        runFinished: await this.finishRun(tx, runId, now),
      };
    });
  }

  /** Delete the runs finished before `before`; how many. */
  async prune(before: number): Promise<number> {
    return this.db.transaction(async (tx): Promise<number> => {
      const old = tx(RUNS).where('finished_at', '<', before).select('id');
      await tx(ITEMS).whereIn('run_id', old).delete();
      return Number(await tx(RUNS).where('finished_at', '<', before).delete());
    });
  }

  /** Queued products of a run (those a stop would not send). */
  async queued(runId: string): Promise<string[]> {
    const rows = await this.db(ITEMS)
      .where({ run_id: runId, state: 'queued' })
      .select('product');
    return rows.map(r => r.product);
  }

  /**
   * Record what applying a claimed product came to, if the claim is still
   * this one's (a stale claim taken up elsewhere records there). Then, if
   * it was the run's last product, mark the run finished: true only for the
   * one caller that did (it tells the requester).
   */
  async finish(
    item: ClaimedRepairItem,
    outcome: RepairItemOutcome,
    now: number,
  ): Promise<{ runFinished: boolean }> {
    const recorded = await this.db(ITEMS)
      .where({
        run_id: item.runId,
        position: item.position,
        state: 'running',
        claimed_at: item.claimedAt,
      })
      .update({
        state: outcome.state,
        applied: outcome.applied,
        skipped: outcome.skipped,
        error: outcome.error ?? null,
        finished_at: now,
      });
    if (recorded === 0) return { runFinished: false };
    return { runFinished: await this.finishRun(this.db, item.runId, now) };
  }

  /** Mark the run finished if nothing of it is left: true for the one caller that did. */
  private async finishRun(db: Knex, runId: string, now: number) {
    const finished = await db(RUNS)
      .where('id', runId)
      .whereNull('finished_at')
      .whereNotExists(q =>
        q
          .select('run_id')
          .from(ITEMS)
          .where('run_id', runId)
          .whereIn('state', UNFINISHED),
      )
      .update({ finished_at: now });
    return finished === 1;
  }
}
