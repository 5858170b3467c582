/*
 * The usage cycle: the tables of every product, grouped by warehouse
 * database, ONE `readUsage` call per database (as the SLO stats collector
 * does with `tableStats`), the answers booked per product, then the
 * unused-grant check. Time comes from the caller or the injected clock.
 *
 * By-role readings recount a bounded window — from the start of the UTC
 * day `windowDays` back — on every cycle, because Snowflake's
 * ACCOUNT_USAGE views lag by up to three hours: a read of late yesterday
 * may first appear this morning, and the recount replaces the day.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import type {
  PlatformConfig,
  TableRef,
  UsageReading,
  UsageSource,
  WarehouseAdapter,
} from '@datamesh/plugin-data-mesh-node';
import type { AccessRequestStore } from '../access/AccessRequestStore';
import { productRefOf } from '../slo/monitors';
import { errorMessage } from '../slo/collection/stats';
import { productTables, usageTableKey } from './tables';
import { type DailyUsage, type UsageStore, utcDay } from './UsageStore';
import { checkUnusedGrants, type UnusedGrantNotifier } from './unused';

const D = 24 * 3_600_000;

/** @public */
export interface UsageCollectionReport {
  now: number;
  products: number;
  databases: number;
  /** `readUsage` calls made: one per database. */
  usageQueries: number;
  /** Grants newly flagged unused. */
  flagged: number;
  errors: string[];
}

export interface UsageCollectorOptions {
  store: UsageStore;
  accessStore: AccessRequestStore;
  logger: LoggerService;
  platform: PlatformConfig;
  getAdapter(): Promise<WarehouseAdapter>;
  listEntities(): Promise<DataProductEntityV1alpha1[]>;
  clock: { now(): number };
  /** Whole UTC days before today that each by-role reading recounts (default 1: yesterday and today). */
  windowDays?: number;
  unusedAfterMs: number;
  notifier?: UnusedGrantNotifier;
}

/** Run one usage cycle. */
export async function runUsageCollection(
  options: UsageCollectorOptions,
  opts: { now?: number } = {},
): Promise<UsageCollectionReport> {
  const { store, logger } = options;
  const now = opts.now ?? options.clock.now();
  const report: UsageCollectionReport = {
    now,
    products: 0,
    databases: 0,
    usageQueries: 0,
    flagged: 0,
    errors: [],
  };
  let adapter: WarehouseAdapter;
  let entities: DataProductEntityV1alpha1[];
  try {
    entities = await options.listEntities();
    adapter = await options.getAdapter();
  } catch (e) {
    report.errors.push(`usage not collected: ${errorMessage(e)}`);
    logger.warn(`Usage collection: ${report.errors[0]}`);
    return report;
  }
  if (!adapter.readUsage) return report;

  // table key -> products reading it; database -> its distinct tables
  const owners = new Map<string, string[]>();
  const byDatabase = new Map<string, Map<string, TableRef>>();
  const productsOf = new Map<string, Set<string>>();
  for (const entity of entities) {
    const product = productRefOf(entity);
    const tables = productTables(
      entity,
      options.platform,
      adapter.capabilities.masking,
    );
    if (tables.length) report.products++;
    for (const t of tables) {
      const key = usageTableKey(t);
      owners.set(key, [...(owners.get(key) ?? []), product]);
      if (!byDatabase.has(t.database)) byDatabase.set(t.database, new Map());
      byDatabase
        .get(t.database)!
        .set(key, { schema: t.schema, table: t.table });
      if (!productsOf.has(t.database)) productsOf.set(t.database, new Set());
      productsOf.get(t.database)!.add(product);
    }
  }
  report.databases = byDatabase.size;

  const windowStart = Date.parse(
    `${utcDay(now - (options.windowDays ?? 1) * D)}T00:00:00.000Z`,
  );
  const fromDay = utcDay(windowStart);
  const sources = new Map<string, { source: UsageSource; notes: string[] }>();
  for (const [database, tables] of byDatabase) {
    let reading: UsageReading;
    try {
      report.usageQueries++;
      reading = await adapter.readUsage(database, [...tables.values()], {
        since: new Date(windowStart).toISOString(),
      });
    } catch (e) {
      const message = `database ${database}: ${errorMessage(e)}`;
      report.errors.push(message);
      logger.warn(`Usage collection: ${message}`);
      continue;
    }
    const products = [...productsOf.get(database)!];
    for (const p of products) {
      sources.set(p, { source: reading.source, notes: reading.notes });
    }
    const ownersOf = (r: TableRef) =>
      owners.get(usageTableKey({ database, ...r })) ?? [];
    if (reading.source === 'by-role') {
      await store.replaceWindow(
        products,
        fromDay,
        dailyRows(reading, ownersOf),
      );
    } else {
      await store.addCounters(
        reading.rows.flatMap(r =>
          ownersOf(r).map(product => ({
            product,
            tableKey: usageTableKey({ database, ...r }),
            scans: r.reads,
          })),
        ),
        now,
      );
    }
  }
  await store.setSources(
    [...sources].map(([product, s]) => ({ product, ...s })),
    now,
  );

  try {
    report.flagged = await checkUnusedGrants({
      store,
      accessStore: options.accessStore,
      byRole: [...sources]
        .filter(([, s]) => s.source === 'by-role')
        .map(([p]) => p),
      now,
      unusedAfterMs: options.unusedAfterMs,
      notifier: options.notifier,
      logger,
    });
  } catch (e) {
    report.errors.push(`unused grants not checked: ${errorMessage(e)}`);
    logger.warn(`Usage collection: ${report.errors.at(-1)}`);
  }
  return report;
}

/** By-role rows per product, reader and day (a query reading two of a product's tables counts for each). */
function dailyRows(
  reading: UsageReading,
  ownersOf: (r: TableRef) => string[],
): DailyUsage[] {
  const rows = new Map<string, DailyUsage>();
  for (const r of reading.rows) {
    if (!r.day) continue;
    const reader = (r.role ?? '').toLowerCase();
    const last = r.lastRead ? Date.parse(r.lastRead) : undefined;
    for (const product of ownersOf(r)) {
      const key = `${product}\u0000${reader}\u0000${r.day}`;
      const row = rows.get(key);
      if (!row) {
        rows.set(key, {
          product,
          reader,
          day: r.day,
          reads: r.reads,
          lastReadAt: last,
          source: 'by-role',
        });
      } else {
        row.reads += r.reads;
        if (last !== undefined && (row.lastReadAt ?? -1) < last)
          row.lastReadAt = last;
      }
    }
  }
  return [...rows.values()];
}
