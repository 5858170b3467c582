/*
 * A product's own `sql` checks and a numeric column's listed values,
 * through the API of a test backend (SQLite and PostgreSQL) against a real
 * PGlite warehouse: the portal's scheduled run measures the listed values
 * as numbers and leaves the sql checks to the product's pipeline; the
 * pipeline runs them (`datamesh quality --sql`), reports their numbers,
 * and the portal judges them by the catalog's checks, keeps them, shows
 * them and tells the owners.
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
import { QUALITY_TASK_ID, QUALITY_TOPIC } from '.';

const T0 = Date.UTC(2026, 0, 1);
const platform = platformConfig();
const ledger = product(
  'ledger',
  'group:default/finance',
  'domain:default/money',
);
const [events] = ledger.spec.datasets!;
events.columns = [
  { name: 'id', type: 'integer' },
  { name: 'amount', type: 'decimal(10,2)' },
];
const lateQuery = 'SELECT COUNT(*) FROM ${table} WHERE id > 3';
events.quality = [
  { name: 'no-late-ids', type: 'sql', query: lateQuery, mustBe: 0 },
];
// a pattern, counted by the portal and reported by the pipeline alike
events.columns[0].quality = [
  { name: 'digits', metric: 'invalidValues', pattern: '^\\d+$', mustBe: 0 },
];
events.columns[1].quality = [
  {
    name: 'no-negative',
    type: 'sql',
    query: 'SELECT COUNT(*) FROM ${table} WHERE ${column} < 0',
    mustBe: 0,
  },
  // 1.5 is the warehouse's 1.50
  {
    name: 'known',
    metric: 'invalidValues',
    validValues: [1.5, 2, -3],
    mustBe: 0,
  },
];

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('sql checks on %s', id => {
  let server: any;
  let stop: () => Promise<void>;
  let warehouse: PostgresWarehouseAdapter;
  const sent: NotificationSendOptions[] = [];
  const scheduler = mockServices.scheduler();
  const { call } = contractCalls(() => server, 'aisha');
  const quality = async () => {
    const res = await call('get', '/products/default/ledger/quality', 'aisha');
    expect(res.status).toBe(200);
    return res.body.checks.map((c: any) => ({
      key: c.key,
      status: c.status,
      value: c.value,
      reason: c.reason,
      by: c.measuredBy?.source,
    }));
  };

  beforeAll(async () => {
    warehouse = await createPgliteWarehouseAdapter({ inMemory: true });
    const { plan } = await planProducts([ledger], platform, warehouse);
    const applied = await applyPlan(plan!, warehouse);
    if (applied.error) throw new Error(applied.error.message);
    const { products } = await assessProducts([ledger], platform, warehouse, {
      namesOnly: true,
    });
    const names = products[0].desired!.products[0];
    const table = warehouse.dialect.qualifiedTable(
      { database: names.database, schema: names.outputSchema },
      'events',
    );
    await warehouse.connection.queryAs(
      names.roles.service,
      `CREATE TABLE ${table} (id INT, amount NUMERIC(10,2))`,
    );
    await warehouse.connection.queryAs(
      names.roles.service,
      `INSERT INTO ${table} VALUES (1, 1.50), (2, -3.00), (3, 2.00)`,
    );
    const knex = await databases.init(id);
    const backend = await startAccessTestBackend({
      databases,
      databaseId: id,
      knex,
      entities: [ledger],
      memberships: { 'user:default/aisha': ['group:default/finance'] },
      clock: { now: () => T0 },
      sent,
      scheduler,
      warehouse,
    });
    server = backend.server;
    stop = () => backend.stop();
  }, 120_000);

  afterAll(async () => {
    await stop?.();
    await warehouse?.close();
  });

  it('are left to the pipeline by the portal, then judged and kept from its report', async () => {
    const pipelineOnly =
      "run by the product's pipeline (datamesh quality --sql), which reports it: the portal does not run a spec's SQL with the platform's privileges";
    await scheduler.triggerTask(QUALITY_TASK_ID);
    expect(await quality()).toEqual([
      { key: 'events:no-late-ids', status: 'not-run', reason: pipelineOnly },
      {
        key: 'events.id:digits',
        status: 'passed',
        value: 0,
        reason:
          '0 invalid values (0 % of 3 rows); invalid values (not matching ^\\d+$) must be 0',
      },
      {
        key: 'events.amount:no-negative',
        status: 'not-run',
        reason: pipelineOnly,
      },
      {
        key: 'events.amount:known',
        status: 'passed',
        value: 0,
        reason: '0 invalid values (0 % of 3 rows); invalid values must be 0',
      },
    ]);

    // the pipeline: `datamesh quality --sql --report-to`
    const measured = await runQualityChecks(
      warehouse,
      productQualityChecks(ledger, platform),
      { sql: true },
    );
    const checks = qualityReportedChecks(measured);
    const path = '/products/default/ledger/quality/reports';
    const kept = await call('post', path, PIPELINE, { source: 'cli', checks });
    expect(kept.status).toBe(201);
    expect(kept.body.recorded).toEqual([
      { key: 'events:no-late-ids', status: 'passed' },
      { key: 'events.id:digits', status: 'passed' },
      { key: 'events.amount:no-negative', status: 'failed' },
      { key: 'events.amount:known', status: 'passed' },
    ]);
    expect(
      (await quality()).filter((c: { key: string }) => c.key.includes('-')),
    ).toEqual([
      {
        key: 'events:no-late-ids',
        status: 'passed',
        value: 0,
        reason: "the query returned 0; the query's result must be 0",
        by: 'cli',
      },
      {
        key: 'events.amount:no-negative',
        status: 'failed',
        value: 1,
        reason: "the query returned 1; the query's result must be 0",
        by: 'cli',
      },
    ]);
    // the owners hear of it as of any blocking check
    expect(
      sent
        .filter(n => n.payload.topic === QUALITY_TOPIC)
        .map(n => n.payload.description),
    ).toEqual([expect.stringContaining('no-negative')]);
    expect(
      (await call('get', '/quality/products', 'aisha')).body.items,
    ).toEqual([
      expect.objectContaining({
        product: 'dataproduct:default/ledger',
        checks: 4,
        failing: ['events.amount:no-negative'],
      }),
    ]);
    // the portal's next run leaves the reported results standing
    await scheduler.triggerTask(QUALITY_TASK_ID);
    expect((await quality())[2]).toMatchObject({
      key: 'events.amount:no-negative',
      status: 'failed',
      by: 'cli',
    });

    // another query's number is not the catalog's check's
    const [late] = checks;
    const other = await call('post', path, PIPELINE, {
      source: 'cli',
      checks: [
        {
          ...late,
          counts: [
            {
              measure: { kind: 'query', query: 'SELECT 0' },
              count: 0,
            },
          ],
        },
      ],
    });
    expect(other.body).toMatchObject({
      recorded: [],
      skipped: [
        {
          key: 'events:no-late-ids',
          reason:
            "not counted as the catalog's check needs (the pipeline's spec may declare it differently)",
        },
      ],
    });
    // a count that is not one is refused
    const known = checks[3];
    const negative = await call('post', path, PIPELINE, {
      source: 'cli',
      checks: [
        {
          ...known,
          counts: known.counts!.map(c => ({ ...c, count: -1 })),
        },
      ],
    });
    expect(negative.status).toBe(400);
    expect(negative.body.error.message).toBe(
      'Invalid quality report: checks.0.counts.0: a count is a whole number from 0; checks.0.counts.1: a count is a whole number from 0',
    );
  });
});
