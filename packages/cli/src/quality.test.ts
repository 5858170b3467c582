/*
 * `datamesh quality` against the embedded PGlite warehouse: the product is
 * applied, its pipeline's table written, and the spec's ODCS checks are
 * measured; a failing error-severity check fails the run.
 */
import path from 'node:path';
import { createPgliteWarehouseAdapter } from '@datamesh/plugin-data-mesh-backend-module-postgres';
import { lines, makeTempDir, runDatamesh } from './testUtils';

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

describe('datamesh quality (embedded PGlite)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeAll(() => {
    tmp = makeTempDir();
  });
  afterAll(() => tmp.cleanup());

  it('measures the checks of a product in its tables and fails on an error-severity check', async () => {
    const spec = tmp.write('visits/visits.odps.yaml', PRODUCT);
    const strict = `          - metric: invalidValues
            arguments:
              validValues: [north, south]
            mustBe: 0`;
    tmp.write('visits/visits.odcs.yaml', contract(strict));
    const dataDir = path.join(tmp.dir, 'warehouse');
    const apply = await runDatamesh(['apply', spec, '--data-dir', dataDir], {
      cwd: tmp.dir,
    });
    expect(apply.code).toBe(0);

    // the product's pipeline writes its output table
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
});
