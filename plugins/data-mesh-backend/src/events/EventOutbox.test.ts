/*
 * The outbox of the plugin's events on SQLite and PostgreSQL: what a
 * transaction kept goes out with it or not at all; published in order,
 * once, and deleted; a failing publication is retried by the next flush
 * without holding up the rest; an instance that died holding a claim
 * leaves it to another after the lease; two instances flushing at once
 * publish each event once; an event refused too often is kept, not tried.
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { EventParams } from '@backstage/plugin-events-node';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { AccessRequestStore } from '../access/AccessRequestStore';
import { EventOutbox } from './EventOutbox';

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('EventOutbox on %s', id => {
  let knex: Knex;
  let now = 1_000_000;
  const published: EventParams[] = [];
  let refuse: (p: EventParams) => boolean = () => false;
  const events = {
    async publish(params: EventParams) {
      if (refuse(params)) throw new Error(`refused ${params.eventPayload}`);
      published.push(params);
    },
    async subscribe() {},
  };
  const logger = mockServices.logger.mock();
  const outbox = (options: { maxAttempts?: number } = {}) =>
    new EventOutbox(knex, { events, logger, now: () => now, ...options });
  const payloads = () => published.map(p => p.eventPayload);

  beforeAll(async () => {
    knex = await databases.init(id);
    // the plugin's migrations, the outbox's table among them
    await AccessRequestStore.create({ getClient: async () => knex });
  });

  beforeEach(async () => {
    await knex('data_mesh_event_outbox').delete();
    published.length = 0;
    refuse = () => false;
    now = 1_000_000;
  });

  it('publishes what a transaction kept, in order, once, and only if it committed', async () => {
    const box = outbox();
    await knex.transaction(tx => box.add(tx, 'a', [1, 2]));
    await expect(
      knex.transaction(async tx => {
        await box.add(tx, 'a', [99]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await knex.transaction(tx => box.add(tx, 'b', [3]));
    expect(await box.flush()).toBe(3);
    expect(published.map(p => [p.topic, p.eventPayload])).toEqual([
      ['a', 1],
      ['a', 2],
      ['b', 3],
    ]);
    expect(await box.pending()).toBe(0);
    expect(await box.flush()).toBe(0);
    expect(published).toHaveLength(3);
  });

  it("turns stored payloads into events with the topic's handler, once per flush batch", async () => {
    const calls: unknown[][] = [];
    const box = new EventOutbox(knex, {
      events,
      logger,
      handlers: {
        a: async stored => {
          calls.push(stored);
          // nothing to publish for 2 any more
          return stored.map(s => (s === 2 ? undefined : { n: s }));
        },
      },
    });
    await box.add(knex, 'a', [1, 2, 3]);
    await box.flush();
    expect(calls).toEqual([[1, 2, 3]]);
    expect(payloads()).toEqual([{ n: 1 }, { n: 3 }]);
    expect(await box.pending()).toBe(0);
  });

  it('retries a refused event on the next flush without holding up the rest', async () => {
    const box = outbox();
    await box.add(knex, 'a', [1, 2, 3]);
    refuse = p => p.eventPayload === 2;
    expect(await box.flush()).toBe(2);
    expect(payloads()).toEqual([1, 3]);
    expect(await box.pending()).toBe(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('tried again on the next flush'),
    );
    refuse = () => false;
    expect(await box.flush()).toBe(1);
    expect(payloads()).toEqual([1, 3, 2]);
    expect(await box.pending()).toBe(0);
  });

  it('keeps an event refused too often, with its error, and tries it no more', async () => {
    const box = outbox({ maxAttempts: 2 });
    await box.add(knex, 'a', [7]);
    refuse = () => true;
    await box.flush();
    await box.flush();
    await box.flush();
    expect(published).toEqual([]);
    const [row] = await knex('data_mesh_event_outbox').select();
    expect(row).toMatchObject({
      attempts: 2,
      last_error: expect.stringContaining('refused 7'),
    });
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('no longer tried'),
    );
  });

  it('publishes what a dead instance claimed once its lease ran out', async () => {
    const box = outbox();
    await box.add(knex, 'a', [1]);
    // an instance claimed it and died before publishing
    await knex('data_mesh_event_outbox').update({
      claimed_by: 'dead',
      claimed_until: now + 60_000,
    });
    expect(await box.flush()).toBe(0);
    now += 60_001;
    expect(await box.flush()).toBe(1);
    expect(payloads()).toEqual([1]);
  });

  it("bounds a commit's flush to one batch: a backlog is the scheduled flush's", async () => {
    const box = outbox();
    await box.add(
      knex,
      'a',
      Array.from({ length: 250 }, (_, i) => i),
    );
    expect(await box.flush({ rounds: 1 })).toBe(100);
    expect(payloads()).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(await box.flush()).toBe(150);
    expect(await box.pending()).toBe(0);
  });

  it('publishes each event once when two instances flush at the same time', async () => {
    const values = Array.from({ length: 250 }, (_, i) => i);
    await outbox().add(knex, 'a', values);
    const [one, two] = [outbox(), outbox()];
    await Promise.all([one.flush(), two.flush(), one.flush(), two.flush()]);
    expect(
      payloads()
        .map(Number)
        .sort((x, y) => x - y),
    ).toEqual(values);
    expect(await one.pending()).toBe(0);
  });
});
