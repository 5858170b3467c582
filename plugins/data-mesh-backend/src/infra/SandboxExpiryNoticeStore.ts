/*
 * Sandboxes whose owners were told that they expire soon (table of
 * migration 20270109000000_sandbox_expiry_notices): one row per product,
 * branch and start of the sandbox's time (made, or last kept). The primary key makes the telling
 * once-only across runs and replicas; the store only persists.
 */
import type { Knex } from 'knex';

const TABLE = 'data_mesh_sandbox_expiry_notices';

/**
 * A sandbox's time: its product, branch, and when the time started (made,
 * or last kept), as its marker records it (ISO).
 */
export interface SandboxTime {
  product: string;
  branch: string;
  since: string;
}

/** @public */
export class SandboxExpiryNoticeStore {
  constructor(private readonly db: Knex) {}

  /**
   * Claims the telling of `sandbox`'s coming expiry at `now`: `first` for
   * the one caller that is first; else when it was told (or is being told).
   */
  async claimWarning(
    sandbox: SandboxTime,
    now: number,
  ): Promise<{ first: boolean; warnedAt: number }> {
    const key = {
      product: sandbox.product,
      branch: sandbox.branch,
      since: sandbox.since,
    };
    try {
      await this.db(TABLE).insert({ ...key, warned_at: now });
      return { first: true, warnedAt: now };
    } catch (e) {
      // told before (or by another replica just now): the key is taken
      const told = await this.db(TABLE).where(key).first();
      if (!told) throw e;
      return { first: false, warnedAt: Number(told.warned_at) };
    }
  }

  /** A telling that did not reach anyone: the next round tries again. */
  async releaseWarning(sandbox: SandboxTime): Promise<void> {
    await this.db(TABLE)
      .where({
        product: sandbox.product,
        branch: sandbox.branch,
        since: sandbox.since,
      })
      .delete();
  }

  /** Forgets the sandboxes whose time started before `before` (ISO): long deleted. */
  async prune(before: string): Promise<number> {
    return this.db(TABLE).where('since', '<', before).delete();
  }
}
