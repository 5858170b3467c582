/*
 * GET /access-requests/:id/connection through a test backend with the real
 * permission backend, on SQLite and PostgreSQL, the names spelled by the
 * embedded PGlite warehouse's dialect: who may see how a request reads its
 * port, and in which states it reads anything.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import {
  type PostgresWarehouseAdapter,
  createPgliteWarehouseAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { createInMemoryAccessGrantExecutor } from './__testUtils__/inMemoryExecutor';
import { product, startAccessTestBackend } from './__testUtils__/testBackend';

const memberships: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/carol': ['group:default/team-b'],
  // carol's teammate: reads with what she asked for the team
  'user:default/frank': ['group:default/team-b'],
  'user:default/dana': ['group:default/team-c'],
};

// personal data in the port's dataset (the test products' email column):
// a plain request reads the masked view
const orders = product('orders', 'group:default/team-a', 'domain:default/shop');

// where the port's authors say to connect: passed on as written
Object.assign(orders.spec.outputPorts![0], {
  url: 'postgresql://warehouse.example.internal:5432/acme_shop_dev',
  instructions: 'Sign in with **SSO**; ask #data-platform for a SQL user.',
});

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'how a granted request reads its port, on %s',
  id => {
    let server: any;
    let stop: () => Promise<void>;
    let warehouse: PostgresWarehouseAdapter;
    // the backend's warehouse is read from here on each use
    let options: Parameters<typeof startAccessTestBackend>[0];
    const as = (user: string) =>
      mockCredentials.user.header(`user:default/${user}`);
    const connection = (requestId: string, user: string) =>
      request(server)
        .get(`/api/data-mesh/access-requests/${requestId}/connection`)
        .set('Authorization', as(user));
    const post = async (path: string, user: string, body: object = {}) => {
      const res = await request(server)
        .post(`/api/data-mesh/access-requests${path}`)
        .set('Authorization', as(user))
        .send(body);
      expect(res.status).toBeLessThan(300);
      return res.body;
    };

    beforeAll(async () => {
      warehouse = await createPgliteWarehouseAdapter({ inMemory: true });
      options = {
        databases,
        databaseId: id,
        entities: [orders],
        memberships,
        clock: { now: () => Date.UTC(2026, 0, 1) },
        executor: createInMemoryAccessGrantExecutor(),
        sent: [] as NotificationSendOptions[],
        scheduler: mockServices.scheduler(),
        warehouse,
      };
      const backend = await startAccessTestBackend(options);
      server = backend.server;
      stop = () => backend.stop();
    });

    afterAll(async () => {
      await stop?.();
      await warehouse?.close();
    });

    it("tells the requester, their team and the product's owners, nobody else, once the request grants something", async () => {
      const ask = (pii: boolean) =>
        post('', 'carol', {
          product: 'orders',
          outputPort: 'events',
          consumer: 'group:default/team-b',
          purpose: 'churn model',
          pii,
        });
      const plain = await ask(false);

      const pending = await connection(plain.id, 'carol');
      expect(pending.status).toBe(409);
      expect(pending.body.error.message).toMatch(
        /is pending: it grants nothing/,
      );

      await post(`/${plain.id}/approve`, 'alice');
      const res = await connection(plain.id, 'carol');
      expect(res.status).toBe(200);
      // PGlite keeps every database's schemas in one, prefixed
      const masked = '"acme_shop_dev__orders_masked"."events"';
      expect(res.body).toEqual({
        id: plain.id,
        product: 'dataproduct:default/orders',
        outputPort: 'events',
        state: 'active',
        warehouse: { dialect: 'pglite', displayName: 'PGlite' },
        url: 'postgresql://warehouse.example.internal:5432/acme_shop_dev',
        instructions:
          'Sign in with **SSO**; ask #data-platform for a SQL user.',
        role: `"${plain.grantee}"`,
        tables: [
          { dataset: 'events', table: masked, maskedColumns: ['email'] },
        ],
        statements: [
          `SET ROLE "${plain.grantee}"`,
          `SELECT * FROM ${masked} LIMIT 10`,
        ],
      });
      expect((await connection(plain.id, 'alice')).body).toEqual(res.body);
      expect((await connection(plain.id, 'frank')).body).toEqual(res.body);
      expect((await connection(plain.id, 'dana')).status).toBe(404);

      // a warehouse that cannot be opened: 503, its reason in the logs only
      options.warehouse = undefined;
      const down = await connection(plain.id, 'carol');
      options.warehouse = warehouse;
      expect(down.status).toBe(503);
      expect(down.body.error.message).toBe('the warehouse could not be opened');

      // with personal data the output table itself, read in clear
      const pii = await ask(true);
      await post(`/${pii.id}/approve`, 'alice');
      expect((await connection(pii.id, 'carol')).body.tables).toEqual([
        {
          dataset: 'events',
          table: '"acme_shop_dev__orders_output"."events"',
          maskedColumns: [],
        },
      ]);

      await post(`/${plain.id}/revoke`, 'alice');
      const revoked = await connection(plain.id, 'carol');
      expect(revoked.status).toBe(409);
      expect(revoked.body.error.message).toMatch(/is revoked/);
    });

    it('answers 404 for a request that does not exist and 400 for what cannot be an id', async () => {
      expect((await connection('0123456789abcdef', 'carol')).status).toBe(404);
      expect((await connection('x; drop', 'carol')).status).toBe(400);
    });
  },
);
