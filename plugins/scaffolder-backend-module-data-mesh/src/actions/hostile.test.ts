/*
 * Hostile input: names and values written to inject SQL or to escape the
 * workspace and the repositories directory. Each must be refused before a
 * single statement reaches the warehouse (counted at the PGlite connection)
 * and before a single file is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  type PostgresWarehouseAdapter,
  pgliteWarehouseAdapterFactory,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
  type ClosableWarehouseService,
  createWarehouseService,
  platformConfig,
  resolveWarehouse,
} from '@datamesh/plugin-data-mesh-node';
import { oamSpec, recordingLogger, tempDir, workspaceWith } from '../testing';
import { createInfraApplyAction } from './infraApply';
import { createInfraPlanAction } from './infraPlan';
import { createPublishLocalAction } from './publishLocal';
import { createSandboxCreateAction } from './sandboxCreate';
import { createSpecValidateAction } from './specValidate';

jest.setTimeout(60_000);

function context(workspacePath: string, input: Record<string, any>) {
  return {
    ...createMockActionContext({
      workspacePath,
      input,
      logger: recordingLogger().logger,
    }),
    output: () => {},
  } as ActionContext<any, any>;
}

describe('hostile input', () => {
  let dataDir: string;
  let warehouse: ClosableWarehouseService;
  let adapter: PostgresWarehouseAdapter;
  const platform = platformConfig();

  beforeAll(async () => {
    dataDir = tempDir('hostile-warehouse');
    warehouse = createWarehouseService(
      resolveWarehouse(
        new ConfigReader({ dataMesh: { warehouse: { pglite: { dataDir } } } }),
        [pgliteWarehouseAdapterFactory],
      ),
    );
    adapter = (await warehouse.getAdapter()) as PostgresWarehouseAdapter;
  });
  afterAll(async () => {
    await warehouse.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Runs `fn`, expects it to be refused, and returns the number of queries it sent. */
  async function queriesSentBy(fn: () => Promise<void>, refusal: RegExp) {
    const before = adapter.connection.queryCount;
    await expect(fn()).rejects.toThrow(refusal);
    return adapter.connection.queryCount - before;
  }

  describe('reaching SQL', () => {
    const specs: [string, string, string, RegExp][] = [
      [
        'quote in the product name',
        'orders"; DROP ROLE postgres; --',
        'sales',
        /contains '"' and ';'/,
      ],
      [
        'single quote in the domain',
        'orders',
        "sales'; DROP SCHEMA public CASCADE; --",
        /domain name .* contains "'" and ';'/,
      ],
      [
        'comment and parenthesis',
        "x'); DROP TABLE t;--",
        'sales',
        /contains "'", '\)' and ';'/,
      ],
      ['a reserved word', 'select', 'sales', /reserved word/],
      [
        'a name too long for any warehouse',
        'a'.repeat(80),
        'sales',
        /at most 32/,
      ],
      // valid everywhere, but <database>__<schema> exceeds PostgreSQL's 63 bytes on PGlite
      [
        'a composed name too long for PGlite',
        'p'.repeat(32),
        'd'.repeat(20),
        /PGlite/,
      ],
    ];

    it.each(specs)(
      '%s is refused by plan and apply before any query',
      async (_what, name, domain, refusal) => {
        const ws = workspaceWith({
          'data_product_spec.yml': oamSpec(name, domain),
        });
        for (const action of [
          createInfraPlanAction({ warehouse, platform }),
          createInfraApplyAction({ warehouse, platform }),
        ]) {
          expect(
            await queriesSentBy(() => action.handler(context(ws, {})), refusal),
          ).toBe(0);
        }
      },
    );

    it.each([
      ['dev"; DROP ROLE postgres; --'],
      ["dev' OR '1'='1"],
      ['DEV'],
      ['staging'], // well-formed, but not one of the platform's stages
    ])('stage %j is refused before any query', async stage => {
      const ws = workspaceWith({
        'data_product_spec.yml': oamSpec('orders', 'sales'),
      });
      const sent = await queriesSentBy(
        () =>
          createInfraApplyAction({ warehouse, platform }).handler(
            context(ws, { stage }),
          ),
        /stage/,
      );
      expect(sent).toBe(0);
    });

    it.each([
      ["x'; DROP SCHEMA public CASCADE; --"],
      ['feature/"quoted"'],
      ['feature/../../etc'],
      ['-x'],
      ['a b'],
      ['x\0y'],
    ])('sandbox branch %j is refused before any query', async branch => {
      const ws = workspaceWith({
        'data_product_spec.yml': oamSpec('orders', 'sales'),
      });
      const sent = await queriesSentBy(
        () =>
          createSandboxCreateAction({ warehouse, platform }).handler(
            context(ws, { branch }),
          ),
        /branch/,
      );
      expect(sent).toBe(0);
    });

    it('a branch whose sandbox schemas the warehouse cannot name is refused before any query', async () => {
      const ws = workspaceWith({
        'data_product_spec.yml': oamSpec('orders', 'sales'),
      });
      const sent = await queriesSentBy(
        () =>
          createSandboxCreateAction({ warehouse, platform }).handler(
            context(ws, { branch: `feature/${'a'.repeat(80)}` }),
          ),
        /^the sandbox of branch 'feature_a+' cannot be named on PGlite: .*63.*use a shorter branch name$/,
      );
      expect(sent).toBe(0);
    });

    it('no role of any refused product exists afterwards', async () => {
      const rows = await adapter.connection.query<{ rolname: string }>(
        `select rolname from pg_roles where rolname like 'sales%' or rolname like '%drop%'`,
      );
      expect(rows).toEqual([]);
    });
  });

  describe('escaping the workspace', () => {
    it.each([
      ['../../../../etc/passwd'],
      ['/etc/passwd'],
      ['spec/../../outside.yml'],
      ['data_product_spec.yml\0.png'],
      ['..\\..\\x.yml'],
      [''],
    ])('spec path %j is refused before reading', async specPath => {
      const ws = workspaceWith({
        'data_product_spec.yml': oamSpec('orders', 'sales'),
      });
      await expect(
        createSpecValidateAction().handler(context(ws, { path: specPath })),
      ).rejects.toThrow(/^path '.*' (is|contains)/);
      expect(
        await queriesSentBy(
          () =>
            createInfraPlanAction({ warehouse, platform }).handler(
              context(ws, { path: specPath }),
            ),
          /path/,
        ),
      ).toBe(0);
    });
  });

  describe('escaping the repositories directory', () => {
    let root: string;
    let directory: string;
    let ws: string;
    beforeEach(() => {
      root = tempDir('hostile-repos');
      directory = path.join(root, 'repos');
      ws = workspaceWith({ 'catalog-info.yaml': 'kind: Location\n' });
    });
    const publish = (input: Record<string, any>) =>
      createPublishLocalAction({ repositories: { directory } }).handler(
        context(ws, { repoName: 'ok', ...input }),
      );
    /** Nothing was written: not the directory, not next to it. */
    const nothingWritten = () => {
      expect(fs.readdirSync(root)).toEqual([]);
      expect(fs.readdirSync(ws)).toEqual(['catalog-info.yaml']);
    };

    it.each([
      ['../escaped'],
      ['..'],
      ['.'],
      ['/tmp/escaped'],
      ['a/b'],
      ['x\0y'],
      [''],
      ['.git'],
      ['product.git'],
      ['.hidden'],
      ['-rf'],
      ['name with space'],
      ['a'.repeat(101)],
    ])('repoName %j is refused before any file is written', async repoName => {
      await expect(publish({ repoName })).rejects.toThrow(/^repoName/);
      nothingWritten();
    });

    it.each([
      [{ sourcePath: '../' }, /^sourcePath/],
      [{ sourcePath: '/etc' }, /^sourcePath/],
      [{ sourcePath: 'a/../../b' }, /^sourcePath/],
      [{ catalogInfoPath: '../../../../etc/passwd' }, /^catalogInfoPath/],
      [{ defaultBranch: '--upload-pack=touch /tmp/pwned' }, /defaultBranch/],
      [{ defaultBranch: 'main;rm -rf /' }, /defaultBranch/],
      [{ defaultBranch: 'a..b' }, /defaultBranch/],
      [{ gitCommitMessage: 'hi\0there' }, /commitMessage/],
      [{ gitAuthorName: 'Eve\n[core]\n\thooksPath=/tmp' }, /author name/],
    ])('%j is refused before any file is written', async (input, refusal) => {
      await expect(publish(input)).rejects.toThrow(refusal);
      nothingWritten();
    });
  });
});
