/*
 * Where a product's checks are measured (its tables, or a branch's
 * sandbox copy of them), and what a pipeline's report of a run holds:
 * counts of measured checks, why the others were not measured, nothing of
 * checks the platform does not run. The counting itself runs on real
 * warehouses in qualityBehaviourSuite.
 */
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import { platformConfig } from './platform';
import { productQualityChecks } from './qualityRun';
import { qualityReportedChecks } from './qualityReport';

const visits: DataProductEntityV1alpha1 = {
  apiVersion: 'datamesh.dev/v1alpha1',
  kind: 'DataProduct',
  metadata: { name: 'visits', namespace: 'default' },
  spec: {
    type: 'source-aligned',
    lifecycle: 'production',
    owner: 'group:default/clinic',
    domain: 'domain:default/clinic',
    certified: false,
    datasets: [
      {
        name: 'visits',
        columns: [{ name: 'visit_id', type: 'integer' }],
        quality: [{ metric: 'rowCount', mustBeGreaterThan: 0 }],
      },
      {
        // a table the product reads from elsewhere
        name: 'wards',
        table: 'reference.public.wards',
        columns: [],
        quality: [
          { metric: 'rowCount', mustBeGreaterThan: 0 },
          { type: 'text', description: 'Wards come from the hospital' },
        ],
      },
    ],
  },
};

describe('productQualityChecks', () => {
  const platform = platformConfig();

  it("finds each check's table, or in a branch's sandbox the sandbox's", () => {
    const own = productQualityChecks(visits, platform);
    expect(own.map(c => [c.key, c.table, c.problem])).toEqual([
      [
        'visits:rowCount',
        {
          database: 'acme_clinic_dev',
          schema: 'visits_output',
          table: 'visits',
        },
        undefined,
      ],
      [
        'wards:rowCount',
        { database: 'reference', schema: 'public', table: 'wards' },
        undefined,
      ],
      [
        'wards:text',
        { database: 'reference', schema: 'public', table: 'wards' },
        undefined,
      ],
    ]);
    const sandbox = productQualityChecks(visits, platform, {
      sandbox: 'feat_x',
    });
    expect(sandbox[0].table).toEqual({
      database: 'acme_clinic_dev',
      schema: 'visits_output_sbx_feat_x',
      table: 'visits',
    });
    // a table outside the product's schemas has no sandbox copy
    expect(sandbox[1]).toMatchObject({
      key: 'wards:rowCount',
      problem:
        "reference.public.wards is not in the product's schemas, so not in its sandbox",
    });
    expect(sandbox[1].table).toBeUndefined();
  });
});

describe('qualityReportedChecks', () => {
  it('reports counts of measured checks and why the others were not; not the checks the platform does not run', () => {
    const [rows, wards, text] = productQualityChecks(visits, platformConfig());
    expect(
      qualityReportedChecks([
        {
          ...rows,
          status: 'passed',
          outcome: { value: 4, rows: 4, passed: true, reason: '4 rows' },
          counts: [{ measure: { kind: 'rows' }, count: 4 }],
        },
        { ...wards, status: 'error', message: 'x'.repeat(3_000) },
        { ...text, status: 'not-run', message: 'a text check' },
      ]),
    ).toEqual([
      {
        key: 'visits:rowCount',
        table: rows.table,
        counts: [{ measure: { kind: 'rows' }, count: 4 }],
      },
      // a long warehouse message is cut, not refused
      { key: 'wards:rowCount', table: wards.table, error: 'x'.repeat(2_000) },
    ]);
  });
});
