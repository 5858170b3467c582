/*
 * Access requests across instances on one database, on SQLite and
 * PostgreSQL: an approval stored while the warehouse executor failed, or
 * while none was installed, converges once a new instance with a working
 * executor runs its scheduled sync — granted exactly once; two replicas
 * approving the same request at once grant it once; and the expiry sweep
 * revokes many due requests in one batch.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { ACCESS_EXPIRY_TASK_ID } from '.';
import {
  type InMemoryAccessGrantExecutor,
  createInMemoryAccessGrantExecutor,
} from './__testUtils__/inMemoryExecutor';
import { product, startAccessTestBackend } from './__testUtils__/testBackend';

const D = 24 * 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

const memberships: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  // a team asks for a port once while its request is open: several
  // requests at once come from several of carol's teams
  'user:default/carol': [
    'group:default/team-b',
    'group:default/team-c',
    'group:default/team-d',
    'group:default/team-e',
  ],
};
const entities = [
  product('orders', 'group:default/team-a', 'domain:default/shop'),
];

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'access requests across instances on %s',
  id => {
    let now = T0;
    const running: { stop(): Promise<void> }[] = [];

    /** One instance of the plugin on the shared database. */
    async function instance(knex: any, executor?: InMemoryAccessGrantExecutor) {
      const sent: NotificationSendOptions[] = [];
      const scheduler = mockServices.scheduler();
      const backend = await startAccessTestBackend({
        databases,
        databaseId: id,
        knex,
        entities,
        memberships,
        clock: { now: () => now },
        executor,
        sent,
        scheduler,
      });
      running.push(backend);
      const post = (path: string, user: string, body: object = {}) =>
        request(backend.server)
          .post(`/api/data-mesh/access-requests${path}`)
          .set(
            'Authorization',
            mockCredentials.user.header(`user:default/${user}`),
          )
          .send(body);
      return {
        stop: () => backend.stop(),
        post,
        sweep: () => scheduler.triggerTask(ACCESS_EXPIRY_TASK_ID),
        ask: async (body: object = {}) => {
          const res = await post('', 'carol', {
            product: 'orders',
            outputPort: 'events',
            consumer: 'group:default/team-b',
            purpose: 'churn model',
            ...body,
          });
          expect(res.status).toBe(201);
          return res.body.id as string;
        },
        get: async (requestId: string) => {
          const res = await request(backend.server)
            .get('/api/data-mesh/access-requests')
            .set(
              'Authorization',
              mockCredentials.user.header('user:default/alice'),
            );
          return (res.body.items as any[]).find(i => i.id === requestId);
        },
      };
    }
    const grants = (executor: InMemoryAccessGrantExecutor, requestId: string) =>
      executor.calls.filter(c => c.op === 'grant' && c.id === requestId).length;

    afterAll(async () => {
      for (const b of running) await b.stop().catch(() => {});
    });

    it('an approval stored without a working warehouse becomes active after a restart, granted once', async () => {
      const knex = await databases.init(id);
      const failing = createInMemoryAccessGrantExecutor();
      failing.failWith = 'warehouse unreachable';
      const a = await instance(knex, failing);
      const failed = await a.ask();
      const approved = await a.post(`/${failed}/approve`, 'alice');
      expect(approved.body).toMatchObject({
        state: 'approved',
        error: 'warehouse unreachable',
      });
      await a.stop();
      // an instance with no executor installed: the approval is recorded and waits
      const b = await instance(knex);
      const waiting = await b.ask({ consumer: 'group:default/team-c' });
      expect((await b.post(`/${waiting}/approve`, 'alice')).body.state).toBe(
        'approved',
      );
      await b.stop();

      const working = createInMemoryAccessGrantExecutor();
      const c = await instance(knex, working);
      await c.sweep();
      for (const requestId of [failed, waiting]) {
        expect(await c.get(requestId)).toMatchObject({
          state: 'active',
          error: null,
        });
        expect(grants(working, requestId)).toBe(1);
      }
      await c.sweep();
      expect(grants(working, failed) + grants(working, waiting)).toBe(2);
      await c.stop();
    });

    it('two replicas approving the same request at once grant it once', async () => {
      const knex = await databases.init(id);
      const one = createInMemoryAccessGrantExecutor();
      const two = createInMemoryAccessGrantExecutor();
      const a = await instance(knex, one);
      const b = await instance(knex, two);
      const pending = await a.ask();
      const results = await Promise.all([
        a.post(`/${pending}/approve`, 'alice'),
        b.post(`/${pending}/approve`, 'alice'),
      ]);
      expect(results.map(r => r.status).sort()).toEqual([200, 409]);
      await Promise.all([a.sweep(), b.sweep()]);
      expect(grants(one, pending) + grants(two, pending)).toBe(1);
      expect((await a.get(pending)).state).toBe('active');
      await a.stop();
      await b.stop();
    });

    it('expires every due request in one sweep and drops their roles in one batch', async () => {
      const knex = await databases.init(id);
      const executor = createInMemoryAccessGrantExecutor();
      const a = await instance(knex, executor);
      now = T0;
      const short = [
        await a.ask({ duration: '1d' }),
        await a.ask({ duration: '1d', consumer: 'group:default/team-c' }),
        await a.ask({ duration: '1d', consumer: 'group:default/team-d' }),
      ];
      const long = await a.ask({
        duration: '30d',
        consumer: 'group:default/team-e',
      });
      for (const r of [...short, long]) {
        expect((await a.post(`/${r}/approve`, 'alice')).body.state).toBe(
          'active',
        );
      }
      now = T0 + 2 * D;
      await a.sweep();
      for (const r of short) {
        const expired = await a.get(r);
        expect(expired.state).toBe('expired');
        expect(expired.history.slice(-2).map((h: any) => h.action)).toEqual([
          'expire',
          'warehouse-revoke',
        ]);
      }
      expect((await a.get(long)).state).toBe('active');
      expect(executor.revokeBatches).toBe(1);
      expect(
        executor.calls
          .filter(c => c.op === 'revoke')
          .map(c => c.id)
          .sort(),
      ).toEqual([...short].sort());
      expect([...executor.roles.values()].map(g => g.id)).toEqual([long]);
      // nothing left to do: no second batch
      await a.sweep();
      expect(executor.revokeBatches).toBe(1);
      await a.stop();
    });
  },
);
