/*
 * `datamesh apply --report-to`: the real command as a child process, on an
 * embedded PGlite warehouse, telling a node:http server on loopback
 * (standing in for the portal's data-mesh backend, whose route has its own
 * tests) what it sent. The body is checked against the OpenAPI document;
 * a refusal is a warning; bad use is refused before the warehouse opens.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import {
  type PostgresWarehouseAdapter,
  pgliteWarehouseAdapterFactory,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import { createDataMeshApiValidator } from '@datamesh/plugin-data-mesh-common';
import {
  createWarehouseService,
  resolveWarehouse,
} from '@datamesh/plugin-data-mesh-node';
import { ciRunReference } from './portalReport';
import {
  type SeenReport,
  lines,
  makeTempDir,
  recorded,
  runDatamesh,
  startStandInPortal,
} from './testUtils';

jest.setTimeout(120_000);

const SPEC = `apiVersion: core.oam.dev/v1beta1
kind: DataProduct
components:
  - name: sales
    type: domain
  - name: Refunds
    type: data-product
    properties:
      definition: { value: 'Every refund, one row per refund' }
      data_product_owner: { value: sales-team }
      data_product_type: { value: Source Aligned }
  - name: refunds
    type: data-set
    properties:
      columns:
        value:
          - { name: refund_id, type: varchar(20), classification: internal }
  - name: jdbc
    type: output-port
    properties:
      url: { value: 'jdbc:postgresql://warehouse.example.com/acme' }
`;

const GITHUB = {
  GITHUB_SERVER_URL: 'https://github.example.com',
  GITHUB_REPOSITORY: 'acme/refunds',
  GITHUB_RUN_ID: '4242',
};

describe('datamesh apply --report-to (embedded PGlite)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let portal: Awaited<ReturnType<typeof startStandInPortal>>;
  let base: string;
  let seen: SeenReport[];
  let reply: (sent: SeenReport) => { status: number; body: unknown };

  beforeAll(async () => {
    tmp = makeTempDir();
    tmp.write('refunds/data_product_spec.yml', SPEC);
    tmp.write(
      'other/data_product_spec.yml',
      SPEC.replace('Refunds', 'Chargebacks'),
    );
    portal = await startStandInPortal(sent => reply(sent));
    ({ base, seen } = portal);
  });
  afterAll(async () => {
    await portal.close();
    tmp.cleanup();
  });

  const spec = 'refunds/data_product_spec.yml';
  const apply = (
    dataDir: string,
    extra: string[],
    env: Record<string, string> = {},
  ) =>
    runDatamesh(
      ['apply', spec, '--data-dir', path.join(tmp.dir, dataDir), ...extra],
      { cwd: tmp.dir, env: { DATAMESH_PORTAL_TOKEN: 'ci-token', ...env } },
    );

  it("tells the portal what it sent, with the CI run's address; nothing when nothing is sent", async () => {
    reply = recorded;
    const before = seen.length;
    const run = await apply('wh-report', ['--report-to', base], GITHUB);
    expect(run.code).toBe(0);
    expect(lines(run.stderr)).toContain(
      "recorded in the portal's audit trail of dataproduct:default/refunds (infrastructure-apply by service:external:ci)",
    );
    expect(seen).toHaveLength(before + 1);
    const sent = seen[seen.length - 1];
    expect(sent.url).toBe(
      '/api/data-mesh/products/default/refunds/infrastructure/reports',
    );
    expect(sent.auth).toBe('Bearer ci-token');
    expect(
      createDataMeshApiValidator().requestBody(
        {
          method: 'post',
          path: '/products/{namespace}/{name}/infrastructure/reports',
        },
        sent.body,
      ),
    ).toEqual([]);
    expect(sent.body).toEqual({
      action: 'infrastructure-apply',
      source: 'cli',
      statements: expect.arrayContaining([
        'CREATE ROLE "sales_refunds_consumer" NOLOGIN',
      ]),
      allowDestructive: false,
      stage: 'dev',
      reference: 'https://github.example.com/acme/refunds/actions/runs/4242',
      owner: 'group:default/sales-team',
    });
    // the token is never printed
    expect(run.stdout + run.stderr).not.toContain('ci-token');

    const again = await apply('wh-report', ['--report-to', base], GITHUB);
    expect(again.code).toBe(0);
    expect(seen).toHaveLength(before + 1);
  });

  it('tells the portal of a sandbox made and deleted by the pipeline', async () => {
    reply = recorded;
    const dataDir = path.join(tmp.dir, 'wh-report');
    const sandbox = (...args: string[]) =>
      runDatamesh(
        ['sandbox', ...args, spec, '--data-dir', dataDir, '--report-to', base],
        { cwd: tmp.dir, env: { DATAMESH_PORTAL_TOKEN: 'ci-token', ...GITHUB } },
      );
    const before = seen.length;
    const made = await sandbox(
      'create',
      '--branch',
      'feat/Late',
      '--layers',
      'raw',
    );
    expect(made.code).toBe(0);
    expect(lines(made.stderr)).toContain(
      "recorded in the portal's audit trail of dataproduct:default/refunds (sandbox-create by service:external:ci)",
    );
    const dropped = await sandbox('delete', '--all');
    expect(dropped.code).toBe(0);
    // a dry run drops nothing and tells nothing
    expect((await sandbox('delete', '--all', '--dry-run')).code).toBe(0);
    // each change claimed its branch first and ended the claim after; the
    // dry run neither claimed nor told
    const CLAIMS = '/api/data-mesh/products/default/refunds/sandbox-claims';
    const calls = seen.slice(before);
    expect(
      calls.map(r => `${r.method} ${r.url.replace(/claim-\d+/, 'ID')}`),
    ).toEqual([
      `POST ${CLAIMS}`,
      'POST /api/data-mesh/products/default/refunds/infrastructure/reports',
      `DELETE ${CLAIMS}/ID`,
      `POST ${CLAIMS}`,
      'POST /api/data-mesh/products/default/refunds/infrastructure/reports',
      `DELETE ${CLAIMS}/ID`,
    ]);
    const validator = createDataMeshApiValidator();
    const claims = calls.filter(r => r.method === 'POST' && r.url === CLAIMS);
    expect(claims.map(c => c.body)).toEqual([
      {
        branch: 'feat_late',
        change: 'create',
        source: 'cli',
        reference: 'https://github.example.com/acme/refunds/actions/runs/4242',
      },
      {
        branch: 'feat_late',
        change: 'delete',
        source: 'cli',
        reference: 'https://github.example.com/acme/refunds/actions/runs/4242',
      },
    ]);
    for (const c of claims) {
      expect(
        validator.requestBody(
          {
            method: 'post',
            path: '/products/{namespace}/{name}/sandbox-claims',
          },
          c.body,
        ),
      ).toEqual([]);
    }
    const sent = calls.filter(
      r => r.method === 'POST' && r.url.endsWith('/reports'),
    );
    for (const s of sent) {
      expect(
        validator.requestBody(
          {
            method: 'post',
            path: '/products/{namespace}/{name}/infrastructure/reports',
          },
          s.body,
        ),
      ).toEqual([]);
    }
    const where = {
      source: 'cli',
      stage: 'dev',
      reference: 'https://github.example.com/acme/refunds/actions/runs/4242',
      owner: 'group:default/sales-team',
    };
    expect(sent.map(s => s.body)).toEqual([
      {
        action: 'sandbox-create',
        ...where,
        branch: 'feat_late',
        schemas: ['"acme_sales_dev__refunds_raw_sbx_feat_late"'],
        method: 'copy',
      },
      {
        action: 'sandbox-delete',
        ...where,
        branch: 'feat_late',
        dropped: ['"acme_sales_dev__refunds_raw_sbx_feat_late"'],
      },
    ]);
  });

  it("tells the portal of a sandbox the warehouse failed to make, with the warehouse's error, and fails", async () => {
    reply = recorded;
    expect((await apply('wh-failed', [])).code).toBe(0);
    const dataDir = path.join(tmp.dir, 'wh-failed');
    // a table the copy refuses to name (the pipeline's loader made it by
    // hand): the copy fails midway, after the schema was made
    const warehouse = createWarehouseService(
      resolveWarehouse(
        new ConfigReader({ dataMesh: { warehouse: { pglite: { dataDir } } } }),
        [pgliteWarehouseAdapterFactory],
      ),
    );
    try {
      const adapter =
        (await warehouse.getAdapter()) as PostgresWarehouseAdapter;
      await adapter.connection.query(
        'CREATE TABLE "acme_sales_dev__refunds_raw"."late-refunds" (id int)',
      );
    } finally {
      await warehouse.close();
    }
    const before = seen.length;
    const run = await runDatamesh(
      [
        'sandbox',
        'create',
        '--branch',
        'feat/odd',
        '--layers',
        'raw',
        spec,
        '--data-dir',
        dataDir,
        '--report-to',
        base,
      ],
      { cwd: tmp.dir, env: { DATAMESH_PORTAL_TOKEN: 'ci-token', ...GITHUB } },
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('refusing identifier "late-refunds"');
    // what the copy made before failing is gone: nothing left to find
    expect(run.stdout + run.stderr).toContain(
      '- drop schema "acme_sales_dev__refunds_raw_sbx_feat_odd" (the copy failed)',
    );
    const calls = seen.slice(before);
    const CLAIMS = '/api/data-mesh/products/default/refunds/sandbox-claims';
    expect(
      calls.map(r => `${r.method} ${r.url.replace(/claim-\d+/, 'ID')}`),
    ).toEqual([
      `POST ${CLAIMS}`,
      'POST /api/data-mesh/products/default/refunds/infrastructure/reports',
      `DELETE ${CLAIMS}/ID`,
    ]);
    const report = calls[1].body;
    expect(
      createDataMeshApiValidator().requestBody(
        {
          method: 'post',
          path: '/products/{namespace}/{name}/infrastructure/reports',
        },
        report,
      ),
    ).toEqual([]);
    expect(report).toEqual({
      action: 'sandbox-create',
      source: 'cli',
      stage: 'dev',
      reference: 'https://github.example.com/acme/refunds/actions/runs/4242',
      owner: 'group:default/sales-team',
      branch: 'feat_odd',
      schemas: ['"acme_sales_dev__refunds_raw_sbx_feat_odd"'],
      error: expect.stringContaining('refusing identifier "late-refunds"'),
    });
  });

  it("does not make or drop a branch's sandbox the portal is changing; a portal that cannot answer does not stop it", async () => {
    const dataDir = path.join(tmp.dir, 'wh-busy');
    const sandbox = (...args: string[]) =>
      runDatamesh(
        ['sandbox', ...args, spec, '--data-dir', dataDir, '--report-to', base],
        { cwd: tmp.dir, env: { DATAMESH_PORTAL_TOKEN: 'ci-token' } },
      );
    expect((await apply('wh-busy', [])).code).toBe(0);
    reply = recorded;
    for (const b of ['feat/busy', 'feat/other']) {
      expect(
        (await sandbox('create', '--branch', b, '--layers', 'raw')).code,
      ).toBe(0);
    }
    // the portal (or another pipeline) is changing feat_busy
    const busy =
      'the sandbox of feat_busy of dataproduct:default/refunds is being made (asked by user:default/aisha at 2026-12-06T10:00:00.000Z): run again once it is done';
    const refused = {
      status: 409,
      body: { error: { name: 'ConflictError', message: busy } },
    };
    // the portal refuses feat_busy's claims, and answers the rest
    const busyBranch: typeof reply = sent =>
      sent.method === 'POST' &&
      sent.url.endsWith('/sandbox-claims') &&
      sent.body.branch === 'feat_busy'
        ? refused
        : recorded(sent);
    reply = busyBranch;
    const before = seen.length;
    for (const args of [
      ['create', '--branch', 'feat/busy', '--replace'],
      ['delete', '--branch', 'feat/busy'],
    ]) {
      const run = await sandbox(...args);
      expect(run.code).toBe(1);
      expect(lines(run.stderr)).toContain(busy);
    }
    // neither replaced nor dropped: nothing reported
    expect(seen.slice(before).filter(r => r.url.endsWith('/reports'))).toEqual(
      [],
    );
    // asked to wait, it waits for the branch and makes it once free
    let refusals = 1;
    reply = sent => {
      if (
        sent.method === 'POST' &&
        sent.url.endsWith('/sandbox-claims') &&
        refusals > 0
      ) {
        refusals -= 1;
        return refused;
      }
      return recorded(sent);
    };
    const waited = await sandbox(
      'create',
      '--branch',
      'feat/busy',
      '--replace',
      '--layers',
      'raw',
      '--wait',
      '1m',
    );
    expect([waited.code, lines(waited.stderr)]).toEqual([
      0,
      expect.arrayContaining([`waiting: ${busy}`]),
    ]);
    reply = busyBranch;
    // --all drops the others, leaves the busy one and fails
    const all = await sandbox('delete', '--all');
    expect(all.code).toBe(1);
    expect(lines(all.stderr)).toContain(busy);
    expect(lines(all.stdout)).toEqual([
      '- drop schema "acme_sales_dev__refunds_raw_sbx_feat_other"',
    ]);
    const list = await runDatamesh(
      ['sandbox', 'list', spec, '--data-dir', dataDir],
      { cwd: tmp.dir },
    );
    expect(lines(list.stdout).map(l => l.split('\t')[0])).toEqual([
      'feat_busy',
    ]);

    // the portal down: the pipeline goes on, and says it could not claim
    reply = sent =>
      sent.url.includes('/sandbox-claims')
        ? { status: 503, body: { error: { message: 'catalog unavailable' } } }
        : recorded(sent);
    const down = await sandbox('create', '--branch', 'feat/busy', '--replace');
    expect(down.code).toBe(0);
    expect(lines(down.stderr)).toContain(
      'warning: the portal did not claim the sandbox (503): catalog unavailable; going on',
    );
  });

  it('warns when the portal refuses, and the apply stands', async () => {
    reply = () => ({
      status: 403,
      body: {
        error: {
          name: 'NotAllowedError',
          message:
            'service:external:ci may not apply the infrastructure of dataproduct:default/refunds',
        },
      },
    });
    const run = await apply('wh-refused', [
      '--report-to',
      base,
      '--report-reference',
      'deploy #7',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/applied \d+ steps/);
    expect(lines(run.stderr)).toContain(
      "warning: not in the portal's audit trail of default/refunds (infrastructure-apply): the portal did not record it (403): service:external:ci may not apply the infrastructure of dataproduct:default/refunds",
    );
    expect(seen[seen.length - 1].body.reference).toBe('deploy #7');
  });

  it('refuses bad use before the warehouse opens', async () => {
    const before = seen.length;
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        ['--report-to', base],
        { DATAMESH_PORTAL_TOKEN: '' },
        /DATAMESH_PORTAL_TOKEN is not set/,
      ],
      [['--report-to', 'portal.example.com'], {}, /--report-to: not a URL/],
      [
        ['--report-to', '//ci:secret@portal.example.com/api'],
        {},
        /--report-to: not a URL/,
      ],
      [
        ['--report-to', 'ftp://portal.example.com/api'],
        {},
        /needs an http\(s\) URL/,
      ],
      [
        ['--report-to', 'https://ci:secret@portal.example.com/api/data-mesh'],
        {},
        /no credentials in the URL/,
      ],
      [
        ['--report-reference', 'x'],
        {},
        /--report-reference: needs --report-to/,
      ],
    ];
    for (const [args, env, message] of cases) {
      const run = await apply('wh-never', args, env);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toContain('secret');
    }
    const two = await runDatamesh(
      ['apply', spec, 'other/data_product_spec.yml', '--report-to', base],
      { cwd: tmp.dir, env: { DATAMESH_PORTAL_TOKEN: 'ci-token' } },
    );
    expect(two.code).toBe(1);
    expect(two.stderr).toMatch(/reports on one product; give one spec file/);
    for (const [args, message] of [
      [['--wait', '10m'], /--wait: needs --report-to/],
      [
        ['--report-to', base, '--wait', '2d'],
        /--wait: "2d" is not minutes or hours up to 6h/,
      ],
      [['--report-to', base, '--wait', '7h'], /--wait: "7h" is not minutes/],
      [
        ['--report-to', base, '--wait', 'soon'],
        /--wait: "soon" is not minutes/,
      ],
    ] as [string[], RegExp][]) {
      const run = await runDatamesh(
        [
          'sandbox',
          'create',
          spec,
          '--branch',
          'feat/x',
          '--data-dir',
          path.join(tmp.dir, 'wh-never'),
          ...args,
        ],
        { cwd: tmp.dir, env: { DATAMESH_PORTAL_TOKEN: 'ci-token' } },
      );
      expect([run.code, run.stderr]).toEqual([
        1,
        expect.stringMatching(message),
      ]);
    }
    // no warehouse was opened, nothing was told
    expect(fs.existsSync(path.join(tmp.dir, 'wh-never'))).toBe(false);
    expect(seen).toHaveLength(before);
  });
});

describe('ciRunReference', () => {
  it('names the CI run of GitHub Actions, GitLab CI and Jenkins, else nothing', () => {
    expect(ciRunReference(GITHUB)).toBe(
      'https://github.example.com/acme/refunds/actions/runs/4242',
    );
    expect(
      ciRunReference({
        CI_JOB_URL: 'https://gitlab.example.com/acme/r/-/jobs/9',
      }),
    ).toBe('https://gitlab.example.com/acme/r/-/jobs/9');
    expect(
      ciRunReference({ BUILD_URL: 'https://jenkins.example.com/job/r/3/' }),
    ).toBe('https://jenkins.example.com/job/r/3/');
    // a half-set GitHub environment is no address
    expect(ciRunReference({ GITHUB_RUN_ID: '1' })).toBeUndefined();
  });
});
