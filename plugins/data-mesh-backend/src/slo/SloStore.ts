/*
 * Persistence of the SLO engine (knex; SQLite and PostgreSQL): monitors,
 * observations, slice rows and detected table updates. It only stores and
 * reads; the window rules live in data-mesh-common (`evaluateWindow`).
 *
 * The SLI of a window is never computed by looping over observations: each
 * observation is folded into a per-monitor, per-slice row (checks / passed)
 * when it is stored, and an evaluation sums at most window/slice of those
 * rows per monitor, in SQL (`windowSums`). Times are epoch milliseconds.
 */
import {
  type DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type {
  ObservationInput,
  WindowRanges,
  WindowSums,
} from '@datamesh/plugin-data-mesh-common';
import type { Knex } from 'knex';
import type { MonitorDefinition } from './monitors';
import {
  type MonitorRecord,
  type ObservationRecord,
  type SliceRecord,
  type SyncReport,
  type UpdateInput,
  BREACHES,
  MONITORS,
  OBSERVATIONS,
  SLICES,
  STATUS,
  UPDATES,
  chunks,
  foldIntoSlices,
  monitorColumns,
  observationRow,
  sameTable,
  toMonitor,
  toObservation,
} from './store/records';
import { SloStatusStore } from './store/SloStatusStore';
import { sumWindowSlices } from './store/windowSums';

export type {
  FleetFilter,
  FleetRow,
  MonitorRecord,
  MonitorStatusRecord,
  ObservationRecord,
  SliceRecord,
  SyncReport,
  UpdateInput,
} from './store/records';
export { SloStatusStore } from './store/SloStatusStore';

const migrationsDir = resolvePackagePath(
  '@datamesh/plugin-data-mesh-backend',
  'migrations',
);

/**
 * The SLO engine's database.
 * @public
 */
export class SloStore {
  /** Run the migrations and open the store. */
  static async create(
    database: DatabaseService | { getClient(): Promise<Knex> },
  ): Promise<SloStore> {
    const knex = await database.getClient();
    if (!(database as DatabaseService).migrations?.skip) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new SloStore(knex);
  }

  /** Evaluations, alert state and the fleet summary. */
  readonly status: SloStatusStore;

  constructor(readonly db: Knex) {
    this.status = new SloStatusStore(db);
  }

  // ---------------------------------------------------------------- monitors

  /**
   * Make the stored monitors match the definitions: insert new ones, update
   * changed ones, and hide the ones whose entity or objective is gone. Hidden
   * monitors keep their history for a grace period (a catalog that briefly
   * returns nothing, e.g. while it starts, must not wipe 20 days of history)
   * and are deleted with it afterwards.
   */
  async syncMonitors(
    definitions: MonitorDefinition[],
    options: {
      now: number;
      removedGraceMs: number;
      /**
       * Sync these products only: monitors of other products are left as
       * they are (a live update of one product, not a full reconcile).
       */
      onlyEntityRefs?: string[];
    },
  ): Promise<SyncReport> {
    const { now, onlyEntityRefs } = options;
    const report: SyncReport = {
      created: 0,
      updated: 0,
      removed: 0,
      restored: 0,
      purged: 0,
    };
    const existingQuery = this.db(MONITORS);
    if (onlyEntityRefs) existingQuery.whereIn('entity_ref', onlyEntityRefs);
    const existing = await existingQuery.select(
      'id',
      'entity_ref',
      'slo_name',
      'definition_hash',
      'slice_ms',
      'warehouse_database',
      'warehouse_schema',
      'warehouse_table',
      'removed_at',
    );
    const byKey = new Map(
      existing.map(r => [`${r.entity_ref}\u0000${r.slo_name}`, r]),
    );
    const seen = new Set<number>();
    const inserts: object[] = [];
    const keysInBatch = new Set<string>();
    await this.db.transaction(async tx => {
      const inScope = onlyEntityRefs && new Set(onlyEntityRefs);
      for (const d of definitions) {
        if (inScope && !inScope.has(d.entityRef)) continue;
        const key = `${d.entityRef}\u0000${d.sloName}`;
        // the same product listed twice (two locations) is one product
        if (keysInBatch.has(key)) continue;
        keysInBatch.add(key);
        const row = byKey.get(key);
        const columns = monitorColumns(d);
        if (!row) {
          inserts.push({ ...columns, created_at: now, updated_at: now });
          continue;
        }
        const id = Number(row.id);
        seen.add(id);
        const removed = row.removed_at !== null && row.removed_at !== undefined;
        if (row.definition_hash === columns.definition_hash && !removed)
          continue;
        const patch: Record<string, unknown> = {
          ...columns,
          updated_at: now,
          removed_at: null,
        };
        const oldTable =
          row.warehouse_table !== null
            ? {
                database: row.warehouse_database,
                schema: row.warehouse_schema,
                table: row.warehouse_table,
              }
            : undefined;
        if (!sameTable(oldTable, d.table)) {
          // another table: its row counts say nothing about this one
          Object.assign(patch, {
            last_row_count: null,
            last_altered_at: null,
            last_stats_at: null,
          });
          await tx(UPDATES).where({ monitor_id: id }).delete();
        }
        await tx(MONITORS).where({ id }).update(patch);
        if (d.problem) {
          // no longer measurable: an old evaluation must not linger in the fleet summary
          await tx(STATUS).where({ monitor_id: id }).delete();
        }
        if (Number(row.slice_ms) !== d.sliceMs && d.sliceMs > 0) {
          await this.rebuildSlices(tx, id, d.sliceMs);
        }
        if (removed) report.restored++;
        else report.updated++;
      }
      for (const batch of chunks(inserts)) {
        await tx(MONITORS).insert(batch);
        report.created += batch.length;
      }
      const gone = existing
        .filter(
          r =>
            !seen.has(Number(r.id)) &&
            (r.removed_at === null || r.removed_at === undefined),
        )
        .map(r => Number(r.id));
      for (const batch of chunks(gone, 500)) {
        await tx(MONITORS).whereIn('id', batch).update({ removed_at: now });
      }
      report.removed = gone.length;
      const expired = (
        await tx(MONITORS)
          .whereNotNull('removed_at')
          .where('removed_at', '<', now - options.removedGraceMs)
          .select('id')
      ).map(r => Number(r.id));
      await this.deleteMonitors(tx, expired);
      report.purged = expired.length;
    });
    return report;
  }

  /** Re-bucket a monitor's observations after its slice length changed, in SQL. */
  private async rebuildSlices(tx: Knex, monitorId: number, sliceMs: number) {
    if (!Number.isSafeInteger(sliceMs) || sliceMs <= 0) return;
    await tx(SLICES).where({ monitor_id: monitorId }).delete();
    // integer division: both operands are bigint columns or integer literals
    const start = `(observed_at / ${sliceMs}) * ${sliceMs}`;
    await tx.raw(
      `insert into ${SLICES} (monitor_id, slice_start, checks, passed)
       select monitor_id, ${start}, count(*), sum(case when passed then 1 else 0 end)
       from ${OBSERVATIONS} where monitor_id = ? group by monitor_id, ${start}`,
      [monitorId],
    );
  }

  private async deleteMonitors(tx: Knex, ids: number[]) {
    // children first: SQLite enforces foreign keys only when asked to
    for (const batch of chunks(ids, 500)) {
      for (const table of [OBSERVATIONS, SLICES, UPDATES, STATUS, BREACHES]) {
        await tx(table).whereIn('monitor_id', batch).delete();
      }
      await tx(MONITORS).whereIn('id', batch).delete();
    }
  }

  /**
   * The owner the portal last knew of each of `entityRefs`, by lower-case
   * ref: from their monitors, a removed product's included while they are
   * kept (the grace period after it left the catalog).
   */
  async lastKnownOwners(entityRefs: string[]): Promise<Map<string, string>> {
    const owners = new Map<string, string>();
    const refs = [...new Set(entityRefs.map(r => r.toLowerCase()))];
    for (const batch of chunks(refs, 500)) {
      const rows = await this.db(MONITORS)
        // refs in markers are as the spec wrote them; compared lower-case
        .whereRaw(
          `lower(entity_ref) in (${batch.map(() => '?').join(', ')})`,
          batch,
        )
        .whereNotNull('owner')
        // the latest monitor's owner wins
        .orderBy('id')
        .select('entity_ref', 'owner');
      for (const r of rows)
        owners.set(String(r.entity_ref).toLowerCase(), r.owner);
    }
    return owners;
  }

  /** Monitors of products that exist, optionally of one product. */
  async listMonitors(
    filter: { entityRef?: string; entityRefs?: string[] } = {},
  ): Promise<MonitorRecord[]> {
    const q = this.db(MONITORS).whereNull('removed_at').orderBy('id');
    if (filter.entityRef) q.where({ entity_ref: filter.entityRef });
    if (filter.entityRefs) q.whereIn('entity_ref', filter.entityRefs);
    return (await q.select('*')).map(toMonitor);
  }

  // ------------------------------------------------------------ observations

  /**
   * Store check results and fold them into their slices (one upsert per
   * monitor and slice), and move each monitor's first observation earlier
   * when needed.
   */
  async recordObservations(observations: ObservationInput[]): Promise<void> {
    if (observations.length === 0) return;
    // The collector passes all monitors at once; look their slices up in bulk.
    const sliceMsOf = new Map<number, number>();
    const ids = [...new Set(observations.map(o => o.monitorId))];
    for (const batch of chunks(ids, 500)) {
      const rows = await this.db(MONITORS)
        .whereIn('id', batch)
        .select('id', 'slice_ms');
      for (const r of rows) sliceMsOf.set(Number(r.id), Number(r.slice_ms));
    }
    const { slices, firstSeen } = foldIntoSlices(observations, sliceMsOf);
    const rows = observations.map(observationRow);

    await this.db.transaction(async tx => {
      for (const batch of chunks(rows)) await tx(OBSERVATIONS).insert(batch);
      const s = SLICES;
      // "latest stats in the slice" wins; pushed results carry no stats
      const newer = `excluded.stats_at is not null and (${s}.stats_at is null or excluded.stats_at >= ${s}.stats_at)`;
      for (const batch of chunks(slices)) {
        await tx(SLICES)
          .insert(batch)
          .onConflict(['monitor_id', 'slice_start'])
          .merge({
            checks: tx.raw(`${s}.checks + excluded.checks`),
            passed: tx.raw(`${s}.passed + excluded.passed`),
            stats_at: tx.raw(
              `case when ${newer} then excluded.stats_at else ${s}.stats_at end`,
            ),
            row_count: tx.raw(
              `case when ${newer} then excluded.row_count else ${s}.row_count end`,
            ),
            last_altered_at: tx.raw(
              `case when ${newer} then excluded.last_altered_at else ${s}.last_altered_at end`,
            ),
          });
      }
      // one statement per distinct time: a collection cycle has a single one
      const byTime = new Map<number, number[]>();
      for (const [id, t] of firstSeen) {
        byTime.set(t, [...(byTime.get(t) ?? []), id]);
      }
      for (const [t, monitorIds] of byTime) {
        for (const batch of chunks(monitorIds, 500)) {
          await tx(MONITORS)
            .whereIn('id', batch)
            .where(q =>
              q
                .whereNull('first_observed_at')
                .orWhere('first_observed_at', '>', t),
            )
            .update({ first_observed_at: t });
        }
      }
    });
  }

  /** Record detected table updates and remember the stats they were detected from. */
  async recordUpdates(updates: UpdateInput[]): Promise<void> {
    if (updates.length === 0) return;
    await this.db.transaction(async tx => {
      for (const batch of chunks(updates)) {
        await tx(UPDATES)
          .insert(
            batch.map(u => ({
              monitor_id: u.monitorId,
              detected_at: u.detectedAt,
              row_count: u.rowCount,
              last_altered_at: u.lastAlteredAt ?? null,
              passed: u.passed,
              reason: u.reason,
            })),
          )
          .onConflict(['monitor_id', 'detected_at'])
          .ignore();
      }
      for (const u of updates) {
        await tx(MONITORS)
          .where({ id: u.monitorId })
          .update({
            last_row_count: u.rowCount,
            last_altered_at: u.lastAlteredAt ?? null,
            last_stats_at: u.detectedAt,
          });
      }
    });
  }

  /**
   * Average row count and number of the updates each monitor saw in its
   * window before `now` (the previous updates a new one is compared with).
   */
  async trailingUpdates(
    monitors: { id: number; windowMs: number }[],
    now: number,
  ): Promise<Map<number, { count: number; average: number }>> {
    const result = new Map<number, { count: number; average: number }>();
    const byWindow = new Map<number, number[]>();
    for (const m of monitors) {
      byWindow.set(m.windowMs, [...(byWindow.get(m.windowMs) ?? []), m.id]);
    }
    for (const [windowMs, ids] of byWindow) {
      for (const batch of chunks(ids, 500)) {
        const rows = await this.db(UPDATES)
          .whereIn('monitor_id', batch)
          .where('detected_at', '>=', now - windowMs)
          .where('detected_at', '<', now)
          .groupBy('monitor_id')
          .select('monitor_id')
          .count({ n: '*' })
          .avg({ average: 'row_count' });
        for (const r of rows as any[]) {
          result.set(Number(r.monitor_id), {
            count: Number(r.n),
            average: Number(r.average),
          });
        }
      }
    }
    return result;
  }

  /** The check result of each monitor's latest update (completeness holds until the next update). */
  async latestUpdateResults(
    monitorIds: number[],
  ): Promise<Map<number, { passed: boolean; reason: string }>> {
    const result = new Map<number, { passed: boolean; reason: string }>();
    for (const batch of chunks(monitorIds, 500)) {
      const latest = this.db(UPDATES)
        .whereIn('monitor_id', batch)
        .groupBy('monitor_id')
        .select('monitor_id')
        .max({ detected_at: 'detected_at' })
        .as('l');
      const rows = await this.db(`${UPDATES} as u`)
        .join(latest, function join() {
          this.on('l.monitor_id', '=', 'u.monitor_id').andOn(
            'l.detected_at',
            '=',
            'u.detected_at',
          );
        })
        .select('u.monitor_id', 'u.passed', 'u.reason');
      for (const r of rows) {
        result.set(Number(r.monitor_id), {
          passed: Boolean(r.passed),
          reason: r.reason ?? '',
        });
      }
    }
    return result;
  }

  /** Latest observations of each monitor, newest first. */
  async latestObservations(
    monitorIds: number[],
    limit: number,
  ): Promise<Map<number, ObservationRecord[]>> {
    const result = new Map<number, ObservationRecord[]>();
    // one small indexed query per monitor: a product has a handful
    await Promise.all(
      monitorIds.map(async id => {
        const rows = await this.db(OBSERVATIONS)
          .where({ monitor_id: id })
          .orderBy([
            { column: 'observed_at', order: 'desc' },
            { column: 'id', order: 'desc' },
          ])
          .limit(limit)
          .select('*');
        result.set(
          id,
          rows.map(r => toObservation(id, r)),
        );
      }),
    );
    return result;
  }

  /** Slice rows of some monitors from `from` on, oldest first. */
  async slices(monitorIds: number[], from: number): Promise<SliceRecord[]> {
    const out: SliceRecord[] = [];
    for (const batch of chunks(monitorIds, 500)) {
      const rows = await this.db(SLICES)
        .whereIn('monitor_id', batch)
        .where('slice_start', '>=', from)
        .orderBy(['monitor_id', 'slice_start'])
        .select('*');
      for (const r of rows) {
        const s: SliceRecord = {
          monitorId: Number(r.monitor_id),
          start: Number(r.slice_start),
          checks: Number(r.checks),
          passed: Number(r.passed),
        };
        if (r.row_count !== null) s.rowCount = Number(r.row_count);
        if (r.last_altered_at !== null)
          s.lastAlteredAt = Number(r.last_altered_at);
        out.push(s);
      }
    }
    return out;
  }

  /** Sums of some monitors' slice rows over the ranges of one window shape, in SQL. */
  async windowSums(
    monitorIds: number[],
    ranges: WindowRanges,
  ): Promise<Map<number, WindowSums>> {
    return sumWindowSlices(this.db, monitorIds, ranges);
  }

  // --------------------------------------------------------------- retention

  /**
   * Delete history older than the retention, which is at least the longest
   * window plus two slices (the window and the slice it may shift by).
   * Raw observations may be kept for less (`observationRetentionMs`): the
   * SLIs and the history chart read the slice rows, the observations serve
   * only the "latest observations" list and re-bucketing after a change of
   * slice length, and they are by far the largest table (one row per
   * objective per cycle).
   */
  async prune(
    now: number,
    retentionMs: number,
    observationRetentionMs: number = retentionMs,
  ): Promise<number> {
    const longest = await this.db(MONITORS)
      .whereNull('removed_at')
      .max({ w: this.db.raw('window_ms + 2 * slice_ms') })
      .first();
    const keep = Math.max(retentionMs, Number(longest?.w ?? 0));
    const cutoff = now - keep;
    let deleted = 0;
    deleted += await this.db(OBSERVATIONS)
      .where('observed_at', '<', now - Math.min(observationRetentionMs, keep))
      .delete();
    deleted += await this.db(SLICES).where('slice_start', '<', cutoff).delete();
    deleted += await this.db(UPDATES)
      .where('detected_at', '<', cutoff)
      .delete();
    return deleted;
  }
}
