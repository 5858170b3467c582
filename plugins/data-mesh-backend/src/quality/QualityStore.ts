/*
 * Persistence of data-quality results (knex; SQLite and PostgreSQL): one
 * row per check and run (migration 20270111000000_quality_results). The
 * latest result of each check is found by SQL aggregation, not by reading
 * the history; the history is read per product, bounded by time.
 */
import {
  type DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

const TABLE = 'data_mesh_quality_results';
const PRODUCTS = 'data_mesh_quality_products';

/** Rows per statement: SQLite allows 999 variables per statement in old builds. */
const CHUNK = 100;

const migrationsDir = resolvePackagePath(
  '@datamesh/plugin-data-mesh-backend',
  'migrations',
);

/** What a product's latest run left failing; times epoch ms. @public */
export interface ProductQualitySummary {
  product: string;
  owner?: string;
  checkedAt: number;
  /** Keys of blocking checks that failed or could not be measured. */
  failing: string[];
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
    }));
    for (let i = 0; i < rows.length; i += CHUNK) {
      await this.db(TABLE)
        .insert(rows.slice(i, i + CHUNK))
        .onConflict(['product', 'check_key', 'checked_at'])
        .ignore();
    }
  }

  /**
   * The latest result of every check of `products` (all products when
   * omitted), by product and check key.
   */
  async latest(
    products?: string[],
  ): Promise<Map<string, Map<string, QualityResultRecord>>> {
    const out = new Map<string, Map<string, QualityResultRecord>>();
    const slices =
      products === undefined
        ? [undefined]
        : Array.from({ length: Math.ceil(products.length / CHUNK) }, (_, i) =>
            products.slice(i * CHUNK, (i + 1) * CHUNK),
          );
    for (const slice of slices) {
      const newest = this.db(TABLE)
        .select('product', 'check_key')
        .max({ at: 'checked_at' })
        .groupBy('product', 'check_key');
      if (slice) newest.whereIn('product', slice);
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
   * What each product's latest run left failing (blocking checks failed or
   * not measured). With `replaceAll` (a run over every product), products
   * not listed are forgotten: they have no checks any more, or are gone.
   */
  async summarize(
    products: ProductQualitySummary[],
    options: { replaceAll: boolean },
  ): Promise<void> {
    await this.db.transaction(async tx => {
      if (options.replaceAll) await tx(PRODUCTS).delete();
      const rows = products.map(p => ({
        product: p.product,
        owner: p.owner?.toLowerCase() ?? null,
        checked_at: p.checkedAt,
        failing: JSON.stringify(p.failing),
      }));
      for (let i = 0; i < rows.length; i += CHUNK) {
        await tx(PRODUCTS)
          .insert(rows.slice(i, i + CHUNK))
          .onConflict('product')
          .merge();
      }
    });
  }

  /** The products of these owners whose latest run left something failing. */
  async failingOwnedBy(owners: string[]): Promise<ProductQualitySummary[]> {
    if (!owners.length) return [];
    const rows = await this.db(PRODUCTS)
      .whereIn(
        'owner',
        owners.map(o => o.toLowerCase()),
      )
      .andWhereNot('failing', '[]')
      .orderBy('product');
    return rows.map(r => ({
      product: r.product,
      ...(r.owner ? { owner: r.owner } : {}),
      checkedAt: Number(r.checked_at),
      failing: JSON.parse(r.failing),
    }));
  }

  /** Forget results older than `before`; returns how many. */
  async prune(before: number): Promise<number> {
    return this.db(TABLE).where('checked_at', '<', before).delete();
  }
}
