/*
 * Persistence of the SLO engine (knex; SQLite and PostgreSQL).
 *
 * The SLI of a window is never computed by looping over observations: each
 * observation is folded into a per-monitor, per-slice row (checks / passed)
 * when it is stored, and an evaluation is a SUM over at most window/slice of
 * those rows per monitor, in SQL. Times are epoch milliseconds.
 */
import {
  type DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import {
  type SloSummary,
  type WindowPlan,
  planWindow,
  sliceStartOf,
  summarizeSlo,
} from '@datamesh/plugin-data-mesh-common';
import {
  type MonitorDefinition,
  type MonitoredTable,
  definitionHash,
} from './monitors';

const MONITORS = 'data_mesh_slo_monitors';
const OBSERVATIONS = 'data_mesh_slo_observations';
const SLICES = 'data_mesh_slo_slices';
const UPDATES = 'data_mesh_slo_updates';
const STATUS = 'data_mesh_slo_status';

/** Rows per multi-row statement: well below SQLite's bound-variable limit. */
const CHUNK = 200;

const migrationsDir = resolvePackagePath(
  '@datamesh/plugin-data-mesh-backend',
  'migrations',
);

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

/** bigint columns come back as strings from PostgreSQL. */
function num(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}

/** A stored monitor. @public */
export interface MonitorRecord extends MonitorDefinition {
  id: number;
  firstObservedAt?: number;
  lastRowCount?: number;
  lastAlteredAt?: number;
  lastStatsAt?: number;
}

/** One check result to store. @public */
export interface ObservationInput {
  monitorId: number;
  observedAt: number;
  source: 'collector' | 'push';
  reporter?: string;
  exists?: boolean;
  rowCount?: number;
  lastAlteredAt?: number;
  bytes?: number;
  passed: boolean;
  reason?: string;
  details?: unknown;
}

/** A stored observation: what was written, read back. @public */
export type ObservationRecord = ObservationInput;

/** A detected update of a monitored table (completeness). @public */
export interface UpdateInput {
  monitorId: number;
  detectedAt: number;
  rowCount: number;
  lastAlteredAt?: number;
  passed: boolean;
  reason: string;
}

/** A stored slice row. @public */
export interface SliceRecord {
  monitorId: number;
  start: number;
  checks: number;
  passed: number;
  rowCount?: number;
  lastAlteredAt?: number;
}

/** The evaluation of one monitor at one instant. @public */
export interface MonitorEvaluation extends SloSummary {
  monitorId: number;
  plan: WindowPlan;
  /** Counted slices without any observation. */
  noData: number;
}

/** Stored evaluation and alert state. @public */
export interface MonitorStatusRecord {
  monitorId: number;
  evaluatedAt: number;
  status: 'ok' | 'breaching' | 'no-data';
  sli?: number;
  good: number;
  total: number;
  budgetRemaining?: number;
  burnRate?: number;
  burnRateRecent?: number;
  alertState: 'ok' | 'breaching';
  breachStartedAt?: number;
  notifiedAt?: number;
}

/** @public */
export interface SyncReport {
  created: number;
  updated: number;
  removed: number;
  restored: number;
  purged: number;
}

/** Per product, for the fleet summary. @public */
export interface FleetRow {
  entityRef: string;
  namespace: string;
  name: string;
  title?: string;
  owner?: string;
  domain?: string;
  status: 'ok' | 'breaching' | 'no-data';
  minErrorBudget?: number;
  objectives: number;
  breaching: number;
  noData: number;
  evaluatedAt?: number;
}

/** @public */
export interface FleetFilter {
  owners?: string[];
  domains?: string[];
}

function toMonitor(row: any): MonitorRecord {
  const table: MonitoredTable | undefined =
    row.warehouse_table && row.warehouse_schema && row.warehouse_database
      ? {
          database: row.warehouse_database,
          schema: row.warehouse_schema,
          table: row.warehouse_table,
        }
      : undefined;
  const m: MonitorRecord = {
    id: Number(row.id),
    entityRef: row.entity_ref,
    namespace: row.namespace,
    name: row.name,
    sloName: row.slo_name,
    dimension: row.dimension,
    objective: row.objective,
    target: Number(row.target),
    window: row.slo_window,
    slice: row.slo_slice,
    windowMs: Number(row.window_ms),
    sliceMs: Number(row.slice_ms),
  };
  const optional: Partial<MonitorRecord> = {
    productTitle: row.product_title ?? undefined,
    owner: row.owner ?? undefined,
    domain: row.domain ?? undefined,
    title: row.title ?? undefined,
    dataset: row.dataset ?? undefined,
    maxAgeMs: num(row.max_age_ms),
    tolerance: num(row.tolerance),
    table,
    problem: row.problem ?? undefined,
    firstObservedAt: num(row.first_observed_at),
    lastRowCount: num(row.last_row_count),
    lastAlteredAt: num(row.last_altered_at),
    lastStatsAt: num(row.last_stats_at),
  };
  for (const [k, v] of Object.entries(optional)) {
    if (v !== undefined) (m as any)[k] = v;
  }
  return m;
}

function monitorColumns(d: MonitorDefinition) {
  return {
    entity_ref: d.entityRef,
    namespace: d.namespace,
    name: d.name,
    product_title: d.productTitle ?? null,
    owner: d.owner ?? null,
    domain: d.domain ?? null,
    slo_name: d.sloName,
    title: d.title ?? null,
    dimension: d.dimension,
    objective: d.objective,
    dataset: d.dataset ?? null,
    target: d.target,
    slo_window: d.window,
    slo_slice: d.slice,
    window_ms: d.windowMs,
    slice_ms: d.sliceMs,
    max_age_ms: d.maxAgeMs ?? null,
    tolerance: d.tolerance ?? null,
    warehouse_database: d.table?.database ?? null,
    warehouse_schema: d.table?.schema ?? null,
    warehouse_table: d.table?.table ?? null,
    problem: d.problem ?? null,
    definition_hash: definitionHash(d),
  };
}

const sameTable = (a?: MonitoredTable, b?: MonitoredTable) =>
  a?.database === b?.database &&
  a?.schema === b?.schema &&
  a?.table === b?.table;

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

  constructor(readonly db: Knex) {}

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
    options: { now: number; removedGraceMs: number },
  ): Promise<SyncReport> {
    const { now } = options;
    const report: SyncReport = {
      created: 0,
      updated: 0,
      removed: 0,
      restored: 0,
      purged: 0,
    };
    const existing = await this.db(MONITORS).select(
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
      for (const d of definitions) {
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
      for (const table of [OBSERVATIONS, SLICES, UPDATES, STATUS]) {
        await tx(table).whereIn('monitor_id', batch).delete();
      }
      await tx(MONITORS).whereIn('id', batch).delete();
    }
  }

  /** Monitors of products that exist, optionally of one product. */
  async listMonitors(
    filter: { entityRef?: string } = {},
  ): Promise<MonitorRecord[]> {
    const q = this.db(MONITORS).whereNull('removed_at').orderBy('id');
    if (filter.entityRef) q.where({ entity_ref: filter.entityRef });
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
    const monitorSlices = new Map<number, number>();
    const sliceOf = async (monitorId: number) => {
      if (!monitorSlices.has(monitorId)) {
        const row = await this.db(MONITORS)
          .where({ id: monitorId })
          .first('slice_ms');
        monitorSlices.set(monitorId, Number(row?.slice_ms ?? 0));
      }
      return monitorSlices.get(monitorId)!;
    };
    // The collector passes all monitors at once; look their slices up in bulk.
    const ids = [...new Set(observations.map(o => o.monitorId))];
    for (const batch of chunks(ids, 500)) {
      const rows = await this.db(MONITORS)
        .whereIn('id', batch)
        .select('id', 'slice_ms');
      for (const r of rows) monitorSlices.set(Number(r.id), Number(r.slice_ms));
    }

    type Agg = {
      monitor_id: number;
      slice_start: number;
      checks: number;
      passed: number;
      stats_at: number | null;
      row_count: number | null;
      last_altered_at: number | null;
    };
    const slices = new Map<string, Agg>();
    const firstSeen = new Map<number, number>();
    for (const o of observations) {
      const sliceMs = await sliceOf(o.monitorId);
      if (!(sliceMs > 0)) continue;
      const start = sliceStartOf(o.observedAt, sliceMs);
      const key = `${o.monitorId}:${start}`;
      const agg = slices.get(key) ?? {
        monitor_id: o.monitorId,
        slice_start: start,
        checks: 0,
        passed: 0,
        stats_at: null,
        row_count: null,
        last_altered_at: null,
      };
      agg.checks++;
      if (o.passed) agg.passed++;
      const hasStats = o.source === 'collector' && o.exists !== undefined;
      if (hasStats && (agg.stats_at === null || o.observedAt >= agg.stats_at)) {
        agg.stats_at = o.observedAt;
        agg.row_count = o.rowCount ?? null;
        agg.last_altered_at = o.lastAlteredAt ?? null;
      }
      slices.set(key, agg);
      const first = firstSeen.get(o.monitorId);
      if (first === undefined || o.observedAt < first) {
        firstSeen.set(o.monitorId, o.observedAt);
      }
    }

    const rows = observations.map(o => ({
      monitor_id: o.monitorId,
      observed_at: o.observedAt,
      source: o.source,
      reporter: o.reporter ?? null,
      table_exists: o.exists ?? null,
      row_count: o.rowCount ?? null,
      last_altered_at: o.lastAlteredAt ?? null,
      bytes: o.bytes ?? null,
      passed: o.passed,
      reason: o.reason ?? null,
      details: o.details === undefined ? null : JSON.stringify(o.details),
    }));

    await this.db.transaction(async tx => {
      for (const batch of chunks(rows)) await tx(OBSERVATIONS).insert(batch);
      const s = SLICES;
      // "latest stats in the slice" wins; pushed results carry no stats
      const newer = `excluded.stats_at is not null and (${s}.stats_at is null or excluded.stats_at >= ${s}.stats_at)`;
      for (const batch of chunks([...slices.values()])) {
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
          rows.map(r => {
            const o: ObservationRecord = {
              monitorId: id,
              observedAt: Number(r.observed_at),
              source: r.source,
              passed: Boolean(r.passed),
            };
            if (r.reporter) o.reporter = r.reporter;
            if (r.table_exists !== null) o.exists = Boolean(r.table_exists);
            if (r.row_count !== null) o.rowCount = Number(r.row_count);
            if (r.last_altered_at !== null)
              o.lastAlteredAt = Number(r.last_altered_at);
            if (r.bytes !== null) o.bytes = Number(r.bytes);
            if (r.reason !== null) o.reason = r.reason;
            if (r.details) {
              try {
                o.details = JSON.parse(r.details);
              } catch {
                o.details = r.details;
              }
            }
            return o;
          }),
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

  // -------------------------------------------------------------- evaluation

  /**
   * Evaluate monitors at `now`, summing slice rows in SQL: for each
   * (window, slice) pair one grouped query returns, per monitor, the sums
   * of a few fixed ranges of slices; the window rules (see
   * `planWindow` in data-mesh-common) then pick which ranges count.
   */
  async evaluate(
    monitors: MonitorRecord[],
    options: { now: number; recentSlices: number },
  ): Promise<Map<number, MonitorEvaluation>> {
    const { now } = options;
    const result = new Map<number, MonitorEvaluation>();
    const groups = new Map<string, MonitorRecord[]>();
    for (const m of monitors) {
      if (m.problem || !(m.sliceMs > 0) || !(m.windowMs >= m.sliceMs)) continue;
      const key = `${m.windowMs}:${m.sliceMs}`;
      groups.set(key, [...(groups.get(key) ?? []), m]);
    }
    for (const group of groups.values()) {
      const { windowMs, sliceMs } = group[0];
      const n = Math.round(windowMs / sliceMs);
      const k = Math.min(options.recentSlices, n);
      const cur = sliceStartOf(now, sliceMs);
      const midStart = cur - (n - 1) * sliceMs;
      const oldest = cur - n * sliceMs;
      const r1 = cur - (k - 1) * sliceMs;
      const r2 = cur - k * sliceMs;
      const sums = new Map<number, Record<string, number>>();
      const good = 's.checks > 0 and s.passed >= s.checks';
      for (const batch of chunks(group, 500)) {
        const rows = await this.db(`${SLICES} as s`)
          .whereIn(
            's.monitor_id',
            batch.map(m => m.id),
          )
          .where('s.slice_start', '>=', oldest)
          .where('s.slice_start', '<=', cur)
          .groupBy('s.monitor_id')
          .select(
            's.monitor_id',
            this.db.raw(
              `sum(case when s.slice_start >= ? and s.slice_start < ? then 1 else 0 end) as mid_rows`,
              [midStart, cur],
            ),
            this.db.raw(
              `sum(case when s.slice_start >= ? and s.slice_start < ? and ${good} then 1 else 0 end) as mid_good`,
              [midStart, cur],
            ),
            this.db.raw(
              `sum(case when s.slice_start = ? then 1 else 0 end) as old_rows`,
              [oldest],
            ),
            this.db.raw(
              `sum(case when s.slice_start = ? and ${good} then 1 else 0 end) as old_good`,
              [oldest],
            ),
            this.db.raw(
              `sum(case when s.slice_start = ? then s.checks else 0 end) as cur_checks`,
              [cur],
            ),
            this.db.raw(
              `sum(case when s.slice_start = ? then s.passed else 0 end) as cur_passed`,
              [cur],
            ),
            this.db.raw(
              `sum(case when s.slice_start >= ? and s.slice_start < ? and ${good} then 1 else 0 end) as r1_good`,
              [r1, cur],
            ),
            this.db.raw(
              `sum(case when s.slice_start >= ? and s.slice_start < ? and ${good} then 1 else 0 end) as r2_good`,
              [r2, cur],
            ),
          );
        for (const r of rows as any[]) {
          const s: Record<string, number> = {};
          for (const [key, value] of Object.entries(r)) s[key] = Number(value);
          sums.set(Number(r.monitor_id), s);
        }
      }
      for (const m of group) {
        const s = sums.get(m.id) ?? {};
        const v = (key: string) => s[key] ?? 0;
        const plan = planWindow({
          now,
          windowMs,
          sliceMs,
          firstObservedAt: m.firstObservedAt,
          currentSliceFailed: v('cur_checks') > v('cur_passed'),
        });
        // With the current slice counted (it failed), the window is
        // [oldest + slice, cur]; otherwise [oldest, cur). Slices before the
        // first observation have no rows, so the sums need no clipping.
        const goodSlices =
          v('mid_good') + (plan.includesCurrent ? 0 : v('old_good'));
        const rowsCounted =
          v('mid_rows') + (plan.includesCurrent ? 1 : v('old_rows'));
        const recentStart = Math.max(plan.start, plan.end - k * sliceMs);
        const recentTotal = Math.round((plan.end - recentStart) / sliceMs);
        const recentGood = plan.includesCurrent ? v('r1_good') : v('r2_good');
        const summary = summarizeSlo({
          target: m.target,
          good: goodSlices,
          total: plan.slices,
          recentGood,
          recentTotal,
        });
        result.set(m.id, {
          ...summary,
          monitorId: m.id,
          plan,
          noData: plan.slices - rowsCounted,
        });
      }
    }
    return result;
  }

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

function toStatus(r: any): MonitorStatusRecord {
  const s: MonitorStatusRecord = {
    monitorId: Number(r.monitor_id),
    evaluatedAt: Number(r.evaluated_at),
    status: r.status,
    good: Number(r.good),
    total: Number(r.total),
    alertState: r.alert_state,
  };
  if (r.sli !== null) s.sli = Number(r.sli);
  if (r.budget_remaining !== null)
    s.budgetRemaining = Number(r.budget_remaining);
  if (r.burn_rate !== null) s.burnRate = Number(r.burn_rate);
  if (r.burn_rate_recent !== null)
    s.burnRateRecent = Number(r.burn_rate_recent);
  if (r.breach_started_at !== null)
    s.breachStartedAt = Number(r.breach_started_at);
  if (r.notified_at !== null) s.notifiedAt = Number(r.notified_at);
  return s;
}
