/*
 * Sandbox creations under way (table of migration
 * 20270107000000_sandbox_claims): one row per product and branch while an
 * instance copies it. The primary key makes the claim atomic across
 * replicas; the store only persists, SandboxCreation decides.
 */
import type { Knex } from 'knex';

const TABLE = 'data_mesh_sandbox_claims';

/** A claim is refreshed this often while its copy goes on. */
export const SANDBOX_CLAIM_REFRESH_MS = 30_000;

/** A claim not refreshed for this long is an instance that died: taken over, no longer listed. */
export const SANDBOX_CLAIM_STALE_MS = 3 * 60_000;

/** Who holds a branch's creation, since when (epoch milliseconds). */
export interface SandboxClaimHolder {
  by: string;
  since: number;
}

/** @public */
export class SandboxClaimStore {
  constructor(private readonly db: Knex) {}

  /**
   * Claims the branch's creation for `by`: undefined when claimed, else who
   * holds it. A claim not refreshed since `staleBefore` (its instance died)
   * is taken over.
   */
  async claim(c: {
    product: string;
    branch: string;
    by: string;
    now: number;
    staleBefore: number;
  }): Promise<SandboxClaimHolder | undefined> {
    const key = { product: c.product, branch: c.branch };
    await this.db(TABLE)
      .where(key)
      .where('alive_at', '<', c.staleBefore)
      .delete();
    try {
      await this.db(TABLE).insert({
        ...key,
        requested_by: c.by,
        started_at: c.now,
        alive_at: c.now,
      });
      return undefined;
    } catch (e) {
      // another instance (or request) claimed it first: the key is taken
      const row = await this.db(TABLE).where(key).first();
      if (!row) throw e;
      return { by: row.requested_by, since: Number(row.started_at) };
    }
  }

  /** The copy goes on: the claim stays fresh. */
  async refresh(product: string, branch: string, now: number): Promise<void> {
    await this.db(TABLE).where({ product, branch }).update({ alive_at: now });
  }

  /** The product's creations under way, refreshed since `staleBefore`, oldest first. */
  async ofProduct(
    product: string,
    staleBefore: number,
  ): Promise<Array<SandboxClaimHolder & { branch: string }>> {
    const rows = await this.db(TABLE)
      .where({ product })
      .where('alive_at', '>=', staleBefore)
      .orderBy('started_at');
    return rows.map(r => ({
      branch: r.branch,
      by: r.requested_by,
      since: Number(r.started_at),
    }));
  }

  async release(product: string, branch: string): Promise<void> {
    await this.db(TABLE).where({ product, branch }).delete();
  }
}
