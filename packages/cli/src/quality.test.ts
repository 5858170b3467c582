/*
 * `datamesh quality` against the embedded PGlite warehouse: the product is
 * applied, its pipeline's table written, and the spec's ODCS checks are
 * measured; a failing error-severity check fails the run. With
 * `--report-to`, the counts go to a node:http stand-in for the portal
 * (the route's judging has its own tests), checked against the OpenAPI
 * document.
 */
import path from 'node:path';
import { createPgliteWarehouseAdapter } from '@datamesh/plugin-data-mesh-backend-module-postgres';
import { createDataMeshApiValidator } from '@datamesh/plugin-data-mesh-common';
import {
  type SeenReport,
  lines,
  makeTempDir,
  runDatamesh,
  startStandInPortal,
} from './testUtils';

jest.setTimeout(120_000);

const PRODUCT = `apiVersion: v1.1.0
kind: DataProduct
id: visits
name: visits
status: active
domain: clinic
type: source-aligned
outputPorts:
  - name: visits
    type: sql
    version: 1.0.0
    contractId: visits
team:
  members:
    - username: clinic-data
      role: owner
`;

const contract = (wardCheck: string) => `apiVersion: v3.1.0
kind: DataContract
id: visits
version: 1.0.0
status: active
schema:
  - name: visits
    quality:
      - metric: rowCount
        mustBeGreaterThan: 2
    properties:
      - name: visit_id
        logicalType: integer
        quality:
          - metric: duplicateValues
            mustBe: 0
      - name: ward
        logicalType: string
        quality:
${wardCheck}${wardCheck ? '\n' : ''}          - type: text
            description: Wards are named by the hospital
`;

const STRICT = `          - metric: invalidValues
            arguments:
              validValues: [north, south]
            mustBe: 0`;

/** Apply the product, then write its output table as its pipeline would. */
async function applyAndLoad(spec: string, dataDir: string, cwd: string) {
  const apply = await runDatamesh(['apply', spec, '--data-dir', dataDir], {
    cwd,
  });
  expect(apply.code).toBe(0);
  const warehouse = await createPgliteWarehouseAdapter({ dataDir });
  try {
    const table = warehouse.dialect.qualifiedTable(
      { database: 'acme_clinic_dev', schema: 'visits_output' },
      'visits',
    );
    await warehouse.connection.queryAs(
      'clinic_visits_service',
      `CREATE TABLE ${table} (visit_id INT, ward TEXT)`,
    );
    await warehouse.connection.queryAs(
      'clinic_visits_service',
      `INSERT INTO ${table} VALUES (1, 'north'), (2, 'south'), (3, 'east'), (3, NULL)`,
    );
  } finally {
    await warehouse.close();
  }
}

describe('datamesh quality (embedded PGlite)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeAll(() => {
    tmp = makeTempDir();
  });
  afterAll(() => tmp.cleanup());

  it('measures the checks of a product in its tables and fails on an error-severity check', async () => {
    const spec = tmp.write('visits/visits.odps.yaml', PRODUCT);
    const strict = STRICT;
    tmp.write('visits/visits.odcs.yaml', contract(strict));
    const dataDir = path.join(tmp.dir, 'warehouse');
    await applyAndLoad(spec, dataDir, tmp.dir);

    const failing = await runDatamesh(
      ['quality', spec, '--data-dir', dataDir],
      { cwd: tmp.dir },
    );
    expect(lines(failing.stdout)).toEqual([
      'ok      dataproduct:default/visits visits:rowCount: 4 rows; rows must be more than 2',
      'FAILED  dataproduct:default/visits visits.visit_id:duplicateValues: 1 duplicate values (25 % of 4 rows); duplicate values must be 0',
      'FAILED  dataproduct:default/visits visits.ward:invalidValues: 1 invalid values (25 % of 4 rows); invalid values must be 0',
      'not run dataproduct:default/visits visits.ward:text: Wards are named by the hospital — a text check is not measured by the portal',
    ]);
    expect(failing.stderr).toBe(
      `data quality in PGlite in ${dataDir}:\n4 checks: 1 passed, 2 failed, 0 could not be measured, 1 not run\n`,
    );
    expect(failing.code).toBe(1);

    // warnings are shown and do not fail the run
    tmp.write(
      'visits/visits.odcs.yaml',
      contract(`${strict}\n            severity: warning`).replace(
        '            mustBe: 0\n      - name: ward',
        '            mustBeLessThan: 2\n      - name: ward',
      ),
    );
    const warned = await runDatamesh(
      ['quality', spec, '--data-dir', dataDir, '--json'],
      { cwd: tmp.dir },
    );
    expect(warned.code).toBe(0);
    expect(
      JSON.parse(warned.stdout).map((r: any) => [r.key, r.status, r.severity]),
    ).toEqual([
      ['visits:rowCount', 'passed', 'error'],
      ['visits.visit_id:duplicateValues', 'passed', 'error'],
      ['visits.ward:invalidValues', 'failed', 'warning'],
      ['visits.ward:text', 'not-run', 'error'],
    ]);
  });

  it('says so and exits 1 when the table is not there, and 0 without checks', async () => {
    const spec = tmp.write('gone/gone.odps.yaml', PRODUCT);
    tmp.write(
      'gone/gone.odcs.yaml',
      contract('          - metric: nullValues\n            mustBe: 0'),
    );
    const dataDir = path.join(tmp.dir, 'empty-warehouse');
    const missing = await runDatamesh(
      ['quality', spec, '--data-dir', dataDir],
      { cwd: tmp.dir },
    );
    expect(missing.code).toBe(1);
    expect(lines(missing.stdout)[0]).toMatch(
      /^ERROR {3}dataproduct:default\/visits visits:rowCount: rows must be more than 2 — .*visits/,
    );

    tmp.write(
      'plain/plain.odcs.yaml',
      contract('')
        .split('\n')
        .filter(l => !/quality:|metric:|mustBe|type: text|description:/.test(l))
        .join('\n'),
    );
    const product = tmp.write('plain/plain.odps.yaml', PRODUCT);
    const none = await runDatamesh(
      ['quality', product, '--data-dir', dataDir],
      {
        cwd: tmp.dir,
      },
    );
    expect(none.stderr).toBe(
      'no quality checks in these specs: nothing to measure\n',
    );
    expect(none.code).toBe(0);
  });

  it('costs a column that is not in the table its own checks only', async () => {
    const spec = tmp.write('renamed/visits.odps.yaml', PRODUCT);
    tmp.write(
      'renamed/visits.odcs.yaml',
      contract(
        '          - metric: nullValues\n            mustBeLessThan: 2',
      ).replace(
        '      - name: ward\n',
        [
          '      - name: bed',
          '        logicalType: integer',
          '        quality:',
          '          - metric: nullValues',
          '            mustBe: 0',
          '      - name: ward',
          '',
        ].join('\n'),
      ),
    );
    const dataDir = path.join(tmp.dir, 'renamed-warehouse');
    await applyAndLoad(spec, dataDir, tmp.dir);
    const run = await runDatamesh(['quality', spec, '--data-dir', dataDir], {
      cwd: tmp.dir,
    });
    const out = lines(run.stdout);
    expect(out.slice(0, 2)).toEqual([
      'ok      dataproduct:default/visits visits:rowCount: 4 rows; rows must be more than 2',
      'FAILED  dataproduct:default/visits visits.visit_id:duplicateValues: 1 duplicate values (25 % of 4 rows); duplicate values must be 0',
    ]);
    // the table has no bed column (renamed in the pipeline, say)
    expect(out[2]).toMatch(
      /^ERROR {3}dataproduct:default\/visits visits\.bed:nullValues: null values must be 0 — .*bed/,
    );
    expect(out[3]).toBe(
      'ok      dataproduct:default/visits visits.ward:nullValues: 1 null values (25 % of 4 rows); null values must be less than 2',
    );
    expect(run.code).toBe(1);
  });

  it('reports the counts to the portal, names what it did not keep, and keeps its own verdict', async () => {
    const spec = tmp.write('reported/visits.odps.yaml', PRODUCT);
    tmp.write('reported/visits.odcs.yaml', contract(STRICT));
    const dataDir = path.join(tmp.dir, 'reported-warehouse');
    await applyAndLoad(spec, dataDir, tmp.dir);
    let reply: (sent: SeenReport) => { status: number; body: unknown };
    const portal = await startStandInPortal(sent => reply(sent));
    const run = (extra: string[] = []) =>
      runDatamesh(
        [
          'quality',
          spec,
          '--data-dir',
          dataDir,
          '--report-to',
          portal.base,
          ...extra,
        ],
        {
          cwd: tmp.dir,
          env: {
            DATAMESH_PORTAL_TOKEN: 'ci-token',
            CI_JOB_URL: 'https://gitlab.example.com/acme/visits/-/jobs/7',
          },
        },
      );
    try {
      reply = sent => ({
        status: 201,
        body: {
          entityRef: 'dataproduct:default/visits',
          checkedAt: '2026-12-07T10:00:00.000Z',
          actor: 'service:external:ci',
          recorded: sent.body.checks
            .slice(1)
            .map((c: any) => ({ key: c.key, status: 'failed' })),
          skipped: [
            { key: sent.body.checks[0].key, reason: 'counted elsewhere' },
          ],
        },
      });
      const reported = await run(['--stage', 'dev']);
      // the verdict is this run's own, whatever the portal keeps
      expect(reported.code).toBe(1);
      expect(lines(reported.stderr)).toEqual([
        `data quality in PGlite in ${dataDir}:`,
        'reported to the portal: 2 of 3 results of dataproduct:default/visits kept (by service:external:ci)',
        'warning: the portal did not keep visits:rowCount: counted elsewhere',
        '4 checks: 1 passed, 2 failed, 0 could not be measured, 1 not run',
      ]);
      expect(reported.stdout + reported.stderr).not.toContain('ci-token');
      const [sent] = portal.seen;
      expect(sent.url).toBe(
        '/api/data-mesh/products/default/visits/quality/reports',
      );
      expect(sent.auth).toBe('Bearer ci-token');
      expect(
        createDataMeshApiValidator().requestBody(
          {
            method: 'post',
            path: '/products/{namespace}/{name}/quality/reports',
          },
          sent.body,
        ),
      ).toEqual([]);
      // counts, not verdicts; the text check is not reported
      const table = {
        database: 'acme_clinic_dev',
        schema: 'visits_output',
        table: 'visits',
      };
      expect(sent.body).toEqual({
        source: 'cli',
        stage: 'dev',
        reference: 'https://gitlab.example.com/acme/visits/-/jobs/7',
        checks: [
          {
            key: 'visits:rowCount',
            table,
            counts: [{ measure: { kind: 'rows' }, count: 4 }],
          },
          {
            key: 'visits.visit_id:duplicateValues',
            table,
            counts: [
              { measure: { kind: 'rows' }, count: 4 },
              { measure: { kind: 'nonNull', column: 'visit_id' }, count: 4 },
              { measure: { kind: 'distinct', column: 'visit_id' }, count: 3 },
            ],
          },
          {
            key: 'visits.ward:invalidValues',
            table,
            counts: [
              { measure: { kind: 'rows' }, count: 4 },
              {
                measure: {
                  kind: 'notInList',
                  column: 'ward',
                  values: ['north', 'south'],
                },
                count: 1,
              },
            ],
          },
        ],
      });

      // a portal that refuses is a warning; the checks decide the exit code
      reply = () => ({
        status: 403,
        body: { error: { name: 'NotAllowedError', message: 'not an owner' } },
      });
      const refused = await run(['--json']);
      expect(refused.code).toBe(1);
      expect(lines(refused.stderr)).toContain(
        'warning: not reported to the portal (default/visits): the portal did not record it (403): not an owner',
      );
      expect(JSON.parse(refused.stdout)).toHaveLength(4);

      // one product per report, asked before the warehouse opens
      const two = await runDatamesh(
        [
          'quality',
          spec,
          spec,
          '--data-dir',
          dataDir,
          '--report-to',
          portal.base,
        ],
        { cwd: tmp.dir, env: { DATAMESH_PORTAL_TOKEN: 'ci-token' } },
      );
      expect(two.code).toBe(1);
      expect(two.stderr).toBe(
        '--report-to: reports on one product; give one spec file\n',
      );
      expect(portal.seen).toHaveLength(2);
    } finally {
      await portal.close();
    }
  });

  it("runs the spec's own sql checks only with --sql, and reports their numbers", async () => {
    const spec = tmp.write('own-sql/visits.odps.yaml', PRODUCT);
    const query = 'SELECT COUNT(*) FROM ${table} WHERE ${column} IS NULL;';
    tmp.write(
      'own-sql/visits.odcs.yaml',
      contract(
        [
          '          - id: every-ward',
          '            type: sql',
          `            query: "${query}"`,
          '            mustBe: 0',
          '            severity: warning',
          // a pattern every warehouse reads alike, counted by the portal too
          '          - id: lower-case',
          '            metric: invalidValues',
          '            arguments:',
          "              pattern: '^[a-z]+$'",
          '            mustBe: 0',
        ].join('\n'),
      ),
    );
    const dataDir = path.join(tmp.dir, 'own-sql-warehouse');
    await applyAndLoad(spec, dataDir, tmp.dir);

    const plain = await runDatamesh(['quality', spec, '--data-dir', dataDir], {
      cwd: tmp.dir,
    });
    expect(lines(plain.stdout)).toContain(
      "not run dataproduct:default/visits visits.ward:every-ward [warning]: the query's result must be 0 — run by the product's pipeline (datamesh quality --sql), which reports it: the portal does not run a spec's SQL with the platform's privileges",
    );
    expect(lines(plain.stderr)).toContain(
      "1 sql checks not run: --sql runs the specs' own queries with this connection's privileges (in the product's own pipeline)",
    );

    let reply: (sent: SeenReport) => { status: number; body: unknown };
    const portal = await startStandInPortal(sent => reply(sent));
    try {
      reply = sent => ({
        status: 201,
        body: {
          entityRef: 'dataproduct:default/visits',
          checkedAt: '2026-12-07T10:00:00.000Z',
          actor: 'service:external:ci',
          recorded: sent.body.checks.map((c: any) => ({
            key: c.key,
            status: 'passed',
          })),
          skipped: [],
        },
      });
      const own = await runDatamesh(
        [
          'quality',
          spec,
          '--data-dir',
          dataDir,
          '--sql',
          '--report-to',
          portal.base,
        ],
        { cwd: tmp.dir, env: { DATAMESH_PORTAL_TOKEN: 'ci-token' } },
      );
      expect(lines(own.stdout)).toEqual(
        expect.arrayContaining([
          "FAILED  dataproduct:default/visits visits.ward:every-ward [warning]: the query returned 1; the query's result must be 0",
          'ok      dataproduct:default/visits visits.ward:lower-case: 0 invalid values (0 % of 4 rows); invalid values (not matching ^[a-z]+$) must be 0',
        ]),
      );
      expect(own.stderr).not.toContain('sql checks not run');
      const [sent] = portal.seen;
      expect(
        createDataMeshApiValidator().requestBody(
          {
            method: 'post',
            path: '/products/{namespace}/{name}/quality/reports',
          },
          sent.body,
        ),
      ).toEqual([]);
      // the query as the spec writes it, so the portal can tell it is its check's
      expect(
        sent.body.checks.find((c: any) => c.key === 'visits.ward:every-ward'),
      ).toEqual({
        key: 'visits.ward:every-ward',
        table: {
          database: 'acme_clinic_dev',
          schema: 'visits_output',
          table: 'visits',
        },
        counts: [{ measure: { kind: 'query', query }, count: 1 }],
      });
      expect(
        sent.body.checks.find((c: any) => c.key === 'visits.ward:lower-case')
          .counts,
      ).toEqual([
        { measure: { kind: 'rows' }, count: 4 },
        {
          measure: { kind: 'notMatching', column: 'ward', pattern: '^[a-z]+$' },
          count: 0,
        },
      ]);
    } finally {
      await portal.close();
    }
  });

  it("measures a branch's sandbox, where the branch's pipeline built its tables", async () => {
    const spec = tmp.write('branch/visits.odps.yaml', PRODUCT);
    tmp.write('branch/visits.odcs.yaml', contract(''));
    const dataDir = path.join(tmp.dir, 'branch-warehouse');
    await applyAndLoad(spec, dataDir, tmp.dir);
    const made = await runDatamesh(
      [
        'sandbox',
        'create',
        spec,
        '--branch',
        'feat/Late-Fix',
        '--data-dir',
        dataDir,
      ],
      { cwd: tmp.dir },
    );
    expect(made.code).toBe(0);
    // the branch's pipeline writes a second row for visit 1 in its sandbox
    const warehouse = await createPgliteWarehouseAdapter({ dataDir });
    try {
      await warehouse.connection.queryAs(
        'clinic_visits_service',
        `INSERT INTO ${warehouse.dialect.qualifiedTable(
          {
            database: 'acme_clinic_dev',
            schema: 'visits_output_sbx_feat_late_fix',
          },
          'visits',
        )} VALUES (1, 'south'), (1, 'north')`,
      );
    } finally {
      await warehouse.close();
    }
    const quality = (...extra: string[]) =>
      runDatamesh(['quality', spec, '--data-dir', dataDir, ...extra], {
        cwd: tmp.dir,
      });

    const branch = await quality('--branch', 'feat/Late-Fix');
    expect(branch.code).toBe(1);
    expect(lines(branch.stdout).slice(0, 2)).toEqual([
      'ok      dataproduct:default/visits visits:rowCount: 6 rows; rows must be more than 2',
      'FAILED  dataproduct:default/visits visits.visit_id:duplicateValues: 3 duplicate values (50 % of 6 rows); duplicate values must be 0',
    ]);
    expect(lines(branch.stderr)[0]).toBe(
      `data quality in the sandbox of feat_late_fix in PGlite in ${dataDir}:`,
    );
    // the product's own tables are as they were
    expect(lines((await quality()).stdout)[1]).toBe(
      'FAILED  dataproduct:default/visits visits.visit_id:duplicateValues: 1 duplicate values (25 % of 4 rows); duplicate values must be 0',
    );

    // a branch without a sandbox: its tables are not there
    const none = await quality('--branch', 'feat/none');
    expect(none.code).toBe(1);
    expect(lines(none.stdout)[0]).toMatch(
      /^ERROR {3}dataproduct:default\/visits visits:rowCount: .*visits_output_sbx_feat_none/,
    );
    // refused before the warehouse opens
    const hostile = await quality('--branch', 'x; DROP SCHEMA y');
    expect(hostile.code).toBe(1);
    expect(hostile.stderr).toMatch(
      /^--branch: branch "x; DROP SCHEMA y" must be/,
    );
    const reported = await runDatamesh(
      [
        'quality',
        spec,
        '--branch',
        'feat/x',
        '--report-to',
        'https://portal.example.com/api/data-mesh',
      ],
      { cwd: tmp.dir, env: { DATAMESH_PORTAL_TOKEN: 'ci-token' } },
    );
    expect(reported.code).toBe(1);
    expect(reported.stderr).toBe(
      "--branch: a sandbox's results are not reported (--report-to)\n",
    );
  });
});
