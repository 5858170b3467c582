/*
 * The infrastructure API in a test backend: the data-mesh plugin with the
 * real postgres module on an embedded PGlite warehouse in a temp directory,
 * and an in-memory catalog. Provisioning and out-of-band changes go through
 * the same shared PGlite instance the plugin uses (one per data directory).
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  DataProductEntityV1alpha1,
  InfrastructureDriftSummaryResponse,
  ProductInfrastructureResponse,
} from '@datamesh/plugin-data-mesh-common';
import postgresWarehouseServiceFactories, {
  type PostgresWarehouseAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
  applyPlan,
  createSandbox,
  deleteSandboxes,
  planProducts,
  platformConfig,
} from '@datamesh/plugin-data-mesh-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { dataMeshPlugin } from '../plugin';
import { warehouseServiceProbe } from '../__testUtils__/warehouse';

function product(
  name: string,
  domain: string,
  extra: Partial<DataProductEntityV1alpha1['spec']> = {},
): DataProductEntityV1alpha1 {
  return {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name, namespace: 'default', title: `${name} product` },
    spec: {
      type: 'source-aligned',
      lifecycle: 'experimental',
      owner: 'group:default/sales-team',
      domain: `domain:default/${domain}`,
      certified: false,
      ...extra,
    },
  };
}

const orders = product('orders', 'sales');
const invoices = product('invoices', 'finance');
// a domain name no warehouse identifier can be made of
const broken = product('broken', 'Sales & Marketing');
// personal data: a role that reads it in clear, and masked views for the rest
const patients = product('patients', 'care', {
  datasets: [
    {
      name: 'patients',
      columns: [
        { name: 'patient_id', type: 'integer' },
        { name: 'full_name', type: 'text', pii: true },
      ],
    },
  ],
});
const entities = [orders, invoices, broken, patients];

const user = mockCredentials.user.header('user:default/alice');

describe('infrastructure API on the embedded PGlite warehouse', () => {
  let dataDir: string;
  let server: any;
  let stop: () => Promise<void>;
  // the plugin's own adapter, through the backend's warehouse service
  let adapter: PostgresWarehouseAdapter;
  const probe = warehouseServiceProbe();
  const platform = platformConfig();

  const get = (p: string, auth = user) =>
    request(server).get(`/api/data-mesh${p}`).set('Authorization', auth);
  const infra = async (name: string) => {
    const res = await get(`/products/default/${name}/infrastructure`);
    expect(res.status).toBe(200);
    return res.body as ProductInfrastructureResponse;
  };
  const apply = async (p: DataProductEntityV1alpha1) => {
    const { plan, issues } = await planProducts([p], platform, adapter);
    if (!plan) throw new Error(issues.map(i => i.message).join('; '));
    const result = await applyPlan(plan, adapter);
    if (result.error) throw new Error(result.error.message);
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'datamesh-infra-'));
    const backend = await startTestBackend({
      features: [
        dataMeshPlugin,
        postgresWarehouseServiceFactories,
        probe.feature,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            dataMesh: { warehouse: { type: 'pglite', pglite: { dataDir } } },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    adapter = await probe.adapter();
  });

  afterAll(async () => {
    await stop?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the creates for a product that was never provisioned', async () => {
    const body = await infra('orders');
    expect(body.entityRef).toBe('dataproduct:default/orders');
    expect(body.status).toBe('not-provisioned');
    expect(body.inSync).toBe(false);
    expect(body.warehouse).toEqual({
      type: 'pglite',
      dialect: 'pglite',
      displayName: 'PGlite',
      compute: false,
      databases: 'schema-prefix',
    });
    expect(Date.parse(body.checkedAt)).not.toBeNaN();

    const names = body.declared!.names;
    expect(names.warehouse).toBeNull();
    expect(names.database).toEqual({
      name: 'acme_sales_dev',
      qualified: '"acme_sales_dev"',
      exists: null,
    });
    expect(names.schemas.output).toEqual({
      name: 'orders_output',
      qualified: '"acme_sales_dev__orders_output"',
      exists: false,
    });
    expect(names.roles.consumer).toEqual({
      name: 'sales_orders_consumer',
      qualified: '"sales_orders_consumer"',
      exists: false,
    });
    expect(body.declared!.infrastructure).toEqual({
      stage: 'dev',
      platform: 'pglite',
      database: 'acme_sales_dev',
      schema: 'orders_output',
      roles: {
        consumer: 'sales_orders_consumer',
        service: 'sales_orders_service',
        owner: 'sales_orders_owner',
      },
    });
    // nothing of the product's scope exists yet
    expect(body.actual!.objects.roles).toEqual([]);
    expect(body.actual!.objects.schemas).toEqual([]);

    const creates = body.drift.steps.filter(s => s.kind === 'create');
    expect(creates.map(s => s.action).sort()).toEqual([
      'create-role',
      'create-role',
      'create-role',
      'create-schema',
      'create-schema',
      'create-schema',
    ]);
    expect(body.drift.lines).toContain('+ create role "sales_orders_consumer"');
    expect(body.drift.lines).toContain(
      '+ create schema "acme_sales_dev__orders_raw" owner "sales_orders_owner"',
    );
    expect(body.drift.destructive).toEqual([]);
    const createRole = body.drift.steps.find(
      s => s.action === 'create-role' && s.line.includes('consumer'),
    )!;
    expect(createRole.sql.join('\n')).toMatch(
      /CREATE ROLE "sales_orders_consumer"/,
    );
    expect(createRole.change).toMatchObject({
      action: 'create-role',
      role: { name: 'sales_orders_consumer' },
    });
    // what PGlite does differently for every product is said by `warehouse`
    // (and the card's names), not repeated as the product's notes
    expect(body.warehouse).toMatchObject({
      compute: false,
      databases: 'schema-prefix',
    });
    expect(body.notes).toEqual([]);
    // notes are apart from the drift lines
    expect(body.drift.lines.some(l => l.startsWith('! note'))).toBe(false);
  });

  it('is in sync after the plan was applied', async () => {
    await apply(orders);
    const body = await infra('orders');
    expect(body.status).toBe('in-sync');
    expect(body.inSync).toBe(true);
    expect(body.drift.steps).toEqual([]);
    expect(body.drift.destructive).toEqual([]);
    expect(body.drift.lines).toEqual([
      'no changes: the warehouse matches the declared state',
    ]);
    const names = body.declared!.names;
    for (const s of Object.values(names.schemas)) expect(s.exists).toBe(true);
    for (const r of Object.values(names.roles)) expect(r.exists).toBe(true);
    expect(body.actual!.objects.roles.map(r => r.name).sort()).toEqual([
      'sales_orders_consumer',
      'sales_orders_owner',
      'sales_orders_service',
    ]);
    expect(body.actual!.queries).toBeGreaterThan(0);
  });

  it('names the personal-data role and the masked schema of a product with personal data', async () => {
    const before = (await infra('patients')).declared!.names;
    expect(before.roles.consumerPii).toEqual({
      name: 'care_patients_consumer_pii',
      qualified: '"care_patients_consumer_pii"',
      exists: false,
    });
    expect(before.schemas.masked).toEqual({
      name: 'patients_masked',
      qualified: '"acme_care_dev__patients_masked"',
      exists: false,
    });
    // a product without personal data has neither
    const orderNames = (await infra('orders')).declared!.names;
    expect(orderNames.roles).not.toHaveProperty('consumerPii');
    expect(orderNames.schemas).not.toHaveProperty('masked');

    await apply(patients);
    const after = await infra('patients');
    expect(after.status).toBe('in-sync');
    expect(after.declared!.names.roles.consumerPii!.exists).toBe(true);
    expect(after.declared!.names.schemas.masked!.exists).toBe(true);
  });

  it("lists the product's feature-branch sandboxes, by branch", async () => {
    expect((await infra('orders')).sandboxes).toEqual([]);
    const provisioned = (await planProducts([orders], platform, adapter))
      .desired!.products[0];
    await createSandbox(adapter, provisioned, {
      suffix: 'feat_returns',
      layers: ['raw', 'output'],
      now: new Date('2026-11-30T08:00:00Z'),
    });
    const body = await infra('orders');
    expect(body.status).toBe('in-sync');
    expect(body.sandboxes).toEqual([
      {
        branch: 'feat_returns',
        createdAt: '2026-11-30T08:00:00Z',
        schemas: [
          {
            name: 'orders_output_sbx_feat_returns',
            qualified: '"acme_sales_dev__orders_output_sbx_feat_returns"',
          },
          {
            name: 'orders_raw_sbx_feat_returns',
            qualified: '"acme_sales_dev__orders_raw_sbx_feat_returns"',
          },
        ],
      },
    ]);
    await deleteSandboxes(adapter, provisioned, { all: true });
    expect((await infra('orders')).sandboxes).toEqual([]);
  });

  it('shows the regrant after an out-of-band REVOKE, and a stranger grant as a destructive revoke', async () => {
    const output = { database: 'acme_sales_dev', schema: 'orders_output' };
    await adapter.execute([
      {
        sql: `REVOKE USAGE ON SCHEMA ${adapter.dialect.qualifiedSchema(
          output,
        )} FROM "sales_orders_consumer"`,
      },
    ]);
    let body = await infra('orders');
    expect(body.status).toBe('drift');
    expect(body.inSync).toBe(false);
    expect(body.drift.steps.map(s => s.line)).toEqual([
      '+ grant usage on schema "acme_sales_dev__orders_output" to "sales_orders_consumer"',
    ]);
    expect(body.drift.steps[0].change).toEqual({
      action: 'grant',
      target: { type: 'schema', ...output },
      privileges: ['usage'],
      grantee: 'sales_orders_consumer',
    });
    expect(body.drift.destructive).toEqual([]);

    await adapter.execute(
      adapter.dialect.statements({
        action: 'grant',
        target: { type: 'schema', ...output },
        privileges: ['usage'],
        grantee: 'PUBLIC',
      }),
    );
    body = await infra('orders');
    expect(body.drift.destructive.map(s => s.line)).toEqual([
      '- revoke usage on schema "acme_sales_dev__orders_output" from PUBLIC',
    ]);
    expect(body.drift.lines).toContain(
      'destructive steps (run only when explicitly allowed):',
    );

    // repairing with the engine (destructive allowed) brings it back in sync
    const { plan } = await planProducts([orders], platform, adapter);
    expect(
      (await applyPlan(plan!, adapter, { allowDestructive: true })).error,
    ).toBeUndefined();
    expect((await infra('orders')).status).toBe('in-sync');
  });

  it('reports a product whose names cannot be made as invalid, with located issues', async () => {
    const body = await infra('broken');
    expect(body.status).toBe('invalid');
    expect(body.declared).toBeUndefined();
    expect(body.issues.length).toBeGreaterThan(0);
    expect(body.issues[0]).toMatchObject({
      severity: 'error',
      path: 'spec.domain',
    });
  });

  it('summarises every product with one introspection, each as its own endpoint sees it', async () => {
    // drift on orders again, so the summary has one of each
    await adapter.execute([
      {
        sql: `REVOKE USAGE ON SCHEMA ${adapter.dialect.qualifiedSchema({
          database: 'acme_sales_dev',
          schema: 'orders_raw',
        })} FROM "sales_orders_service"`,
      },
    ]);
    // and two branches' sandboxes of orders: copies the platform team sees
    const provisioned = (await planProducts([orders], platform, adapter))
      .desired!.products[0];
    for (const [suffix, at] of [
      ['feat_a', '2026-11-02T10:00:00Z'],
      ['feat_b', '2026-10-15T07:45:00Z'],
    ]) {
      await createSandbox(adapter, provisioned, {
        suffix,
        layers: ['output'],
        now: new Date(at),
      });
    }
    const res = await get('/infrastructure/drift');
    expect(res.status).toBe(200);
    const summary = res.body as InfrastructureDriftSummaryResponse;
    expect(summary.total).toBe(4);
    expect(summary.counts).toEqual({
      conflict: 0,
      drift: 1,
      'not-provisioned': 1,
      invalid: 1,
      'in-sync': 1,
    });
    // worst first
    expect(summary.items.map(i => [i.entityRef, i.status])).toEqual([
      ['dataproduct:default/orders', 'drift'],
      ['dataproduct:default/invoices', 'not-provisioned'],
      ['dataproduct:default/broken', 'invalid'],
      ['dataproduct:default/patients', 'in-sync'],
    ]);
    for (const item of summary.items) {
      const single = await infra(item.entityRef.split('/')[1]);
      expect(item.status).toBe(single.status);
      expect(item.lines).toEqual(single.drift.lines);
      expect(item.steps).toBe(single.drift.steps.length);
      expect(item.destructive).toBe(single.drift.destructive.length);
    }
    expect(summary.items[0].lines).toEqual([
      '+ grant usage on schema "acme_sales_dev__orders_raw" to "sales_orders_service"',
    ]);
    expect(summary.items[0]).toMatchObject({
      title: 'orders product',
      owner: 'group:default/sales-team',
      domain: 'domain:default/sales',
    });
    expect(summary.items.map(i => i.sandboxes)).toEqual([
      { branches: 2, oldestCreatedAt: '2026-10-15T07:45:00Z' },
      undefined,
      undefined,
      undefined,
    ]);
    // three products in three domains cost what one product costs (its
    // introspection, and the one of its access grants), and one query per
    // database for the sandboxes
    const one = await infra('orders');
    expect(one.access).toBeDefined();
    expect(summary.queries).toBe(one.actual!.queries + one.access!.queries + 3);
    await deleteSandboxes(adapter, provisioned, { all: true });
  });

  it('answers 404 for an unknown product, 400 for a malformed name, 401 without credentials', async () => {
    const missing = await get('/products/default/nope/infrastructure');
    expect(missing.status).toBe(404);
    expect(missing.body.error.name).toBe('NotFoundError');

    const malformed = await get(
      `/products/default/${encodeURIComponent('x;DROP ROLE y')}/infrastructure`,
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.name).toBe('InputError');

    const anonymous = await get(
      '/products/default/orders/infrastructure',
      mockCredentials.none.header(),
    );
    expect(anonymous.status).toBe(401);
  });
});

describe('infrastructure API when the warehouse does not answer', () => {
  const password = 'pw-4b9f1e7c-secret';
  let server: any;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        dataMeshPlugin,
        postgresWarehouseServiceFactories,
        catalogServiceMock.factory({ entities: [orders] }),
        mockServices.rootConfig.factory({
          data: {
            dataMesh: {
              warehouse: {
                type: 'postgres',
                // nothing listens on port 1
                postgres: {
                  connection: `postgres://datamesh_admin:${password}@127.0.0.1:1/postgres`,
                },
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
  });

  it('answers 502 with the warehouse message and no credentials', async () => {
    for (const p of [
      '/products/default/orders/infrastructure',
      '/infrastructure/drift',
    ]) {
      const res = await request(server)
        .get(`/api/data-mesh${p}`)
        .set('Authorization', user);
      expect(res.status).toBe(502);
      expect(res.body.error.name).toBe('WarehouseUnavailableError');
      expect(res.body.error.message).toMatch(
        /PostgreSQL warehouse failed to answer: .*ECONNREFUSED/,
      );
      expect(res.body.error.code).toBe('ECONNREFUSED');
      expect(JSON.stringify(res.body)).not.toContain(password);
      expect(JSON.stringify(res.body)).not.toContain('datamesh_admin:');
    }
  });
});
