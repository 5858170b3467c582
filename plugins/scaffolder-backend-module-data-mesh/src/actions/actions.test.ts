import fs from 'node:fs';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  type PostgresWarehouseAdapter,
  pgliteWarehouseAdapterFactory,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import { createDataMeshApiValidator } from '@datamesh/plugin-data-mesh-common';
import {
  type ClosableWarehouseService,
  type PlatformConfig,
  createWarehouseService,
  platformConfig,
  resolveWarehouse,
} from '@datamesh/plugin-data-mesh-node';
import {
  oamSpec,
  recordingLogger,
  startStandInBackend,
  tempDir,
  workspaceWith,
} from '../testing';
import { createInfraApplyAction } from './infraApply';
import { createInfraPlanAction } from './infraPlan';
import { createSandboxCreateAction } from './sandboxCreate';
import { createSandboxDeleteAction } from './sandboxDelete';
import { createSpecValidateAction } from './specValidate';

jest.setTimeout(60_000);

/** A context the way the scaffolder builds one: real workspace, recorded log and outputs. */
function context(
  workspacePath: string,
  input: Record<string, any>,
  extra: Partial<ActionContext<any, any>> = {},
) {
  const log = recordingLogger();
  const outputs: Record<string, any> = {};
  const ctx = {
    ...createMockActionContext({ workspacePath, input, logger: log.logger }),
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
    ...extra,
  } as ActionContext<any, any>;
  return { ctx, log, outputs };
}

/**
 * A stand-in data-mesh backend for the sandbox steps, and how they reach
 * it: it records what they send, takes their reports, and grants their
 * claims of `product`'s branches unless `busy` gives the portal's refusal
 * (409) of the branch.
 */
async function startSandboxPortal(
  product: string,
  busy: (branch: string) => string | undefined,
) {
  let claimed = 0;
  const portal = await startStandInBackend(sent => {
    if (!sent.url.includes('/sandbox-claims')) {
      return {
        status: 201,
        body: {
          entityRef: `dataproduct:default/${product}`,
          action: sent.body.action,
          at: '2026-12-06T10:00:00.000Z',
          actor: 'user:default/mock',
        },
      };
    }
    if (sent.method !== 'POST') return { status: 204, body: undefined };
    const refusal = busy(sent.body.branch);
    if (refusal) {
      return {
        status: 409,
        body: { error: { name: 'ConflictError', message: refusal } },
      };
    }
    claimed += 1;
    return {
      status: 201,
      body: {
        id: `claim-${claimed}`,
        entityRef: `dataproduct:default/${product}`,
        branch: sent.body.branch,
        change: sent.body.change,
        by: 'user:default/mock',
        since: '2026-12-06T10:00:00.000Z',
        refreshWithinSeconds: 30,
      },
    };
  });
  const connection = {
    auth: mockServices.auth(),
    discovery: mockServices.discovery.mock({
      getBaseUrl: async () => portal.base,
    }),
  };
  return { portal, connection };
}

describe('datamesh scaffolder actions on PGlite', () => {
  let dataDir: string;
  let warehouse: ClosableWarehouseService;
  let adapter: PostgresWarehouseAdapter;
  const platform: PlatformConfig = platformConfig();

  beforeAll(async () => {
    dataDir = tempDir('actions-warehouse');
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

  const roleExists = async (name: string) =>
    (
      await adapter.connection.query(
        'select 1 from pg_roles where rolname = $1',
        [name],
      )
    ).length === 1;
  const table = (database: string, schema: string, name: string) =>
    adapter.dialect.qualifiedTable({ database, schema }, name);

  describe('datamesh:spec:validate', () => {
    const action = createSpecValidateAction();

    it('outputs the entity a valid spec describes', async () => {
      const ws = workspaceWith({
        'data_product_spec.yml': oamSpec('orders', 'sales'),
      });
      const { ctx, outputs } = context(ws, {});
      await action.handler(ctx);
      expect(outputs.entityRef).toBe('dataproduct:default/orders');
      expect(outputs.name).toBe('orders');
      expect(outputs.format).toBe('oam');
      expect(outputs.entity.kind).toBe('DataProduct');
      expect(outputs.entity.spec.domain).toBe('domain:default/sales');
    });

    it('fails the task with every error located by file, path and line', async () => {
      const broken = oamSpec('orders', 'sales').replace(
        'value: Source Aligned',
        'value: Sideways',
      );
      const ws = workspaceWith({ 'spec/data_product_spec.yml': broken });
      const { ctx, log } = context(ws, { path: 'spec/data_product_spec.yml' });
      const line =
        broken.split('\n').findIndex(l => l.includes('Sideways')) + 1;
      await expect(action.handler(ctx)).rejects.toThrow(
        new RegExp(`spec/data_product_spec\\.yml: .*Sideways.*\\(line ${line}`),
      );
      expect(
        log.lines.some(
          l =>
            l.level === 'error' &&
            l.message.includes(`line ${line}`) &&
            l.message.includes('spec/data_product_spec.yml'),
        ),
      ).toBe(true);
    });

    it('says when the spec file is missing', async () => {
      const { ctx } = context(workspaceWith({}), {});
      await expect(action.handler(ctx)).rejects.toThrow(
        /data_product_spec\.yml does not exist in the workspace/,
      );
    });
  });

  describe('datamesh:infra:plan and datamesh:infra:apply', () => {
    it('plans without changing anything, and names the objects', async () => {
      const ws = workspaceWith({
        'data_product_spec.yml': oamSpec('orders', 'sales'),
      });
      const { ctx, log, outputs } = context(ws, {});
      await createInfraPlanAction({ warehouse, platform }).handler(ctx);

      expect(log.text()).toContain('+ create role "sales_orders_consumer"');
      expect(log.text()).toMatch(
        /\+ create schema .*acme_sales_dev__orders_raw/,
      );
      expect(log.text()).toMatch(/! note: compute per domain/);
      expect(outputs).toMatchObject({
        entityRef: 'dataproduct:default/orders',
        platform: 'pglite',
        stage: 'dev',
        database: 'acme_sales_dev',
        schemas: {
          raw: 'acme_sales_dev__orders_raw',
          intermediate: 'acme_sales_dev__orders_intermediates',
          output: 'acme_sales_dev__orders_output',
        },
        logicalSchemas: {
          raw: 'orders_raw',
          intermediate: 'orders_intermediates',
          output: 'orders_output',
        },
        steps: expect.any(Number),
        destructive: 0,
        inSync: false,
        qualifiedSchemas: { output: '"acme_sales_dev__orders_output"' },
        roles: {
          consumer: 'sales_orders_consumer',
          service: 'sales_orders_service',
          owner: 'sales_orders_owner',
        },
        summary: { create: 6, inSync: false, destructive: 0 },
      });
      expect(outputs.compute).toBeUndefined(); // PGlite has no compute
      expect(outputs.warehouse).toBeUndefined();
      expect(outputs.lines).toContain('+ create role "sales_orders_owner"');
      expect(outputs.lines.length).toBeGreaterThan(outputs.steps);
      expect(await roleExists('sales_orders_consumer')).toBe(false);
    });

    it('prints the plan, applies it, and the roles refuse a consumer the private layers', async () => {
      const ws = workspaceWith({
        'data_product_spec.yml': oamSpec('visits', 'care'),
      });
      const { ctx, log, outputs } = context(ws, { stage: 'test' });
      await createInfraApplyAction({ warehouse, platform }).handler(ctx);

      const messages = log.lines.map(l => l.message);
      const planned = messages.indexOf('+ create role "care_visits_consumer"');
      const applied = messages.indexOf(
        'applying: + create role "care_visits_consumer"',
      );
      expect(planned).toBeGreaterThanOrEqual(0);
      expect(applied).toBeGreaterThan(planned);
      expect(outputs).toMatchObject({
        stage: 'test',
        database: 'acme_care_test',
        inSync: true,
        skipped: [],
      });
      expect(outputs.applied).toBe(outputs.appliedSteps.length);
      expect(outputs.applied).toBeGreaterThan(10);
      expect(log.text()).toContain(
        'Verified: dataproduct:default/visits matches the declared state',
      );

      const raw = table('acme_care_test', 'visits_raw', 'events');
      const out = table('acme_care_test', 'visits_output', 'events');
      const q = adapter.connection;
      await q.queryAs('care_visits_service', `CREATE TABLE ${raw} (id INT)`);
      await q.queryAs('care_visits_service', `CREATE TABLE ${out} (id INT)`);
      await q.queryAs('care_visits_service', `INSERT INTO ${out} VALUES (1)`);
      await expect(
        q.queryAs('care_visits_consumer', `SELECT count(*) FROM ${raw}`),
      ).rejects.toThrow(/permission denied/);
      await expect(
        q.queryAs('care_visits_consumer', `INSERT INTO ${out} VALUES (2)`),
      ).rejects.toThrow(/permission denied/);
      expect(
        await q.queryAs(
          'care_visits_consumer',
          `SELECT count(*)::int AS n FROM ${out}`,
        ),
      ).toEqual([{ n: 1 }]);

      // applying again is a no-op
      const again = context(ws, { stage: 'test' });
      await createInfraApplyAction({ warehouse, platform }).handler(again.ctx);
      expect(again.log.text()).toContain(
        'no changes: the warehouse matches the declared state',
      );
      expect(again.outputs.applied).toBe(0);
    });

    it('does not apply again what a previous attempt of the task finished (checkpoint)', async () => {
      const ws = workspaceWith({
        'data_product_spec.yml': oamSpec('claims', 'billing'),
      });
      const stored: Record<string, unknown> = {};
      // the scaffolder's checkpoint semantics: a key that succeeded before returns its value
      const checkpoint = async ({
        key,
        fn,
      }: {
        key: string;
        fn: () => any;
      }) => {
        if (key in stored) return stored[key];
        const value = await fn();
        stored[key] = value;
        return value;
      };
      const first = context(ws, {}, { checkpoint } as any);
      await createInfraApplyAction({ warehouse, platform }).handler(first.ctx);
      expect(Object.keys(stored)).toEqual([
        'apply.dataproduct:default/claims.dev',
      ]);

      // someone drops a role between the attempts; the retry must not re-apply
      await adapter.execute(
        adapter.dialect.statements({
          action: 'drop-role',
          role: 'billing_claims_consumer',
          databases: ['acme_billing_dev'],
        }),
      );
      const retry = context(ws, {}, { checkpoint } as any);
      await createInfraApplyAction({ warehouse, platform }).handler(retry.ctx);
      expect(await roleExists('billing_claims_consumer')).toBe(false);
      expect(retry.outputs.applied).toBe(first.outputs.applied);
      expect(retry.outputs.inSync).toBe(false);
    });

    it('runs revokes only when allowDestructive is set', async () => {
      const ws = workspaceWith({
        'data_product_spec.yml': oamSpec('stock', 'supply'),
      });
      await createInfraApplyAction({ warehouse, platform }).handler(
        context(ws, {}).ctx,
      );
      // out of band: PUBLIC may now use a private schema
      await adapter.execute(
        adapter.dialect.statements({
          action: 'grant',
          target: {
            type: 'schema',
            database: 'acme_supply_dev',
            schema: 'stock_raw',
          },
          privileges: ['usage'],
          grantee: 'PUBLIC',
        }),
      );
      const publicUsage = async () =>
        (
          await adapter.connection.query(
            `select has_schema_privilege('public', 'acme_supply_dev__stock_raw', 'USAGE') as ok`,
          )
        )[0].ok;
      expect(await publicUsage()).toBe(true);

      const careful = context(ws, {});
      await createInfraApplyAction({ warehouse, platform }).handler(
        careful.ctx,
      );
      expect(careful.outputs.skipped).toEqual([
        expect.stringMatching(
          /^- revoke usage on schema .*stock_raw.* from PUBLIC/,
        ),
      ]);
      expect(careful.outputs.inSync).toBe(false);
      expect(careful.log.text()).toContain(
        'destructive steps (run only when explicitly allowed):',
      );
      expect(await publicUsage()).toBe(true);

      const allowed = context(ws, { allowDestructive: true });
      await createInfraApplyAction({ warehouse, platform }).handler(
        allowed.ctx,
      );
      expect(allowed.outputs.applied).toBe(1);
      expect(allowed.outputs.inSync).toBe(true);
      expect(await publicUsage()).toBe(false);
    });

    it('tells the portal what it sent, once; a refusal is a warning, not a failed step', async () => {
      const validator = createDataMeshApiValidator();
      const portal = await startStandInBackend(() => ({
        status: 403,
        body: {
          error: {
            name: 'NotAllowedError',
            message: 'user:default/mock may not apply the infrastructure',
          },
        },
      }));
      try {
        const action = createInfraApplyAction({
          warehouse,
          platform,
          portal: {
            auth: mockServices.auth(),
            discovery: mockServices.discovery.mock({
              getBaseUrl: async () => portal.base,
            }),
          },
        });
        const ws = workspaceWith({
          'data_product_spec.yml': oamSpec('ledger', 'finance', {
            owner: 'group:default/controllers',
          }),
        });
        const first = context(ws, {});
        await action.handler(first.ctx);
        expect(first.outputs.inSync).toBe(true);
        expect(portal.seen).toHaveLength(1);
        const [sent] = portal.seen;
        expect(`${sent.method} ${sent.url}`).toBe(
          'POST /api/data-mesh/products/default/ledger/infrastructure/reports',
        );
        expect(sent.auth).toMatch(/^Bearer .+/);
        expect(
          validator.requestBody(
            {
              method: 'post',
              path: '/products/{namespace}/{name}/infrastructure/reports',
            },
            sent.body,
          ),
        ).toEqual([]);
        expect(sent.body).toEqual({
          action: 'infrastructure-apply',
          source: 'template',
          statements: expect.arrayContaining([
            'CREATE ROLE "finance_ledger_owner" NOLOGIN',
          ]),
          allowDestructive: false,
          stage: 'dev',
          reference: first.ctx.task.id,
          owner: 'group:default/controllers',
        });
        expect(first.log.lines).toContainEqual({
          level: 'warn',
          message:
            'Not in the audit trail of default/ledger (infrastructure-apply): Error: the portal did not record it (403): user:default/mock may not apply the infrastructure',
        });
        // nothing sent, nothing to keep
        await action.handler(context(ws, {}).ctx);
        expect(portal.seen).toHaveLength(1);
      } finally {
        await portal.close();
      }
    });

    it('prints the plan and changes nothing in a dry run', async () => {
      const ws = workspaceWith({
        'data_product_spec.yml': oamSpec('quotes', 'pricing'),
      });
      const { ctx, log, outputs } = context(ws, {}, { isDryRun: true });
      await createInfraApplyAction({ warehouse, platform }).handler(ctx);
      expect(log.text()).toContain('+ create role "pricing_quotes_owner"');
      expect(log.text()).toContain('Dry run: nothing applied');
      expect(outputs.applied).toBe(0);
      expect(await roleExists('pricing_quotes_owner')).toBe(false);
    });
  });

  describe('datamesh:sandbox:create', () => {
    it('copies the product schemas for a feature branch (PGlite has no zero-copy clone)', async () => {
      const ws = workspaceWith({
        'data_product_spec.yml': oamSpec('labs', 'lab'),
      });
      await createInfraApplyAction({ warehouse, platform }).handler(
        context(ws, {}).ctx,
      );
      const q = adapter.connection;
      const raw = table('acme_lab_dev', 'labs_raw', 'results');
      await q.queryAs('lab_labs_service', `CREATE TABLE ${raw} (id INT)`);
      await q.queryAs(
        'lab_labs_service',
        `INSERT INTO ${raw} VALUES (1), (2), (3)`,
      );

      const action = createSandboxCreateAction({ warehouse, platform });
      const { ctx, outputs, log } = context(ws, {
        branch: 'feature/New-Results',
        layers: ['raw', 'output'],
      });
      await action.handler(ctx);
      expect(outputs.method).toBe('copy');
      expect(outputs.suffix).toBe('feature_new_results');
      expect(outputs.schemas).toEqual([
        {
          layer: 'raw',
          database: 'acme_lab_dev',
          source: 'labs_raw',
          schema: 'labs_raw_sbx_feature_new_results',
          qualified: '"acme_lab_dev__labs_raw_sbx_feature_new_results"',
          tables: 1,
        },
        expect.objectContaining({
          layer: 'output',
          schema: 'labs_output_sbx_feature_new_results',
          tables: 0,
        }),
      ]);
      expect(log.text()).toMatch(/no zero-copy clone/);

      const sandboxRaw = table(
        'acme_lab_dev',
        'labs_raw_sbx_feature_new_results',
        'results',
      );
      // the pipeline's role works in the sandbox; the copy is independent of the source
      await q.queryAs(
        'lab_labs_service',
        `INSERT INTO ${sandboxRaw} VALUES (4)`,
      );
      expect(
        await q.queryAs(
          'lab_labs_service',
          `SELECT count(*)::int AS n FROM ${sandboxRaw}`,
        ),
      ).toEqual([{ n: 4 }]);
      expect(
        await q.queryAs(
          'lab_labs_service',
          `SELECT count(*)::int AS n FROM ${raw}`,
        ),
      ).toEqual([{ n: 3 }]);
      await expect(
        q.queryAs('lab_labs_consumer', `SELECT count(*) FROM ${sandboxRaw}`),
      ).rejects.toThrow(/permission denied/);

      // an existing sandbox is not overwritten unless asked
      await expect(
        action.handler(
          context(ws, { branch: 'feature/New-Results', layers: ['raw'] }).ctx,
        ),
      ).rejects.toThrow(/exists already/);
      const replaced = context(ws, {
        branch: 'feature/New-Results',
        layers: ['raw'],
        replace: true,
      });
      await action.handler(replaced.ctx);
      expect(
        await q.queryAs(
          'lab_labs_service',
          `SELECT count(*)::int AS n FROM ${sandboxRaw}`,
        ),
      ).toEqual([{ n: 3 }]);
    });

    it('deletes the sandbox of a branch, or all of them, and only sandboxes', async () => {
      const ws = workspaceWith({
        'data_product_spec.yml': oamSpec('scans', 'imaging'),
      });
      await createInfraApplyAction({ warehouse, platform }).handler(
        context(ws, {}).ctx,
      );
      const create = createSandboxCreateAction({ warehouse, platform });
      for (const branch of ['feature/x-rays', 'fix/contrast']) {
        await create.handler(
          context(ws, { branch, layers: ['raw', 'output'] }).ctx,
        );
      }
      const schemaExists = async (schema: string) =>
        (
          await adapter.connection.query<{ n: number }>(
            'select count(*)::int as n from pg_namespace where nspname = $1',
            [`acme_imaging_dev__${schema}`],
          )
        )[0].n === 1;
      expect(await schemaExists('scans_raw_sbx_feature_x_rays')).toBe(true);

      const action = createSandboxDeleteAction({ warehouse, platform });
      const dry = context(ws, { branch: 'feature/x-rays' }, { isDryRun: true });
      await action.handler(dry.ctx);
      expect(
        (dry.outputs.dropped as { schema: string }[]).map(d => d.schema),
      ).toEqual([
        'scans_output_sbx_feature_x_rays',
        'scans_raw_sbx_feature_x_rays',
      ]);
      expect(dry.log.text()).toContain('Dry run: nothing dropped');
      expect(await schemaExists('scans_raw_sbx_feature_x_rays')).toBe(true);

      const one = context(ws, { branch: 'feature/x-rays' });
      await action.handler(one.ctx);
      expect(one.log.text()).toContain(
        '- drop schema "acme_imaging_dev__scans_raw_sbx_feature_x_rays"',
      );
      expect(one.outputs.remaining).toEqual(['fix_contrast']);
      expect(await schemaExists('scans_raw_sbx_feature_x_rays')).toBe(false);
      expect(await schemaExists('scans_raw_sbx_fix_contrast')).toBe(true);
      // the product itself is untouched
      expect(await schemaExists('scans_raw')).toBe(true);

      const again = context(ws, { branch: 'feature/x-rays' });
      await action.handler(again.ctx);
      expect(again.outputs.dropped).toEqual([]);
      expect(again.log.text()).toMatch(
        /No sandbox of branch 'feature\/x-rays'/,
      );

      for (const input of [{}, { branch: 'fix/contrast', all: true }]) {
        await expect(action.handler(context(ws, input).ctx)).rejects.toThrow(
          /name the branch .* or set all: true/,
        );
      }
      await expect(
        action.handler(
          context(ws, { branch: "x'; drop schema public; --" }).ctx,
        ),
      ).rejects.toThrow(/must be 1-100 characters/);

      const all = context(ws, { all: true });
      await action.handler(all.ctx);
      expect(all.outputs.remaining).toEqual([]);
      expect(await schemaExists('scans_output_sbx_fix_contrast')).toBe(false);
    });

    it('claims in the portal the sandboxes it makes and drops, and tells it of each, a report per branch', async () => {
      // branches the portal (or a pipeline) is changing: their claims refused
      let busy: string[] = [];
      const { portal, connection } = await startSandboxPortal('films', b =>
        busy.includes(b)
          ? `the sandbox of ${b} of dataproduct:default/films is being made (asked by user:default/aisha at 2026-12-06T10:00:00.000Z): run again once it is done`
          : undefined,
      );
      try {
        const ws = workspaceWith({
          'data_product_spec.yml': oamSpec('films', 'media'),
        });
        await createInfraApplyAction({ warehouse, platform }).handler(
          context(ws, {}).ctx,
        );
        const create = createSandboxCreateAction({
          warehouse,
          platform,
          portal: connection,
        });
        const made = context(ws, { branch: 'feat/a', layers: ['raw'] });
        await create.handler(made.ctx);
        await create.handler(
          context(ws, { branch: 'feat/b', layers: ['raw'] }).ctx,
        );
        const remove = createSandboxDeleteAction({
          warehouse,
          platform,
          portal: connection,
        });
        await remove.handler(
          context(ws, { all: true }, { isDryRun: true }).ctx,
        );
        await remove.handler(context(ws, { all: true }).ctx);
        const where = {
          source: 'template',
          stage: 'dev',
          reference: made.ctx.task.id,
          owner: 'group:default/data-team',
        };
        const schema = (b: string) =>
          `"acme_media_dev__films_raw_sbx_feat_${b}"`;
        const CLAIMS = '/api/data-mesh/products/default/films/sandbox-claims';
        const REPORTS =
          '/api/data-mesh/products/default/films/infrastructure/reports';
        // each change claimed its branches first and ended the claims after;
        // the dry run claimed and told nothing
        const calls = portal.seen.map(r => `${r.method} ${r.url}`);
        expect(calls.slice(0, 10)).toEqual([
          `POST ${CLAIMS}`,
          `POST ${REPORTS}`,
          `DELETE ${CLAIMS}/claim-1`,
          `POST ${CLAIMS}`,
          `POST ${REPORTS}`,
          `DELETE ${CLAIMS}/claim-2`,
          `POST ${CLAIMS}`,
          `POST ${CLAIMS}`,
          `POST ${REPORTS}`,
          `POST ${REPORTS}`,
        ]);
        // ended together
        expect(calls.slice(10).sort()).toEqual([
          `DELETE ${CLAIMS}/claim-3`,
          `DELETE ${CLAIMS}/claim-4`,
        ]);
        const validator = createDataMeshApiValidator();
        const claims = portal.seen.filter(
          r => r.method === 'POST' && r.url === CLAIMS,
        );
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
        expect(claims.map(c => [c.body.branch, c.body.change])).toEqual([
          ['feat_a', 'create'],
          ['feat_b', 'create'],
          ['feat_a', 'delete'],
          ['feat_b', 'delete'],
        ]);
        expect(claims[0].body).toMatchObject({
          source: 'template',
          reference: made.ctx.task.id,
        });
        expect(
          portal.seen.filter(r => r.url === REPORTS).map(r => r.body),
        ).toEqual([
          {
            action: 'sandbox-create',
            ...where,
            branch: 'feat_a',
            schemas: [schema('a')],
            method: 'copy',
          },
          {
            action: 'sandbox-create',
            ...where,
            branch: 'feat_b',
            schemas: [schema('b')],
            method: 'copy',
          },
          // --all is one report per branch
          {
            action: 'sandbox-delete',
            ...where,
            branch: 'feat_a',
            dropped: [schema('a')],
          },
          {
            action: 'sandbox-delete',
            ...where,
            branch: 'feat_b',
            dropped: [schema('b')],
          },
        ]);
        expect(made.log.text()).toContain(
          'Kept in the audit trail of dataproduct:default/films (sandbox-create by user:default/mock)',
        );

        // a branch the portal is making: the step stops before the warehouse
        busy = ['feat_c', 'feat_e'];
        const refusal = (b: string) =>
          `the sandbox of ${b} of dataproduct:default/films is being made (asked by user:default/aisha at 2026-12-06T10:00:00.000Z): run again once it is done`;
        await expect(
          create.handler(
            context(ws, { branch: 'feat/c', layers: ['raw'] }).ctx,
          ),
        ).rejects.toThrow(refusal('feat_c'));
        expect(
          await adapter.connection.query(
            "select 1 from pg_namespace where nspname like '%sbx_feat_c'",
          ),
        ).toEqual([]);
        // dropping all: the others go, the busy one stays and the step fails
        busy = [];
        for (const b of ['feat/d', 'feat/e']) {
          await create.handler(context(ws, { branch: b, layers: ['raw'] }).ctx);
        }
        busy = ['feat_e'];
        const dropAll = context(ws, { all: true });
        await expect(remove.handler(dropAll.ctx)).rejects.toThrow(
          refusal('feat_e'),
        );
        expect(dropAll.log.text()).toContain(`- drop schema ${schema('d')}`);
        expect(
          await adapter.connection.query(
            "select nspname from pg_namespace where nspname like 'acme_media_dev__films_raw_sbx%' order by 1",
          ),
        ).toEqual([{ nspname: 'acme_media_dev__films_raw_sbx_feat_e' }]);
      } finally {
        await portal.close();
      }
    });

    it('waits for a branch another is changing when asked (waitSeconds), and gives up at its deadline', async () => {
      // the portal refuses the first `busyFor` claims of the branch
      let busyFor = 0;
      let refused = 0;
      const { portal, connection } = await startSandboxPortal('shows', b => {
        if (refused >= busyFor) return undefined;
        refused += 1;
        return `the sandbox of ${b} of dataproduct:default/shows is being deleted by the datamesh CLI (asked by service:external:ci at 2026-12-07T10:00:00.000Z): run again once it is done`;
      });
      const sandboxes = async () =>
        (
          await adapter.connection.query<{ nspname: string }>(
            "select nspname from pg_namespace where nspname like 'acme_media_dev__shows_raw_sbx%' order by 1",
          )
        ).map(r => r.nspname);
      try {
        const ws = workspaceWith({
          'data_product_spec.yml': oamSpec('shows', 'media'),
        });
        await createInfraApplyAction({ warehouse, platform }).handler(
          context(ws, {}).ctx,
        );
        const actions = { warehouse, platform, portal: connection };
        const create = createSandboxCreateAction({
          ...actions,
          claimRetryMs: 20,
        });
        const remove = createSandboxDeleteAction({
          ...actions,
          claimRetryMs: 20,
        });
        const claims = () =>
          portal.seen.filter(
            r => r.method === 'POST' && r.url.endsWith('/sandbox-claims'),
          ).length;

        // a pipeline is dropping the branch's old sandbox: the step waits, then makes it
        busyFor = 2;
        const waited = context(ws, {
          branch: 'feat/w',
          layers: ['raw'],
          waitSeconds: 30,
        });
        await create.handler(waited.ctx);
        expect(claims()).toBe(3);
        expect(waited.log.text()).toContain(
          'waiting: the sandbox of feat_w of dataproduct:default/shows is being deleted by the datamesh CLI',
        );
        expect(await sandboxes()).toEqual([
          'acme_media_dev__shows_raw_sbx_feat_w',
        ]);

        // still busy at the deadline: the step fails naming who, nothing made
        busyFor = Infinity;
        const before = claims();
        const started = Date.now();
        await expect(
          create.handler(
            context(ws, { branch: 'feat/x', layers: ['raw'], waitSeconds: 1 })
              .ctx,
          ),
        ).rejects.toThrow(/the sandbox of feat_x .* is being deleted/);
        expect(Date.now() - started).toBeGreaterThanOrEqual(900);
        expect(claims() - before).toBeGreaterThan(2);
        expect(await sandboxes()).toEqual([
          'acme_media_dev__shows_raw_sbx_feat_w',
        ]);

        // a deletion waits the same way
        busyFor = refused + 1;
        await remove.handler(
          context(ws, { branch: 'feat/w', waitSeconds: 30 }).ctx,
        );
        expect(await sandboxes()).toEqual([]);
      } finally {
        await portal.close();
      }
    });

    it('tells the portal of a sandbox the warehouse failed to make or drop, with its error, and fails the step', async () => {
      const portal = await startStandInBackend(sent =>
        sent.url.includes('/sandbox-claims')
          ? { status: 503, body: { error: { message: 'not now' } } }
          : {
              status: 201,
              body: {
                entityRef: 'dataproduct:default/gauges',
                action: sent.body.action,
                at: '2026-12-06T10:00:00.000Z',
                actor: 'user:default/mock',
              },
            },
      );
      // the warehouse refuses what `refuses` names
      let refuses: RegExp | undefined;
      const failing = new Proxy(adapter, {
        get(target, prop) {
          const value = Reflect.get(target, prop, target);
          if (prop !== 'sandboxClone' && prop !== 'execute') return value;
          return async (...args: any[]) => {
            if (refuses?.test(JSON.stringify(args))) {
              throw new Error(
                `permission denied for database (${String(prop)})`,
              );
            }
            return value.apply(target, args);
          };
        },
      });
      const flaky = { ...warehouse, getAdapter: async () => failing };
      try {
        const connection = {
          auth: mockServices.auth(),
          discovery: mockServices.discovery.mock({
            getBaseUrl: async () => portal.base,
          }),
        };
        const ws = workspaceWith({
          'data_product_spec.yml': oamSpec('gauges', 'media'),
        });
        await createInfraApplyAction({ warehouse, platform }).handler(
          context(ws, {}).ctx,
        );
        const where = (ctx: ActionContext<any, any>) => ({
          source: 'template',
          stage: 'dev',
          reference: ctx.task.id,
          owner: 'group:default/data-team',
        });
        const schema = (b: string) =>
          `"acme_media_dev__gauges_raw_sbx_feat_${b}"`;
        const reports = () =>
          portal.seen.filter(r => r.url.endsWith('/reports')).map(r => r.body);

        refuses = /sbx_feat_f/;
        const made = context(ws, { branch: 'feat/f', layers: ['raw'] });
        await expect(
          createSandboxCreateAction({
            warehouse: flaky,
            platform,
            portal: connection,
          }).handler(made.ctx),
        ).rejects.toThrow('permission denied for database (sandboxClone)');
        // the portal could not claim it: a warning, the step went on
        expect(made.log.text()).toContain(
          'the portal did not claim the sandbox (503): not now; going on',
        );
        expect(reports()).toEqual([
          {
            action: 'sandbox-create',
            ...where(made.ctx),
            branch: 'feat_f',
            schemas: [schema('f')],
            error: 'permission denied for database (sandboxClone)',
          },
        ]);
        // the engine's refusal sent nothing: nothing to tell
        refuses = undefined;
        await createSandboxCreateAction({
          warehouse,
          platform,
        }).handler(context(ws, { branch: 'feat/g', layers: ['raw'] }).ctx);
        await expect(
          createSandboxCreateAction({
            warehouse: flaky,
            platform,
            portal: connection,
          }).handler(context(ws, { branch: 'feat/g', layers: ['raw'] }).ctx),
        ).rejects.toThrow(/exists/);
        expect(reports()).toHaveLength(1);

        refuses = /DROP SCHEMA/i;
        const dropped = context(ws, { branch: 'feat/g' });
        await expect(
          createSandboxDeleteAction({
            warehouse: flaky,
            platform,
            portal: connection,
          }).handler(dropped.ctx),
        ).rejects.toThrow('permission denied for database (execute)');
        expect(reports()[1]).toEqual({
          action: 'sandbox-delete',
          ...where(dropped.ctx),
          branch: 'feat_g',
          dropped: [schema('g')],
          error: 'permission denied for database (execute)',
        });
      } finally {
        await portal.close();
      }
    });

    it('needs the product to be applied first', async () => {
      const ws = workspaceWith({
        'data_product_spec.yml': oamSpec('never', 'applied'),
      });
      await expect(
        createSandboxCreateAction({ warehouse, platform }).handler(
          context(ws, { branch: 'main' }).ctx,
        ),
      ).rejects.toThrow(/apply the product .* before creating sandboxes/);
    });
  });

  it('reads an ODPS product with the ODCS contracts next to it', async () => {
    // the repository's example product lab-results is the fixture
    const product = path.resolve(
      __dirname,
      '../../../../examples/data-products/lab-results',
    );
    const ws = workspaceWith({
      'p/lab-results.odps.yaml': fs.readFileSync(
        path.join(product, 'lab-results.odps.yaml'),
        'utf8',
      ),
      'p/lab_results.odcs.yaml': fs.readFileSync(
        path.join(product, 'lab_results.odcs.yaml'),
        'utf8',
      ),
    });
    const { ctx, outputs } = context(ws, { path: 'p/lab-results.odps.yaml' });
    await createSpecValidateAction().handler(ctx);
    expect(outputs.format).toBe('odps');
    expect(outputs.entityRef).toBe('dataproduct:default/lab-results');
    // the columns come from the contract, not the product file
    expect(outputs.entity.spec.datasets[0].columns.length).toBeGreaterThan(0);
  });
});
