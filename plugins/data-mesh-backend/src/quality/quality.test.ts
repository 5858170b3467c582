/*
 * Data-quality checks through the API of a test backend with the real
 * permission backend, on SQLite and PostgreSQL, against a real PGlite
 * warehouse: the scheduled run (triggered by hand) measures a product's
 * declared checks in its table, the product page's answer lists each with
 * its latest result and history, the owners hear once when a blocking
 * check starts failing (not of warnings, not again while it keeps
 * failing), only they may measure now, and a pipeline's counts are judged
 * by the catalog's checks and kept with who reported them.
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import {
  type PostgresWarehouseAdapter,
  createPgliteWarehouseAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
  applyPlan,
  assessProducts,
  planProducts,
  platformConfig,
  productQualityChecks,
  qualityReportedChecks,
  runQualityChecks,
} from '@datamesh/plugin-data-mesh-node';
import { PIPELINE, contractCalls } from '../__testUtils__/contractCalls';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  product,
  startAccessTestBackend,
} from '../access/__testUtils__/testBackend';
import { QUALITY_READ_TOPIC, QUALITY_TASK_ID, QUALITY_TOPIC } from '.';

const T0 = Date.UTC(2026, 0, 1);
const D = 24 * 3_600_000;
const platform = platformConfig();
const memberships: Record<string, string[]> = {
  'user:default/aisha': ['group:default/clinical'],
  'user:default/sofia': ['group:default/pophealth'],
};
const visits = product(
  'visits',
  'group:default/clinical',
  'domain:default/care',
);
const [events] = visits.spec.datasets!;
events.quality = [{ metric: 'rowCount', mustBeGreaterThan: 2 }];
events.columns[0].quality = [
  { name: 'unique-ids', metric: 'duplicateValues', mustBe: 0 },
  { type: 'text', description: 'Ids come from the booking system' },
];
events.columns[1].quality = [
  {
    metric: 'nullValues',
    mustBeLessThan: 10,
    unit: 'percent',
    severity: 'warning',
  },
];

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('data-quality checks on %s', id => {
  let server: any;
  let stop: () => Promise<void>;
  let warehouse: PostgresWarehouseAdapter;
  let table: string;
  let service: string;
  let now = T0;
  const sent: NotificationSendOptions[] = [];
  const scheduler = mockServices.scheduler();
  const run = () => scheduler.triggerTask(QUALITY_TASK_ID);
  const told = () =>
    sent.filter(n =>
      [QUALITY_TOPIC, QUALITY_READ_TOPIC].includes(n.payload.topic ?? ''),
    );
  const { call } = contractCalls(() => server, 'aisha');
  const quality = async (user: string) => {
    const res = await call('get', '/products/default/visits/quality', user);
    expect(res.status).toBe(200);
    return res.body;
  };
  const statuses = async () =>
    (await quality('sofia')).checks.map((c: any) => [c.key, c.status]);
  const write = (sql: string) =>
    warehouse.connection.queryAs(service, sql.replace('$T', table));

  beforeAll(async () => {
    warehouse = await createPgliteWarehouseAdapter({ inMemory: true });
    const { plan } = await planProducts([visits], platform, warehouse);
    const applied = await applyPlan(plan!, warehouse);
    if (applied.error) throw new Error(applied.error.message);
    const { products } = await assessProducts([visits], platform, warehouse, {
      namesOnly: true,
    });
    const names = products[0].desired!.products[0];
    service = names.roles.service;
    table = warehouse.dialect.qualifiedTable(
      { database: names.database, schema: names.outputSchema },
      'events',
    );
    // the pipeline's table: an id twice, one email of four missing
    await write('CREATE TABLE $T (id TEXT, email TEXT)');
    await write(
      "INSERT INTO $T VALUES ('a', 'a@x'), ('b', 'b@x'), ('b', 'c@x'), ('c', NULL)",
    );
    const knex = await databases.init(id);
    const backend = await startAccessTestBackend({
      databases,
      databaseId: id,
      knex,
      entities: [
        visits,
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: 'pophealth', namespace: 'default' },
          spec: { type: 'team', children: [] },
        },
      ],
      memberships,
      clock: { now: () => now },
      sent,
      scheduler,
      warehouse,
    });
    server = backend.server;
    stop = () => backend.stop();
    // population health reads visits, by an agreement made before the portal
    const recorded = await call('post', '/access-requests/record', 'aisha', {
      product: 'visits',
      outputPort: 'events',
      consumer: 'group:default/pophealth',
      purpose: 'readmission statistics',
    });
    if (recorded.status !== 201) {
      throw new Error(`not recorded: ${recorded.body.error?.message}`);
    }
  }, 120_000);

  afterAll(async () => {
    await stop?.();
    await warehouse?.close();
  });

  it('lists the declared checks before anything is measured', async () => {
    expect(await quality('sofia')).toEqual({
      enabled: true,
      checks: [
        {
          key: 'events:rowCount',
          dataset: 'events',
          check: { metric: 'rowCount', mustBeGreaterThan: 2 },
          description: 'rows must be more than 2',
          severity: 'error',
          blocking: true,
          status: 'pending',
          reason: 'not measured yet',
          history: [],
        },
        expect.objectContaining({
          key: 'events.id:unique-ids',
          column: 'id',
          status: 'pending',
        }),
        expect.objectContaining({
          key: 'events.id:text',
          description: 'Ids come from the booking system',
          status: 'not-run',
          reason: 'a text check is not measured by the portal',
        }),
        expect.objectContaining({
          key: 'events.email:nullValues',
          severity: 'warning',
          blocking: false,
          status: 'pending',
        }),
      ],
    });
  });

  it('measures them on schedule, tells the owners of a blocking failure once, and keeps the history', async () => {
    await run();
    const measured = await quality('sofia');
    expect(measured.lastCheckedAt).toBe(new Date(T0).toISOString());
    expect(
      measured.checks.map((c: any) => [c.key, c.status, c.value, c.reason]),
    ).toEqual([
      ['events:rowCount', 'passed', 4, '4 rows; rows must be more than 2'],
      [
        'events.id:unique-ids',
        'failed',
        1,
        '1 duplicate values (25 % of 4 rows); duplicate values must be 0',
      ],
      [
        'events.id:text',
        'not-run',
        undefined,
        'a text check is not measured by the portal',
      ],
      [
        'events.email:nullValues',
        'failed',
        25,
        '1 null values (25 % of 4 rows); null values (percent of rows) must be less than 10 %',
      ],
    ]);
    // the warning fails too, but pages nobody; readers hear in their words
    expect(
      told().map(n => [
        n.recipients,
        n.payload.title,
        n.payload.description,
        n.payload.link,
      ]),
    ).toEqual([
      [
        { type: 'entity', entityRef: 'group:default/clinical' },
        'visits fails 1 data-quality check',
        'events.id:unique-ids: 1 duplicate values (25 % of 4 rows); duplicate values must be 0',
        '/catalog/default/dataproduct/visits',
      ],
      [
        {
          type: 'entity',
          // who recorded the agreement, and the reading team; the owners
          // (aisha among them) are told apart
          entityRef: ['user:default/aisha', 'group:default/pophealth'],
          excludeEntityRef: 'group:default/clinical',
        },
        'A data product you read fails 1 data-quality check: visits',
        'What you read from it may be wrong until its owners (group:default/clinical) fix it. events.id:unique-ids: 1 duplicate values (25 % of 4 rows); duplicate values must be 0',
        '/catalog/default/dataproduct/visits',
      ],
    ]);

    // what the owners' home page counts: their product, the blocking check
    const failing = async (user: string) =>
      (await call('get', '/quality/failing', user)).body.items;
    expect(await failing('aisha')).toEqual([
      {
        product: 'dataproduct:default/visits',
        checks: ['events.id:unique-ids'],
        checkedAt: new Date(T0).toISOString(),
      },
    ]);
    expect(await failing('sofia')).toEqual([]);

    // still failing the next day: not told again; the history grows
    now = T0 + D;
    await run();
    expect(told()).toHaveLength(2);
    const again = await quality('sofia');
    expect(
      again.checks[1].history.map((h: any) => [h.checkedAt, h.status]),
    ).toEqual([
      [new Date(T0).toISOString(), 'failed'],
      [new Date(T0 + D).toISOString(), 'failed'],
    ]);
  });

  it("keeps a pipeline's counts, judged by the catalog's checks, with who reported them", async () => {
    now = T0 + D + 3_600_000;
    // what `datamesh quality --report-to` sends: the same counting
    const measured = await runQualityChecks(
      warehouse,
      productQualityChecks(visits, platform),
    );
    const checks = qualityReportedChecks(measured);
    // the text check is not measured, so not reported
    expect(checks.map(c => c.key)).toEqual([
      'events:rowCount',
      'events.id:unique-ids',
      'events.email:nullValues',
    ]);
    const report = {
      source: 'cli',
      stage: 'prod',
      reference: 'https://ci.example.com/runs/42',
      checks,
    };
    const path = '/products/default/visits/quality/reports';
    expect((await call('post', path, 'sofia', report)).status).toBe(403);
    expect(
      (
        await call(
          'post',
          '/products/default/nothing/quality/reports',
          PIPELINE,
          report,
        )
      ).status,
    ).toBe(404);
    const kept = await call('post', path, PIPELINE, report);
    expect(kept.status).toBe(201);
    expect(kept.body).toEqual({
      entityRef: 'dataproduct:default/visits',
      checkedAt: new Date(now).toISOString(),
      actor: 'service:external:test-service',
      recorded: [
        { key: 'events:rowCount', status: 'passed' },
        { key: 'events.id:unique-ids', status: 'failed' },
        { key: 'events.email:nullValues', status: 'failed' },
      ],
      skipped: [],
    });
    const after = await quality('sofia');
    expect(after.lastCheckedAt).toBe(new Date(now).toISOString());
    expect(after.checks[1]).toMatchObject({
      status: 'failed',
      value: 1,
      checkedAt: new Date(now).toISOString(),
      measuredBy: {
        source: 'cli',
        actor: 'service:external:test-service',
        reference: 'https://ci.example.com/runs/42',
      },
    });
    expect(after.checks[1].history).toHaveLength(3);
    // failing already: no one is told again
    expect(told()).toHaveLength(2);
    expect((await call('get', '/quality/products', 'sofia')).body).toEqual({
      items: [
        {
          product: 'dataproduct:default/visits',
          checks: 3,
          failing: ['events.id:unique-ids'],
          warnings: ['events.email:nullValues'],
          checkedAt: new Date(now).toISOString(),
        },
      ],
    });

    // counted where the portal does not measure, by another spec, or not
    // declared at all: skipped, each with why, and nothing changes
    const [rows, unique] = checks;
    const elsewhere = await call('post', path, PIPELINE, {
      source: 'cli',
      checks: [
        { ...rows, table: { ...rows.table!, database: 'other_dev' } },
        { ...unique, counts: [{ measure: { kind: 'rows' }, count: 4 }] },
        { key: 'events.id:not-declared', table: rows.table, error: 'x' },
        { key: 'events.id:text', table: rows.table, error: 'x' },
      ],
    });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.recorded).toEqual([]);
    expect(elsewhere.body.skipped.map((r: any) => [r.key, r.reason])).toEqual([
      [
        'events:rowCount',
        expect.stringMatching(
          /^counted in other_dev\..*; the portal measures it in /,
        ),
      ],
      [
        'events.id:unique-ids',
        "not counted as the catalog's check needs (the pipeline's spec may declare it differently)",
      ],
      [
        'events.id:not-declared',
        expect.stringContaining("not declared in the catalog's spec"),
      ],
      ['events.id:text', 'a text check is not measured by the portal'],
    ]);
    expect((await quality('sofia')).checks[1].status).toBe('failed');

    // a pipeline run that finds the key unique again clears the home page
    now += 60_000;
    const cleared = await call('post', path, PIPELINE, {
      source: 'cli',
      checks: [
        {
          ...unique,
          counts: unique.counts!.map(c => ({ ...c, count: 3 })),
        },
      ],
    });
    expect(cleared.body.recorded).toEqual([
      { key: 'events.id:unique-ids', status: 'passed' },
    ]);
    expect((await call('get', '/quality/failing', 'aisha')).body.items).toEqual(
      [],
    );
    // two checks and the warning it did not report stand as they were
    expect(
      (await call('get', '/quality/products', 'sofia')).body.items[0],
    ).toMatchObject({
      checks: 3,
      failing: [],
      warnings: ['events.email:nullValues'],
    });
    // a report that is not one is refused before anything is judged
    const bad = await call('post', path, PIPELINE, {
      source: 'cli',
      checks: [{ key: 'events:rowCount', table: rows.table }],
    });
    expect(bad.status).toBe(400);
    expect(
      (
        await call('post', path, PIPELINE, {
          source: 'cli',
          checks: [rows, rows],
        })
      ).body.error.message,
    ).toBe("checks: 'events:rowCount' reported twice");
  });

  it('lets only the owners measure now; a fixed table passes, a new failure is told again', async () => {
    now = T0 + 2 * D;
    const refused = await call(
      'post',
      '/products/default/visits/quality/run',
      'sofia',
    );
    expect(refused.status).toBe(403);

    await write("DELETE FROM $T WHERE id = 'b' AND email = 'c@x'");
    const fixed = await call(
      'post',
      '/products/default/visits/quality/run',
      'aisha',
    );
    expect(fixed.status).toBe(200);
    expect(fixed.body.lastCheckedAt).toBe(new Date(now).toISOString());
    expect(fixed.body.checks[1]).toMatchObject({
      status: 'passed',
      value: 0,
    });
    expect((await call('get', '/quality/failing', 'aisha')).body.items).toEqual(
      [],
    );

    now = T0 + 3 * D;
    await write("INSERT INTO $T VALUES ('a', 'd@x')");
    await run();
    expect(await statuses()).toContainEqual(['events.id:unique-ids', 'failed']);
    expect(told()).toHaveLength(4);

    // a table the pipeline dropped: could not be measured, and said why
    now = T0 + 4 * D;
    await write('DROP TABLE $T');
    await run();
    const gone = await quality('aisha');
    expect(gone.checks[0]).toMatchObject({ status: 'error' });
    expect(gone.checks[0].reason).toMatch(/events/);
    // not measured is failing too; the warning is not counted
    expect(
      (await call('get', '/quality/failing', 'aisha')).body.items[0].checks,
    ).toEqual(['events:rowCount', 'events.id:unique-ids']);
    const missing = await call(
      'get',
      '/products/default/nothing/quality',
      'aisha',
    );
    expect(missing.status).toBe(404);
  });
});
