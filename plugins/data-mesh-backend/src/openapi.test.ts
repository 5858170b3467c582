/*
 * The REST API against its OpenAPI document (data-mesh-common,
 * src/openapi/data-mesh.openapi.json): the routers serve exactly the
 * document's operations, and the responses of real calls (the plugin in a
 * test backend, real PGlite warehouse, real collection) validate against
 * the document's schemas — successes and errors alike.
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  type DataMeshApiOperation,
  createDataMeshApiValidator,
  dataMeshApiOperations,
} from '@datamesh/plugin-data-mesh-common';
import {
  type ProductQualityCheck,
  computeDesiredState,
  managedByMarker,
  productQualityChecks,
} from '@datamesh/plugin-data-mesh-node';
import { testWarehouseServiceFactory } from '@datamesh/plugin-data-mesh-node/testUtils';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from './__testUtils__/databases';
import { permissionTestFeatures } from './__testUtils__/permissions';
import {
  type TestWarehouse,
  eventsTable,
  loadTable,
  provision,
  sloProduct,
  warehouseFactories,
} from './__testUtils__/warehouse';
import { createAccessRouter } from './access/router';
import { CHANGES_RECONCILE_TASK_ID, createChangesRouter } from './changes';
import { createGovernanceRouter } from './governance';
import {
  LEFTOVERS_WATCH_TASK_ID,
  RepairRunStore,
  UNEXPLAINED_GRANTS_TASK_ID,
  createInfrastructureRouter,
} from './infra';
import { createLifecycleRouter } from './lifecycle';
import {
  SLO_COLLECTION_TASK_ID,
  dataMeshClockServiceRef,
  dataMeshPlugin,
} from './plugin';
import { createSloRouter } from './slo/router';
import { USAGE_COLLECTION_TASK_ID, createUsageRouter } from './usage';
import { createQualityRouter } from './quality/router';
import { createSpecProblemsRouter } from './specProblems';

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);

/** `GET /products/:namespace/:name/slos` → `get /products/{namespace}/{name}/slos`. */
function routesOf(router: any): string[] {
  return router.stack
    .filter((layer: any) => layer.route)
    .flatMap((layer: any) =>
      Object.keys(layer.route.methods).map(
        method => `${method} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`,
      ),
    );
}

const key = (o: DataMeshApiOperation) => `${o.method} ${o.path}`;

describe('the routers and the OpenAPI document', () => {
  it('serve exactly the operations the document describes', () => {
    const httpAuth = mockServices.httpAuth();
    const served = [
      // the plugin's own liveness route (plugin.ts)
      'get /health',
      ...routesOf(createSloRouter({ httpAuth } as any)),
      ...routesOf(createInfrastructureRouter({ httpAuth, service: {} as any })),
      ...routesOf(createAccessRouter({ httpAuth, service: {} as any })),
      ...routesOf(createGovernanceRouter({ httpAuth, service: {} as any })),
      ...routesOf(
        createLifecycleRouter({
          httpAuth,
          service: {} as any,
          retirement: {} as any,
        }),
      ),
      ...routesOf(
        createChangesRouter({ httpAuth, store: {} as any, catalog: {} as any }),
      ),
      ...routesOf(
        createUsageRouter({ httpAuth, catalog: {} as any, service: {} as any }),
      ),
      ...routesOf(
        createQualityRouter({
          httpAuth,
          catalog: {} as any,
          permissions: {} as any,
          userInfo: {} as any,
          service: {} as any,
          runNow: async () => undefined,
        }),
      ),
      ...routesOf(
        createSpecProblemsRouter({
          httpAuth,
          userInfo: {} as any,
          service: {} as any,
          check: {} as any,
        }),
      ),
    ];
    expect(served.sort()).toEqual(dataMeshApiOperations().map(key).sort());
  });
});

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'responses of real calls on %s',
  databaseId => {
    let w: TestWarehouse;
    let server: any;
    let stopBackend: () => Promise<void>;
    let knex: Knex;
    // the clock of the backend under test (the leftovers watch waits an hour)
    let now = 0;
    let consumerRole: string;
    let ordersDatabase: string;
    let ordersQualityCheck: ProductQualityCheck;
    const scheduler = mockServices.scheduler();
    const validator = createDataMeshApiValidator();
    const covered = new Set<string>();
    const alice = mockCredentials.user.header('user:default/alice');
    const dave = mockCredentials.user.header('user:default/dave');
    const service = mockCredentials.service.header();

    /** Send, then check the status and that the body is what the document says. */
    async function call(
      operation: DataMeshApiOperation,
      url: string,
      expected: number,
      options: { auth?: string; body?: unknown } = {},
    ) {
      const auth = options.auth ?? alice;
      const full = `/api/data-mesh${url}`;
      const res =
        operation.method === 'post' || operation.method === 'put'
          ? await request(server)
              [operation.method](full)
              .set('Authorization', auth)
              .send(options.body as object)
          : await request(server)
              [operation.method](full)
              .set('Authorization', auth);
      expect([url, res.status]).toEqual([url, expected]);
      expect([
        url,
        validator.response(operation, res.status, res.body),
      ]).toEqual([url, []]);
      covered.add(`${key(operation)} ${res.status}`);
      return res.body;
    }

    beforeAll(async () => {
      w = await warehouseFactories[0][1]();
      const domain = `${w.id}-shop`;
      const orders = sloProduct(
        'orders',
        domain,
        [
          {
            name: 'available',
            dimension: 'availability',
            objective: 'answers',
          },
          { name: 'fresh', dimension: 'freshness', objective: 'daily' },
        ],
        'group:default/team-a',
      );
      await provision(w, [orders]);
      const ordersNames = computeDesiredState([orders], w.platform).desired!
        .products[0];
      consumerRole = ordersNames.roles.consumer;
      ordersDatabase = ordersNames.database;
      // the port consumers ask access for
      orders.spec.outputPorts = [
        { name: 'events', type: 'sql', dataset: 'events' },
      ];
      // a data-quality check, measured by hand below
      orders.spec.datasets![0].quality = [
        { metric: 'rowCount', mustBeGreaterThan: 0 },
      ];
      [ordersQualityCheck] = productQualityChecks(orders, w.platform);
      await loadTable(w.adapter, eventsTable(w, 'orders', domain), 10, T0);
      now = T0 + 2 * H;
      const backend = await startTestBackend({
        features: [
          dataMeshPlugin,
          ...permissionTestFeatures,
          testWarehouseServiceFactory(w.adapter),
          mockServices.rootConfig.factory({
            data: {
              app: { baseUrl: 'http://localhost:3000' },
              permission: { enabled: true },
              dataMesh: {
                slo: { notifications: { enabled: false } },
                sandboxes: { expireAfter: '30d' },
              },
            },
          }),
          createServiceFactory({
            service: coreServices.database,
            deps: {},
            factory: async () => {
              knex = await databases.init(databaseId);
              return { getClient: async () => knex };
            },
          }),
          createServiceFactory({
            service: catalogServiceRef,
            deps: {},
            factory: () =>
              new InMemoryCatalogClient({
                entities: [
                  orders,
                  // a team that reads orders under an agreement made before the portal
                  {
                    apiVersion: 'backstage.io/v1alpha1',
                    kind: 'Group',
                    metadata: { name: 'team-d', namespace: 'default' },
                    spec: { type: 'team', children: [] },
                  },
                ],
              }) as any,
          }),
          createServiceFactory({
            service: coreServices.userInfo,
            deps: {},
            factory: () => ({
              async getUserInfo(credentials: any) {
                const ref = credentials.principal.userEntityRef;
                // alice and bob own orders; carol asks for access for team-c
                const groups =
                  {
                    'user:default/alice': ['group:default/team-a'],
                    'user:default/bob': ['group:default/team-a'],
                    'user:default/carol': ['group:default/team-c'],
                  }[ref as string] ?? [];
                return {
                  userEntityRef: ref,
                  ownershipEntityRefs: [ref, ...groups],
                };
              },
            }),
          }),
          createServiceFactory({
            service: dataMeshClockServiceRef,
            deps: {},
            factory: () => ({ now: () => now }),
          }),
          createServiceFactory({
            service: coreServices.scheduler,
            deps: {},
            factory: () => scheduler,
          }),
        ],
      });
      server = backend.server;
      stopBackend = () => backend.stop();
      await scheduler.triggerTask(SLO_COLLECTION_TASK_ID);
      now += H;
      await scheduler.triggerTask(SLO_COLLECTION_TASK_ID);
      await scheduler.triggerTask(CHANGES_RECONCILE_TASK_ID);
      await scheduler.triggerTask(USAGE_COLLECTION_TASK_ID);
    }, 120_000);

    afterAll(async () => {
      await stopBackend?.();
      await w?.cleanup();
    }, 60_000);

    it('validate against the document, successes and errors', async () => {
      const health = { method: 'get', path: '/health' } as const;
      const slos = {
        method: 'get',
        path: '/products/{namespace}/{name}/slos',
      } as const;
      const fleet = { method: 'get', path: '/slos' } as const;
      const push = {
        method: 'post',
        path: '/products/{namespace}/{name}/observations',
      } as const;
      const infra = {
        method: 'get',
        path: '/products/{namespace}/{name}/infrastructure',
      } as const;
      const drift = { method: 'get', path: '/infrastructure/drift' } as const;

      expect(await call(health, '/health', 200)).toEqual({ status: 'ok' });

      const product = await call(
        slos,
        '/products/default/orders/slos?observations=2',
        200,
      );
      // the collection ran: history, observations and an evaluation to check
      expect(product.objectives[0].history.length).toBeGreaterThan(0);
      expect(product.objectives[0].latestObservations).toHaveLength(2);
      await call(slos, '/products/default/bad%20name/slos', 400);
      await call(slos, '/products/default/orders/slos', 401, {
        auth: mockCredentials.none.header(),
      });

      const summary = await call(
        fleet,
        '/slos?owner=group:default/team-a&limit=5',
        200,
      );
      expect(summary.items.map((i: any) => i.name)).toEqual(['orders']);
      await call(fleet, '/slos?mine=true', 200);
      await call(fleet, '/slos?limit=0', 400);
      await call(fleet, '/slos', 401, { auth: mockCredentials.none.header() });

      const results = [
        { slo: 'available', passed: true },
        { dimension: 'freshness', passed: false, reason: 'late load' },
      ];
      expect(validator.requestBody(push, results)).toEqual([]);
      const pushed = await call(
        push,
        '/products/default/orders/observations',
        201,
        { auth: service, body: results },
      );
      expect(pushed.accepted).toHaveLength(2);
      await call(push, '/products/default/orders/observations', 403, {
        auth: dave,
        body: results[0],
      });
      await call(push, '/products/default/nope/observations', 404, {
        auth: service,
        body: results[0],
      });
      await call(push, '/products/default/orders/observations', 400, {
        auth: service,
        body: { passed: 'yes' },
      });
      await call(push, '/products/default/orders/observations', 401, {
        auth: mockCredentials.none.header(),
        body: results[0],
      });

      const declared = await call(
        infra,
        '/products/default/orders/infrastructure',
        200,
      );
      expect(declared.entityRef).toBe('dataproduct:default/orders');
      await call(infra, '/products/default/bad%20name/infrastructure', 400);
      const all = await call(drift, '/infrastructure/drift', 200);
      expect(all.total).toBe(1);
      await call(drift, '/infrastructure/drift', 401, {
        auth: mockCredentials.none.header(),
      });
      // a grant made by hand, found by the unexplained-grants watch
      const unexplained = {
        method: 'get',
        path: '/infrastructure/unexplained-grants',
      } as const;
      const hand = w.adapter.dialect.quoteIdentifier(`${w.id}_by_hand`);
      const role = w.adapter.dialect.quoteIdentifier(consumerRole);
      await w.adapter.execute([
        { sql: `CREATE ROLE ${hand}` },
        { sql: `GRANT ${role} TO ${hand}` },
      ]);
      try {
        await scheduler.triggerTask(UNEXPLAINED_GRANTS_TASK_ID);
        const listed = await call(
          unexplained,
          '/infrastructure/unexplained-grants?product=orders',
          200,
        );
        expect(listed).toMatchObject({
          watching: true,
          items: [
            {
              product: 'dataproduct:default/orders',
              role: consumerRole,
              member: `${w.id}_by_hand`,
              personalData: false,
            },
          ],
        });
        await call(unexplained, '/infrastructure/unexplained-grants', 200);
        // who reads orders by hand is for its owners, admins and auditors
        expect(
          (
            await call(unexplained, '/infrastructure/unexplained-grants', 200, {
              auth: dave,
            })
          ).items,
        ).toEqual([]);
        await call(
          unexplained,
          '/infrastructure/unexplained-grants?product=',
          400,
        );
        await call(unexplained, '/infrastructure/unexplained-grants', 401, {
          auth: mockCredentials.none.header(),
        });
      } finally {
        await w.adapter.execute([{ sql: `DROP ROLE ${hand}` }]);
      }
      await scheduler.triggerTask(UNEXPLAINED_GRANTS_TASK_ID);
      expect(
        (await call(unexplained, '/infrastructure/unexplained-grants', 200))
          .items,
      ).toEqual([]);
      const repair = {
        method: 'post',
        path: '/products/{namespace}/{name}/access-drift/repair',
      } as const;
      const repairs = '/products/default/orders/access-drift/repair';
      const repaired = await call(repair, repairs, 200, { body: {} });
      expect(repaired.access.inSync).toBe(true);
      await call(repair, repairs, 403, { auth: dave, body: {} });
      await call(repair, repairs, 400, { body: { revoke: true } });
      await call(repair, repairs, 401, {
        auth: mockCredentials.none.header(),
        body: {},
      });

      // applying a product's plan (its behaviour: infra/infrastructureApply.test.ts)
      const applyOp = {
        method: 'post',
        path: '/products/{namespace}/{name}/infrastructure/apply',
      } as const;
      const applies = '/products/default/orders/infrastructure/apply';
      expect(
        validator.requestBody(applyOp, { allowDestructive: true }),
      ).toEqual([]);
      const applied = await call(applyOp, applies, 200, { body: {} });
      expect(applied.infrastructure.entityRef).toBe(
        'dataproduct:default/orders',
      );
      await call(applyOp, applies, 403, { auth: dave, body: {} });
      await call(applyOp, applies, 400, { body: { destructive: true } });
      await call(applyOp, applies, 401, {
        auth: mockCredentials.none.header(),
        body: {},
      });

      // reporting a change made elsewhere (its behaviour: infra/changeReports.test.ts)
      const reportOp = {
        method: 'post',
        path: '/products/{namespace}/{name}/infrastructure/reports',
      } as const;
      const reports = '/products/default/orders/infrastructure/reports';
      const reported = {
        action: 'infrastructure-apply',
        source: 'cli',
        statements: ['CREATE ROLE "x"'],
        allowDestructive: false,
        stage: 'dev',
        reference: 'https://ci.example.com/runs/1',
      };
      const sandboxMade = {
        action: 'sandbox-create',
        source: 'cli',
        branch: 'feat_x',
        schemas: ['"acme"."orders_raw_sbx_feat_x"'],
        method: 'copy',
      };
      expect(validator.requestBody(reportOp, reported)).toEqual([]);
      expect(validator.requestBody(reportOp, sandboxMade)).toEqual([]);
      expect(
        validator.requestBody(reportOp, { ...reported, source: 'jenkins' }),
      ).not.toEqual([]);
      // each kind has its own fields: an apply has no branch
      expect(
        validator.requestBody(reportOp, { ...reported, branch: 'feat_x' }),
      ).not.toEqual([]);
      const kept = await call(reportOp, reports, 201, { body: reported });
      expect([kept.entityRef, kept.action]).toEqual([
        'dataproduct:default/orders',
        'infrastructure-apply',
      ]);
      await call(reportOp, reports, 201, { body: sandboxMade });
      await call(reportOp, reports, 403, { auth: dave, body: reported });
      await call(reportOp, reports, 400, { body: { source: 'cli' } });
      await call(reportOp, reports, 401, {
        auth: mockCredentials.none.header(),
        body: reported,
      });

      // sandbox deletion (its behaviour: infra/sandboxes.test.ts)
      const sandbox = {
        method: 'delete',
        path: '/products/{namespace}/{name}/sandboxes/{branch}',
      } as const;
      const sandboxes = '/products/default/orders/sandboxes';
      const none = await call(sandbox, `${sandboxes}/feat%2Fx`, 200);
      expect([none.branch, none.dropped]).toEqual(['feat_x', []]);
      await call(sandbox, `${sandboxes}/feat_x`, 403, { auth: dave });
      await call(sandbox, `${sandboxes}/-x`, 400);
      await call(sandbox, `${sandboxes}/feat_x`, 401, {
        auth: mockCredentials.none.header(),
      });
      // sandbox creation (its behaviour: infra/sandboxCreate.test.ts)
      const newSandbox = {
        method: 'post',
        path: '/products/{namespace}/{name}/sandboxes',
      } as const;
      const made = await call(newSandbox, sandboxes, 201, {
        body: { branch: 'feat/y', layers: ['output'] },
      });
      expect(made.sandboxes.map((s: any) => s.branch)).toEqual(['feat_y']);
      await call(newSandbox, sandboxes, 409, { body: { branch: 'feat/y' } });
      await call(newSandbox, sandboxes, 403, {
        auth: dave,
        body: { branch: 'feat/z' },
      });
      await call(newSandbox, sandboxes, 400, { body: { branch: '-z' } });
      await call(newSandbox, sandboxes, 401, {
        auth: mockCredentials.none.header(),
        body: { branch: 'feat/z' },
      });
      // keeping one past its expiry (its behaviour: infra/sandboxExpiry.test.ts)
      const keepSandbox = {
        method: 'post',
        path: '/products/{namespace}/{name}/sandboxes/{branch}/keep',
      } as const;
      const keptOne = await call(keepSandbox, `${sandboxes}/feat_y/keep`, 200);
      expect(keptOne.sandboxes[0].keptAt).toBeDefined();
      await call(keepSandbox, `${sandboxes}/feat_none/keep`, 404);
      await call(keepSandbox, `${sandboxes}/feat_y/keep`, 403, { auth: dave });
      await call(keepSandbox, `${sandboxes}/-y/keep`, 400);
      await call(keepSandbox, `${sandboxes}/feat_y/keep`, 401, {
        auth: mockCredentials.none.header(),
      });

      // schemas left behind (their behaviour: infra/leftovers.test.ts)
      const staging = { database: ordersDatabase, schema: 'orders_staging' };
      await w.adapter.execute(
        w.adapter.dialect.statements({
          action: 'create-schema',
          schema: {
            ...staging,
            comment: managedByMarker('dataproduct:default/orders'),
          },
        }),
      );
      const leftoversOp = {
        method: 'get',
        path: '/infrastructure/leftovers',
      } as const;
      const left = await call(leftoversOp, '/infrastructure/leftovers', 200);
      expect(left.items.map((l: any) => l.schema)).toEqual(['orders_staging']);
      await call(leftoversOp, '/infrastructure/leftovers', 401, {
        auth: mockCredentials.none.header(),
      });
      // what the watch saw, for the home page (seen for an hour)
      await scheduler.triggerTask(LEFTOVERS_WATCH_TASK_ID);
      now += H;
      await scheduler.triggerTask(LEFTOVERS_WATCH_TASK_ID);
      const seenOp = {
        method: 'get',
        path: '/infrastructure/leftovers/seen',
      } as const;
      const watched = await call(seenOp, '/infrastructure/leftovers/seen', 200);
      expect(watched.items.map((l: any) => l.name)).toEqual([
        left.items[0].qualified,
      ]);
      await call(seenOp, '/infrastructure/leftovers/seen', 401, {
        auth: mockCredentials.none.header(),
      });
      // kept on purpose, then no longer
      const keepLeftoversOp = {
        method: 'put',
        path: '/products/{namespace}/{name}/leftovers/keep',
      } as const;
      const stopKeepingLeftoversOp = {
        method: 'delete',
        path: '/products/{namespace}/{name}/leftovers/keep',
      } as const;
      const keepUrl = '/products/default/orders/leftovers/keep';
      const keptNow = await call(keepLeftoversOp, keepUrl, 200, {
        body: { reason: 'a legal hold' },
      });
      expect(keptNow.kept.reason).toBe('a legal hold');
      await call(keepLeftoversOp, keepUrl, 400, { body: { reason: '' } });
      await call(keepLeftoversOp, keepUrl, 403, {
        auth: dave,
        body: { reason: 'mine' },
      });
      await call(keepLeftoversOp, keepUrl, 401, {
        auth: mockCredentials.none.header(),
        body: { reason: 'a legal hold' },
      });
      await call(stopKeepingLeftoversOp, keepUrl, 403, { auth: dave });
      await call(stopKeepingLeftoversOp, keepUrl, 401, {
        auth: mockCredentials.none.header(),
      });
      await call(stopKeepingLeftoversOp, keepUrl, 200);
      await call(stopKeepingLeftoversOp, keepUrl, 404);
      const dropOp = {
        method: 'post',
        path: '/products/{namespace}/{name}/leftovers/drop',
      } as const;
      const drop = '/products/default/orders/leftovers/drop';
      await call(dropOp, drop, 403, {
        auth: dave,
        body: { schemas: [staging] },
      });
      await call(dropOp, drop, 400, { body: { schemas: [] } });
      await call(dropOp, drop, 401, {
        auth: mockCredentials.none.header(),
        body: { schemas: [staging] },
      });
      const gone = await call(dropOp, drop, 200, {
        body: { schemas: [staging] },
      });
      expect(gone.leftovers).toEqual([]);
      await call(dropOp, drop, 404, { body: { schemas: [staging] } });
      // nothing left behind: nothing to keep
      await call(keepLeftoversOp, keepUrl, 404, {
        body: { reason: 'a legal hold' },
      });

      // sandbox claims (their behaviour: infra/sandboxClaims.test.ts)
      const claimOp = {
        method: 'post',
        path: '/products/{namespace}/{name}/sandbox-claims',
      } as const;
      const keepOp = {
        method: 'put',
        path: '/products/{namespace}/{name}/sandbox-claims/{id}',
      } as const;
      const endOp = {
        method: 'delete',
        path: '/products/{namespace}/{name}/sandbox-claims/{id}',
      } as const;
      const claimsUrl = '/products/default/orders/sandbox-claims';
      const claimed = {
        branch: 'feat/w',
        change: 'create',
        source: 'cli',
        reference: 'https://ci.example.com/runs/2',
      };
      const held = await call(claimOp, claimsUrl, 201, { body: claimed });
      expect([held.branch, held.change]).toEqual(['feat_w', 'create']);
      await call(claimOp, claimsUrl, 409, {
        body: { ...claimed, change: 'delete' },
      });
      await call(claimOp, claimsUrl, 403, {
        auth: dave,
        body: { ...claimed, branch: 'feat/v' },
      });
      await call(claimOp, claimsUrl, 400, {
        body: { ...claimed, change: 'drop' },
      });
      await call(claimOp, claimsUrl, 401, {
        auth: mockCredentials.none.header(),
        body: claimed,
      });
      await call(keepOp, `${claimsUrl}/${held.id}`, 200);
      await call(keepOp, `${claimsUrl}/${held.id}`, 403, { auth: dave });
      await call(endOp, `${claimsUrl}/${held.id}`, 401, {
        auth: mockCredentials.none.header(),
      });
      await call(endOp, `${claimsUrl}/${held.id}`, 204);
      await call(keepOp, `${claimsUrl}/${held.id}`, 404);

      // repair runs (their behaviour: infra/repairRuns.test.ts)
      const startRun = {
        method: 'post',
        path: '/infrastructure/repairs',
      } as const;
      const listRuns = {
        method: 'get',
        path: '/infrastructure/repairs',
      } as const;
      const getRun = {
        method: 'get',
        path: '/infrastructure/repairs/{id}',
      } as const;
      const runs = '/infrastructure/repairs';
      // stopped before any run is applied here: a run of alice's waiting its turn
      const stopRun = {
        method: 'post',
        path: '/infrastructure/repairs/{id}/stop',
      } as const;
      await new RepairRunStore(knex).create({
        id: 'feedfacefeedface',
        requestedBy: 'user:default/alice',
        requestedAt: T0,
        allowDestructive: false,
        products: [{ entityRef: 'dataproduct:default/orders' }],
      });
      await call(stopRun, `${runs}/feedfacefeedface/stop`, 403, { auth: dave });
      const halted = await call(stopRun, `${runs}/feedfacefeedface/stop`, 200);
      expect(halted.items.map((i: any) => i.state)).toEqual(['stopped']);
      await call(stopRun, `${runs}/feedfacefeedface/stop`, 409);
      await call(stopRun, `${runs}/0123456789abcdef/stop`, 404);
      await call(stopRun, `${runs}/feedfacefeedface/stop`, 401, {
        auth: mockCredentials.none.header(),
      });
      const started = await call(startRun, runs, 202, {
        body: { products: ['dataproduct:default/orders'] },
      });
      await call(startRun, runs, 400, { body: { products: [] } });
      await call(startRun, runs, 400, {
        body: { products: ['api:default/x'] },
      });
      await call(startRun, runs, 401, {
        auth: mockCredentials.none.header(),
        body: { products: ['orders'] },
      });
      // the run goes on in the backend: asked until it is done
      for (let n = 0; n < 100; n++) {
        if ((await call(getRun, `${runs}/${started.id}`, 200)).done) break;
        await new Promise(resolve => setTimeout(resolve, 50));
      }
      expect((await call(getRun, `${runs}/${started.id}`, 200)).done).toBe(
        true,
      );
      await call(getRun, `${runs}/0123456789abcdef`, 404);
      await call(getRun, `${runs}/${started.id}`, 401, {
        auth: mockCredentials.none.header(),
      });
      expect((await call(listRuns, runs, 200)).items[0].id).toBe(started.id);
      expect(
        (await call(listRuns, `${runs}?limit=1`, 200)).items.map(
          (r: any) => r.id,
        ),
      ).toEqual([started.id]);
      await call(listRuns, `${runs}?limit=0`, 400);
      await call(listRuns, runs, 401, { auth: mockCredentials.none.header() });

      const create = { method: 'post', path: '/access-requests' } as const;
      const list = { method: 'get', path: '/access-requests' } as const;
      const action = (name: string) =>
        ({ method: 'post', path: `/access-requests/{id}/${name}` } as any);
      const carol = mockCredentials.user.header('user:default/carol');
      const bob = mockCredentials.user.header('user:default/bob');
      const ask = {
        product: 'orders',
        outputPort: 'events',
        consumer: 'group:default/team-c',
        purpose: 'weekly report',
      };
      expect(validator.requestBody(create, ask)).toEqual([]);
      const asked = await call(create, '/access-requests', 201, {
        auth: carol,
        body: ask,
      });
      await call(create, '/access-requests', 400, {
        auth: carol,
        body: { ...ask, purpose: '' },
      });
      await call(create, '/access-requests', 404, {
        auth: carol,
        body: { ...ask, outputPort: 'nope' },
      });
      await call(create, '/access-requests', 403, {
        auth: carol,
        body: { ...ask, consumer: 'group:default/team-a' },
      });
      await call(create, '/access-requests', 401, {
        auth: mockCredentials.none.header(),
        body: ask,
      });
      const url = (name: string) => `/access-requests/${asked.id}/${name}`;
      await call(action('approve'), url('approve'), 403, { auth: dave });
      // no warehouse executor is installed yet: approved, not active
      const approved = await call(action('approve'), url('approve'), 200, {
        auth: bob,
        body: { comment: 'ok' },
      });
      expect(approved.state).toBe('approved');
      await call(action('approve'), url('approve'), 409, { auth: bob });
      const connection = {
        method: 'get',
        path: '/access-requests/{id}/connection',
      } as const;
      const reading = await call(connection, url('connection'), 200, {
        auth: carol,
      });
      expect(reading.statements.at(-1)).toMatch(/^SELECT \* FROM .*"events"/);
      await call(connection, url('connection'), 404, { auth: dave });
      await call(connection, '/access-requests/nope/connection', 400);
      await call(connection, url('connection'), 401, {
        auth: mockCredentials.none.header(),
      });
      await call(action('extend'), url('extend'), 200, {
        auth: carol,
        body: { duration: '10d' },
      });
      await call(action('extend'), url('extend'), 400, {
        auth: carol,
        body: { duration: 'forever' },
      });
      await call(action('reject'), url('reject'), 200, { auth: alice });
      await call(action('revoke'), url('revoke'), 200, { auth: alice });
      await call(connection, url('connection'), 409, { auth: carol });
      await call(
        action('revoke'),
        '/access-requests/0123456789abcdef/revoke',
        404,
      );
      const seen = await call(list, '/access-requests?product=orders', 200);
      expect(seen.items.map((i: any) => i.state)).toEqual(['revoked']);
      const ours = await call(list, '/access-requests?ours=true', 200, {
        auth: carol,
      });
      expect(ours.items.map((i: any) => i.id)).toEqual([asked.id]);
      // the consumer withdraws a second request; nobody else may
      const second = await call(create, '/access-requests', 201, {
        auth: carol,
        body: ask,
      });
      const cancel = `/access-requests/${second.id}/cancel`;
      await call(action('cancel'), cancel, 403, { auth: dave });
      const cancelled = await call(action('cancel'), cancel, 200, {
        auth: carol,
        body: { comment: 'not needed after all' },
      });
      expect(cancelled.state).toBe('cancelled');
      await call(action('cancel'), cancel, 409, { auth: carol });
      await call(action('cancel'), url('cancel'), 409, { auth: carol });
      await call(list, '/access-requests?state=cancelled', 200);
      await call(list, '/access-requests?state=granted', 400);
      await call(list, '/access-requests', 401, {
        auth: mockCredentials.none.header(),
      });
      // an agreement made before the portal, recorded by an owner
      const record = {
        method: 'post',
        path: '/access-requests/record',
      } as const;
      const agreement = {
        ...ask,
        consumer: 'group:default/team-d',
        requestedBy: 'group:default/team-d',
        comment: 'ticket DATA-7',
      };
      expect(validator.requestBody(record, agreement)).toEqual([]);
      const recorded = await call(record, '/access-requests/record', 201, {
        auth: alice,
        body: agreement,
      });
      expect([recorded.decidedBy, recorded.requester]).toEqual([
        'user:default/alice',
        'group:default/team-d',
      ]);
      await call(record, '/access-requests/record', 409, {
        auth: alice,
        body: agreement,
      });
      await call(record, '/access-requests/record', 403, {
        auth: carol,
        body: agreement,
      });
      await call(record, '/access-requests/record', 400, {
        auth: alice,
        body: { ...agreement, consumer: 'group:default/nobody' },
      });
      await call(record, '/access-requests/record', 404, {
        auth: alice,
        body: { ...agreement, outputPort: 'nope' },
      });
      await call(record, '/access-requests/record', 401, {
        auth: mockCredentials.none.header(),
        body: agreement,
      });
      const readers = { method: 'get', path: '/access/readers' } as const;
      expect((await call(readers, '/access/readers', 200)).items).toEqual([
        { product: 'dataproduct:default/orders', teams: 1, products: 0 },
      ]);
      expect(
        (await call(readers, '/access/readers?product=orders', 200)).items,
      ).toHaveLength(1);
      await call(readers, '/access/readers?product=', 400);
      await call(readers, '/access/readers', 401, {
        auth: mockCredentials.none.header(),
      });
      // taken back: nobody reads orders when it retires below
      await call(
        action('revoke'),
        `/access-requests/${recorded.id}/revoke`,
        200,
        {
          auth: alice,
        },
      );

      const changes = { method: 'get', path: '/changes' } as const;
      const timeline = await call(changes, '/changes?product=orders', 200);
      expect(timeline.items.map((i: any) => i.initial)).toEqual([true]);
      await call(changes, '/changes', 400);
      await call(changes, '/changes?product=nope', 404);
      await call(changes, '/changes?product=orders', 401, {
        auth: mockCredentials.none.header(),
      });
      const lastChanges = { method: 'get', path: '/changes/latest' } as const;
      const last = await call(lastChanges, '/changes/latest', 200);
      expect(last.items.map((i: any) => [i.product, i.revision])).toEqual([
        ['dataproduct:default/orders', 1],
      ]);
      await call(lastChanges, '/changes/latest', 401, {
        auth: mockCredentials.none.header(),
      });

      const lifecycle = (
        method: 'get' | 'post',
        suffix: '' | '/deprecation' | '/retirement',
      ) => ({ method, path: `/lifecycle/{namespace}/{name}${suffix}` } as any);
      const orders = '/lifecycle/default/orders';
      await call(lifecycle('get', ''), orders, 200);
      await call(
        lifecycle('post', '/deprecation'),
        `${orders}/deprecation`,
        403,
        {
          auth: dave,
          body: { retireAt: '2024-12-01' },
        },
      );
      await call(
        lifecycle('post', '/deprecation'),
        `${orders}/deprecation`,
        400,
        {
          body: { retireAt: 'soon' },
        },
      );
      const deprecated = await call(
        lifecycle('post', '/deprecation'),
        `${orders}/deprecation`,
        200,
        { body: { retireAt: '2024-12-01', reason: 'replaced' } },
      );
      expect(deprecated.state).toBe('deprecated');
      await call(create, '/access-requests', 409, { auth: carol, body: ask });
      const plan = await call(
        lifecycle('get', '/retirement'),
        `${orders}/retirement`,
        200,
      );
      expect(plan.refusals).toEqual([]);
      await call(lifecycle('get', '/retirement'), `${orders}/retirement`, 403, {
        auth: dave,
      });
      await call(
        lifecycle('post', '/retirement'),
        `${orders}/retirement`,
        400,
        {
          body: { confirm: ['everything'] },
        },
      );
      const stopped = await call(
        lifecycle('post', '/retirement'),
        `${orders}/retirement`,
        200,
        { body: { confirm: [] } },
      );
      expect(stopped.stoppedAt).toEqual({
        id: 'revoke',
        reason: 'awaiting confirmation',
      });

      // spec problems: the in-memory catalog has no failing location, and
      // no unprocessed-entities module answers here
      const problems = { method: 'get', path: '/spec-problems' } as const;
      const listed = await call(problems, '/spec-problems?mine=true', 200);
      expect(listed).toMatchObject({ items: [], unprocessedSource: false });
      await call(problems, '/spec-problems?mine=maybe', 400);
      await call(problems, '/spec-problems', 401, {
        auth: mockCredentials.none.header(),
      });
      const check = { method: 'post', path: '/specs/check' } as const;
      // JSON is YAML: the entity as the engine's fixtures write it
      const yaml = JSON.stringify(
        sloProduct('visits', `${w.id}-shop`, [], 'group:default/team-a'),
      );
      expect(validator.requestBody(check, { yaml })).toEqual([]);
      const checked = await call(check, '/specs/check', 200, {
        body: { yaml },
      });
      expect([checked.issues, checked.entity?.metadata.name]).toEqual([
        [],
        'visits',
      ]);
      expect(checked.plan.status).toBe('not-provisioned');
      const broken = await call(check, '/specs/check', 200, {
        body: { yaml: 'kind: [' },
      });
      expect(broken.ok).toBe(false);
      await call(check, '/specs/check', 400, {
        body: { yaml, url: 'https://example.com/x.yaml' },
      });
      await call(check, '/specs/check', 401, {
        auth: mockCredentials.none.header(),
        body: { yaml },
      });
      // signed-in users only: it is the portal's page, not a service API
      await call(check, '/specs/check', 403, { auth: service, body: { yaml } });

      // governance: the built-in rules over the catalog's product
      const governance = { method: 'get', path: '/governance' } as const;
      const governed = await call(
        governance,
        '/governance?product=dataproduct:default/orders',
        200,
      );
      expect(governed.results.length).toBeGreaterThan(0);
      await call(governance, '/governance', 400);
      await call(governance, '/governance?product=orders', 401, {
        auth: mockCredentials.none.header(),
      });
      const compliance = await call(
        { method: 'get', path: '/governance/summary' } as const,
        '/governance/summary',
        200,
      );
      expect(compliance).toBeDefined();

      const usage = {
        method: 'get',
        path: '/products/{namespace}/{name}/usage',
      } as const;
      // PGlite counts scans per table, not who read
      const used = await call(usage, '/products/default/orders/usage', 200);
      expect([used.source, used.days]).toEqual(['table-level', 30]);
      await call(usage, '/products/default/bad%20name/usage', 400);
      await call(usage, '/products/default/nope/usage', 404);
      await call(usage, '/products/default/orders/usage', 401, {
        auth: mockCredentials.none.header(),
      });

      const quality = {
        method: 'get',
        path: '/products/{namespace}/{name}/quality',
      } as const;
      const qualityChecks = await call(
        quality,
        '/products/default/orders/quality',
        200,
      );
      expect(qualityChecks.checks.map((c: any) => c.status)).toEqual([
        'pending',
      ]);
      await call(quality, '/products/default/bad%20name/quality', 400);
      await call(quality, '/products/default/nope/quality', 404);
      await call(quality, '/products/default/orders/quality', 401, {
        auth: mockCredentials.none.header(),
      });
      const failingQuality = {
        method: 'get',
        path: '/quality/failing',
      } as const;
      expect(
        (await call(failingQuality, '/quality/failing', 200)).items,
      ).toEqual([]);
      await call(failingQuality, '/quality/failing', 401, {
        auth: mockCredentials.none.header(),
      });
      const measure = {
        method: 'post',
        path: '/products/{namespace}/{name}/quality/run',
      } as const;
      const measured = await call(
        measure,
        '/products/default/orders/quality/run',
        200,
      );
      expect(measured.checks.map((c: any) => c.status)).toEqual(['passed']);
      await call(measure, '/products/default/orders/quality/run', 403, {
        auth: carol,
      });
      await call(measure, '/products/default/bad%20name/quality/run', 400);
      await call(measure, '/products/default/nope/quality/run', 404);
      await call(measure, '/products/default/orders/quality/run', 401, {
        auth: mockCredentials.none.header(),
      });
      // a pipeline's counts (their judging: quality/reports.test.ts)
      const reportQuality = {
        method: 'post',
        path: '/products/{namespace}/{name}/quality/reports',
      } as const;
      const qualityReports = '/products/default/orders/quality/reports';
      const qualityCheck = ordersQualityCheck;
      const qualityReport = {
        source: 'cli',
        stage: 'dev',
        reference: 'https://ci.example.com/runs/2',
        checks: [
          {
            key: qualityCheck.key,
            table: qualityCheck.table,
            counts: [{ measure: { kind: 'rows' }, count: 0 }],
          },
        ],
      };
      expect(validator.requestBody(reportQuality, qualityReport)).toEqual([]);
      expect(
        validator.requestBody(reportQuality, {
          ...qualityReport,
          checks: [
            { key: 'x', counts: [{ measure: { kind: 'x' }, count: 1 }] },
          ],
        }),
      ).not.toEqual([]);
      expect(
        (
          await call(reportQuality, qualityReports, 201, {
            body: qualityReport,
          })
        ).recorded,
      ).toEqual([{ key: qualityCheck.key, status: 'failed' }]);
      await call(reportQuality, qualityReports, 403, {
        auth: carol,
        body: qualityReport,
      });
      await call(reportQuality, qualityReports, 400, {
        body: { source: 'cli', checks: [] },
      });
      await call(reportQuality, '/products/default/nope/quality/reports', 404, {
        body: qualityReport,
      });
      await call(reportQuality, qualityReports, 401, {
        auth: mockCredentials.none.header(),
        body: qualityReport,
      });
      const qualityProducts = {
        method: 'get',
        path: '/quality/products',
      } as const;
      expect(
        (await call(qualityProducts, '/quality/products', 200)).items,
      ).toEqual([
        {
          product: 'dataproduct:default/orders',
          checks: 1,
          failing: [qualityCheck.key],
          warnings: [],
          checkedAt: new Date(now).toISOString(),
        },
      ]);
      await call(qualityProducts, '/quality/products', 401, {
        auth: mockCredentials.none.header(),
      });

      // every operation of the document was called with success
      for (const operation of dataMeshApiOperations()) {
        expect([...covered]).toContainEqual(
          expect.stringMatching(`^${key(operation)} 20[0124]$`),
        );
      }
    }, 120_000);
  },
);
