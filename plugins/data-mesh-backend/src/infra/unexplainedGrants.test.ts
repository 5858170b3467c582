/*
 * The unexplained-grants watch against a real warehouse (PGlite, a
 * PostgreSQL server when configured): grants made by hand in it, found by
 * the real InfrastructureService, remembered in the real store (SQLite and
 * PostgreSQL), told to the product's owners once each.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import {
  type AccessGrant,
  createWarehouseAccessGrantExecutor,
  planProducts,
} from '@datamesh/plugin-data-mesh-node';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  type TestWarehouse,
  provision,
  sloProduct,
  warehouseFactories,
} from '../__testUtils__/warehouse';
import { AccessRequestStore } from '../access/AccessRequestStore';
import { InfrastructureService } from './InfrastructureService';
import { UnexplainedGrantStore } from './UnexplainedGrantStore';
import {
  UNEXPLAINED_GRANTS_TOPIC,
  UnexplainedGrantWatch,
  grantsNotice,
} from './unexplainedGrants';

const databases = createTestDatabases();

/** A store on a fresh database of `id`, its migrations run. */
async function storeOn(id: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(id);
  await AccessRequestStore.create({ getClient: async () => knex });
  return { knex, store: new UnexplainedGrantStore(knex) };
}

describe.each(databases.eachSupportedId())(
  'UnexplainedGrantStore on %s',
  id => {
    const grant = {
      product: 'dataproduct:default/orders',
      role: 'shop_orders_consumer_pii',
      member: 'team_b',
      consumer: 'group:default/team-b',
      personalData: true,
    };

    it('keeps the first sighting, and forgets a grant gone', async () => {
      const { store } = await storeOn(id);
      await store.seen([grant], 10);
      await store.seen([grant], 20);
      expect(await store.list()).toEqual([{ ...grant, firstSeenAt: 10 }]);
      expect(await store.list(['dataproduct:default/other'])).toEqual([]);
      await store.forget([grant]);
      expect(await store.list()).toEqual([]);
    });

    it('keeps a user and a role of the same name apart (Snowflake grants roles to users)', async () => {
      const { store } = await storeOn(id);
      const user = {
        ...grant,
        memberKind: 'user' as const,
        consumer: undefined,
      };
      await store.seen([grant, user], 10);
      expect(await store.list()).toEqual([
        { ...grant, firstSeenAt: 10 },
        {
          product: grant.product,
          role: grant.role,
          member: grant.member,
          memberKind: 'user',
          personalData: true,
          firstSeenAt: 10,
        },
      ]);
      expect(await store.claimNotifications([user], 11)).toEqual([
        {
          product: grant.product,
          role: grant.role,
          member: grant.member,
          memberKind: 'user',
        },
      ]);
      await store.forget([user]);
      expect(await store.list()).toEqual([{ ...grant, firstSeenAt: 10 }]);
    });

    it('lets one of two instances claim the telling; a failed telling is claimed again', async () => {
      const { knex, store } = await storeOn(id);
      const other = new UnexplainedGrantStore(knex);
      await store.seen([grant], 10);
      const [a, b] = await Promise.all([
        store.claimNotifications([grant], 11),
        other.claimNotifications([grant], 11),
      ]);
      expect([a.length, b.length].sort()).toEqual([0, 1]);
      expect((await store.list())[0].notifiedAt).toBe(11);
      await store.releaseNotifications([grant]);
      expect(await other.claimNotifications([grant], 12)).toEqual([
        {
          product: grant.product,
          role: grant.role,
          member: grant.member,
        },
      ]);
    });
  },
);

describe('grantsNotice', () => {
  const product = sloProduct('orders', 'shop', []);
  const base = {
    product: 'dataproduct:default/orders',
    member: 'etl',
    personalData: false,
  };

  it('says what the one grant does: reads, reads personal data, or holds a role that does more', () => {
    const title = (g: object) =>
      grantsNotice(product, [{ ...base, role: 'r', ...g } as any]).title;
    expect(title({ role: 'orders_consumer', reads: true })).toBe(
      'etl reads ORDERS outside any access request',
    );
    expect(
      title({ role: 'orders_consumer_pii', reads: true, personalData: true }),
    ).toBe('etl reads personal data of ORDERS outside any access request');
    expect(title({ role: 'orders_service' })).toBe(
      'etl holds orders_service of ORDERS outside any access request',
    );
    expect(title({ role: 'orders_service', memberKind: 'user' })).toBe(
      'user etl holds orders_service of ORDERS outside any access request',
    );
  });
});

describe.each(warehouseFactories)(
  'the unexplained-grants watch on %s',
  (_, make) => {
    let w: TestWarehouse;
    let product: DataProductEntityV1alpha1;
    let roles: { consumer: string; pii: string; service: string };
    let team: string;
    let stranger: string;
    const active: AccessGrant[] = [];
    const q = (name: string) => w.adapter.dialect.quoteIdentifier(name);
    const run = (...sql: string[]) =>
      w.adapter.execute(sql.map(statement => ({ sql: statement })));

    beforeAll(async () => {
      w = await make();
      product = sloProduct(
        'orders',
        `${w.id}-shop`,
        [],
        'group:default/shop-team',
      );
      product.metadata.namespace = w.id;
      product.spec.datasets![0].columns!.push({
        name: 'email',
        type: 'text',
        pii: true,
      });
      await provision(w, [product]);
      const planned = (await planProducts([product], w.platform, w.adapter))
        .desired!.products[0];
      roles = {
        consumer: planned.roles.consumer,
        pii: planned.piiRole!,
        service: planned.roles.service,
      };
      team = `${w.id}_team_b`;
      stranger = `${w.id}_stranger`;
      await run(`CREATE ROLE ${q(team)}`, `CREATE ROLE ${q(stranger)}`);
      // the team reads through an approved request, as the portal grants it
      const grant: AccessGrant = {
        id: 'r1',
        product: `dataproduct:${w.id}/orders`,
        outputPort: 'events',
        role: `${w.id}_access_r1`,
        providerRole: roles.consumer,
        grantee: team,
        pii: false,
      };
      await createWarehouseAccessGrantExecutor({
        warehouse: { getAdapter: async () => w.adapter },
      }).grant(grant);
      active.push(grant);
    });

    // a failed test leaves no grant made by hand to the next
    afterEach(async () => {
      await run(
        ...[roles.consumer, roles.pii, roles.service].map(
          r => `REVOKE ${q(r)} FROM ${q(stranger)}`,
        ),
        `REVOKE ${q(roles.consumer)} FROM ${q(team)}`,
      );
    });

    afterAll(async () => {
      if (!w) return;
      try {
        for (const role of [...active.map(g => g.role), team, stranger]) {
          await run(`DROP ROLE IF EXISTS ${q(role)}`);
        }
      } finally {
        await w.cleanup();
      }
    });

    function setUp(store: UnexplainedGrantStore, send = jest.fn()) {
      const catalog = catalogServiceMock({
        entities: [
          product,
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Group',
            metadata: { name: 'strangers', namespace: 'default' },
            spec: {
              type: 'team',
              children: [],
              profile: { displayName: 'Strangers Inc' },
            },
          },
        ],
      });
      const infrastructure = new InfrastructureService({
        catalog,
        platform: w.platform,
        getAdapter: async () => w.adapter,
        warehouseType: 'test',
        accessGrants: {
          grants: async () => ({ active, pending: [] }),
          consumersOf: async asked =>
            new Map(
              asked
                .filter(r => r === stranger)
                .map(r => [r, 'group:default/strangers']),
            ),
        },
      });
      const notifications = { send } as unknown as NotificationService;
      let now = 1000;
      const watch = new UnexplainedGrantWatch({
        infrastructure,
        catalog,
        store,
        notifications,
        auditors: ['group:default/governance'],
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        clock: { now: () => (now += 1000) },
      });
      return { watch, send };
    }

    it('tells the owners once of a grant made by hand, again only when it is made anew', async () => {
      const { store } = await storeOn('SQLITE_3');
      const { watch, send } = setUp(store);
      expect(await watch.run()).toEqual({
        products: 1,
        found: 0,
        fresh: 0,
        gone: 0,
        told: 0,
      });
      expect(send).not.toHaveBeenCalled();

      await run(`GRANT ${q(roles.pii)} TO ${q(stranger)}`);
      expect(await watch.run()).toMatchObject({ found: 1, fresh: 1, told: 1 });
      expect(send).toHaveBeenCalledTimes(1);
      expect(send.mock.calls[0][0]).toEqual({
        // personal data in clear: the auditors are told too
        recipients: {
          type: 'entity',
          entityRef: ['group:default/shop-team', 'group:default/governance'],
        },
        payload: {
          title:
            'Strangers Inc reads personal data of ORDERS outside any access request',
          description: expect.stringContaining(
            `Strangers Inc (role ${stranger}) reads personal data in clear through ${roles.pii}`,
          ),
          link: `/catalog/${w.id}/dataproduct/orders/access`,
          severity: 'high',
          topic: UNEXPLAINED_GRANTS_TOPIC,
          scope: `data-mesh:access-drift:${w.id}/orders`,
        },
      });
      expect(await store.list()).toEqual([
        {
          product: `dataproduct:${w.id}/orders`,
          role: roles.pii,
          member: stranger,
          consumer: 'group:default/strangers',
          personalData: true,
          firstSeenAt: expect.any(Number),
          notifiedAt: expect.any(Number),
        },
      ]);

      // the next check: still there, already told
      expect(await watch.run()).toMatchObject({ found: 1, fresh: 0, told: 0 });
      expect(send).toHaveBeenCalledTimes(1);

      // revoked, then made anew: told again
      await run(`REVOKE ${q(roles.pii)} FROM ${q(stranger)}`);
      expect(await watch.run()).toMatchObject({ found: 0, gone: 1 });
      expect(await store.list()).toEqual([]);
      await run(`GRANT ${q(roles.pii)} TO ${q(stranger)}`);
      expect(await watch.run()).toMatchObject({ fresh: 1, told: 1 });
      expect(send).toHaveBeenCalledTimes(2);
      await run(`REVOKE ${q(roles.pii)} FROM ${q(stranger)}`);
      await watch.run();
    });

    it("does not tell of a grant the consumer's request covers, and tells several in one notification", async () => {
      const { store } = await storeOn('SQLITE_3');
      const { watch, send } = setUp(store);
      await run(
        // covered by request r1: the team reads nothing more through it
        `GRANT ${q(roles.consumer)} TO ${q(team)}`,
        `GRANT ${q(roles.consumer)} TO ${q(stranger)}`,
        `GRANT ${q(roles.service)} TO ${q(stranger)}`,
      );
      try {
        expect(await watch.run()).toMatchObject({ found: 2, told: 2 });
        expect(send).toHaveBeenCalledTimes(1);
        const { payload, recipients } = send.mock.calls[0][0];
        // masked reads: the owners only
        expect(recipients.entityRef).toEqual(['group:default/shop-team']);
        expect(payload.title).toBe('2 grants made by hand on ORDERS');
        // masked reads and a service role held: normal severity
        expect(payload.severity).toBe('normal');
        expect(payload.description).toContain(
          `Strangers Inc (role ${stranger}) holds ${roles.consumer}`,
        );
        // not a read role: who holds it is not looked up
        expect(payload.description).toContain(
          `; ${stranger} holds ${roles.service}`,
        );
        expect(payload.description).not.toContain(team);
      } finally {
        await run(
          `REVOKE ${q(roles.consumer)} FROM ${q(team)}`,
          `REVOKE ${q(roles.consumer)} FROM ${q(stranger)}`,
          `REVOKE ${q(roles.service)} FROM ${q(stranger)}`,
        );
      }
    });

    it('tells again at the next check when the notification could not be sent', async () => {
      const { store } = await storeOn('SQLITE_3');
      const send = jest
        .fn()
        .mockRejectedValueOnce(new Error('notifications backend down'))
        .mockResolvedValue(undefined);
      const { watch } = setUp(store, send);
      await run(`GRANT ${q(roles.consumer)} TO ${q(stranger)}`);
      try {
        expect(await watch.run()).toMatchObject({ fresh: 1, told: 0 });
        expect((await store.list())[0].notifiedAt).toBeUndefined();
        expect(await watch.run()).toMatchObject({ fresh: 0, told: 1 });
        expect(send).toHaveBeenCalledTimes(2);
      } finally {
        await run(`REVOKE ${q(roles.consumer)} FROM ${q(stranger)}`);
      }
    });

    it('tells once when two instances check at the same time on one database', async () => {
      const { knex } = await storeOn('SQLITE_3');
      const send = jest.fn();
      const one = setUp(new UnexplainedGrantStore(knex as Knex), send);
      const two = setUp(new UnexplainedGrantStore(knex as Knex), send);
      await run(`GRANT ${q(roles.consumer)} TO ${q(stranger)}`);
      try {
        const reports = await Promise.all([one.watch.run(), two.watch.run()]);
        expect(reports.map(r => r.told).sort()).toEqual([0, 1]);
        expect(send).toHaveBeenCalledTimes(1);
      } finally {
        await run(`REVOKE ${q(roles.consumer)} FROM ${q(stranger)}`);
      }
    });
  },
);
