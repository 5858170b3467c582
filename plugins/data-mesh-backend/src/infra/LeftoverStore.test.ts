/*
 * The leftovers watch's memory on SQLite and PostgreSQL: the first sighting
 * is kept, a product's place in the catalog follows the latest look, and of
 * two instances one claims the telling; and what the API lists of it.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/databases';
import { AccessRequestStore } from '../access/AccessRequestStore';
import { LeftoverStore } from './LeftoverStore';
import { leftoversSeenView } from './leftoverWatch';

const databases = createTestDatabases();

/** A store on a fresh database of `id`, the plugin's migrations run. */
async function storeOn(id: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(id);
  await AccessRequestStore.create({ getClient: async () => knex });
  return { knex, store: new LeftoverStore(knex) };
}

describe.each(databases.eachSupportedId())('LeftoverStore on %s', id => {
  const schema = {
    product: 'dataproduct:default/wards',
    kind: 'schema' as const,
    name: '"acme_care_dev"."wards_raw"',
    productInCatalog: false,
  };
  const role = { ...schema, kind: 'role' as const, name: '"wards_consumer"' };

  it('keeps the first sighting, follows the product in and out of the catalog, forgets what is gone', async () => {
    const { store } = await storeOn(id);
    await store.seen([schema, role], 10);
    await store.seen([{ ...schema, productInCatalog: true }], 20);
    expect(await store.list()).toEqual([
      { ...role, firstSeenAt: 10 },
      { ...schema, productInCatalog: true, firstSeenAt: 10 },
    ]);
    await store.forget([role]);
    expect(await store.list()).toEqual([
      { ...schema, productInCatalog: true, firstSeenAt: 10 },
    ]);
  });

  it('lets one of two instances claim the telling; a failed telling is claimed again', async () => {
    const { knex, store } = await storeOn(id);
    const other = new LeftoverStore(knex);
    await store.seen([schema], 10);
    const [a, b] = await Promise.all([
      store.claimNotifications([schema], 11),
      other.claimNotifications([schema], 11),
    ]);
    expect([a.length, b.length].sort()).toEqual([0, 1]);
    expect((await store.list())[0].notifiedAt).toBe(11);
    await store.releaseNotifications([schema]);
    expect(await other.claimNotifications([schema], 12)).toEqual([
      { product: schema.product, kind: 'schema', name: schema.name },
    ]);
  });
});

describe('leftoversSeenView', () => {
  const stored = {
    list: async () => [
      {
        product: 'dataproduct:default/wards',
        kind: 'role' as const,
        name: '"wards_consumer"',
        productInCatalog: false,
        firstSeenAt: Date.UTC(2026, 0, 1),
      },
    ],
  };

  it('lists what the watch found once seen long enough, nothing once it is turned off', async () => {
    const credentials = mockCredentials.user();
    const permissions = mockServices.permissions();
    const H = 3_600_000;
    let now = Date.UTC(2026, 0, 1) + H / 2;
    const view = (watching: boolean) =>
      leftoversSeenView({
        store: stored,
        permissions,
        watching,
        tellAfterMs: H,
        clock: { now: () => now },
      });
    // seen half an hour ago: a catalog still ingesting looks like this
    expect(await view(true).list(credentials)).toEqual({
      watching: true,
      items: [],
    });
    now += H / 2;
    expect(await view(true).list(credentials)).toEqual({
      watching: true,
      items: [
        {
          product: 'dataproduct:default/wards',
          kind: 'role',
          name: '"wards_consumer"',
          productInCatalog: false,
          firstSeenAt: '2026-01-01T00:00:00.000Z',
        },
      ],
    });
    // its last findings would otherwise be counted forever
    expect(await view(false).list(credentials)).toEqual({
      watching: false,
      items: [],
    });
  });
});
