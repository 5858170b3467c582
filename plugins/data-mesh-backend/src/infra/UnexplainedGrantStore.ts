/*
 * Grants made by hand the unexplained-grants watch has seen (table of
 * migration 20270104000000_unexplained_grants). The store only persists;
 * the notification claim is a conditional update, so with several
 * instances on one database each grant is told by one of them.
 */
import {
  type UnexplainedGrantItem,
  membershipKey,
} from '@datamesh/plugin-data-mesh-common';
import type { Knex } from 'knex';

const TABLE = 'data_mesh_unexplained_grants';

/**
 * A role holding one of a product's roles that no access request explains:
 * the API's item (its fields and their meaning), times as epoch milliseconds.
 * @public
 */
export type UnexplainedGrant = Omit<
  UnexplainedGrantItem,
  'firstSeenAt' | 'notifiedAt'
> & {
  firstSeenAt: number;
  notifiedAt?: number;
};

export type GrantKey = Pick<
  UnexplainedGrant,
  'product' | 'role' | 'member' | 'memberKind'
>;

/** One string per grant, for sets and maps: the product's, and the membership's key. */
export const grantKey = (g: GrantKey) => `${g.product}|${membershipKey(g)}`;

/** A grant's key as stored: its row. */
const keyOf = (g: GrantKey) => ({
  product: g.product,
  role: g.role,
  member_kind: g.memberKind ?? 'role',
  member: g.member,
});

/** A stored key as the service knows it. */
const grantKeyOf = (g: GrantKey): GrantKey => ({
  product: g.product,
  role: g.role,
  member: g.member,
  ...(g.memberKind ? { memberKind: g.memberKind } : {}),
});

function toGrant(row: any): UnexplainedGrant {
  return {
    product: row.product,
    role: row.role,
    member: row.member,
    ...(row.member_kind === 'user' ? { memberKind: 'user' as const } : {}),
    ...(row.consumer ? { consumer: row.consumer } : {}),
    personalData: Boolean(row.personal_data),
    firstSeenAt: Number(row.first_seen_at),
    ...(row.notified_at === null || row.notified_at === undefined
      ? {}
      : { notifiedAt: Number(row.notified_at) }),
  };
}

/** @public */
export class UnexplainedGrantStore {
  constructor(private readonly db: Knex) {}

  /** Every grant seen and not gone since, or those of `products` (lower-case refs). */
  async list(products?: string[]): Promise<UnexplainedGrant[]> {
    const q = this.db(TABLE).orderBy([
      'product',
      'role',
      'member_kind',
      'member',
    ]);
    if (products) q.whereIn('product', products);
    return (await q).map(toGrant);
  }

  /** Grants found for the first time; one seen already keeps its first sighting. */
  async seen(
    grants: Omit<UnexplainedGrant, 'firstSeenAt' | 'notifiedAt'>[],
    now: number,
  ): Promise<void> {
    const rows = grants.map(g => ({
      ...keyOf(g),
      consumer: g.consumer ?? null,
      personal_data: g.personalData,
      first_seen_at: now,
    }));
    // in slices: SQLite binds at most 999 values per statement
    for (let i = 0; i < rows.length; i += 100) {
      await this.db(TABLE)
        .insert(rows.slice(i, i + 100))
        .onConflict(['product', 'role', 'member_kind', 'member'])
        .ignore();
    }
  }

  /** Grants no longer found: forgotten, so that one made anew is told again. */
  async forget(grants: GrantKey[]): Promise<void> {
    for (const g of grants) await this.db(TABLE).where(keyOf(g)).delete();
  }

  /** Claim the telling of `grants`: those this instance is to tell (not told yet, not claimed by another). */
  async claimNotifications(
    grants: GrantKey[],
    now: number,
  ): Promise<GrantKey[]> {
    const claimed: GrantKey[] = [];
    for (const g of grants) {
      const n = await this.db(TABLE)
        .where(keyOf(g))
        .whereNull('notified_at')
        .update({ notified_at: now });
      if (n === 1) claimed.push(grantKeyOf(g));
    }
    return claimed;
  }

  /** The telling failed: the next check tries again. */
  async releaseNotifications(grants: GrantKey[]): Promise<void> {
    for (const g of grants) {
      await this.db(TABLE).where(keyOf(g)).update({ notified_at: null });
    }
  }
}
