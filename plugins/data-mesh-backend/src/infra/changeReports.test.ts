/*
 * Reporting changes made outside the portal (POST
 * /products/:namespace/:name/infrastructure/reports), in a test backend
 * with the real permission backend, on SQLite and PostgreSQL: a product's
 * owners (and services) report applies and sandboxes, anyone else is
 * refused and nothing is kept; before the product is in the catalog the
 * owner its spec declares decides; each report is one entry of the
 * product's audit trail, as the portal's change of its kind, with where it
 * ran. Every answer is checked against the OpenAPI document.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { createPgliteWarehouseAdapter } from '@datamesh/plugin-data-mesh-backend-module-postgres';
import type { WarehouseAdapter } from '@datamesh/plugin-data-mesh-node';
import request from 'supertest';
import { contractCalls } from '../__testUtils__/contractCalls';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  product,
  startAccessTestBackend,
} from '../access/__testUtils__/testBackend';

const T0 = Date.UTC(2026, 0, 1);
const memberships: Record<string, string[]> = {
  'user:default/aisha': ['group:default/clinical'],
  'user:default/sofia': ['group:default/pophealth'],
};
const visits = product(
  'visits',
  'group:default/clinical',
  'domain:default/care',
);
const statements = [
  'CREATE ROLE "care_visits_owner" NOLOGIN',
  'CREATE SCHEMA "care_visits_output" AUTHORIZATION "care_visits_owner"',
];

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('change reports on %s', id => {
  let server: any;
  let stop: () => Promise<void>;
  let warehouse: WarehouseAdapter;
  const sent: NotificationSendOptions[] = [];

  const { call, audited } = contractCalls(() => server, 'aisha');
  const report = (user: string, body: object, name = 'visits') =>
    call('post', `/products/default/${name}/infrastructure/reports`, user, {
      action: 'infrastructure-apply',
      ...body,
    });

  beforeAll(async () => {
    warehouse = await createPgliteWarehouseAdapter({ inMemory: true });
    const backend = await startAccessTestBackend({
      databases,
      databaseId: id,
      entities: [visits],
      memberships,
      clock: { now: () => T0 },
      sent,
      scheduler: mockServices.scheduler(),
      warehouse,
    });
    server = backend.server;
    stop = () => backend.stop();
  }, 120_000);

  afterAll(async () => {
    await stop?.();
    await warehouse?.close();
  });

  it("keeps an owner's report in the product's audit trail, with where it ran", async () => {
    const res = await report('aisha', {
      source: 'cli',
      statements,
      allowDestructive: false,
      stage: 'prod',
      reference: 'https://ci.example.com/acme/visits/runs/42',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      entityRef: 'dataproduct:default/visits',
      action: 'infrastructure-apply',
      at: new Date(T0).toISOString(),
      actor: 'user:default/aisha',
    });
    expect(await audited('visits', 'infrastructure-apply')).toEqual([
      {
        at: new Date(T0).toISOString(),
        actor: 'user:default/aisha',
        action: 'infrastructure-apply',
        detail: {
          allowDestructive: false,
          statements,
          stage: 'prod',
          source: 'cli',
          reference: 'https://ci.example.com/acme/visits/runs/42',
        },
      },
    ]);
  });

  it('refuses anyone but its owners, and keeps nothing of it', async () => {
    const refused = await report('sofia', {
      source: 'template',
      statements: ['DROP SCHEMA "care_visits_output"'],
      allowDestructive: true,
    });
    expect([refused.status, refused.body.error.message]).toEqual([
      403,
      'user:default/sofia may not apply the infrastructure of dataproduct:default/visits: only its owners or an admin may',
    ]);
    // a declared owner does not count once the catalog knows the product
    const claimed = await report('sofia', {
      source: 'template',
      statements: ['DROP SCHEMA "care_visits_output"'],
      allowDestructive: true,
      owner: 'group:default/pophealth',
    });
    expect(claimed.status).toBe(403);
    const trail = await audited('visits', 'infrastructure-apply');
    expect(trail.map(e => e.actor)).toEqual(['user:default/aisha']);
  });

  it('refuses what the document does not allow', async () => {
    const bad = [
      { source: 'jenkins', statements, allowDestructive: false },
      { source: 'cli', statements: 'DROP ROLE x', allowDestructive: false },
      { source: 'cli', statements },
      { source: 'cli', statements, allowDestructive: false, extra: 1 },
      // an apply's report with a sandbox's fields, and an unknown kind
      { source: 'cli', statements, allowDestructive: false, branch: 'x' },
      { action: 'drop-everything', source: 'cli' },
      {
        source: 'cli',
        statements: new Array(5_001).fill('SELECT 1'),
        allowDestructive: false,
      },
    ];
    for (const body of bad) {
      expect((await report('aisha', body)).status).toBe(400);
    }
  });

  it('before the catalog has the product, the owner its spec declares decides', async () => {
    const first = {
      source: 'template',
      statements,
      allowDestructive: false,
      stage: 'dev',
      reference: 'task-0b6c',
    };
    // who is not of the declared owner may not write into its trail
    const stranger = await report(
      'sofia',
      { ...first, owner: 'group:default/clinical' },
      'wards',
    );
    expect([stranger.status, stranger.body.error.message]).toEqual([
      403,
      'user:default/sofia may not apply the infrastructure of dataproduct:default/wards: only its owners or an admin may (not in the catalog yet: its spec declares group:default/clinical)',
    ]);
    const unnamed = await report('aisha', first, 'wards');
    expect([unnamed.status, unnamed.body.error.message]).toEqual([
      400,
      'owner: dataproduct:default/wards is not in the catalog yet; report the owner its spec declares',
    ]);
    // the spec's owner as written: a group name in the product's namespace
    const made = await report(
      'aisha',
      { ...first, owner: 'clinical' },
      'wards',
    );
    expect(made.status).toBe(201);
    expect(await audited('wards', 'infrastructure-apply')).toEqual([
      expect.objectContaining({
        actor: 'user:default/aisha',
        detail: {
          allowDestructive: false,
          statements,
          stage: 'dev',
          source: 'template',
          reference: 'task-0b6c',
          declaredOwner: 'group:default/clinical',
        },
      }),
    ]);
  });

  it('keeps sandboxes made and deleted elsewhere as the portal keeps its own, under their permission', async () => {
    const sandbox = (user: string, body: object) =>
      call('post', '/products/default/visits/infrastructure/reports', user, {
        source: 'cli',
        stage: 'dev',
        reference: 'https://ci.example.com/acme/visits/runs/43',
        ...body,
      });
    const made = await sandbox('aisha', {
      action: 'sandbox-create',
      branch: 'feat_x',
      schemas: ['"care_visits_raw_sbx_feat_x"'],
      method: 'copy',
      replaced: [],
    });
    expect([made.status, made.body.action]).toEqual([201, 'sandbox-create']);
    const dropped = await sandbox('aisha', {
      action: 'sandbox-delete',
      branch: 'feat_x',
      dropped: ['"care_visits_raw_sbx_feat_x"'],
    });
    expect(dropped.status).toBe(201);
    const refused = await sandbox('sofia', {
      action: 'sandbox-delete',
      branch: 'feat_y',
      dropped: ['"care_visits_raw_sbx_feat_y"'],
    });
    expect([refused.status, refused.body.error.message]).toEqual([
      403,
      'user:default/sofia may not delete sandboxes of dataproduct:default/visits: only its owners or an admin may',
    ]);
    const where = {
      stage: 'dev',
      source: 'cli',
      reference: 'https://ci.example.com/acme/visits/runs/43',
    };
    expect(await audited('visits', 'sandbox-create')).toEqual([
      expect.objectContaining({
        actor: 'user:default/aisha',
        detail: {
          branch: 'feat_x',
          schemas: ['"care_visits_raw_sbx_feat_x"'],
          method: 'copy',
          ...where,
        },
      }),
    ]);
    expect(await audited('visits', 'sandbox-delete')).toEqual([
      expect.objectContaining({
        actor: 'user:default/aisha',
        detail: {
          branch: 'feat_x',
          dropped: ['"care_visits_raw_sbx_feat_x"'],
          ...where,
        },
      }),
    ]);
  });

  it("records a pipeline's failed apply with the service as the actor, and tells the product's owners", async () => {
    const failed = (body: object) =>
      request(server)
        .post('/api/data-mesh/products/default/visits/infrastructure/reports')
        .set('Authorization', mockCredentials.service.header())
        .send({
          action: 'infrastructure-apply',
          statements: statements.slice(0, 1),
          allowDestructive: false,
          error: 'permission denied to create schema',
          ...body,
        });
    const before = sent.length;
    const res = await failed({
      source: 'cli',
      stage: 'prod',
      reference: 'https://ci.example.com/acme/visits/runs/44',
    });
    expect(res.status).toBe(201);
    expect(res.body.actor).toBe('service:external:test-service');
    const trail = await audited('visits', 'infrastructure-apply');
    expect(trail.at(-1)).toEqual(
      expect.objectContaining({
        actor: 'service:external:test-service',
        detail: expect.objectContaining({
          statements: statements.slice(0, 1),
          error: 'permission denied to create schema',
          source: 'cli',
        }),
      }),
    );
    expect(sent.slice(before)).toEqual([
      {
        recipients: { type: 'entity', entityRef: 'group:default/clinical' },
        payload: {
          title:
            'A pipeline failed to apply dataproduct:default/visits (stage prod)',
          description:
            'datamesh apply stopped: permission denied to create schema. The warehouse holds what was applied before; the next apply starts from there.',
          link: 'https://ci.example.com/acme/visits/runs/44',
          severity: 'high',
          topic: 'data-mesh-infrastructure',
        },
      },
    ]);
    // a reference that is no web address: the link is the audit trail
    await failed({ source: 'cli', reference: 'deploy #44' });
    expect(sent.at(-1)?.payload.link).toBe(
      '/catalog/default/dataproduct/visits/changes',
    );
    // the template's user sees the task fail: no one else is told
    const told = sent.length;
    await failed({ source: 'template', reference: 'task-9' });
    expect(sent).toHaveLength(told);
  });
});
