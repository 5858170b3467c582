/*
 * Rows of the SLO engine's tables and their mapping to records. Times are
 * epoch milliseconds; bigint columns come back as strings from PostgreSQL.
 */
import {
  type ObservationInput,
  sliceStartOf,
} from '@datamesh/plugin-data-mesh-common';
import {
  type MonitorDefinition,
  type MonitoredTable,
  definitionHash,
} from '../monitors';

export const MONITORS = 'data_mesh_slo_monitors';
export const OBSERVATIONS = 'data_mesh_slo_observations';
export const SLICES = 'data_mesh_slo_slices';
export const UPDATES = 'data_mesh_slo_updates';
export const STATUS = 'data_mesh_slo_status';
export const BREACHES = 'data_mesh_slo_breaches';

/** Rows per multi-row statement: well below SQLite's bound-variable limit. */
const CHUNK = 200;

export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

/** bigint columns come back as strings from PostgreSQL. */
export function num(value: unknown): number | undefined {
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
export function toMonitor(row: any): MonitorRecord {
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

export function monitorColumns(d: MonitorDefinition) {
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

export const sameTable = (a?: MonitoredTable, b?: MonitoredTable) =>
  a?.database === b?.database &&
  a?.schema === b?.schema &&
  a?.table === b?.table;

export function toStatus(r: any): MonitorStatusRecord {
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

/** An observation row read back. */
export function toObservation(monitorId: number, r: any): ObservationRecord {
  const o: ObservationRecord = {
    monitorId,
    observedAt: Number(r.observed_at),
    source: r.source,
    passed: Boolean(r.passed),
  };
  if (r.reporter) o.reporter = r.reporter;
  if (r.table_exists !== null) o.exists = Boolean(r.table_exists);
  if (r.row_count !== null) o.rowCount = Number(r.row_count);
  if (r.last_altered_at !== null) o.lastAlteredAt = Number(r.last_altered_at);
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
}

/** The row an observation is stored as. */
export function observationRow(o: ObservationInput) {
  return {
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
  };
}

/** The increment of one slice row from a batch of observations. */
export interface SliceIncrement {
  monitor_id: number;
  slice_start: number;
  checks: number;
  passed: number;
  stats_at: number | null;
  row_count: number | null;
  last_altered_at: number | null;
}

/**
 * Fold a batch of observations into one increment per monitor and slice
 * (the latest collector stats in the slice win; pushed results carry none),
 * and find each monitor's earliest observation in the batch. Monitors
 * without a slice length are skipped.
 */
export function foldIntoSlices(
  observations: ObservationInput[],
  sliceMsOf: Map<number, number>,
): { slices: SliceIncrement[]; firstSeen: Map<number, number> } {
  const slices = new Map<string, SliceIncrement>();
  const firstSeen = new Map<number, number>();
  for (const o of observations) {
    const sliceMs = sliceMsOf.get(o.monitorId) ?? 0;
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
  return { slices: [...slices.values()], firstSeen };
}
