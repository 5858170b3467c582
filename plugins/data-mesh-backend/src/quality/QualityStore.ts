/*
 * Persistence of data-quality results (knex; SQLite and PostgreSQL): one
 * row per check and run (migrations 20270111000000_quality_results and
 * 20270112000000_quality_reported: who measured a reported one). The
 * latest result of each check is found by SQL aggregation, not by reading
 * the history; the history is read per product, bounded by time.
 */
import {
  type DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { QualityMeasuredBy } from '@datamesh/plugin-data-mesh-common';
import type { Knex } from 'knex';

const TABLE = 'data_mesh_quality_results';
const PRODUCTS = 'data_mesh_quality_products';

/** Rows per statement: SQLite allows 999 variables per statement in old builds. */
const CHUNK = 100;

const migrationsDir = resolvePackagePath(
  '@datamesh/plugin-data-mesh-backend',
  'migrations',
);

/**
 * Where a product's checks stand by their latest results; times epoch ms.
 * @public
 */
export interface ProductQualitySummary {
  product: string;
  owner?: string;
  /** When the newest of those results was measured. */
  checkedAt: number;
  /** Checks with a result; a product with none has no summary. */
  checks: number;
  /** Keys of blocking checks that failed or could not be measured. */
  failing: string[];
  /** Keys of warnings (not blocking) that failed or could not be measured. */
  warnings: string[];
}

/** A measured check's result as stored; times epoch ms. @public */
export interface QualityResultRecord {
  product: string;
  checkKey: string;
  checkedAt: number;
  status: 'passed' | 'failed' | 'error';
  value?: number;
  rows?: number;
  message?: string;
  /** Measured elsewhere and reported; absent when the portal measured it. */
  measuredBy?: QualityMeasuredBy;
}

const num = (v: unknown) =>
  v === null || v === undefined ? undefined : Number(v);

function toRecord(row: any): QualityResultRecord {
  const value = num(row.value);
  const rows = num(row.row_count);
  return {
    product: row.product,
    checkKey: row.check_key,
    checkedAt: Number(row.checked_at),
    status: row.status,
    ...(value !== undefined ? { value } : {}),
    ...(rows !== undefined ? { rows } : {}),
    ...(row.message ? { message: row.message } : {}),
    ...(row.source
      ? {
          measuredBy: {
            source: row.source,
            actor: row.actor ?? 'unknown',
            ...(row.reference ? { reference: row.reference } : {}),
          },
        }
      : {}),
  };
}

function toSummary(row: any): ProductQualitySummary {
  return {
    product: row.product,
    ...(row.owner ? { owner: row.owner } : {}),
    checkedAt: Number(row.checked_at),
    // rows written before the counts were kept: at least the failing ones
    checks: row.checks ?? JSON.parse(row.failing).length,
    failing: JSON.parse(row.failing),
    warnings: row.warnings ? JSON.parse(row.warnings) : [],
  };
}

/** @public */
export class QualityStore {
  static async create(
    database: DatabaseService | { getClient(): Promise<Knex> },
  ): Promise<QualityStore> {
    const knex = await database.getClient();
    if (!(database as DatabaseService).migrations?.skip) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new QualityStore(knex);
  }

  constructor(private readonly db: Knex) {}

  /** Results of one run (a result already recorded for the same check and time is kept). */
  async record(results: QualityResultRecord[]): Promise<void> {
    const rows = results.map(r => ({
      product: r.product,
      check_key: r.checkKey,
      checked_at: r.checkedAt,
      status: r.status,
      value: r.value ?? null,
      row_count: r.rows ?? null,
      message: r.message?.slice(0, 2000) ?? null,
      source: r.measuredBy?.source ?? null,
      actor: r.measuredBy?.actor.slice(0, 255) ?? null,
      reference: r.measuredBy?.reference?.slice(0, 500) ?? null,
    }));
    for (let i = 0; i < rows.length; i += CHUNK) {
      await this.db(TABLE)
        .insert(rows.slice(i, i + CHUNK))
        .onConflict(['product', 'check_key', 'checked_at'])
        .ignore();
    }
  }

  /** The latest result of every check of `products`, by product and check key. */
  async latest(
    products: string[],
  ): Promise<Map<string, Map<string, QualityResultRecord>>> {
    const out = new Map<string, Map<string, QualityResultRecord>>();
    for (let i = 0; i < products.length; i += CHUNK) {
      const slice = products.slice(i, i + CHUNK);
      const newest = this.db(TABLE)
        .select('product', 'check_key')
        .max({ at: 'checked_at' })
        .whereIn('product', slice)
        .groupBy('product', 'check_key');
      const rows = await this.db(`${TABLE} as r`)
        .join(newest.as('n'), join =>
          join
            .on('r.product', 'n.product')
            .andOn('r.check_key', 'n.check_key')
            .andOn('r.checked_at', 'n.at'),
        )
        .select('r.*');
      for (const row of rows) {
        const record = toRecord(row);
        const of = out.get(record.product) ?? new Map();
        out.set(record.product, of);
        of.set(record.checkKey, record);
      }
    }
    return out;
  }

  /** The results of one product's checks since `since`, oldest first. */
  async history(
    product: string,
    since: number,
  ): Promise<QualityResultRecord[]> {
    return (
      await this.db(TABLE)
        .where('product', product)
        .andWhere('checked_at', '>=', since)
        .orderBy(['check_key', 'checked_at'])
    ).map(toRecord);
  }

  /**
   * Where products' checks stand now. A product with no checks any more
   * loses its summary; with `replaceAll` (a run over every product),
   * products not listed are forgotten too: they have no checks, or are gone.
   */
  async summarize(
    products: ProductQualitySummary[],
    options: { replaceAll: boolean },
  ): Promise<void> {
    await this.db.transaction(async tx => {
      if (options.replaceAll) await tx(PRODUCTS).delete();
      const none = products.filter(p => !p.checks).map(p => p.product);
      for (let i = 0; i < none.length; i += CHUNK) {
        await tx(PRODUCTS)
          .whereIn('product', none.slice(i, i + CHUNK))
          .delete();
      }
      const rows = products
        .filter(p => p.checks)
        .map(p => ({
          product: p.product,
          owner: p.owner?.toLowerCase() ?? null,
          checked_at: p.checkedAt,
          checks: p.checks,
          failing: JSON.stringify(p.failing),
          warnings: JSON.stringify(p.warnings),
        }));
      for (let i = 0; i < rows.length; i += CHUNK) {
        await tx(PRODUCTS)
          .insert(rows.slice(i, i + CHUNK))
          .onConflict('product')
          .merge();
      }
    });
  }

  /** The products of these owners whose checks stand failing. */
  async failingOwnedBy(owners: string[]): Promise<ProductQualitySummary[]> {
    if (!owners.length) return [];
    const rows = await this.db(PRODUCTS)
      .whereIn(
        'owner',
        owners.map(o => o.toLowerCase()),
      )
      .andWhereNot('failing', '[]')
      .orderBy('product');
    return rows.map(toSummary);
  }

  /** Every product with checks, where they stand: the data products list. */
  async summaries(): Promise<ProductQualitySummary[]> {
    return (await this.db(PRODUCTS).orderBy('product')).map(toSummary);
  }

  /** Forget results older than `before`; returns how many. */
  async prune(before: number): Promise<number> {
    return this.db(TABLE).where('checked_at', '<', before).delete();
  }
}
