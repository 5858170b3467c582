/*
 * Persistence of usage (knex; SQLite and PostgreSQL): reads per product,
 * reader and UTC day, the last cumulative scan counter of each table whose
 * warehouse only counts scans, and the unused-grant flags.
 *
 * By-role readings are recounts of a window of whole days, so a day is
 * replaced, never added to: a cycle that overlaps the previous one (it must,
 * ACCOUNT_USAGE lags by up to three hours) counts nothing twice.
 * Table-level counters only grow until the statistics are reset; the
 * difference since the previous cycle is added to the day of the cycle
 * (a counter that went down was reset: its whole value is new scans).
 */
import {
  type DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { UsageSource } from '@datamesh/plugin-data-mesh-node';
import type { Knex } from 'knex';

const PRODUCTS = 'data_mesh_usage_products';
const DAILY = 'data_mesh_usage_daily';
const COUNTERS = 'data_mesh_usage_counters';
const UNUSED = 'data_mesh_usage_unused';

/** Rows per statement: SQLite allows 999 variables per statement in old builds. */
const CHUNK = 100;

const migrationsDir = resolvePackagePath(
  '@datamesh/plugin-data-mesh-backend',
  'migrations',
);

/** Reads of one product by one reader on one day. Times epoch ms. */
export interface DailyUsage {
  product: string;
  /** Lower-case role; '' when the warehouse cannot tell who read. */
  reader: string;
  /** UTC `YYYY-MM-DD`. */
  day: string;
  reads: number;
  lastReadAt?: number;
  source: UsageSource;
}

/** Reads of one reader of a product over a period. */
export interface ReaderTotal {
  reader: string;
  reads: number;
  lastReadAt?: number;
  source: UsageSource;
}

const num = (v: unknown) =>
  v === null || v === undefined ? undefined : Number(v);

/** UTC day of an epoch time. */
export const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** @public */
export class UsageStore {
  static async create(
    database: DatabaseService | { getClient(): Promise<Knex> },
  ): Promise<UsageStore> {
    const knex = await database.getClient();
    if (!(database as DatabaseService).migrations?.skip) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new UsageStore(knex);
  }

  constructor(private readonly db: Knex) {}

  /**
   * Replace the by-role counts of `products` for every day from `fromDay`
   * on with `rows` (a recount of that window): days the window no longer
   * shows reads for are cleared, older days stay.
   */
  async replaceWindow(
    products: string[],
    fromDay: string,
    rows: DailyUsage[],
  ): Promise<void> {
    await this.db.transaction(async tx => {
      for (let i = 0; i < products.length; i += CHUNK) {
        await tx(DAILY)
          .whereIn('product', products.slice(i, i + CHUNK))
          .andWhere('day', '>=', fromDay)
          .andWhere('source', 'by-role')
          .delete();
      }
      for (let i = 0; i < rows.length; i += CHUNK) {
        await tx(DAILY).insert(rows.slice(i, i + CHUNK).map(toRow));
      }
    });
  }

  /**
   * Book table-level counters read at `now`: per product, the growth of
   * its tables' counters since the previous reading is added to the day of
   * `now` (reader ''). A table seen for the first time only sets its
   * baseline: scans before the platform looked cannot be dated.
   */
  async addCounters(
    counters: { product: string; tableKey: string; scans: number }[],
    now: number,
  ): Promise<void> {
    if (counters.length === 0) return;
    const day = utcDay(now);
    await this.db.transaction(async tx => {
      const previous = new Map<string, number>();
      const products = [...new Set(counters.map(c => c.product))];
      for (let i = 0; i < products.length; i += CHUNK) {
        const rows = await tx(COUNTERS)
          .whereIn('product', products.slice(i, i + CHUNK))
          .select('product', 'table_key', 'scans');
        for (const r of rows) {
          previous.set(`${r.product}\u0000${r.table_key}`, Number(r.scans));
        }
      }
      const growth = new Map<string, number>();
      for (const c of counters) {
        const before = previous.get(`${c.product}\u0000${c.tableKey}`);
        if (before === undefined) continue;
        const delta = c.scans >= before ? c.scans - before : c.scans;
        growth.set(c.product, (growth.get(c.product) ?? 0) + delta);
      }
      const rows = counters.map(c => ({
        product: c.product,
        table_key: c.tableKey,
        scans: c.scans,
        observed_at: now,
      }));
      for (let i = 0; i < rows.length; i += CHUNK) {
        await tx(COUNTERS)
          .insert(rows.slice(i, i + CHUNK))
          .onConflict(['product', 'table_key'])
          .merge(['scans', 'observed_at']);
      }
      for (const [product, reads] of growth) {
        if (reads === 0) continue;
        const key = { product, reader: '', day };
        const existing = await tx(DAILY).where(key).first();
        if (existing) {
          await tx(DAILY)
            .where(key)
            .update({
              reads: Number(existing.reads) + reads,
              last_read_at: now,
            });
        } else {
          await tx(DAILY).insert(
            toRow({ ...key, reads, lastReadAt: now, source: 'table-level' }),
          );
        }
      }
    });
  }

  /** Record what the collection at `now` could tell about some products. */
  async setSources(
    sources: { product: string; source: UsageSource; notes: string[] }[],
    now: number,
  ): Promise<void> {
    const rows = sources.map(s => ({
      product: s.product,
      source: s.source,
      collected_at: now,
      notes: JSON.stringify(s.notes),
    }));
    for (let i = 0; i < rows.length; i += CHUNK) {
      await this.db(PRODUCTS)
        .insert(rows.slice(i, i + CHUNK))
        .onConflict('product')
        .merge(['source', 'collected_at', 'notes']);
    }
  }

  /** What the last collection could tell about a product, if it was collected. */
  async source(
    product: string,
  ): Promise<
    { source: UsageSource; collectedAt: number; notes: string[] } | undefined
  > {
    const row = await this.db(PRODUCTS).where({ product }).first();
    if (!row) return undefined;
    return {
      source: row.source,
      collectedAt: Number(row.collected_at),
      notes: row.notes ? JSON.parse(row.notes) : [],
    };
  }

  /** Per reader of a product: reads from `fromDay` on and the newest read ever seen. */
  async readers(product: string, fromDay: string): Promise<ReaderTotal[]> {
    const rows: any[] = await this.db(DAILY)
      .where({ product })
      .groupBy('reader', 'source')
      .select(
        'reader',
        'source',
        this.db.raw('sum(case when day >= ? then reads else 0 end) as reads', [
          fromDay,
        ]),
        this.db.raw('max(last_read_at) as last'),
      );
    return rows.map(r => ({
      reader: String(r.reader),
      reads: Number(r.reads ?? 0),
      lastReadAt: num(r.last),
      source: r.source as UsageSource,
    }));
  }

  /** Every daily row of some products from `fromDay` on (for the unused-grant check). */
  async since(products: string[], fromDay: string): Promise<DailyUsage[]> {
    const out: DailyUsage[] = [];
    for (let i = 0; i < products.length; i += CHUNK) {
      const rows = await this.db(DAILY)
        .whereIn('product', products.slice(i, i + CHUNK))
        .andWhere('day', '>=', fromDay);
      out.push(...rows.map(fromRow));
    }
    return out;
  }

  /** Flag requests as unused; returns the ids not flagged before (to notify once). */
  async flagUnused(
    flags: { requestId: string; product: string }[],
    now: number,
  ): Promise<string[]> {
    if (flags.length === 0) return [];
    const fresh: string[] = [];
    await this.db.transaction(async tx => {
      const known = new Set<string>();
      for (let i = 0; i < flags.length; i += CHUNK) {
        const ids = flags.slice(i, i + CHUNK).map(f => f.requestId);
        for (const r of await tx(UNUSED).whereIn('request_id', ids))
          known.add(r.request_id);
      }
      const rows = flags
        .filter(f => !known.has(f.requestId))
        .map(f => ({
          request_id: f.requestId,
          product: f.product,
          flagged_at: now,
          notified_at: null,
        }));
      for (let i = 0; i < rows.length; i += CHUNK) {
        // a concurrent instance may have flagged it meanwhile: it notifies
        await tx(UNUSED)
          .insert(rows.slice(i, i + CHUNK))
          .onConflict('request_id')
          .ignore();
      }
      fresh.push(...rows.map(r => r.request_id));
    });
    return fresh;
  }

  /** Claim the owners' notification of a flag: true for exactly one caller. */
  async claimNotification(requestId: string, now: number): Promise<boolean> {
    const n = await this.db(UNUSED)
      .where({ request_id: requestId })
      .whereNull('notified_at')
      .update({ notified_at: now });
    return n === 1;
  }

  /** Clear flags of requests that were read again (a later lapse is flagged anew). */
  async clearUnused(requestIds: string[]): Promise<void> {
    for (let i = 0; i < requestIds.length; i += CHUNK) {
      await this.db(UNUSED)
        .whereIn('request_id', requestIds.slice(i, i + CHUNK))
        .delete();
    }
  }

  /** Flagged request ids of a product, with when they were flagged. */
  async unused(product: string): Promise<Map<string, number>> {
    const rows = await this.db(UNUSED).where({ product });
    return new Map(rows.map(r => [r.request_id, Number(r.flagged_at)]));
  }
}

function toRow(u: DailyUsage) {
  return {
    product: u.product,
    reader: u.reader,
    day: u.day,
    reads: u.reads,
    last_read_at: u.lastReadAt ?? null,
    source: u.source,
  };
}

function fromRow(r: any): DailyUsage {
  return {
    product: r.product,
    reader: r.reader,
    day: r.day,
    reads: Number(r.reads),
    lastReadAt: num(r.last_read_at),
    source: r.source,
  };
}
