/*
 * The plugin's events go out through an outbox: a change writes the
 * events it causes into `data_mesh_event_outbox` in its own transaction,
 * and a flush publishes them on Backstage's events service and deletes
 * them. A flush runs after each commit (so an event goes out at once, as
 * before) and on a schedule (what an instance that died between its commit
 * and the publication left, and what a failing events service refused, is
 * published by the next one, any instance's): at least once, never lost
 * with a crash. Within one instance flushes run one after the other, so
 * events go out in the order they were written; across instances each row
 * is claimed by one flush at a time (a claim that outlives its lease is
 * free again). An event the service keeps refusing is kept, with its
 * error, and no longer tried after `maxAttempts`: it never blocks the rest.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EventsService } from '@backstage/plugin-events-node';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

const OUTBOX = 'data_mesh_event_outbox';
/** Rows claimed, enriched and published per round. */
const BATCH = 100;
/** Rows per insert statement (SQLite's variable limit in old builds). */
const INSERT_CHUNK = 100;

/**
 * Turns what a change stored for one topic into the events' payloads, in
 * order, one per stored payload (undefined: nothing to publish any more,
 * e.g. the request was deleted). Called at publication: it may add what
 * is known then (the request as it stands).
 */
export type OutboxTopicHandler = (
  stored: unknown[],
) => Promise<(unknown | undefined)[]>;

/** @public */
export interface EventOutboxOptions {
  events: EventsService;
  logger: LoggerService;
  /** Per topic; a topic without one publishes its payload as stored. */
  handlers?: Record<string, OutboxTopicHandler>;
  /** How long a flush holds what it claimed (default 60 s). */
  leaseMs?: number;
  /** Failed publications after which an event is kept but not tried (default 20). */
  maxAttempts?: number;
  now?: () => number;
}

interface OutboxRow {
  id: number;
  topic: string;
  payload: string;
  attempts: number;
}

/** The outbox of the plugin's events. @public */
export class EventOutbox {
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Knex,
    private readonly options: EventOutboxOptions,
  ) {}

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  /** Keep events to publish, in the transaction of the change they tell of. */
  async add(
    tx: Knex | Knex.Transaction,
    topic: string,
    payloads: unknown[],
  ): Promise<void> {
    const createdAt = this.now();
    const rows = payloads.map(p => ({
      topic,
      payload: JSON.stringify(p),
      created_at: createdAt,
    }));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await tx(OUTBOX).insert(rows.slice(i, i + INSERT_CHUNK));
    }
  }

  /**
   * An events publisher for what is not written in a transaction of the
   * plugin's own (a breach told after its notification): kept, then
   * flushed, so a failing events service retries it instead of losing it.
   */
  publisher(): Pick<EventsService, 'publish'> {
    return {
      publish: async ({ topic, eventPayload }) => {
        await this.add(this.db, topic, [eventPayload]);
        await this.flush({ rounds: 1 });
      },
    };
  }

  /**
   * Publish what waits, oldest first, after this instance's earlier
   * flushes; how many events were published. Never throws: what fails
   * stays for the next flush. `rounds` bounds it to that many batches: a
   * commit's own flush publishes one, so a backlog (the events service was
   * down for an hour) never holds up the request that committed; the
   * scheduled flush drains it.
   */
  flush(options: { rounds?: number } = {}): Promise<number> {
    const run = this.running.then(() => this.drain(options.rounds ?? Infinity));
    this.running = run.catch(() => undefined);
    return run;
  }

  /** How many events wait (for a health view and tests). */
  async pending(): Promise<number> {
    const [{ n }] = await this.db(OUTBOX).count({ n: '*' });
    return Number(n);
  }

  private async drain(rounds: number): Promise<number> {
    let published = 0;
    try {
      for (let done = 0; done < rounds; done++) {
        const batch = await this.claim();
        if (batch.length === 0) break;
        const outcome = await this.publish(batch);
        published += outcome.published;
        // what failed waits for the next flush instead of being tried
        // again at once
        if (outcome.failed || batch.length < BATCH) break;
      }
    } catch (e) {
      this.options.logger.warn(`Event outbox not flushed: ${e}`);
    }
    return published;
  }

  /** Claim the oldest free rows for this flush. */
  private async claim(): Promise<OutboxRow[]> {
    const now = this.now();
    const token = randomUUID();
    const maxAttempts = this.options.maxAttempts ?? 20;
    const free = (q: Knex.QueryBuilder) =>
      q
        .where(w =>
          w.whereNull('claimed_until').orWhere('claimed_until', '<', now),
        )
        .where('attempts', '<', maxAttempts);
    // the outer condition is checked again on the row as another flush
    // left it (PostgreSQL re-reads a row it waited for): a row claimed
    // meanwhile is not taken twice
    await free(
      this.db(OUTBOX).whereIn(
        'id',
        free(this.db(OUTBOX).select('id')).orderBy('id').limit(BATCH),
      ),
    ).update({
      claimed_by: token,
      claimed_until: now + (this.options.leaseMs ?? 60_000),
    });
    return this.db(OUTBOX)
      .where('claimed_by', token)
      .orderBy('id')
      .select('id', 'topic', 'payload', 'attempts');
  }

  private async publish(
    rows: OutboxRow[],
  ): Promise<{ published: number; failed: number }> {
    const { events, logger, handlers } = this.options;
    const eventPayloads = new Map<number, unknown>();
    const failed = new Map<number, string>();
    const topics = [...new Set(rows.map(r => r.topic))];
    for (const topic of topics) {
      const ofTopic = rows.filter(r => r.topic === topic);
      try {
        const stored = ofTopic.map(r => JSON.parse(r.payload));
        const handler = handlers?.[topic];
        const payloads = handler ? await handler(stored) : stored;
        ofTopic.forEach((r, i) => eventPayloads.set(r.id, payloads[i]));
      } catch (e) {
        ofTopic.forEach(r => failed.set(r.id, String(e)));
      }
    }
    const done: number[] = [];
    let published = 0;
    for (const row of rows) {
      if (failed.has(row.id)) continue;
      const eventPayload = eventPayloads.get(row.id);
      if (eventPayload !== undefined) {
        // one by one: a subscriber failing on one event does not keep the
        // others from going out
        try {
          await events.publish({ topic: row.topic, eventPayload });
          published++;
        } catch (e) {
          failed.set(row.id, String(e));
          continue;
        }
      }
      done.push(row.id);
    }
    if (done.length > 0) await this.db(OUTBOX).whereIn('id', done).delete();
    const maxAttempts = this.options.maxAttempts ?? 20;
    for (const row of rows.filter(r => failed.has(r.id))) {
      const error = failed.get(row.id)!;
      await this.db(OUTBOX)
        .where('id', row.id)
        .update({
          attempts: row.attempts + 1,
          last_error: error.slice(0, 2000),
          claimed_by: null,
          claimed_until: null,
        });
      const message = `Could not publish ${row.topic} event ${
        row.id
      } (attempt ${row.attempts + 1}): ${error}`;
      if (row.attempts + 1 >= maxAttempts) {
        logger.error(`${message}; kept in ${OUTBOX}, no longer tried`);
      } else {
        logger.warn(`${message}; tried again on the next flush`);
      }
    }
    return { published, failed: failed.size };
  }
}
