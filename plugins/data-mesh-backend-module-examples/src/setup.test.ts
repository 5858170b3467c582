/*
 * The example mesh inside a real backend: the data-mesh plugin with this
 * module, the real postgres module (PGlite in a temporary directory), the
 * real notifications backend, the plugin database on SQLite, the example
 * products and teams in an in-memory catalog, and the clock and scheduler
 * under the test's control. Startup replays three days ending on Wednesday 15 January 2025,
 * 10:10 UTC (Sunday 12 had no EHR refreshes; Tuesday 14 had the short
 * encounter-history build), then triggers a live cycle, which notifies each
 * breach once; later cycles do not notify again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationsProcessingExtensionPoint } from '@backstage/plugin-notifications-node';
import { openPgliteConnection } from '@datamesh/plugin-data-mesh-backend-module-postgres';
import { warehouseAccessGrantExecutorServiceFactory } from '@datamesh/plugin-data-mesh-node';
import type { Knex } from 'knex';
import request from 'supertest';
import { warehouseServiceProbe } from '@datamesh/plugin-data-mesh-backend/testUtils';
import { createTestDatabases } from './__testUtils__/databases';
import {
  SLO_COLLECTION_TASK_ID,
  dataMeshClockServiceRef,
  dataMeshPlugin,
} from '@datamesh/plugin-data-mesh-backend';
import { readDataProductsOfLocation } from './files';
import { dataMeshModuleExamples } from './module';
import { exampleAgreements } from './agreements';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import { EXAMPLE_ACTIVITY_TASK_ID } from './setup';

const MIN = 60_000;
const H = 60 * MIN;
const NOW = Date.UTC(2025, 0, 15, 10, 10); // a Wednesday
const EXAMPLES = path.resolve(__dirname, '../../../examples');

function team(name: string, members: string[]): Entity[] {
  return [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name, namespace: 'default' },
      spec: { type: 'team', children: [] },
      relations: members.map(m => ({ type: 'hasMember', targetRef: m })),
    },
    ...members.map(ref => {
      const [, namespace, user] = /^user:([^/]+)\/(.+)$/.exec(ref)!;
      return {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: { name: user, namespace },
        spec: { memberOf: [`group:default/${name}`] },
        relations: [{ type: 'memberOf', targetRef: `group:default/${name}` }],
      } as Entity;
    }),
  ];
}

describe('the example activity in the data-mesh backend', () => {
  const databases = createTestDatabases();
  const scheduler = mockServices.scheduler();
  const sent: { user: string; scope?: string; title: string }[] = [];
  let now = NOW;
  let dir: string;
  let server: any;
  // opens the backend's warehouse at startup: jest refuses the lazy import
  // of PGlite from the replay, which runs between tests
  const probe = warehouseServiceProbe();
  let stop: (() => Promise<void>) | undefined;
  let products: DataProductEntityV1alpha1[] = [];

  const guest = mockCredentials.user.header('user:development/guest');
  const get = (p: string) =>
    request(server).get(`/api/data-mesh${p}`).set('Authorization', guest);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datamesh-examples-backend-'));
    products = readDataProductsOfLocation(
      path.join(EXAMPLES, 'locations.yaml'),
    ).entities;
    const entities: Entity[] = [
      ...products,
      ...team('clinical-care-data', [
        'user:default/aisha.khan',
        'user:development/guest',
      ]),
      ...team('finance-claims-data', ['user:default/mei.chen']),
      ...team('population-health-analytics', ['user:default/sofia.alvarez']),
    ];
    const knexes: Record<string, Knex> = {
      'data-mesh': await databases.init('SQLITE_3'),
      notifications: await databases.init('SQLITE_3'),
    };
    const backend = await startTestBackend({
      features: [
        dataMeshPlugin,
        dataMeshModuleExamples,
        import('@datamesh/plugin-data-mesh-backend-module-postgres'),
        probe.feature,
        // grants approved requests in the warehouse, as the portal's backend does
        warehouseAccessGrantExecutorServiceFactory,
        import('@backstage/plugin-notifications-backend'),
        createBackendModule({
          pluginId: 'notifications',
          moduleId: 'test-recorder',
          register(reg) {
            reg.registerInit({
              deps: { processing: notificationsProcessingExtensionPoint },
              async init({ processing }) {
                processing.addProcessor({
                  getName: () => 'recorder',
                  async postProcess(notification) {
                    sent.push({
                      user: notification.user!,
                      scope: notification.payload.scope,
                      title: notification.payload.title,
                    });
                  },
                });
              },
            });
          },
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            dataMesh: {
              warehouse: {
                type: 'pglite',
                pglite: { dataDir: path.join(dir, 'warehouse') },
              },
              provisioning: {
                organization: 'eh',
                layers: { intermediate: 'interim' },
              },
              examples: {
                activity: {
                  enabled: true,
                  profile: path.join(EXAMPLES, 'warehouse/activity.yaml'),
                  backfill: { window: '3d' },
                  catalogTimeout: '1m',
                },
              },
            },
          },
        }),
        createServiceFactory({
          service: coreServices.database,
          deps: { plugin: coreServices.pluginMetadata },
          factory: ({ plugin }) => ({
            getClient: async () => knexes[plugin.getId()],
          }),
        }),
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => new InMemoryCatalogClient({ entities }) as any,
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
    stop = () => backend.stop();
  }, 120_000);

  afterAll(async () => {
    await stop?.();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('holds the embedded warehouse while it runs', () => {
    const lock = JSON.parse(
      fs.readFileSync(path.join(dir, 'warehouse.lock'), 'utf8'),
    );
    expect(lock.pid).toBe(process.pid);
  });

  it('replays the history at startup, then the live cycle notifies each breach once', async () => {
    // the replay runs in the background after startup; its last cycle is at `now`
    const deadline = Date.now() + 180_000;
    for (;;) {
      const fleet = await get('/slos');
      const items = fleet.body.items as { evaluatedAt?: string }[];
      if (
        items.length === 10 &&
        items.every(i => i.evaluatedAt === new Date(NOW).toISOString())
      ) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `the replay did not finish: ${JSON.stringify(fleet.body.counts)}`,
        );
      }
      await new Promise(r => setTimeout(r, 1000));
    }
    // the replay notifies nothing itself; the live cycle it triggers when
    // done notifies each breach once
    for (let i = 0; sent.length < 6 && i < 60; i++) {
      await new Promise(r => setTimeout(r, 500));
    }

    const ehr = (await get('/products/default/ehr-encounters/slos')).body;
    const fresh = ehr.objectives.find(
      (o: any) => o.name === 'data-is-refreshed-daily',
    );
    expect(fresh.status).toBe('breaching');
    expect(
      fresh.history.map((h: any) => [h.start.slice(0, 10), h.status]),
    ).toEqual([
      ['2025-01-12', 'bad'],
      ['2025-01-13', 'good'],
      ['2025-01-14', 'good'],
      ['2025-01-15', 'pending'],
    ]);
    const available = ehr.objectives.find(
      (o: any) => o.name === 'data-is-available-hourly',
    );
    expect(available.status).toBe('ok');
    expect(available.total).toBe(72);

    const history = (
      await get('/products/default/patient-encounter-history/slos')
    ).body.objectives.find((o: any) => o.name === 'history-complete');
    expect(history.status).toBe('breaching');
    expect(
      history.history
        .filter((h: any) => h.status === 'bad')
        .map((h: any) => h.start.slice(0, 10)),
    ).toEqual(['2025-01-14', '2025-01-15']);

    const fleet = (await get('/slos')).body;
    expect(fleet.counts).toEqual({ ok: 8, breaching: 2, noData: 0 });
    expect(
      fleet.items
        .slice(0, 2)
        .map((i: any) => i.name)
        .sort(),
    ).toEqual(['ehr-encounters', 'patient-encounter-history']);

    const scopes = [...new Set(sent.map(s => s.scope))].sort();
    expect(scopes).toEqual([
      'data-mesh:slo:dataproduct:default/ehr-encounters:data-is-refreshed-daily',
      'data-mesh:slo:dataproduct:default/ehr-encounters:data-is-refreshed-daily:read',
      'data-mesh:slo:dataproduct:default/patient-encounter-history:history-complete',
      'data-mesh:slo:dataproduct:default/patient-encounter-history:history-complete:read',
    ]);
    // one notification per breach and member of the owning team, and the
    // readers' notice to the other teams whose products read it (the
    // example lineage's recorded access): population health reads both
    expect(
      sent
        .map(
          s => `${s.scope?.endsWith(':read') ? 'reader' : 'owner'} ${s.user}`,
        )
        .sort(),
    ).toEqual([
      'owner user:default/aisha.khan',
      'owner user:default/aisha.khan',
      'owner user:development/guest',
      'owner user:development/guest',
      'reader user:default/sofia.alvarez',
      'reader user:default/sofia.alvarez',
    ]);

    now = NOW + 5 * MIN;
    await scheduler.triggerTask(SLO_COLLECTION_TASK_ID);
    now = NOW + 10 * MIN;
    await scheduler.triggerTask(SLO_COLLECTION_TASK_ID);
    expect(sent).toHaveLength(6);
  }, 300_000);

  it("creates the team roles of the example products' owners, which approved access requests are granted to", async () => {
    const adapter = await probe.adapter();
    const roles = await (
      adapter as unknown as {
        connection: { query<T>(sql: string): Promise<T[]> };
      }
    ).connection.query<{ rolname: string }>(
      "select rolname from pg_roles where rolname like 'team\\_%' order by rolname",
    );
    // named as the access service names a group's grantee (team_{group})
    expect(roles.map(r => r.rolname)).toEqual([
      'team_clinical_care_data',
      'team_finance_claims_data',
      'team_population_health_analytics',
    ]);
  });

  it("records the reads of the example lineage as access, granted to each reading product's service role", async () => {
    const items = (await get('/access-requests')).body.items as any[];
    const reads = items
      .map(r => `${r.consumer} reads ${r.product} ${r.outputPort}: ${r.state}`)
      .sort();
    expect(reads).toEqual(
      exampleAgreements(products)
        .map(a => `${a.consumer} reads ${a.product} ${a.outputPort}: active`)
        .sort(),
    );
    expect(reads).toContain(
      'dataproduct:default/readmission-features reads dataproduct:default/patient-encounter-history encounter-history-jdbc: active',
    );
    const first = items.find(
      r => r.consumer === 'dataproduct:default/readmission-features',
    );
    expect(first).toMatchObject({
      requester: 'group:default/population-health-analytics',
      decidedBy: 'system',
      grantee: 'population_health_readmission_features_service',
    });
    expect(first.history[1].comment).toBe(
      'recorded: agreed outside the portal (example data: the example mesh reads along its lineage from the start)',
    );
    // the grant holds in the warehouse: the reading product's role has the request's role
    const adapter = await probe.adapter();
    const members = await (
      adapter as unknown as {
        connection: { query<T>(sql: string): Promise<T[]> };
      }
    ).connection.query<{ member: string }>(
      `select m.rolname as member from pg_auth_members a
         join pg_roles r on r.oid = a.roleid join pg_roles m on m.oid = a.member
        where r.rolname = '${first.role}'`,
    );
    expect(members.map(m => m.member)).toEqual([first.grantee]);
  });

  it('gives the example products no infrastructure notes on the embedded default', async () => {
    const names = readDataProductsOfLocation(
      path.join(EXAMPLES, 'locations.yaml'),
    ).entities.map(e => e.metadata.name);
    expect(names.length).toBeGreaterThanOrEqual(10);
    const found: Record<string, string[]> = {};
    for (const name of names) {
      const res = await get(`/products/default/${name}/infrastructure`);
      expect(res.status).toBe(200);
      found[name] = res.body.notes;
    }
    // the platform's limits (no compute, one database) are not product
    // notes; names recorded for Snowflake are not compared with PGlite's
    expect(found).toEqual(Object.fromEntries(names.map(n => [n, []])));
  }, 120_000);

  it('runs the example pipelines on its schedule', async () => {
    // lab-results refreshes every 2 hours at :15; at 14:10 the 12:15 load is due
    now = NOW + 4 * H;
    await scheduler.triggerTask(EXAMPLE_ACTIVITY_TASK_ID);
    now = NOW + 4 * H + 5 * MIN;
    await scheduler.triggerTask(SLO_COLLECTION_TASK_ID);
    const fresh = (
      await get('/products/default/lab-results/slos')
    ).body.objectives.find((o: any) => o.dimension === 'freshness');
    expect(fresh.latestObservations[0].lastAltered).toBe(
      new Date(Date.UTC(2025, 0, 15, 12, 15)).toISOString(),
    );
  }, 120_000);

  it('releases the warehouse when the backend stops', async () => {
    await stop!();
    stop = undefined;
    expect(fs.existsSync(path.join(dir, 'warehouse.lock'))).toBe(false);
    // and PGlite can open the directory again, with the example tables in it
    const connection = await openPgliteConnection({
      dataDir: path.join(dir, 'warehouse'),
    });
    try {
      const rows = await connection.query<{ n: number }>(
        `select count(*)::int as n from pg_tables where schemaname like 'eh\\_%\\_\\_%\\_output'`,
      );
      expect(rows[0].n).toBe(12);
    } finally {
      await connection.close();
    }
  }, 60_000);
});
