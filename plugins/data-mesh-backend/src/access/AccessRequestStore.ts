/*
 * Persistence of access requests (knex; SQLite and PostgreSQL): the request
 * rows and their append-only history. It only stores and reads; the rules
 * are the service's. A state change is one conditional UPDATE (`… WHERE
 * state IN (<allowed from-states>)`) plus its history row in a transaction,
 * so of two concurrent decisions exactly one changes the row.
 */
import {
  type DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  type AccessRequestState,
  ACCESS_GRANT_HOLDING_STATES,
  ACCESS_OPEN_STATES,
} from '@datamesh/plugin-data-mesh-common';
import type { Knex } from 'knex';
import {
  type AccessHistoryRecord,
  type AccessRequestFilter,
  type AccessRequestPatch,
  type AccessRequestRecord,
  historyRow,
  patchColumns,
  toHistoryRecord,
  toRecord,
} from './accessRecords';

export type {
  AccessHistoryRecord,
  AccessRequestFilter,
  AccessRequestPatch,
  AccessRequestRecord,
  FirstApprovalRecord,
  WarehousePending,
} from './accessRecords';

const REQUESTS = 'data_mesh_access_requests';
const HISTORY = 'data_mesh_access_history';
/** One row per consumer and port ever asked for: what new requests lock. */
const SLOTS = 'data_mesh_access_request_slots';

/** Ids per statement: SQLite allows 999 variables per statement in old builds. */
const CHUNK = 500;

const migrationsDir = resolvePackagePath(
  '@datamesh/plugin-data-mesh-backend',
  'migrations',
);

/** A history entry the store wrote, with its request's id. */
export interface WrittenHistoryEntry {
  requestId: string;
  entry: AccessHistoryRecord;
}

/**
 * Told of the history entries of each committed change, in order: every
 * change of a request writes one, so this sees all of them (the events of
 * access requests are published from it). It must not throw.
 */
export type AccessHistoryListener = (
  written: WrittenHistoryEntry[],
) => Promise<void>;

/**
 * Called inside the transaction of each change with the history entries
 * it writes: what it writes (the events the change causes, into the
 * outbox) commits or rolls back with the change.
 */
export type AccessHistoryJournal = (
  tx: Knex.Transaction,
  written: WrittenHistoryEntry[],
) => Promise<void>;

/**
 * The access requests' database.
 * @public
 */
export class AccessRequestStore {
  /** Run the plugin's migrations (shared with the SLO engine) and open the store. */
  static async create(
    database: DatabaseService | { getClient(): Promise<Knex> },
    options: {
      onHistory?: AccessHistoryListener;
      inTransaction?: AccessHistoryJournal;
    } = {},
  ): Promise<AccessRequestStore> {
    const knex = await database.getClient();
    if (!(database as DatabaseService).migrations?.skip) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new AccessRequestStore(
      knex,
      options.onHistory,
      options.inTransaction,
    );
  }

  constructor(
    private readonly db: Knex,
    private readonly onHistory?: AccessHistoryListener,
    private readonly inTransaction?: AccessHistoryJournal,
  ) {}

  /** Hands the journal what a change writes, in its transaction. */
  private async journal(
    tx: Knex.Transaction,
    written: WrittenHistoryEntry[],
  ): Promise<void> {
    if (written.length > 0) await this.inTransaction?.(tx, written);
  }

  /** Tells the listener what a committed change wrote. */
  private async told(written: WrittenHistoryEntry[]): Promise<void> {
    if (written.length > 0) await this.onHistory?.(written);
  }

  /** Store a new request with its first history entry. */
  async insert(
    request: Omit<AccessRequestRecord, 'history' | 'warnedAt'>,
    first: AccessHistoryRecord,
  ): Promise<void> {
    await this.db.transaction(tx => this.insertIn(tx, request, first));
    await this.told([{ requestId: request.id, entry: first }]);
  }

  /**
   * Store a new request unless `refuse` names a request it duplicates among
   * the open requests (pending, approved, active) of the same consumer on
   * the same port: then nothing is stored and that request is returned
   * (without its history). The consumer's row for the port is written
   * first, which locks it until the transaction ends, so two identical
   * requests at the same instant (two replicas, a double submit) are
   * checked one after the other: the second sees the first.
   */
  async insertUnless(
    request: Omit<AccessRequestRecord, 'history' | 'warnedAt'>,
    first: AccessHistoryRecord,
    refuse: (open: AccessRequestRecord[]) => AccessRequestRecord | undefined,
  ): Promise<AccessRequestRecord | undefined> {
    const refused = await this.db.transaction(async tx => {
      await tx(SLOTS)
        .insert({
          product: request.product,
          output_port: request.outputPort,
          consumer: request.consumer,
          asked_at: request.requestedAt,
        })
        .onConflict(['product', 'output_port', 'consumer'])
        .merge(['asked_at']);
      const open = await tx(REQUESTS)
        .select('*')
        .where({
          product: request.product,
          output_port: request.outputPort,
          consumer: request.consumer,
        })
        .whereIn('state', ACCESS_OPEN_STATES)
        .orderBy('requested_at', 'desc');
      const covering = refuse(open.map(r => toRecord(r, [])));
      if (!covering) await this.insertIn(tx, request, first);
      return covering;
    });
    if (!refused) await this.told([{ requestId: request.id, entry: first }]);
    return refused;
  }

  private async insertIn(
    tx: Knex.Transaction,
    request: Omit<AccessRequestRecord, 'history' | 'warnedAt'>,
    first: AccessHistoryRecord,
  ): Promise<void> {
    await tx(REQUESTS).insert({
      id: request.id,
      product: request.product,
      owner: request.owner ?? null,
      output_port: request.outputPort,
      consumer: request.consumer,
      requester: request.requester,
      purpose: request.purpose,
      pii: request.pii,
      state: request.state,
      duration_ms: request.durationMs,
      requested_at: request.requestedAt,
      grantee: request.grantee,
      provider_role: request.providerRole,
      role: request.role,
      ...patchColumns(request),
    });
    await tx(HISTORY).insert(historyRow(request.id, first));
    await this.journal(tx, [{ requestId: request.id, entry: first }]);
  }

  async get(id: string): Promise<AccessRequestRecord | undefined> {
    const [found] = await this.list({}, q => q.where('id', id));
    return found;
  }

  /**
   * A history entry recording the request's current state, for what
   * happened to its grant without a change of state (an access drift
   * repair). False when there is no such request.
   */
  async addHistory(
    id: string,
    entry: Omit<AccessHistoryRecord, 'state'>,
  ): Promise<boolean> {
    const written = await this.db.transaction(async tx => {
      const [row] = await tx(REQUESTS).where('id', id).select('state');
      if (!row) return undefined;
      const full = { ...entry, state: row.state };
      await tx(HISTORY).insert(historyRow(id, full));
      await this.journal(tx, [{ requestId: id, entry: full }]);
      return full;
    });
    if (!written) return false;
    await this.told([{ requestId: id, entry: written }]);
    return true;
  }

  /** Requests matching the filter, newest first, each with its history. */
  async list(
    filter: AccessRequestFilter,
    extra?: (query: Knex.QueryBuilder) => void,
  ): Promise<AccessRequestRecord[]> {
    const query = this.db(REQUESTS).select('*');
    if (filter.product) query.where('product', filter.product);
    if (filter.consumer) query.where('consumer', filter.consumer);
    if (filter.state) query.where('state', filter.state);
    if (filter.requester) query.where('requester', filter.requester);
    if (filter.pii !== undefined) query.where('pii', filter.pii);
    if (filter.visible) query.where(q => filter.visible!(q));
    extra?.(query);
    const rows = await query.orderBy([
      { column: 'requested_at', order: 'desc' },
      { column: 'id', order: 'asc' },
    ]);
    return this.withHistory(rows);
  }

  /** A product's requests whose grant is held now (approved or active), newest first. */
  grantHolders(product: string): Promise<AccessRequestRecord[]> {
    return this.list({ product }, q =>
      q.whereIn('state', ACCESS_GRANT_HOLDING_STATES),
    );
  }

  /**
   * How many consumers read each product now (hold a grant on any of its
   * ports), teams and data products apart; one aggregate query, products
   * nobody reads left out; one product's only when given.
   */
  async readerCounts(
    product?: string,
  ): Promise<{ product: string; teams: number; products: number }[]> {
    const query = this.db(REQUESTS).whereIn(
      'state',
      ACCESS_GRANT_HOLDING_STATES,
    );
    if (product) query.where('product', product);
    const rows = await query
      .groupBy('product')
      .orderBy('product')
      .select(
        'product',
        this.db.raw(
          "count(distinct case when consumer like 'dataproduct:%' then consumer end) as products",
        ),
        this.db.raw(
          "count(distinct case when consumer like 'dataproduct:%' then null else consumer end) as teams",
        ),
      );
    // PostgreSQL counts as bigint, which its driver reads as a string
    return rows.map(
      (r: { product: string; teams: unknown; products: unknown }) => ({
        product: r.product,
        teams: Number(r.teams),
        products: Number(r.products),
      }),
    );
  }

  /**
   * Change a request's state if it is in one of `from`, with its history
   * entry. Returns false, changing nothing, when another change came first.
   */
  async transition(
    id: string,
    change: {
      from: readonly AccessRequestState[];
      to: AccessRequestState;
      patch?: AccessRequestPatch;
      history: Omit<AccessHistoryRecord, 'state'>;
    },
  ): Promise<boolean> {
    const entry = { ...change.history, state: change.to };
    const changed = await this.db.transaction(async tx => {
      const updated = await tx(REQUESTS)
        .where('id', id)
        .whereIn('state', change.from)
        .update({ state: change.to, ...patchColumns(change.patch ?? {}) });
      if (updated !== 1) return false;
      await tx(HISTORY).insert(historyRow(id, entry));
      await this.journal(tx, [{ requestId: id, entry }]);
      return true;
    });
    if (changed) await this.told([{ requestId: id, entry }]);
    return changed;
  }

  /**
   * Change columns but not the state, if the request is still in one of
   * `states` (and, with `extensionAt`, still has that pending extension;
   * with `unapproved`, no first-level approval yet). The history entry, if
   * any, records the unchanged state.
   */
  async update(
    id: string,
    change: {
      states: readonly AccessRequestState[];
      extensionAt?: number;
      unapproved?: boolean;
      patch: AccessRequestPatch;
      history?: Omit<AccessHistoryRecord, 'state'>;
    },
  ): Promise<boolean> {
    const written: WrittenHistoryEntry[] = [];
    const changed = await this.db.transaction(async tx => {
      const query = tx(REQUESTS)
        .where('id', id)
        .whereIn('state', change.states);
      if (change.extensionAt !== undefined) {
        query.where('extension_requested_at', change.extensionAt);
      }
      if (change.unapproved) query.whereNull('first_approved_by');
      const updated = await query.update(patchColumns(change.patch));
      if (updated !== 1) return false;
      if (change.history) {
        const [{ state }] = await tx(REQUESTS).where('id', id).select('state');
        const entry = { ...change.history, state };
        await tx(HISTORY).insert(historyRow(id, entry));
        written.push({ requestId: id, entry });
        await this.journal(tx, written);
      }
      return true;
    });
    await this.told(written);
    return changed;
  }

  /** Approved or active requests whose expiry has passed (without history: the sweep needs none). */
  async dueForExpiry(now: number): Promise<AccessRequestRecord[]> {
    return this.rows(q =>
      q
        .whereIn('state', ACCESS_GRANT_HOLDING_STATES)
        .whereNotNull('expires_at')
        .where('expires_at', '<=', now),
    );
  }

  /** Requests the warehouse has yet to confirm a grant or revoke for (without history). */
  async warehousePending(): Promise<AccessRequestRecord[]> {
    return this.rows(q => q.whereNotNull('warehouse_pending'));
  }

  /**
   * Active requests expiring within `withinMs` whose warning is neither sent
   * nor claimed by a live instance (a claim older than `leaseMs` is free).
   */
  async dueForWarning(
    now: number,
    withinMs: number,
    leaseMs: number,
  ): Promise<AccessRequestRecord[]> {
    return this.rows(q =>
      this.warnable(
        q
          .where('state', 'active')
          .where('expires_at', '>', now)
          .where('expires_at', '<=', now + withinMs),
        now,
        leaseMs,
      ),
    );
  }

  /**
   * {@link AccessRequestStore.transition} for many requests in one
   * transaction: one conditional UPDATE per chunk of ids (with `dueBy`, only
   * those whose expiry has passed by then, so an extension approved
   * meanwhile is not expired) and one insert of their history entries.
   * Returns the ids that changed.
   */
  async transitionMany(
    ids: string[],
    change: {
      from: readonly AccessRequestState[];
      to: AccessRequestState;
      dueBy?: number;
      patch?: AccessRequestPatch;
      history: (id: string) => Omit<AccessHistoryRecord, 'state'>;
    },
  ): Promise<string[]> {
    return this.changeMany(
      ids,
      q => {
        q.whereIn('state', change.from);
        if (change.dueBy !== undefined)
          q.where('expires_at', '<=', change.dueBy);
      },
      { state: change.to, ...patchColumns(change.patch ?? {}) },
      change.history,
    );
  }

  /** {@link AccessRequestStore.update} for many requests at once; the ids that changed. */
  async updateMany(
    ids: string[],
    change: {
      states: readonly AccessRequestState[];
      patch: AccessRequestPatch;
      history?: (id: string) => Omit<AccessHistoryRecord, 'state'>;
    },
  ): Promise<string[]> {
    return this.changeMany(
      ids,
      q => q.whereIn('state', change.states),
      patchColumns(change.patch),
      change.history,
    );
  }

  /** Claim the expiry warnings of requests: each id is returned to exactly one caller. */
  async claimWarnings(
    ids: string[],
    now: number,
    leaseMs: number,
  ): Promise<string[]> {
    return this.changeMany(ids, q => this.warnable(q, now, leaseMs), {
      warning_claimed_at: now,
    });
  }

  /** The warnings were sent. */
  async markWarned(ids: string[], now: number): Promise<void> {
    await this.changeMany(ids, () => {}, { warned_at: now });
  }

  /** Requests still pending that were asked for at or before `askedBy` and not reminded of yet. */
  async dueForReminder(askedBy: number): Promise<AccessRequestRecord[]> {
    return this.rows(q =>
      q
        .where('state', 'pending')
        .where('requested_at', '<=', askedBy)
        .whereNull('reminded_at'),
    );
  }

  /** Claim the reminders of `ids`, each by one instance: the ids this one is to send. */
  async claimReminders(ids: string[], now: number): Promise<string[]> {
    return this.changeMany(
      ids,
      q => q.where('state', 'pending').whereNull('reminded_at'),
      { reminded_at: now },
    );
  }

  /** The sends failed: free the claims for the next run. */
  async releaseWarnings(ids: string[]): Promise<void> {
    await this.changeMany(ids, q => q.whereNull('warned_at'), {
      warning_claimed_at: null,
    });
  }

  /** An extension moves the expiry: the new one is warned about again. */
  async resetWarning(id: string): Promise<void> {
    await this.db(REQUESTS)
      .where('id', id)
      .update({ warned_at: null, warning_claimed_at: null });
  }

  /**
   * One UPDATE per chunk of ids under `where`, returning the ids (and
   * states) it changed — RETURNING on PostgreSQL and SQLite alike, so
   * what another instance changed first is not counted — and one insert
   * of the history entries of those, all in one transaction.
   */
  private async changeMany(
    ids: string[],
    where: (q: Knex.QueryBuilder) => void,
    columns: Record<string, unknown>,
    history?: (id: string) => Omit<AccessHistoryRecord, 'state'>,
  ): Promise<string[]> {
    if (ids.length === 0) return [];
    const written: WrittenHistoryEntry[] = [];
    const changedIds = await this.db.transaction(async tx => {
      const changed: { id: string; state: AccessRequestState }[] = [];
      for (let i = 0; i < ids.length; i += CHUNK) {
        const query = tx(REQUESTS).whereIn('id', ids.slice(i, i + CHUNK));
        where(query);
        changed.push(...(await query.update(columns, ['id', 'state'])));
      }
      if (history) {
        written.push(
          ...changed.map(({ id, state }) => ({
            requestId: id,
            entry: { ...history(id), state },
          })),
        );
        const rows = written.map(w => historyRow(w.requestId, w.entry));
        for (let i = 0; i < rows.length; i += CHUNK / 10) {
          await tx(HISTORY).insert(rows.slice(i, i + CHUNK / 10));
        }
        await this.journal(tx, written);
      }
      return changed.map(c => c.id);
    });
    await this.told(written);
    return changedIds;
  }

  /** The requests of `ids` that exist, without their history. */
  async byIds(ids: string[]): Promise<AccessRequestRecord[]> {
    const found: AccessRequestRecord[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      found.push(
        ...(await this.rows(q => q.whereIn('id', ids.slice(i, i + CHUNK)))),
      );
    }
    return found;
  }

  private warnable(query: Knex.QueryBuilder, now: number, leaseMs: number) {
    return query
      .whereNull('warned_at')
      .where(q =>
        q
          .whereNull('warning_claimed_at')
          .orWhere('warning_claimed_at', '<', now - leaseMs),
      );
  }

  /** Requests without their history, for the sweep's batch reads. */
  private async rows(
    where: (query: Knex.QueryBuilder) => void,
  ): Promise<AccessRequestRecord[]> {
    const query = this.db(REQUESTS).select('*');
    where(query);
    const rows = await query.orderBy('id');
    return rows.map(r => toRecord(r, []));
  }

  private async withHistory(rows: any[]): Promise<AccessRequestRecord[]> {
    if (rows.length === 0) return [];
    const byRequest = new Map<string, AccessHistoryRecord[]>();
    for (let i = 0; i < rows.length; i += CHUNK) {
      const ids = rows.slice(i, i + CHUNK).map(r => r.id);
      const history = await this.db(HISTORY)
        .whereIn('request_id', ids)
        .orderBy('id');
      for (const h of history) {
        const list = byRequest.get(h.request_id) ?? [];
        list.push(toHistoryRecord(h));
        byRequest.set(h.request_id, list);
      }
    }
    return rows.map(r => toRecord(r, byRequest.get(r.id) ?? []));
  }
}
