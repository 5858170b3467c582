/*
 * `datamesh sandbox create|list|delete`, the real command as a child
 * process, on an embedded PGlite warehouse in a temporary directory: a
 * branch's sandbox made, written to the CI environment, found and
 * deleted; bad input refused before the warehouse opens.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createPgliteWarehouseAdapter } from '@datamesh/plugin-data-mesh-backend-module-postgres';
import { sandboxMarker } from '@datamesh/plugin-data-mesh-node';
import { lines, makeTempDir, runDatamesh } from './testUtils';

jest.setTimeout(120_000);

const SPEC = `apiVersion: core.oam.dev/v1beta1
kind: DataProduct
components:
  - name: sales
    type: domain
  - name: Returns
    type: data-product
    properties:
      definition: { value: 'Every returned order, one row per return' }
      data_product_owner: { value: sales-team }
      data_product_type: { value: Source Aligned }
  - name: returns
    type: data-set
    properties:
      columns:
        value:
          - { name: return_id, type: varchar(20), classification: internal }
  - name: jdbc
    type: output-port
    properties:
      url: { value: 'jdbc:postgresql://warehouse.example.com/acme' }
`;

describe('datamesh sandbox (embedded PGlite)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeAll(() => {
    tmp = makeTempDir();
  });
  afterAll(() => tmp.cleanup());

  it('creates a branch sandbox for the CI environment, lists it, and deletes it', async () => {
    const spec = tmp.write('returns/data_product_spec.yml', SPEC);
    const dataDir = path.join(tmp.dir, 'warehouse');
    const run = (...args: string[]) =>
      runDatamesh([...args, '--data-dir', dataDir], { cwd: tmp.dir });

    // a sandbox copies the product: it must be applied first
    const early = await run('sandbox', 'create', spec, '--branch', 'feat/a');
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(
      /has no returns_raw, returns_intermediates, returns_output in acme_sales_dev yet: apply the product/,
    );
    expect((await run('apply', spec)).code).toBe(0);

    const envFile = path.join(tmp.dir, 'env');
    const created = await run(
      'sandbox',
      'create',
      spec,
      '--branch',
      'feat/Late-Returns',
      '--layers',
      'intermediate,output',
      '--write-env',
      envFile,
    );
    expect(created.stderr).toMatch(/\+ clone "acme_sales_dev__returns_output"/);
    expect(created.code).toBe(0);
    expect(lines(created.stdout)).toEqual([
      'sandbox intermediate "acme_sales_dev__returns_intermediates_sbx_feat_late_returns" (0 table(s), copy)',
      'sandbox output "acme_sales_dev__returns_output_sbx_feat_late_returns" (0 table(s), copy)',
    ]);
    // the branch's pipeline reads the product's raw layer and writes the sandbox's
    const env = fs.readFileSync(envFile, 'utf8');
    expect(env).toContain('DATAMESH_RAW_SCHEMA=acme_sales_dev__returns_raw\n');
    expect(env).toContain(
      'DATAMESH_OUTPUT_SCHEMA=acme_sales_dev__returns_output_sbx_feat_late_returns\n',
    );
    expect(env).toContain('DATAMESH_SANDBOX=feat_late_returns\n');

    expect(
      (await run('sandbox', 'create', spec, '--branch', 'fix/b')).code,
    ).toBe(0);
    const listed = await run('sandbox', 'list', spec);
    const rows = lines(listed.stdout).map(l => l.split('\t'));
    expect(rows.map(([branch, schema]) => [branch, schema])).toEqual([
      [
        'feat_late_returns',
        '"acme_sales_dev__returns_intermediates_sbx_feat_late_returns"',
      ],
      [
        'feat_late_returns',
        '"acme_sales_dev__returns_output_sbx_feat_late_returns"',
      ],
      ['fix_b', '"acme_sales_dev__returns_intermediates_sbx_fix_b"'],
      ['fix_b', '"acme_sales_dev__returns_output_sbx_fix_b"'],
      ['fix_b', '"acme_sales_dev__returns_raw_sbx_fix_b"'],
    ]);
    // each with when it was made: just now; none kept
    for (const [, , made, kept] of rows) {
      expect(made).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Date.now() - Date.parse(made)).toBeLessThan(10 * 60_000);
      expect(kept).toBe('-');
    }

    // its owners keep fix/b's sandbox in the portal, which marks it again
    const keptAt = '2027-01-15T08:00:00Z';
    const warehouse = await createPgliteWarehouseAdapter({ dataDir });
    try {
      for (const [, schema, made] of rows.filter(([b]) => b === 'fix_b')) {
        await warehouse.connection.query(
          `COMMENT ON SCHEMA ${schema} IS '${sandboxMarker(
            'dataproduct:default/returns',
            'fix_b',
            new Date(made),
            new Date(keptAt),
          )}'`,
        );
      }
    } finally {
      await warehouse.close();
    }
    const relisted = await run('sandbox', 'list', spec);
    expect(lines(relisted.stdout).map(l => l.split('\t'))).toEqual(
      rows.map(([branch, schema, made]) => [
        branch,
        schema,
        made,
        branch === 'fix_b' ? keptAt : '-',
      ]),
    );

    const dry = await run(
      'sandbox',
      'delete',
      spec,
      '--branch',
      'feat/Late-Returns',
      '--dry-run',
    );
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain('dry run: nothing dropped');
    expect(lines(dry.stdout)).toHaveLength(2);

    const deleted = await run(
      'sandbox',
      'delete',
      spec,
      '--branch',
      'feat/Late-Returns',
    );
    expect(deleted.code).toBe(0);
    expect(lines(deleted.stdout)).toEqual([
      '- drop schema "acme_sales_dev__returns_intermediates_sbx_feat_late_returns"',
      '- drop schema "acme_sales_dev__returns_output_sbx_feat_late_returns"',
    ]);
    expect((await run('sandbox', 'delete', spec, '--all')).code).toBe(0);
    const none = await run('sandbox', 'list', spec);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/has no sandboxes/);
  });

  it('refuses a hostile branch and a missing choice before opening the warehouse', async () => {
    const spec = tmp.write('refused/data_product_spec.yml', SPEC);
    // a data directory that cannot be created: opening the warehouse would fail differently
    const dataDir = path.join(tmp.write('not-a-dir', 'x'), 'warehouse');
    const run = (...args: string[]) =>
      runDatamesh([...args, '--data-dir', dataDir], { cwd: tmp.dir });

    const hostile = await run(
      'sandbox',
      'create',
      spec,
      '--branch',
      "x'; DROP SCHEMA public; --",
    );
    expect(hostile.code).toBe(1);
    expect(hostile.stderr).toMatch(
      /^--branch: branch .* must be 1-100 characters/,
    );
    const neither = await run('sandbox', 'delete', spec);
    expect(neither.code).toBe(1);
    expect(neither.stderr).toBe(
      'give --branch, or --all for every sandbox (not both)\n',
    );
    const layers = await run(
      'sandbox',
      'create',
      spec,
      '--branch',
      'a',
      '--layers',
      'output,gold',
    );
    expect(layers.code).toBe(1);
    expect(layers.stderr).toMatch(
      /^--layers: "output,gold" is not a list of raw, intermediate, output/,
    );
  });

  it('refuses a branch whose sandbox schemas the warehouse cannot name, saying so', async () => {
    const spec = tmp.write('long/data_product_spec.yml', SPEC);
    const long = await runDatamesh(
      [
        'sandbox',
        'create',
        spec,
        '--branch',
        `feature/${'a'.repeat(80)}`,
        '--data-dir',
        path.join(tmp.dir, 'long-warehouse'),
      ],
      { cwd: tmp.dir },
    );
    expect(long.code).toBe(1);
    expect(long.stderr).toMatch(
      /^the sandbox of branch 'feature_a+' cannot be named on PGlite: .*use a shorter branch name\n$/,
    );
  });
});
