/*
 * Schemas left behind, through the API of a test backend with the real
 * permission backend, on SQLite and PostgreSQL, against a real PGlite
 * warehouse: a product provisioned and then gone from the catalog, and a
 * schema its product no longer declares, are listed (judged against the
 * whole catalog); the platform team drops the gone product's, its owners
 * their own product's, nobody else; each drop is in the audit trail. The
 * watch (the scheduled task, run by hand) tells who decides once and
 * remembers what it saw for the home page, until a look no longer finds it.
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import {
  type PostgresWarehouseAdapter,
  createPgliteWarehouseAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
  applyPlan,
  assessProducts,
  createSandbox,
  managedByMarker,
  planProducts,
  platformConfig,
} from '@datamesh/plugin-data-mesh-node';
import { contractCalls } from '../__testUtils__/contractCalls';
import { createTestDatabases } from '../__testUtils__/databases';
import { TEST_ADMIN_GROUP } from '../__testUtils__/permissions';
import {
  product,
  startAccessTestBackend,
} from '../access/__testUtils__/testBackend';
import { SloStore } from '../slo/SloStore';
import { LEFTOVERS_TOPIC, LEFTOVERS_WATCH_TASK_ID } from './leftoverWatch';

const T0 = Date.UTC(2026, 0, 1);
const platform = platformConfig();
const memberships: Record<string, string[]> = {
  'user:default/aisha': ['group:default/clinical'],
  'user:default/sofia': ['group:default/pophealth'],
  'user:default/grace': [TEST_ADMIN_GROUP],
};
const visits = product(
  'visits',
  'group:default/clinical',
  'domain:default/care',
);
// provisioned, then removed from the catalog without retirement
const wards = product('wards', 'group:default/clinical', 'domain:default/care');

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('schemas left behind on %s', id => {
  let server: any;
  let stop: () => Promise<void>;
  let warehouse: PostgresWarehouseAdapter;
  let wardsRoles: string[];
  let knex: Knex;
  // the watch tells of what it has seen for an hour (the default)
  let now = T0 + 60_000;
  const HOUR = 3_600_000;
  const sent: NotificationSendOptions[] = [];
  const scheduler = mockServices.scheduler();
  const look = () => scheduler.triggerTask(LEFTOVERS_WATCH_TASK_ID);
  const told = () => sent.filter(n => n.payload.topic === LEFTOVERS_TOPIC);
  const { call } = contractCalls(() => server, 'aisha');
  const seenBy = async (user: string) =>
    (await call('get', '/infrastructure/leftovers/seen', user)).body;
  const schemasOf = async (like: string) =>
    (
      await warehouse.connection.query<{ nspname: string }>(
        'select nspname from pg_namespace where nspname like $1 order by 1',
        [like],
      )
    ).map(r => r.nspname);

  beforeAll(async () => {
    warehouse = await createPgliteWarehouseAdapter({ inMemory: true });
    // visits' pipeline also applies it to prod: not left behind
    const visitsInProd = {
      ...visits,
      spec: { ...visits.spec, infrastructure: { stage: 'prod' } },
    };
    // a plan knows a product once: one plan per stage
    for (const stage of [[visits, wards], [visitsInProd]]) {
      const { plan } = await planProducts(stage, platform, warehouse);
      const provisioned = await applyPlan(plan!, warehouse);
      if (provisioned.error) throw new Error(provisioned.error.message);
    }
    const { products } = await assessProducts([wards], platform, warehouse, {
      namesOnly: true,
    });
    const wardsNames = products[0].desired!.products[0];
    wardsRoles = [
      ...Object.values(wardsNames.roles),
      wardsNames.piiRole!,
    ].sort();
    await createSandbox(warehouse, wardsNames, {
      suffix: 'feat_beds',
      layers: ['raw'],
      now: new Date(T0),
    });
    // a layer visits used to have: still marked as its own
    await warehouse.connection.query(
      'CREATE SCHEMA acme_care_dev__visits_staging',
    );
    await warehouse.connection.query(
      `COMMENT ON SCHEMA acme_care_dev__visits_staging IS '${managedByMarker(
        'dataproduct:default/visits',
      )}'`,
    );
    // wards had an SLO: its monitor, kept a day after it left the catalog,
    // knows its owner
    knex = await databases.init(id);
    const slo = await SloStore.create({ getClient: async () => knex });
    await slo.syncMonitors(
      [
        {
          entityRef: 'dataproduct:default/wards',
          namespace: 'default',
          name: 'wards',
          owner: 'group:default/clinical',
          domain: 'domain:default/care',
          sloName: 'available',
          dimension: 'availability',
          objective: 'the table answers',
          target: 0.9,
          window: '7d',
          slice: '1d',
          windowMs: 7 * 24 * HOUR,
          sliceMs: 24 * HOUR,
          table: {
            database: 'acme_care_dev',
            schema: 'wards_output',
            table: 'beds',
          },
        },
      ],
      { now: T0, removedGraceMs: 24 * HOUR },
    );
    const backend = await startAccessTestBackend({
      databases,
      databaseId: id,
      knex,
      entities: [visits],
      memberships,
      clock: { now: () => now },
      sent,
      scheduler,
      warehouse,
      // the platform team hears of what gone products left
      config: { adminGroups: [TEST_ADMIN_GROUP] },
    });
    server = backend.server;
    stop = () => backend.stop();
  }, 120_000);

  afterAll(async () => {
    await stop?.();
    await warehouse?.close();
  });

  it('the watch tells the owners what their product no longer declares and the platform team what a gone product left, once each, once seen for an hour', async () => {
    expect(await seenBy('grace')).toEqual({ watching: true, items: [] });
    await look();
    // just seen: a catalog still ingesting would look the same
    expect(told()).toEqual([]);
    expect(await seenBy('grace')).toEqual({ watching: true, items: [] });
    const firstSeen = new Date(now).toISOString();
    now += HOUR;
    await look();
    expect(
      told().map(n => [n.recipients, n.payload.title, n.payload.link]),
    ).toEqual([
      [
        { type: 'entity', entityRef: ['group:default/clinical'] },
        'visits left 1 schema behind',
        '/data-products/drift',
      ],
      [
        // the platform team, and the owners the portal last knew
        {
          type: 'entity',
          entityRef: [TEST_ADMIN_GROUP, 'group:default/clinical'],
        },
        `dataproduct:default/wards, gone from the catalog, left 5 schemas and ${wardsRoles.length} roles behind`,
        '/data-products/drift',
      ],
    ]);
    expect(told()[0].payload.description).toBe(
      'Marked as the product\'s, no longer declared by its spec (a layer or role renamed, or the product moved to another domain or stage): no plan, drift check or retirement looks after it. Schemas: "acme_care_dev__visits_staging". Drop it on the Drift page, or declare it again.',
    );
    expect(told()[1].payload.description).toContain(
      `Roles: ${wardsRoles.map(r => `"${r}"`).join(', ')}.`,
    );
    expect(told()[1].payload.description).toMatch(
      /^The product \(owned by group:default\/clinical\) was removed from the catalog without retiring it, or renamed: .* Register the product again and retire it, or have the platform team drop or keep them on the Drift page\.$/,
    );
    // what it saw, for the home page: only what the caller may drop
    expect((await seenBy('aisha')).items).toEqual([
      {
        product: 'dataproduct:default/visits',
        productInCatalog: true,
        kind: 'schema',
        name: '"acme_care_dev__visits_staging"',
        firstSeenAt: firstSeen,
        notifiedAt: new Date(now).toISOString(),
      },
    ]);
    expect((await seenBy('sofia')).items).toEqual([]);
    const all = (await seenBy('grace')).items;
    expect(all).toHaveLength(1 + 5 + wardsRoles.length);
    expect(all.filter((l: any) => l.kind === 'role')).toHaveLength(
      wardsRoles.length,
    );
    // told once: a second look tells nobody
    await look();
    expect(told()).toHaveLength(2);
    // the Drift page's list says since when
    const listed = await call('get', '/infrastructure/leftovers', 'sofia');
    expect(
      [...listed.body.items, ...listed.body.roles].map(
        (l: any) => l.firstSeenAt,
      ),
    ).toEqual(Array(1 + 5 + wardsRoles.length).fill(firstSeen));
  });

  it("lists what no product of the catalog declares; the platform team drops a gone product's, its owners their own's", async () => {
    const listed = await call('get', '/infrastructure/leftovers', 'sofia');
    expect(listed.status).toBe(200);
    // the databases the platform made, then the two there are (dev and
    // prod), and the roles
    expect(listed.body.queries).toBe(4);
    // wards' roles too; visits' are the ones it declares
    expect(
      listed.body.roles.map((r: any) => [r.product, r.kind, r.name]),
    ).toEqual(
      wardsRoles.map(name => ['dataproduct:default/wards', 'product', name]),
    );
    expect(
      listed.body.items.map((l: any) => [
        l.product,
        l.productInCatalog,
        l.kind,
        l.qualified,
        l.branch,
      ]),
    ).toEqual([
      [
        'dataproduct:default/visits',
        true,
        'product',
        '"acme_care_dev__visits_staging"',
        undefined,
      ],
      [
        'dataproduct:default/wards',
        false,
        'product',
        '"acme_care_dev__wards_intermediates"',
        undefined,
      ],
      [
        'dataproduct:default/wards',
        false,
        'product',
        '"acme_care_dev__wards_masked"',
        undefined,
      ],
      [
        'dataproduct:default/wards',
        false,
        'product',
        '"acme_care_dev__wards_output"',
        undefined,
      ],
      [
        'dataproduct:default/wards',
        false,
        'product',
        '"acme_care_dev__wards_raw"',
        undefined,
      ],
      [
        'dataproduct:default/wards',
        false,
        'sandbox',
        '"acme_care_dev__wards_raw_sbx_feat_beds"',
        'feat_beds',
      ],
    ]);
    const wardsItems = listed.body.items.filter(
      (l: any) => l.product === 'dataproduct:default/wards',
    );
    const asBody = (items: any[], roles: string[] = []) => ({
      schemas: items.map(l => ({ database: l.database, schema: l.schema })),
      ...(roles.length ? { roles } : {}),
    });

    // wards is gone from the catalog: no owner to decide, only the platform team
    const refused = await call(
      'post',
      '/products/default/wards/leftovers/drop',
      'aisha',
      asBody(wardsItems),
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'user:default/aisha may not drop what dataproduct:default/wards left behind: its owners may while it is in the catalog, the platform team once it is gone from it',
    );
    expect(await schemasOf('acme_care_dev__wards%')).toHaveLength(5);

    // the platform team drops two of them; only those
    const dropped = await call(
      'post',
      '/products/default/wards/leftovers/drop',
      'grace',
      asBody(wardsItems.slice(3), wardsRoles),
    );
    expect(dropped.status).toBe(200);
    expect(dropped.body).toEqual({
      entityRef: 'dataproduct:default/wards',
      dropped: [
        '"acme_care_dev__wards_raw"',
        '"acme_care_dev__wards_raw_sbx_feat_beds"',
        ...wardsRoles.map(r => `"${r}"`),
      ],
      leftovers: wardsItems.slice(0, 3),
      roles: [],
    });
    const rolesLeft = await warehouse.connection.query(
      'select rolname from pg_roles where rolname = any($1)',
      [wardsRoles],
    );
    expect(rolesLeft).toEqual([]);
    expect(await schemasOf('acme_care_dev__wards%')).toEqual([
      'acme_care_dev__wards_intermediates',
      'acme_care_dev__wards_masked',
      'acme_care_dev__wards_output',
    ]);
    // asked again: nothing of them is left behind now
    const again = await call(
      'post',
      '/products/default/wards/leftovers/drop',
      'grace',
      asBody(wardsItems.slice(3)),
    );
    expect(again.status).toBe(404);
    // in the audit trail, which outlives the product
    const trail = await call('get', '/lifecycle/default/wards', 'grace');
    expect(trail.body.audit).toEqual([
      expect.objectContaining({
        actor: 'user:default/grace',
        action: 'leftover-drop',
        detail: {
          dropped: [
            '"acme_care_dev__wards_raw"',
            '"acme_care_dev__wards_raw_sbx_feat_beds"',
          ],
          roles: wardsRoles.map(r => `"${r}"`),
          productInCatalog: false,
        },
      }),
    ]);

    // visits is in the catalog: its owners drop what it no longer declares
    const staging = listed.body.items.filter(
      (l: any) => l.product === 'dataproduct:default/visits',
    );
    expect(
      (
        await call(
          'post',
          '/products/default/visits/leftovers/drop',
          'sofia',
          asBody(staging),
        )
      ).status,
    ).toBe(403);
    // a schema it declares is never dropped this way
    const declared = await call(
      'post',
      '/products/default/visits/leftovers/drop',
      'aisha',
      { schemas: [{ database: 'acme_care_dev', schema: 'visits_raw' }] },
    );
    expect(declared.status).toBe(404);
    const own = await call(
      'post',
      '/products/default/visits/leftovers/drop',
      'aisha',
      asBody(staging),
    );
    expect(own.status).toBe(200);
    expect(own.body.dropped).toEqual(['"acme_care_dev__visits_staging"']);
    expect(await schemasOf('acme_care_dev__visits%')).toEqual([
      'acme_care_dev__visits_intermediates',
      'acme_care_dev__visits_masked',
      'acme_care_dev__visits_output',
      'acme_care_dev__visits_raw',
    ]);
    expect(
      (await call('get', '/infrastructure/leftovers', 'aisha')).body.items.map(
        (l: any) => l.qualified,
      ),
    ).toEqual([
      '"acme_care_dev__wards_intermediates"',
      '"acme_care_dev__wards_masked"',
      '"acme_care_dev__wards_output"',
    ]);
  });

  it('the watch forgets what was dropped, and tells nobody again', async () => {
    await look();
    expect((await seenBy('grace')).items.map((l: any) => l.name)).toEqual([
      '"acme_care_dev__wards_intermediates"',
      '"acme_care_dev__wards_masked"',
      '"acme_care_dev__wards_output"',
    ]);
    expect((await seenBy('aisha')).items).toEqual([]);
    expect(told()).toHaveLength(2);
  });

  it('keeps what a gone product left on purpose: not told nor counted until no longer kept; a drop of all of it ends the keep', async () => {
    const keep = (user: string, reason = 'legal hold until 2027') =>
      call('put', '/products/default/wards/leftovers/keep', user, { reason });
    // wards is gone: not its old owners' to decide
    expect((await keep('aisha')).status).toBe(403);
    expect((await keep('grace', '   ')).status).toBe(400);
    const kept = await keep('grace');
    expect(kept.status).toBe(200);
    const at = new Date(now).toISOString();
    const decision = {
      product: 'dataproduct:default/wards',
      by: 'user:default/grace',
      at,
      reason: 'legal hold until 2027',
    };
    expect(kept.body).toEqual({
      entityRef: 'dataproduct:default/wards',
      kept: decision,
    });
    // still listed, with the decision
    const listed = await call('get', '/infrastructure/leftovers', 'sofia');
    expect(listed.body.items).toHaveLength(3);
    expect(listed.body.kept).toEqual([decision]);
    // no longer counted as needing anyone
    await look();
    expect((await seenBy('grace')).items).toEqual([]);
    expect(told()).toHaveLength(2);
    // visits left nothing behind now: nothing to keep
    const nothing = await call(
      'put',
      '/products/default/visits/leftovers/keep',
      'aisha',
      { reason: 'just in case' },
    );
    expect(nothing.status).toBe(404);

    // no longer kept: counted and told again
    const stopKeeping = () =>
      call('delete', '/products/default/wards/leftovers/keep', 'grace');
    expect((await stopKeeping()).body).toEqual({
      entityRef: 'dataproduct:default/wards',
    });
    expect((await stopKeeping()).status).toBe(404);
    // seen anew, told an hour later
    await look();
    expect((await seenBy('grace')).items).toEqual([]);
    now += HOUR;
    await look();
    expect((await seenBy('grace')).items).toHaveLength(3);
    expect(told().map(n => n.payload.title)).toEqual([
      'visits left 1 schema behind',
      `dataproduct:default/wards, gone from the catalog, left 5 schemas and ${wardsRoles.length} roles behind`,
      'dataproduct:default/wards, gone from the catalog, left 3 schemas behind',
    ]);
    const trail = await call('get', '/lifecycle/default/wards', 'grace');
    expect(
      trail.body.audit
        .filter((a: any) => a.action === 'leftover-keep')
        .map((a: any) => a.detail),
    ).toEqual(
      expect.arrayContaining([
        { kept: true, reason: 'legal hold until 2027', schemas: 3, roles: 0 },
        { kept: false },
      ]),
    );

    // kept again, then all of it dropped: the keep goes with it
    await keep('grace');
    const rest = listed.body.items.map((l: any) => ({
      database: l.database,
      schema: l.schema,
    }));
    const dropped = await call(
      'post',
      '/products/default/wards/leftovers/drop',
      'grace',
      { schemas: rest },
    );
    expect(dropped.status).toBe(200);
    expect(await knex('data_mesh_leftovers_kept').select('product')).toEqual(
      [],
    );
  });

  it('refuses a body that names no schema', async () => {
    const r = await call(
      'post',
      '/products/default/wards/leftovers/drop',
      'grace',
      { schemas: [] },
    );
    expect(r.status).toBe(400);
  });
});
