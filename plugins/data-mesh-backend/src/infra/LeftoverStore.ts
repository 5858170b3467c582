/*
 * The portal's memory of what products left behind (tables of migration
 * 20270110000000_leftovers_seen): what the leftovers watch last found, and
 * the products whose leftovers are kept on purpose. The store only
 * persists; the notification claim is a conditional update, so with several
 * instances on one database each leftover is told by one of them.
 */
import type {
  LeftoverKeep,
  LeftoverSeenItem,
} from '@datamesh/plugin-data-mesh-common';
import type { Knex } from 'knex';

const TABLE = 'data_mesh_leftovers_seen';
const KEPT = 'data_mesh_leftovers_kept';

/** A product whose leftovers are kept on purpose; `at` in epoch milliseconds. @public */
export type KeptLeftovers = Omit<LeftoverKeep, 'at'> & { at: number };

/** A schema or role left behind: the API's item, times as epoch milliseconds. @public */
export type LeftoverSeen = Omit<
  LeftoverSeenItem,
  'firstSeenAt' | 'notifiedAt'
> & {
  firstSeenAt: number;
  notifiedAt?: number;
};

export type LeftoverKey = Pick<LeftoverSeen, 'product' | 'kind' | 'name'>;

/** One string per leftover, for sets and maps. */
export const leftoverKey = (l: LeftoverKey) =>
  `${l.product}|${l.kind}|${l.name}`;

const keyOf = (l: LeftoverKey) => ({
  product: l.product,
  kind: l.kind,
  name: l.name,
});

function toSeen(row: any): LeftoverSeen {
  return {
    product: row.product,
    kind: row.kind,
    name: row.name,
    productInCatalog: Boolean(row.product_in_catalog),
    firstSeenAt: Number(row.first_seen_at),
    ...(row.notified_at === null || row.notified_at === undefined
      ? {}
      : { notifiedAt: Number(row.notified_at) }),
  };
}

/** @public */
export class LeftoverStore {
  constructor(private readonly db: Knex) {}

  /** Every leftover seen and not gone since, by product, kind and name. */
  async list(): Promise<LeftoverSeen[]> {
    return (await this.db(TABLE).orderBy(['product', 'kind', 'name'])).map(
      toSeen,
    );
  }

  /**
   * Leftovers found: a new one is first seen `now`; one seen before keeps
   * its first sighting and takes the product's place in the catalog as
   * found now (a product may come back, or go).
   */
  async seen(
    leftovers: Omit<LeftoverSeen, 'firstSeenAt' | 'notifiedAt'>[],
    now: number,
  ): Promise<void> {
    const rows = leftovers.map(l => ({
      ...keyOf(l),
      product_in_catalog: l.productInCatalog,
      first_seen_at: now,
    }));
    // in slices: SQLite binds at most 999 values per statement
    for (let i = 0; i < rows.length; i += 100) {
      await this.db(TABLE)
        .insert(rows.slice(i, i + 100))
        .onConflict(['product', 'kind', 'name'])
        .merge(['product_in_catalog']);
    }
  }

  /** Leftovers no longer found (dropped, or declared again): forgotten. */
  async forget(leftovers: LeftoverKey[]): Promise<void> {
    for (const l of leftovers) await this.db(TABLE).where(keyOf(l)).delete();
  }

  /** Claims the telling of `leftovers`: those this instance is to tell (not told yet, not claimed by another). */
  async claimNotifications(
    leftovers: LeftoverKey[],
    now: number,
  ): Promise<LeftoverKey[]> {
    const claimed: LeftoverKey[] = [];
    for (const l of leftovers) {
      const n = await this.db(TABLE)
        .where(keyOf(l))
        .whereNull('notified_at')
        .update({ notified_at: now });
      if (n === 1) claimed.push(keyOf(l));
    }
    return claimed;
  }

  /** The products whose leftovers are kept, by product. */
  async kept(): Promise<KeptLeftovers[]> {
    return (await this.db(KEPT).orderBy('product')).map(row => ({
      product: row.product,
      by: row.kept_by,
      at: Number(row.kept_at),
      reason: row.reason,
    }));
  }

  /** Keeps a product's leftovers on purpose (a later decision replaces an earlier). */
  async keep(kept: KeptLeftovers): Promise<void> {
    await this.db(KEPT)
      .insert({
        product: kept.product,
        kept_by: kept.by,
        kept_at: kept.at,
        reason: kept.reason,
      })
      .onConflict('product')
      .merge();
  }

  /** No longer keeps a product's leftovers: whether they were kept. */
  async stopKeeping(product: string): Promise<boolean> {
    return (await this.db(KEPT).where({ product }).delete()) > 0;
  }

  /** The telling failed: the next check tries again. */
  async releaseNotifications(leftovers: LeftoverKey[]): Promise<void> {
    for (const l of leftovers) {
      await this.db(TABLE).where(keyOf(l)).update({ notified_at: null });
    }
  }
}
