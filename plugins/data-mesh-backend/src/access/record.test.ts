/*
 * Recording access agreed outside the portal (`POST
 * /access-requests/record`), through a test backend with the real
 * permission backend, on SQLite and PostgreSQL: owners and admins record
 * for any consumer of the catalog, the grant follows, the history says it
 * was recorded; others are refused; what the consumer holds already is a
 * 409; a module of the plugin records as the system from a startup job.
 * And the readers count each product's consumers holding a grant.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  type SloStartupContext,
  dataMeshSloExtensionPoint,
} from '../extensions';
import {
  type InMemoryAccessGrantExecutor,
  createInMemoryAccessGrantExecutor,
} from './__testUtils__/inMemoryExecutor';
import {
  ADMIN_GROUP,
  product,
  startAccessTestBackend,
} from './__testUtils__/testBackend';

const D = 24 * 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

const memberships: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/carol': ['group:default/team-b'],
  'user:default/erin': [ADMIN_GROUP],
};

const group = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});

const entities: Entity[] = [
  product('orders', 'group:default/team-a', 'domain:default/shop'),
  product('invoices', 'group:default/team-b', 'domain:default/finance'),
  group('team-a'),
  group('team-b'),
  // a team whose members never signed in here: its reads were agreed before
  group('team-c'),
];

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'recording access agreed outside the portal on %s',
  id => {
    let server: any;
    let stop: () => Promise<void>;
    let knex: Knex;
    const now = T0;
    let executor: InMemoryAccessGrantExecutor;
    const sent: NotificationSendOptions[] = [];
    let startup: SloStartupContext | undefined;
    const record = (user: string, body: object) =>
      request(server)
        .post('/api/data-mesh/access-requests/record')
        .set(
          'Authorization',
          mockCredentials.user.header(`user:default/${user}`),
        )
        .send({
          product: 'orders',
          outputPort: 'events',
          consumer: 'group:default/team-c',
          purpose: 'monthly revenue report',
          ...body,
        });
    const grantsOf = (requestId: string) =>
      executor.calls.filter(c => c.id === requestId && c.op === 'grant').length;

    beforeAll(async () => {
      executor = createInMemoryAccessGrantExecutor();
      knex = await databases.init(id);
      const backend = await startAccessTestBackend({
        databases,
        databaseId: id,
        knex,
        entities,
        memberships,
        clock: { now: () => now },
        executor,
        sent,
        scheduler: mockServices.scheduler(),
        features: [
          // a module of the plugin, as the example mesh is: it gets the
          // startup context once the plugin has started
          createBackendModule({
            pluginId: 'data-mesh',
            moduleId: 'test-startup',
            register(reg) {
              reg.registerInit({
                deps: { slo: dataMeshSloExtensionPoint },
                async init({ slo }) {
                  slo.addStartupJob(async context => {
                    startup = context;
                  });
                },
              });
            },
          }),
        ],
      });
      server = backend.server;
      stop = () => backend.stop();
    }, 120_000);

    afterAll(async () => {
      await stop?.();
    });

    beforeEach(async () => {
      await knex('data_mesh_access_history').delete();
      await knex('data_mesh_access_requests').delete();
      sent.length = 0;
    });

    it('stores it approved by the recording owner and grants it; nobody is asked or told', async () => {
      const res = await record('alice', {
        requestedBy: 'user:default/zoe',
        comment: 'ticket DATA-123',
        duration: '30d',
      });
      expect([res.status, res.body.error?.message]).toEqual([201, undefined]);
      expect(res.body).toMatchObject({
        product: 'dataproduct:default/orders',
        outputPort: 'events',
        consumer: 'group:default/team-c',
        requester: 'user:default/zoe',
        state: 'active',
        decidedBy: 'user:default/alice',
        expiresAt: new Date(T0 + 30 * D).toISOString(),
        grantee: 'team_team_c',
      });
      expect(
        res.body.history.map((h: any) => [h.action, h.by, h.comment]),
      ).toEqual([
        ['request', 'user:default/zoe', 'monthly revenue report'],
        [
          'approve',
          'user:default/alice',
          'recorded: agreed outside the portal (ticket DATA-123)',
        ],
        ['grant', 'system', undefined],
      ]);
      expect(grantsOf(res.body.id)).toBe(1);
      expect(executor.roles.get(res.body.role)).toMatchObject({
        grantee: 'team_team_c',
        providerRole: 'shop_orders_consumer',
      });
      expect(sent).toEqual([]);
      // from now on it is any other request: the consumer holds it
      const again = await record('alice', {});
      expect(again.status).toBe(409);
      expect(again.body.error.message).toContain(
        `already reads port 'events' of dataproduct:default/orders (request ${res.body.id})`,
      );
    });

    it('lets admins record for any product, and a product as the consumer (its service role), by default asked by the recorder', async () => {
      const res = await record('erin', {
        consumer: 'dataproduct:default/invoices',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        consumer: 'dataproduct:default/invoices',
        requester: 'user:default/erin',
        decidedBy: 'user:default/erin',
        grantee: 'finance_invoices_service',
        state: 'active',
      });
    });

    it('refuses others than the owners and admins (403), unknown consumers and bad refs (400), unknown ports (404)', async () => {
      const calls = executor.calls.length;
      const foreign = await record('carol', {});
      expect(foreign.status).toBe(403);
      expect(foreign.body.error.message).toBe(
        'you may not record access to dataproduct:default/orders: only its owners or an admin may',
      );
      const service = await request(server)
        .post('/api/data-mesh/access-requests/record')
        .set('Authorization', mockCredentials.service.header())
        .send({
          product: 'orders',
          outputPort: 'events',
          consumer: 'group:default/team-c',
          purpose: 'x',
        });
      expect(service.status).toBe(403);
      const nobody = await record('alice', {
        consumer: 'group:default/ghosts',
      });
      expect([nobody.status, nobody.body.error.message]).toEqual([
        400,
        'consumer: no group group:default/ghosts',
      ]);
      const component = await record('alice', {
        requestedBy: 'component:default/etl',
      });
      expect([component.status, component.body.error.message]).toEqual([
        400,
        "requestedBy: 'component:default/etl' is neither a user nor a group",
      ]);
      const extra = await record('alice', { approvedBy: 'user:default/x' });
      expect(extra.status).toBe(400);
      expect((await record('alice', { outputPort: 'nope' })).status).toBe(404);
      expect(await knex('data_mesh_access_requests').select('id')).toEqual([]);
      expect(executor.calls).toHaveLength(calls);
    });

    it('counts the readers of each product, teams and products apart, only those holding a grant', async () => {
      const readers = async (user = 'carol', query = '') => {
        const res = await request(server)
          .get(`/api/data-mesh/access/readers${query}`)
          .set(
            'Authorization',
            mockCredentials.user.header(`user:default/${user}`),
          );
        expect(res.status).toBe(200);
        return res.body.items;
      };
      expect(await readers()).toEqual([]);
      const team = await record('alice', {});
      await record('alice', { consumer: 'dataproduct:default/invoices' });
      // the same team on another port: still one team
      await record('erin', { product: 'invoices' });
      // waiting for a decision: not a reader yet
      const pending = await request(server)
        .post('/api/data-mesh/access-requests')
        .set('Authorization', mockCredentials.user.header('user:default/carol'))
        .send({
          product: 'orders',
          outputPort: 'events',
          consumer: 'group:default/team-b',
          purpose: 'churn',
        });
      expect(pending.body.state).toBe('pending');
      // counts, not who: anyone may ask
      expect(await readers()).toEqual([
        { product: 'dataproduct:default/invoices', teams: 1, products: 0 },
        { product: 'dataproduct:default/orders', teams: 1, products: 1 },
      ]);
      // one product's, as its page asks
      expect(await readers('carol', '?product=orders')).toEqual([
        { product: 'dataproduct:default/orders', teams: 1, products: 1 },
      ]);
      await request(server)
        .post(`/api/data-mesh/access-requests/${team.body.id}/revoke`)
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .send({});
      expect(await readers('alice')).toEqual([
        { product: 'dataproduct:default/invoices', teams: 1, products: 0 },
        { product: 'dataproduct:default/orders', teams: 0, products: 1 },
      ]);
      const anonymous = await request(server)
        .get('/api/data-mesh/access/readers')
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
    });

    it("records as the system for the plugin's modules, asked by the consumer's team", async () => {
      expect(startup).toBeDefined();
      const recorded = await startup!.access.recordAgreement({
        product: 'dataproduct:default/orders',
        outputPort: 'events',
        consumer: 'dataproduct:default/invoices',
        purpose: 'Input of invoices',
        comment: 'example data',
      });
      expect(recorded).toMatchObject({
        requester: 'group:default/team-b',
        decidedBy: 'system',
        state: 'active',
      });
      expect(recorded.history[1]).toMatchObject({
        action: 'approve',
        by: 'system',
        comment: 'recorded: agreed outside the portal (example data)',
      });
      await expect(
        startup!.access.recordAgreement({
          product: 'dataproduct:default/orders',
          outputPort: 'events',
          consumer: 'dataproduct:default/invoices',
          purpose: 'again',
        }),
      ).rejects.toThrow(/already reads/);
    });
  },
);
