/*
 * Persistence of the Changes timeline (knex; SQLite and PostgreSQL): per
 * product the head (the last revision's entity, to compare the next one
 * with) and the revisions with their classified changes. Only stores and
 * reads; the reconciler decides what a revision is.
 *
 * Several instances may reconcile the same catalog at once. A new revision
 * is written with a conditional update of the head (`… WHERE revision = <the
 * one compared with>`) in the same transaction as its row, so of two
 * instances that saw the same change exactly one records it.
 */
import {
  type DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { SpecChange } from '@datamesh/plugin-data-mesh-common';
import type { Knex } from 'knex';

const HEADS = 'data_mesh_change_heads';
const REVISIONS = 'data_mesh_change_revisions';

const migrationsDir = resolvePackagePath(
  '@datamesh/plugin-data-mesh-backend',
  'migrations',
);

/** The head of a product without its entity: what a cycle compares hashes with. */
export interface ChangeHead {
  product: string;
  revision: number;
  entityHash: string;
}

/** A stored revision. Times are epoch milliseconds. */
export interface RevisionRecord {
  product: string;
  revision: number;
  version?: string;
  previousVersion?: string;
  ingestedAt: number;
  breaking: boolean;
  versionOk: boolean;
  versionMessage: string;
  changes: SpecChange[];
  /** Settled: sent to `recipients` entity refs (0 when nobody had active access). */
  notified?: { at: number; recipients: number };
}

/** What a new head holds: the compared parts of the entity and their hash. */
export interface HeadSnapshot {
  entityHash: string;
  entity: unknown;
  seenAt: number;
}

const text = (v: unknown) =>
  v === null || v === undefined ? undefined : String(v);

function toRecord(row: any): RevisionRecord {
  return {
    product: row.product,
    revision: Number(row.revision),
    version: text(row.version),
    previousVersion: text(row.previous_version),
    ingestedAt: Number(row.ingested_at),
    breaking: Boolean(row.breaking),
    versionOk: Boolean(row.version_ok),
    versionMessage: row.version_message,
    changes: JSON.parse(row.changes),
    notified:
      row.notified_at === null || row.notified_at === undefined
        ? undefined
        : {
            at: Number(row.notified_at),
            recipients: Number(row.notified_recipients ?? 0),
          },
  };
}

function revisionRow(r: Omit<RevisionRecord, 'notified'>) {
  return {
    product: r.product,
    revision: r.revision,
    version: r.version ?? null,
    previous_version: r.previousVersion ?? null,
    ingested_at: r.ingestedAt,
    breaking: r.breaking,
    version_ok: r.versionOk,
    version_message: r.versionMessage,
    changes: JSON.stringify(r.changes),
  };
}

/**
 * The Changes timeline's database.
 * @public
 */
export class ChangeStore {
  /** Run the plugin's migrations (shared with the SLO engine) and open the store. */
  static async create(
    database: DatabaseService | { getClient(): Promise<Knex> },
  ): Promise<ChangeStore> {
    const knex = await database.getClient();
    if (!(database as DatabaseService).migrations?.skip) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new ChangeStore(knex);
  }

  constructor(private readonly db: Knex) {}

  /** Every head by product, without the entities (one query per cycle). */
  async heads(): Promise<Map<string, ChangeHead>> {
    const rows = await this.db(HEADS).select(
      'product',
      'revision',
      'entity_hash',
    );
    return new Map(
      rows.map(r => [
        r.product,
        {
          product: r.product,
          revision: Number(r.revision),
          entityHash: r.entity_hash,
        },
      ]),
    );
  }

  /** One product's head without its entity. */
  async head(product: string): Promise<ChangeHead | undefined> {
    const row = await this.db(HEADS)
      .where('product', product)
      .first('revision', 'entity_hash');
    return row
      ? { product, revision: Number(row.revision), entityHash: row.entity_hash }
      : undefined;
  }

  /** The entity of a product's head, as stored; undefined when there is none. */
  async headEntity(
    product: string,
  ): Promise<{ revision: number; entity: unknown } | undefined> {
    const row = await this.db(HEADS)
      .where('product', product)
      .first('revision', 'entity');
    return row
      ? { revision: Number(row.revision), entity: JSON.parse(row.entity) }
      : undefined;
  }

  /**
   * Store the first revision of a product with its head. False, storing
   * nothing, when another instance stored a head for it first.
   */
  async recordFirst(
    revision: Omit<RevisionRecord, 'notified' | 'revision'>,
    head: HeadSnapshot,
  ): Promise<boolean> {
    try {
      await this.db.transaction(async tx => {
        await tx(HEADS).insert({
          product: revision.product,
          revision: 1,
          entity_hash: head.entityHash,
          entity: JSON.stringify(head.entity),
          seen_at: head.seenAt,
        });
        await tx(REVISIONS).insert(revisionRow({ ...revision, revision: 1 }));
      });
      return true;
    } catch (e) {
      // the primary key refused the head: another instance was first
      const exists = await this.db(HEADS)
        .where('product', revision.product)
        .first('product');
      if (exists) return false;
      throw e;
    }
  }

  /**
   * Store the revision after `previous` (its number is `previous + 1`) and
   * make it the head. False, storing nothing, when the head is no longer
   * `previous`: another instance recorded this change first.
   */
  async recordNext(
    previous: number,
    revision: Omit<RevisionRecord, 'notified' | 'revision'>,
    head: HeadSnapshot,
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      const moved = await tx(HEADS)
        .where({ product: revision.product, revision: previous })
        .update({
          revision: previous + 1,
          entity_hash: head.entityHash,
          entity: JSON.stringify(head.entity),
          seen_at: head.seenAt,
        });
      if (moved !== 1) return false;
      await tx(REVISIONS).insert(
        revisionRow({ ...revision, revision: previous + 1 }),
      );
      return true;
    });
  }

  /**
   * The entity changed in nothing a consumer sees (e.g. key order, or a
   * field the classifier ignores): keep comparing with the new one, without
   * a revision. False when the head moved meanwhile.
   */
  async replaceHead(
    product: string,
    revision: number,
    head: HeadSnapshot,
  ): Promise<boolean> {
    const n = await this.db(HEADS)
      .where({ product, revision })
      .update({
        entity_hash: head.entityHash,
        entity: JSON.stringify(head.entity),
        seen_at: head.seenAt,
      });
    return n === 1;
  }

  /** A product's revisions, newest first. */
  async list(product: string, limit = 200): Promise<RevisionRecord[]> {
    const rows = await this.db(REVISIONS)
      .where('product', product)
      .orderBy('revision', 'desc')
      .limit(limit);
    return rows.map(toRecord);
  }

  /**
   * The newest revision of every product, one query: the head names it, so
   * a join rather than a max per product.
   */
  async latest(): Promise<
    Pick<RevisionRecord, 'product' | 'revision' | 'version' | 'ingestedAt'>[]
  > {
    const rows = await this.db(`${REVISIONS} as r`)
      .join(`${HEADS} as h`, join =>
        join.on('h.product', 'r.product').andOn('h.revision', 'r.revision'),
      )
      .select('r.product', 'r.revision', 'r.version', 'r.ingested_at')
      .orderBy('r.product');
    return rows.map(row => ({
      product: row.product,
      revision: Number(row.revision),
      version: text(row.version),
      ingestedAt: Number(row.ingested_at),
    }));
  }

  /** Breaking revisions not notified yet whose claim is free (or older than `leaseMs`). */
  async dueForNotification(
    now: number,
    leaseMs: number,
  ): Promise<RevisionRecord[]> {
    const rows = await this.notifiable(
      this.db(REVISIONS).where('breaking', true),
      now,
      leaseMs,
    ).orderBy([
      { column: 'ingested_at', order: 'asc' },
      { column: 'product', order: 'asc' },
    ]);
    return rows.map(toRecord);
  }

  /** Claim the notification of a revision: true for exactly one caller. */
  async claimNotification(
    r: { product: string; revision: number },
    now: number,
    leaseMs: number,
  ): Promise<boolean> {
    const n = await this.notifiable(
      this.db(REVISIONS).where({ product: r.product, revision: r.revision }),
      now,
      leaseMs,
    ).update({ notify_claimed_at: now });
    return n === 1;
  }

  /** The notification was sent (or there was nobody to send it to). */
  async markNotified(
    r: { product: string; revision: number },
    now: number,
    recipients: number,
  ): Promise<void> {
    await this.db(REVISIONS)
      .where({ product: r.product, revision: r.revision })
      .update({ notified_at: now, notified_recipients: recipients });
  }

  /** Sending failed: free the claim, so the next cycle (of any instance) retries. */
  async releaseNotification(r: {
    product: string;
    revision: number;
  }): Promise<void> {
    await this.db(REVISIONS)
      .where({ product: r.product, revision: r.revision })
      .whereNull('notified_at')
      .update({ notify_claimed_at: null });
  }

  private notifiable(query: Knex.QueryBuilder, now: number, leaseMs: number) {
    return query
      .whereNull('notified_at')
      .where(q =>
        q
          .whereNull('notify_claimed_at')
          .orWhere('notify_claimed_at', '<', now - leaseMs),
      );
  }
}
