/*
 * Access requests on the events service, on SQLite and PostgreSQL: every
 * history entry a change writes — through the REST API, the warehouse
 * grant confirmed by the executor, and the scheduled expiry sweep — is
 * published once, after it was committed, with the request as it stands.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import {
  ACCESS_REQUEST_EVENT_TOPIC,
  type AccessRequestEvent,
} from '@datamesh/plugin-data-mesh-node';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { ACCESS_EXPIRY_TASK_ID } from '.';
import { EVENT_OUTBOX_TASK_ID } from '../events';
import { createInMemoryAccessGrantExecutor } from './__testUtils__/inMemoryExecutor';
import {
  eventsRecorder,
  product,
  startAccessTestBackend,
} from './__testUtils__/testBackend';

const D = 24 * 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'access request events on %s',
  id => {
    let now = T0;
    let backend: Awaited<ReturnType<typeof startAccessTestBackend>>;
    const events = eventsRecorder();
    const scheduler = mockServices.scheduler();

    const post = (path: string, user: string, body: object = {}) =>
      request(backend.server)
        .post(`/api/data-mesh/access-requests${path}`)
        .set(
          'Authorization',
          mockCredentials.user.header(`user:default/${user}`),
        )
        .send(body);
    const eventsOf = (requestId: string) =>
      events
        .on<AccessRequestEvent>(ACCESS_REQUEST_EVENT_TOPIC)
        .filter(e => e.request.id === requestId);

    beforeAll(async () => {
      const sent: NotificationSendOptions[] = [];
      backend = await startAccessTestBackend({
        databases,
        databaseId: id,
        entities: [
          product('orders', 'group:default/team-a', 'domain:default/shop'),
        ],
        memberships: {
          'user:default/alice': ['group:default/team-a'],
          'user:default/carol': ['group:default/team-b'],
        },
        clock: { now: () => now },
        executor: createInMemoryAccessGrantExecutor(),
        sent,
        scheduler,
        features: [events.feature],
      });
    });

    afterAll(() => backend?.stop());

    it('publishes each change of a request once, in order, with the request as it stands', async () => {
      const asked = await post('', 'carol', {
        product: 'orders',
        outputPort: 'events',
        consumer: 'group:default/team-b',
        purpose: 'churn model',
      });
      expect(asked.status).toBe(201);
      const requestId = asked.body.id;
      expect(eventsOf(requestId)).toEqual([
        {
          entry: expect.objectContaining({
            action: 'request',
            state: 'pending',
            by: 'user:default/carol',
          }),
          request: expect.objectContaining({
            id: requestId,
            product: 'dataproduct:default/orders',
            outputPort: 'events',
            consumer: 'group:default/team-b',
            purpose: 'churn model',
            state: 'pending',
          }),
        },
      ]);
      expect(
        events.published.every(p => p.topic === ACCESS_REQUEST_EVENT_TOPIC),
      ).toBe(true);

      now += 1000;
      expect(
        (await post(`/${requestId}/approve`, 'alice', { comment: 'ok' })).body
          .state,
      ).toBe('active');
      const afterApproval = eventsOf(requestId);
      expect(afterApproval.map(e => [e.entry.action, e.entry.state])).toEqual([
        ['request', 'pending'],
        ['approve', 'approved'],
        ['grant', 'active'],
      ]);
      expect(afterApproval[1].entry).toMatchObject({
        by: 'user:default/alice',
        comment: 'ok',
      });
      // the request as it stood after each entry: active, with its expiry
      expect(afterApproval[2].request).toMatchObject({
        state: 'active',
        decidedBy: 'user:default/alice',
      });
      expect(afterApproval[2].request.expiresAt).toBe(
        new Date(now + 90 * D).toISOString(),
      );
      // no history (the entry is the news) and no SQL statements
      expect(afterApproval[2].request).not.toHaveProperty('history');
      expect(afterApproval[2].entry).not.toHaveProperty('statements');

      // the scheduled sweep expires it: published too
      now += 91 * D;
      await scheduler.triggerTask(ACCESS_EXPIRY_TASK_ID);
      const actions = eventsOf(requestId).map(e => e.entry.action);
      expect(actions.slice(3)).toEqual(['expire', 'warehouse-revoke']);
      expect(eventsOf(requestId).at(-1)!.request.state).toBe('expired');
    });

    it('keeps the change when the event bus fails, and publishes its event once it answers again', async () => {
      events.failing = true;
      let requestId: string;
      try {
        const asked = await post('', 'carol', {
          product: 'orders',
          outputPort: 'events',
          consumer: 'group:default/team-b',
          purpose: 'a second model',
        });
        expect(asked.status).toBe(201);
        requestId = asked.body.id;
        const listed = await request(backend.server)
          .get('/api/data-mesh/access-requests')
          .set(
            'Authorization',
            mockCredentials.user.header('user:default/alice'),
          );
        expect(listed.body.items.map((i: any) => i.id)).toContain(requestId);
        expect(eventsOf(requestId)).toEqual([]);
      } finally {
        events.failing = false;
      }
      // the outbox kept it: the scheduled flush publishes it, once
      await scheduler.triggerTask(EVENT_OUTBOX_TASK_ID);
      await scheduler.triggerTask(EVENT_OUTBOX_TASK_ID);
      expect(eventsOf(requestId).map(e => e.entry.action)).toEqual(['request']);
    });
  },
);
