/*
 * Deprecation records and the lifecycle audit trail (tables of migration
 * 20261220000000_lifecycle). The audit trail is never deleted: it is what
 * remains of a retired product.
 */
import {
  type DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { ProductLifecycleState } from '@datamesh/plugin-data-mesh-common';
import type { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@datamesh/plugin-data-mesh-backend',
  'migrations',
);

const RECORDS = 'data_mesh_lifecycle';
const AUDIT = 'data_mesh_lifecycle_audit';

/** @public */
export interface LifecycleRecord {
  product: string;
  state: ProductLifecycleState;
  owner?: string;
  retireAt: number;
  successor?: string;
  reason?: string;
  acceptRequests: boolean;
  deprecatedBy: string;
  deprecatedAt: number;
  retiredAt?: number;
  archiveDropAfter?: number;
  archiveDroppedAt?: number;
  /** The entity as it was when retirement started (JSON). */
  entity?: unknown;
}

/** @public */
export interface LifecycleAuditRecord {
  product: string;
  at: number;
  actor: string;
  action: string;
  detail?: Record<string, unknown>;
}

const num = (v: unknown) =>
  v === null || v === undefined ? undefined : Number(v);
const opt = (v: unknown) =>
  v === null || v === undefined ? undefined : String(v);

function toRecord(row: any): LifecycleRecord {
  return {
    product: row.product,
    state: row.state,
    owner: opt(row.owner),
    retireAt: Number(row.retire_at),
    successor: opt(row.successor),
    reason: opt(row.reason),
    acceptRequests: Boolean(row.accept_requests),
    deprecatedBy: row.deprecated_by,
    deprecatedAt: Number(row.deprecated_at),
    retiredAt: num(row.retired_at),
    archiveDropAfter: num(row.archive_drop_after),
    archiveDroppedAt: num(row.archive_dropped_at),
    entity: row.entity ? JSON.parse(row.entity) : undefined,
  };
}

/**
 * Told of each audit entry once it is committed: every entry of a
 * product's audit trail (deprecation, retirement steps, applies, repairs,
 * sandboxes) goes through this store, so this sees all of them (the
 * product audit events are published from it). It must not throw.
 */
export type ProductAuditListener = (
  entry: LifecycleAuditRecord,
) => Promise<void>;

/**
 * Called inside the transaction of each audit entry: what it writes (the
 * entry's event, into the outbox) commits or rolls back with it.
 */
export type ProductAuditJournal = (
  tx: Knex.Transaction,
  entry: LifecycleAuditRecord,
) => Promise<void>;

/** What the store tells of its audit entries, in and after their transaction. */
export interface ProductAuditHooks {
  onAudit?: ProductAuditListener;
  inTransaction?: ProductAuditJournal;
}

/** @public */
export class LifecycleStore {
  static async create(
    database: DatabaseService | { getClient(): Promise<Knex> },
    options: ProductAuditHooks = {},
  ): Promise<LifecycleStore> {
    const knex = await database.getClient();
    if (!(database as DatabaseService).migrations?.skip) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new LifecycleStore(knex, options);
  }

  constructor(
    private readonly db: Knex,
    private readonly hooks: ProductAuditHooks = {},
  ) {}

  /** The entry's row, and what the journal keeps with it, in `tx`. */
  private async writeAudit(
    tx: Knex.Transaction,
    entry: LifecycleAuditRecord,
  ): Promise<void> {
    await tx(AUDIT).insert(auditRow(entry));
    await this.hooks.inTransaction?.(tx, entry);
  }

  async get(product: string): Promise<LifecycleRecord | undefined> {
    const row = await this.db(RECORDS).where('product', product).first();
    return row ? toRecord(row) : undefined;
  }

  /** Records in a state, e.g. retired ones whose archive is due. */
  async list(state?: ProductLifecycleState): Promise<LifecycleRecord[]> {
    const q = this.db(RECORDS).orderBy('product');
    if (state) q.where('state', state);
    return (await q).map(toRecord);
  }

  /** Create or replace the deprecation of a live or deprecated product (never of one being retired). */
  async deprecate(
    record: Omit<LifecycleRecord, 'state'>,
    audit: Omit<LifecycleAuditRecord, 'product'>,
  ): Promise<boolean> {
    const entry = { ...audit, product: record.product };
    const done = await this.db.transaction(async tx => {
      const existing = await tx(RECORDS)
        .where('product', record.product)
        .first();
      if (existing && existing.state !== 'deprecated') return false;
      const row = {
        product: record.product,
        state: 'deprecated',
        owner: record.owner ?? null,
        retire_at: record.retireAt,
        successor: record.successor ?? null,
        reason: record.reason ?? null,
        accept_requests: record.acceptRequests,
        deprecated_by: record.deprecatedBy,
        deprecated_at: record.deprecatedAt,
      };
      if (existing)
        await tx(RECORDS).where('product', record.product).update(row);
      else await tx(RECORDS).insert(row);
      await this.writeAudit(tx, entry);
      return true;
    });
    if (done) await this.hooks.onAudit?.(entry);
    return done;
  }

  /** Change columns of a record in one of `from`, with an audit entry. */
  async update(
    product: string,
    from: ProductLifecycleState[],
    patch: Partial<
      Pick<
        LifecycleRecord,
        | 'state'
        | 'retiredAt'
        | 'archiveDropAfter'
        | 'archiveDroppedAt'
        | 'entity'
      >
    >,
    audit: Omit<LifecycleAuditRecord, 'product'>,
  ): Promise<boolean> {
    const entry = { ...audit, product };
    const done = await this.db.transaction(async tx => {
      const columns: Record<string, unknown> = {};
      if (patch.state) columns.state = patch.state;
      if (patch.retiredAt !== undefined) columns.retired_at = patch.retiredAt;
      if (patch.archiveDropAfter !== undefined)
        columns.archive_drop_after = patch.archiveDropAfter;
      if (patch.archiveDroppedAt !== undefined)
        columns.archive_dropped_at = patch.archiveDroppedAt;
      if (patch.entity !== undefined)
        columns.entity = JSON.stringify(patch.entity);
      const q = tx(RECORDS).where('product', product).whereIn('state', from);
      const updated = Object.keys(columns).length
        ? await q.update(columns)
        : (await q).length;
      if (updated !== 1) return false;
      await this.writeAudit(tx, entry);
      return true;
    });
    if (done) await this.hooks.onAudit?.(entry);
    return done;
  }

  async audit(product: string): Promise<LifecycleAuditRecord[]> {
    const rows = await this.db(AUDIT).where('product', product).orderBy('id');
    return rows.map(r => ({
      product: r.product,
      at: Number(r.at),
      actor: r.actor,
      action: r.action,
      detail: r.detail ? JSON.parse(r.detail) : undefined,
    }));
  }

  async addAudit(entry: LifecycleAuditRecord): Promise<void> {
    await this.db.transaction(tx => this.writeAudit(tx, entry));
    await this.hooks.onAudit?.(entry);
  }
}

function auditRow(e: LifecycleAuditRecord) {
  return {
    product: e.product,
    at: e.at,
    actor: e.actor,
    action: e.action,
    detail: e.detail ? JSON.stringify(e.detail) : null,
  };
}
