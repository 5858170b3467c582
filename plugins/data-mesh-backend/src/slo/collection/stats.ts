/*
 * Gather the stats of every monitored table: one `tableStats` call per
 * warehouse database, whatever the number of tables in it.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  ObservationFailure,
  TableObservation,
} from '@datamesh/plugin-data-mesh-common';
import type {
  TableRef,
  TableStats,
  WarehouseAdapter,
} from '@datamesh/plugin-data-mesh-node';
import type { MonitorRecord } from '../SloStore';

/** Stats of one table as the checks see them, plus its size for the history. */
export type ObservedTable = TableObservation & {
  bytes?: number;
  /** Where the freshness time came from, when the adapter says. */
  freshnessSource?: TableStats['freshnessSource'];
};

/** Per table key: its stats, or why they could not be read. */
export type TableStatsByKey = Map<string, ObservedTable | ObservationFailure>;

export const tableKey = (t: {
  database: string;
  schema: string;
  table: string;
}) => `${t.database}\u0000${t.schema}\u0000${t.table}`;

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The distinct tables of some monitors, per database, by table key. */
export function tablesByDatabase(
  monitors: MonitorRecord[],
): Map<string, Map<string, TableRef>> {
  const byDatabase = new Map<string, Map<string, TableRef>>();
  for (const m of monitors) {
    if (!m.table) continue;
    const t = m.table;
    if (!byDatabase.has(t.database)) byDatabase.set(t.database, new Map());
    byDatabase
      .get(t.database)!
      .set(tableKey(t), { schema: t.schema, table: t.table });
  }
  return byDatabase;
}

/** The adapter's answer as the checks read it (epoch times, numbers). */
export function toObservedTable(s: TableStats): ObservedTable {
  const lastAlteredAt = s.lastAltered ? Date.parse(s.lastAltered) : NaN;
  const source = s.freshnessSource;
  return {
    exists: s.exists,
    ...(s.rowCount !== undefined ? { rowCount: Number(s.rowCount) } : {}),
    ...(Number.isFinite(lastAlteredAt) ? { lastAlteredAt } : {}),
    ...(s.bytes !== undefined ? { bytes: Number(s.bytes) } : {}),
    ...(source ? { freshnessSource: source } : {}),
  };
}

/** @public */
export interface StatsQueryResult {
  stats: TableStatsByKey;
  /** `tableStats` calls made. */
  queries: number;
  /** Databases (or the adapter) that could not be read. */
  errors: string[];
}

/**
 * Query the stats of the tables, one call per database. A database that
 * fails (or an adapter that cannot be opened) marks its tables as
 * unobserved with the warehouse's message; the others are still read.
 */
export async function queryTableStats(options: {
  byDatabase: Map<string, Map<string, TableRef>>;
  getAdapter(): Promise<WarehouseAdapter>;
  loadedAtColumn?: string;
  logger: LoggerService;
}): Promise<StatsQueryResult> {
  const { byDatabase, logger } = options;
  const result: StatsQueryResult = { stats: new Map(), queries: 0, errors: [] };
  const fail = (keys: Iterable<string>, error: string) => {
    for (const key of keys) result.stats.set(key, { error });
  };
  if (byDatabase.size === 0) return result;
  let adapter: WarehouseAdapter;
  try {
    adapter = await options.getAdapter();
  } catch (e) {
    const error = `the warehouse adapter could not be opened: ${errorMessage(
      e,
    )}`;
    result.errors.push(error);
    logger.warn(`SLO collection: ${error}`);
    for (const tables of byDatabase.values()) fail(tables.keys(), error);
    return result;
  }
  for (const [database, tables] of byDatabase) {
    const keys = [...tables.keys()];
    try {
      result.queries++;
      const stats = await adapter.tableStats(database, [...tables.values()], {
        loadedAtColumn: options.loadedAtColumn,
      });
      stats.forEach((s, i) => result.stats.set(keys[i], toObservedTable(s)));
    } catch (e) {
      const message = errorMessage(e);
      result.errors.push(`database ${database}: ${message}`);
      logger.warn(
        `SLO collection: stats of database ${database} failed: ${message}`,
      );
      fail(keys, message);
    }
  }
  return result;
}
