import { createDataMeshApiValidator } from '@datamesh/plugin-data-mesh-common';
import type { ApplyResult } from './apply';
import {
  applyReportOf,
  sandboxCreateFailureReportOf,
  sandboxDeleteReportsOf,
  sendChangeReport,
} from './changeReport';
import { type FoundSandbox, SandboxError } from './sandbox';
import type { PlanStep } from './types';

const step = (...sql: string[]) =>
  ({ line: `+ ${sql[0]}`, statements: sql.map(s => ({ sql: s })) } as PlanStep);
const change = {
  source: 'cli' as const,
  stage: 'prod',
  reference: 'https://ci.example.com/runs/9',
  allowDestructive: false,
};
const REPORTS = {
  method: 'post',
  path: '/products/{namespace}/{name}/infrastructure/reports',
} as const;

describe('reports of changes made outside the portal', () => {
  it('reports an apply that sent something or failed, nothing otherwise', () => {
    const sent: ApplyResult = {
      applied: [
        step('CREATE ROLE "a"', 'COMMENT ON ROLE "a" IS \'m\''),
        step('CREATE SCHEMA "s"'),
      ],
      skipped: [],
    };
    expect(applyReportOf(sent, change)).toEqual({
      action: 'infrastructure-apply',
      ...change,
      statements: [
        'CREATE ROLE "a"',
        'COMMENT ON ROLE "a" IS \'m\'',
        'CREATE SCHEMA "s"',
      ],
    });
    // refused at its first statement: nothing sent, but the failure is kept
    const refused: ApplyResult = {
      applied: [],
      skipped: [step('CREATE ROLE "a"')],
      error: { message: 'permission denied to create role' },
    };
    expect(applyReportOf(refused, change)).toEqual({
      action: 'infrastructure-apply',
      ...change,
      statements: [],
      error: 'permission denied to create role',
    });
    expect(applyReportOf({ applied: [], skipped: [] }, change)).toBeUndefined();
  });

  it('reports sandbox schemas dropped one branch at a time', () => {
    const found = (suffix: string, schema: string): FoundSandbox => ({
      database: 'acme',
      schema,
      comment: `datamesh:dataproduct:default/x:sandbox:${suffix}`,
      suffix,
    });
    const reports = sandboxDeleteReportsOf(
      [
        found('feat_a', 'x_raw_sbx_feat_a'),
        found('feat_b', 'x_raw_sbx_feat_b'),
        found('feat_a', 'x_output_sbx_feat_a'),
      ],
      { qualifiedSchema: s => `"${s.database}"."${s.schema}"` },
      { source: 'template', reference: 'task-1' },
    );
    expect(reports.map(r => [r.branch, r.dropped])).toEqual([
      ['feat_a', ['"acme"."x_raw_sbx_feat_a"', '"acme"."x_output_sbx_feat_a"']],
      ['feat_b', ['"acme"."x_raw_sbx_feat_b"']],
    ]);
    // a drop the warehouse refused: each branch's report says so
    expect(
      sandboxDeleteReportsOf(
        [found('feat_a', 'x_raw_sbx_feat_a')],
        { qualifiedSchema: s => `"${s.database}"."${s.schema}"` },
        { source: 'cli' },
        'permission denied for schema x_raw_sbx_feat_a',
      ),
    ).toEqual([
      {
        action: 'sandbox-delete',
        source: 'cli',
        branch: 'feat_a',
        dropped: ['"acme"."x_raw_sbx_feat_a"'],
        error: 'permission denied for schema x_raw_sbx_feat_a',
      },
    ]);
  });

  it('reports no failed sandbox the engine refused before sending anything', () => {
    expect(
      sandboxCreateFailureReportOf(
        new SandboxError(
          'the sandbox of feat_a exists: replace it, or delete it first',
        ),
        // not named: the refusal is not the warehouse's
        {} as Parameters<typeof sandboxCreateFailureReportOf>[1],
        { source: 'cli' },
      ),
    ).toBeUndefined();
  });

  it('sends a report the document accepts, long messages cut, and says why the portal refused', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    let answer = new Response(
      JSON.stringify({
        entityRef: 'dataproduct:default/orders',
        action: 'infrastructure-apply',
        at: '2026-12-06T10:00:00.000Z',
        actor: 'service:external:ci',
      }),
      { status: 201 },
    );
    const fetchRecorded = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return answer;
    }) as unknown as typeof fetch;
    const target = {
      baseUrl: 'https://portal.example.com/api/data-mesh/',
      token: 'tok',
      fetch: fetchRecorded,
    };
    const report = applyReportOf(
      {
        applied: [],
        skipped: [],
        error: { message: 'x'.repeat(10_000) },
      },
      { ...change, reference: `https://ci.example.com/${'r'.repeat(600)}` },
    )!;
    const recorded = await sendChangeReport(
      target,
      { namespace: 'default', name: 'orders' },
      report,
    );
    expect(recorded.actor).toBe('service:external:ci');
    expect(calls[0].url).toBe(
      'https://portal.example.com/api/data-mesh/products/default/orders/infrastructure/reports',
    );
    expect((calls[0].init.headers as any).authorization).toBe('Bearer tok');
    const body = JSON.parse(calls[0].init.body as string);
    expect([body.error.length, body.reference.length]).toEqual([4_000, 500]);
    expect(createDataMeshApiValidator().requestBody(REPORTS, body)).toEqual([]);

    answer = new Response(
      JSON.stringify({
        error: { name: 'NotAllowedError', message: 'not an owner' },
      }),
      { status: 403, statusText: 'Forbidden' },
    );
    await expect(
      sendChangeReport(
        target,
        { namespace: 'default', name: 'orders' },
        report,
      ),
    ).rejects.toThrow('the portal did not record it (403): not an owner');
  });
});
