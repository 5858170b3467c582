/*
 * The "New data product" template end to end, through the real scaffolder
 * backend: the real catalog (with the Template kind and the data mesh
 * catalog module) reads templates/new-data-product/template.yaml, a task is
 * created over HTTP with the form's values, and the task's effects are
 * checked where they land — the local git repository, the embedded PGlite
 * warehouse, the task log and the catalog.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { PostgresWarehouseAdapter } from '@datamesh/plugin-data-mesh-backend-module-postgres';
import {
  type WarehouseService,
  warehouseServiceRef,
} from '@datamesh/plugin-data-mesh-node';
import { readDataProductSpec } from '@datamesh/plugin-data-mesh-common';
import request from 'supertest';
import { tempDir } from './testing';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const TEMPLATE = path.join(
  REPO_ROOT,
  'templates/new-data-product/template.yaml',
);
const UPSTREAM = path.join(
  REPO_ROOT,
  'examples/data-products/ehr-encounters/data_product_spec.yml',
);

jest.setTimeout(120_000);

async function poll<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

describe('the New data product template, through the real scaffolder backend', () => {
  let root: string;
  beforeAll(() => {
    root = tempDir('e2e');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('publishes the repository, provisions the warehouse and registers the product', async () => {
    const started = Date.now();
    const dataDir = path.join(root, 'warehouse');
    const reposDir = path.join(root, 'repos');
    // the warehouse the actions use: the backend's one warehouse service
    let warehouseService: WarehouseService | undefined;
    const backend = await startTestBackend({
      features: [
        import('@backstage/plugin-catalog-backend'),
        import(
          '@backstage/plugin-catalog-backend-module-scaffolder-entity-model'
        ),
        import('@datamesh/plugin-catalog-backend-module-data-mesh'),
        import('@backstage/plugin-scaffolder-backend'),
        import('./index'),
        import('@datamesh/plugin-data-mesh-backend-module-postgres'),
        // the data-mesh backend takes the new product's access requests
        // eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the real backend beside the scaffolder, in a test only
        import('@datamesh/plugin-data-mesh-backend'),
        // the template's user (the mock user) is a member of the owning team
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () => ({
            async getUserInfo(credentials: any) {
              const ref = credentials.principal.userEntityRef;
              return {
                userEntityRef: ref,
                ownershipEntityRefs: [ref, 'group:default/care-team'],
              };
            },
          }),
        }),
        createBackendModule({
          pluginId: 'scaffolder',
          moduleId: 'test-warehouse-probe',
          register(reg) {
            reg.registerInit({
              deps: { warehouse: warehouseServiceRef },
              async init({ warehouse }) {
                warehouseService = warehouse;
              },
            });
          },
        }),
        mockServices.rootConfig.factory({
          data: {
            dataMesh: {
              warehouse: { type: 'pglite', pglite: { dataDir } },
              scaffolder: { localRepositories: { directory: reposDir } },
            },
            catalog: {
              rules: [
                {
                  allow: [
                    'Template',
                    'DataProduct',
                    'Location',
                    'Component',
                    'Domain',
                    'Group',
                    'User',
                  ],
                },
              ],
              locations: [
                { type: 'file', target: TEMPLATE },
                { type: 'file', target: UPSTREAM },
              ],
            },
          },
        }),
      ],
    });
    const api = request(backend.server);
    let warehouse: PostgresWarehouseAdapter | undefined;
    try {
      // the catalog reads the template and the upstream product
      for (const ref of [
        'template/default/new-data-product',
        'dataproduct/default/ehr-encounters',
      ]) {
        await poll(ref, async () => {
          const res = await api.get(`/api/catalog/entities/by-name/${ref}`);
          return res.status === 200 ? res.body : undefined;
        });
      }

      const created = await api.post('/api/scaffolder/v2/tasks').send({
        templateRef: 'template:default/new-data-product',
        values: {
          name: 'patient-visits',
          description: 'Every outpatient visit, one row per visit.',
          domain: 'domain:default/clinical-care',
          owner: 'group:default/care-team',
          type: 'source-aligned',
          datasetName: 'visits',
          datasetDescription: 'Visits as recorded in the EHR.',
          sourceSystem: 'CareRecord EHR',
          columns: [
            {
              name: 'visit_id',
              type: 'varchar',
              classification: 'internal',
              pii: false,
            },
            {
              name: 'patient_key',
              type: 'varchar',
              classification: 'confidential',
              pii: true,
            },
          ],
          inputPorts: ['dataproduct:default/ehr-encounters'],
          // the visits are linked to encounters by patient identifiers
          personalDataInputs: [
            {
              product: 'dataproduct:default/ehr-encounters',
              reason: 'MRNs to link visits to their encounters',
            },
          ],
          freshness: '24h',
          completenessTolerance: 5,
          availabilityTarget: 99,
          stage: 'dev',
          publishTo: 'local',
        },
      });
      expect(created.status).toBe(201);
      const taskId = created.body.id;

      const task = await poll(
        'the task to finish',
        async () => {
          const res = await api.get(`/api/scaffolder/v2/tasks/${taskId}`);
          return ['completed', 'failed', 'cancelled'].includes(res.body.status)
            ? res.body
            : undefined;
        },
        80_000,
      );
      const events = (
        await api.get(`/api/scaffolder/v2/tasks/${taskId}/events`)
      ).body as {
        type: string;
        body: { message: string; stepId?: string };
      }[];
      // task log lines are `<level>: <message>`, the level coloured
      const message = (e: { body: { message: string } }) =>
        e.body.message
          // eslint-disable-next-line no-control-regex
          .replace(/\u001b\[[0-9;]*m/g, '')
          .replace(/^(info|warn|error|debug): /, '');
      const log = events.map(e => `[${e.body.stepId ?? '-'}] ${message(e)}`);
      if (process.env.DATAMESH_E2E_LOG) console.log(log.join('\n'));
      if (task.status !== 'completed') {
        throw new Error(`task ${task.status}:\n${log.join('\n')}`);
      }

      // the plan is in the task log, in the plan step and again before the apply
      const planLine = '+ create role "clinical_care_patient_visits_consumer"';
      expect(log).toContain(`[plan] ${planLine}`);
      const applyLog = events
        .filter(e => e.body.stepId === 'apply')
        .map(message);
      expect(applyLog.indexOf(planLine)).toBeGreaterThanOrEqual(0);
      expect(applyLog.indexOf(`applying: ${planLine}`)).toBeGreaterThan(
        applyLog.indexOf(planLine),
      );

      // the repository: a real git repository with the rendered skeleton
      const repo = path.join(reposDir, 'patient-visits');
      expect(git(repo, 'log', '--format=%s')).toBe('Initial commit');
      expect(git(repo, 'status', '--porcelain')).toBe('');
      const files = git(repo, 'ls-files').split('\n');
      expect(files).toEqual(
        expect.arrayContaining([
          'catalog-info.yaml',
          'data_product_spec.yml',
          'data_product_deploy.yml',
          'README.md',
          'dbt/dbt_project.yml',
          'dbt/models/output/visits.sql',
          'dbt/models/staging/stg_visits.sql',
        ]),
      );
      const spec = readDataProductSpec(
        fs.readFileSync(path.join(repo, 'data_product_spec.yml'), 'utf8'),
        { file: 'data_product_spec.yml' },
      );
      expect(spec.issues.filter(i => i.severity === 'error')).toEqual([]);
      expect(spec.entity).toMatchObject({
        metadata: { name: 'patient-visits' },
        spec: {
          domain: 'domain:default/clinical-care',
          owner: 'group:default/care-team',
          type: 'source-aligned',
          datasets: [
            {
              name: 'visits',
              columns: [
                expect.objectContaining({ name: 'visit_id', primaryKey: true }),
                expect.objectContaining({ name: 'patient_key', pii: true }),
                expect.objectContaining({ name: 'loaded_at' }),
                expect.objectContaining({ name: 'record_type' }),
                expect.objectContaining({ name: 'source_system' }),
              ],
            },
          ],
          inputPorts: expect.arrayContaining([
            expect.objectContaining({
              dataProduct: 'dataproduct:default/ehr-encounters',
              personalDataInClear: true,
              description: 'MRNs to link visits to their encounters',
            }),
          ]),
        },
      });

      // the warehouse: schemas and roles exist, and the roles mean what they say
      warehouse =
        (await warehouseService!.getAdapter()) as PostgresWarehouseAdapter;
      const q = warehouse.connection;
      const schemas = await q.query<{ nspname: string; owner: string }>(
        `select n.nspname, r.rolname as owner from pg_namespace n join pg_roles r on r.oid = n.nspowner
         where n.nspname like 'acme_clinical_care_dev__patient_visits_%' order by 1`,
      );
      expect(schemas).toEqual([
        {
          nspname: 'acme_clinical_care_dev__patient_visits_intermediates',
          owner: 'clinical_care_patient_visits_owner',
        },
        // the product has a PII column: consumers without a PII grant read
        // the masked views of this schema, made once the output tables exist
        {
          nspname: 'acme_clinical_care_dev__patient_visits_masked',
          owner: 'clinical_care_patient_visits_owner',
        },
        {
          nspname: 'acme_clinical_care_dev__patient_visits_output',
          owner: 'clinical_care_patient_visits_owner',
        },
        {
          nspname: 'acme_clinical_care_dev__patient_visits_raw',
          owner: 'clinical_care_patient_visits_owner',
        },
      ]);
      const table = (schema: string) =>
        warehouse!.dialect.qualifiedTable(
          { database: 'acme_clinical_care_dev', schema },
          'visits',
        );
      const service = 'clinical_care_patient_visits_service';
      const consumer = 'clinical_care_patient_visits_consumer';
      await q.queryAs(
        service,
        `CREATE TABLE ${table('patient_visits_raw')} (id INT)`,
      );
      await q.queryAs(
        service,
        `CREATE TABLE ${table('patient_visits_output')} (id INT)`,
      );
      await q.queryAs(
        service,
        `INSERT INTO ${table('patient_visits_output')} VALUES (1)`,
      );
      await expect(
        q.queryAs(consumer, `SELECT * FROM ${table('patient_visits_raw')}`),
      ).rejects.toThrow(/permission denied/);
      // the full output tables are the PII consumer role's (and above)
      await expect(
        q.queryAs(consumer, `SELECT * FROM ${table('patient_visits_output')}`),
      ).rejects.toThrow(/permission denied/);
      expect(
        await q.queryAs(
          `${consumer}_pii`,
          `SELECT count(*)::int AS n FROM ${table('patient_visits_output')}`,
        ),
      ).toEqual([{ n: 1 }]);

      // the first apply is in the product's audit trail, as the user's,
      // reported before the catalog had the product (its declared owner)
      const trail = await api.get(
        '/api/data-mesh/lifecycle/default/patient-visits',
      );
      expect(trail.status).toBe(200);
      const applied = trail.body.audit.filter(
        (a: any) => a.action === 'infrastructure-apply',
      );
      expect(applied).toEqual([
        expect.objectContaining({
          actor: 'user:default/mock',
          detail: expect.objectContaining({
            source: 'template',
            stage: 'dev',
            reference: taskId,
            declaredOwner: 'group:default/care-team',
            allowDestructive: false,
          }),
        }),
      ]);
      expect(applied[0].detail.statements).toContain(
        'CREATE ROLE "clinical_care_patient_visits_consumer" NOLOGIN',
      );
      expect(log).toContain(
        '[apply] Kept in the audit trail of dataproduct:default/patient-visits (infrastructure-apply by user:default/mock)',
      );

      // the catalog: the product, read from the published repository, with its lineage
      const entity = await poll('the registered product', async () => {
        const res = await api.get(
          '/api/catalog/entities/by-name/dataproduct/default/patient-visits',
        );
        return res.status === 200 ? res.body : undefined;
      });
      expect(entity.spec.domain).toBe('domain:default/clinical-care');
      expect(
        entity.metadata.annotations['backstage.io/managed-by-location'],
      ).toBe(`url:file://${repo}/data_product_spec.yml`);
      const relations = await poll('relations', async () => {
        const res = await api.get(
          '/api/catalog/entities/by-name/dataproduct/default/patient-visits',
        );
        const rels = res.body.relations ?? [];
        return rels.length > 0 ? rels : undefined;
      });
      expect(relations).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            type: 'dependsOn',
            targetRef: 'dataproduct:default/ehr-encounters',
          }),
          expect.objectContaining({
            type: 'ownedBy',
            targetRef: 'group:default/care-team',
          }),
        ]),
      );
      // the template's outputs point at the product page and the repository
      const completion = events.find(e => e.type === 'completion') as any;
      expect(completion.body.output.links[0]).toMatchObject({
        entityRef: 'dataproduct:default/patient-visits',
      });
      expect(completion.body.output.text[0].content).toContain(
        `git clone file://${repo}`,
      );

      const upstreamPort = spec.entity!.spec.inputPorts!.find(
        p => p.type === 'data-product',
      )!.outputPort;
      // the product asked for what it reads, on its own behalf: the
      // upstream's owners decide (their port approves nothing by itself)
      const requests = await api.get(
        '/api/data-mesh/access-requests?consumer=dataproduct:default/patient-visits',
      );
      expect(requests.status).toBe(200);
      expect(
        requests.body.items.map((r: any) => [
          r.product,
          r.outputPort,
          r.consumer,
          r.requester,
          r.state,
          r.pii,
        ]),
      ).toEqual([
        [
          'dataproduct:default/ehr-encounters',
          upstreamPort,
          'dataproduct:default/patient-visits',
          'user:default/mock',
          'pending',
          true,
        ],
      ]);
      // the form's reason, written on the input port, is the request's purpose
      expect(requests.body.items[0].purpose).toBe(
        'Input of patient-visits: MRNs to link visits to their encounters',
      );
      expect(log).toContain(
        `[inputs] dataproduct:default/ehr-encounters port '${upstreamPort}': requested (${requests.body.items[0].id}); its owners decide`,
      );
      const inputsText = completion.body.output.text.find(
        (t: any) => t.title === 'Access to the inputs',
      );
      expect(inputsText.content).toContain('1\nrequest(s) wait');
      expect(inputsText.content).toContain(
        `| dataproduct:default/ehr-encounters | ${upstreamPort} | requested |`,
      );
      expect(Date.now() - started).toBeLessThan(90_000);
    } finally {
      await backend.stop();
    }
  });
});
