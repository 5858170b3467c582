/*
 * Changes of branches' sandboxes under way (table of migrations
 * 20270107000000_sandbox_claims and 20270108000000_sandbox_claims_outside):
 * one row per product and branch while someone — the portal, a pipeline, a
 * template step — makes or drops its sandbox. The primary key makes the
 * claim atomic across replicas; each claim is refreshed and ended by its
 * own id, so a holder that went stale cannot end its successor's. The store
 * only persists; SandboxClaims decides.
 */
import type { Knex } from 'knex';
import type {
  InfrastructureChangeSource,
  SandboxChange,
} from '@datamesh/plugin-data-mesh-common';

const TABLE = 'data_mesh_sandbox_claims';

/** A claim is refreshed this often while its change goes on. */
export const SANDBOX_CLAIM_REFRESH_MS = 30_000;

/** A claim not refreshed for this long is a holder that stopped: taken over, no longer listed. */
export const SANDBOX_CLAIM_STALE_MS = 3 * 60_000;

/** A branch's claim: who holds it since when (epoch milliseconds), for what. */
export interface SandboxClaimRow {
  id: string;
  product: string;
  branch: string;
  by: string;
  since: number;
  change: SandboxChange;
  source?: InfrastructureChangeSource;
  reference?: string;
}

const rowOf = (r: any): SandboxClaimRow => ({
  id: r.claim_id ?? '',
  product: r.product,
  branch: r.branch,
  by: r.requested_by,
  since: Number(r.started_at),
  change: r.change,
  ...(r.source ? { source: r.source } : {}),
  ...(r.reference ? { reference: r.reference } : {}),
});

/** @public */
export class SandboxClaimStore {
  constructor(private readonly db: Knex) {}

  /**
   * Claims the branch for `claim`: undefined when taken, else the claim
   * that holds it. A claim not refreshed since `staleBefore` (its holder
   * stopped) is taken over.
   */
  async claim(
    claim: SandboxClaimRow & { staleBefore: number },
  ): Promise<SandboxClaimRow | undefined> {
    const key = { product: claim.product, branch: claim.branch };
    await this.db(TABLE)
      .where(key)
      .where('alive_at', '<', claim.staleBefore)
      .delete();
    try {
      await this.db(TABLE).insert({
        ...key,
        claim_id: claim.id,
        requested_by: claim.by,
        started_at: claim.since,
        alive_at: claim.since,
        change: claim.change,
        source: claim.source ?? null,
        reference: claim.reference ?? null,
      });
      return undefined;
    } catch (e) {
      // another replica (or request) claimed it first: the key is taken
      const row = await this.db(TABLE).where(key).first();
      if (!row) throw e;
      return rowOf(row);
    }
  }

  /** The change goes on: the claim stays fresh. False when it is no longer held. */
  async refresh(product: string, id: string, now: number): Promise<boolean> {
    const n = await this.db(TABLE)
      .where({ product, claim_id: id })
      .update({ alive_at: now });
    return n > 0;
  }

  /** A claim by its id, while held (refreshed since `staleBefore`). */
  async get(
    product: string,
    id: string,
    staleBefore: number,
  ): Promise<SandboxClaimRow | undefined> {
    const row = await this.db(TABLE)
      .where({ product, claim_id: id })
      .where('alive_at', '>=', staleBefore)
      .first();
    return row ? rowOf(row) : undefined;
  }

  /** The product's claims held (refreshed since `staleBefore`), oldest first. */
  async ofProduct(
    product: string,
    staleBefore: number,
  ): Promise<SandboxClaimRow[]> {
    const rows = await this.db(TABLE)
      .where({ product })
      .where('alive_at', '>=', staleBefore)
      .orderBy('started_at');
    return rows.map(rowOf);
  }

  async release(product: string, id: string): Promise<void> {
    await this.db(TABLE).where({ product, claim_id: id }).delete();
  }
}
