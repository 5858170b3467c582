/*
 * The "New data product" template (templates/new-data-product): the
 * skeleton rendered by the scaffolder's real fetch:template action, with the
 * step input rendered by the same template engine (nunjitsu) the scaffolder's
 * workflow runner uses, must yield a spec that reads without a single issue,
 * and files that say what they should.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { validate as validateJsonSchema } from 'jsonschema';
import { createTemplateRenderer } from 'nunjitsu';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { mockServices } from '@backstage/backend-test-utils';
import { createFetchTemplateAction } from '@backstage/plugin-scaffolder-backend';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  type DataProductEntityV1alpha1,
  formatIssue,
  readDataProductSpec,
  specVersion,
} from '@datamesh/plugin-data-mesh-common';
import { execFile } from 'node:child_process';
import {
  CLI_BIN,
  lines,
  makeTempDir,
  recorded,
  REPO_ROOT,
  runDatamesh,
  startStandInPortal,
} from './testUtils';

jest.setTimeout(60_000);

const TEMPLATE_DIR = path.join(REPO_ROOT, 'templates/new-data-product');
const TEMPLATE_FILE = path.join(TEMPLATE_DIR, 'template.yaml');
const template = parse(fs.readFileSync(TEMPLATE_FILE, 'utf8'));

type Step = {
  id: string;
  action: string;
  if?: string;
  each?: string;
  input?: any;
};
const steps: Step[] = template.spec.steps;
const step = (id: string) => steps.find(s => s.id === id)!;

/** What a user fills in. */
const PARAMETERS = {
  name: 'patient-visit-events',
  description:
    'Every visit of a patient: "what, when, where" — one row per visit.',
  domain: 'domain:default/clinical-care',
  owner: 'group:default/clinical-care-data',
  type: 'aggregate',
  datasetName: 'visit_events',
  datasetDescription: 'Visits as events',
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
    {
      name: 'visited_at',
      type: 'timestamp',
      classification: 'internal',
      pii: false,
    },
  ],
  inputPorts: [
    'dataproduct:default/ehr-encounters',
    'dataproduct:default/patient-registry',
  ],
  freshness: '12h',
  completenessTolerance: 2.5,
  availabilityTarget: 99.5,
  stage: 'test',
  publishTo: 'local',
};

/** What catalog:fetch returns for the input ports (parts the skeleton reads). */
const UPSTREAMS = [
  {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'ehr-encounters', namespace: 'default' },
    spec: {
      outputPorts: [{ name: 'jdbc-port-of-dp-ehr-encounters', type: 'jdbc' }],
    },
  },
  {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'patient-registry', namespace: 'default' },
    spec: { outputPorts: [{ name: 'patients-sql', type: 'sql' }] },
  },
];

/**
 * Render a step's input as the scaffolder's workflow runner does: every
 * string through the renderer's `renderValue` (a sole `${{ }}` keeps its
 * value's type), in a context of parameters and earlier steps' outputs.
 */
function renderStepInput(input: unknown, context: Record<string, unknown>) {
  const renderer = createTemplateRenderer({ allowRegexExecution: true });
  const prepared = renderer.prepareContext(context as any);
  return JSON.parse(JSON.stringify(input), (_key, value) =>
    typeof value === 'string' ? renderer.renderValue(value, prepared) : value,
  );
}

function renderIf(condition: string, context: Record<string, unknown>) {
  const value = renderStepInput({ v: condition }, context).v;
  return !(
    value === false ||
    value === undefined ||
    value === null ||
    value === '' ||
    value === 0
  );
}

/** Render the skeleton into a new workspace with the real fetch:template action. */
async function renderSkeleton(
  parameters: Record<string, unknown>,
  upstreams: unknown[] | undefined,
  personalDataUpstreams?: unknown[],
) {
  const context = {
    parameters,
    steps: {
      ...(upstreams ? { upstreams: { output: { entities: upstreams } } } : {}),
      // a step with `each` collects each run's output in a list
      ...(personalDataUpstreams
        ? {
            'personal-data-upstreams': {
              output: { entity: personalDataUpstreams },
            },
          }
        : {}),
    },
  };
  const fetchStep = step('skeleton');
  const input = renderStepInput(fetchStep.input, context);
  const tmp = makeTempDir('datamesh-template-');
  const action = createFetchTemplateAction({
    reader: mockServices.urlReader.mock(),
    integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
  });
  await action.handler(
    createMockActionContext({
      input,
      workspacePath: tmp.dir,
      templateInfo: {
        entityRef: 'template:default/new-data-product',
        baseUrl: pathToFileURL(TEMPLATE_FILE).toString(),
      },
    }),
  );
  const read = (file: string) =>
    fs.readFileSync(path.join(tmp.dir, file), 'utf8');
  return { ...tmp, read };
}

function readSpec(text: string): DataProductEntityV1alpha1 {
  const result = readDataProductSpec(text, { file: 'data_product_spec.yml' });
  // not one issue: no error, and no warning either
  expect(result.issues.map(formatIssue)).toEqual([]);
  return result.entity!;
}

describe('templates/new-data-product', () => {
  it('is a valid Template entity whose steps use the expected actions', async () => {
    await expect(templateEntityV1beta3Validator.check(template)).resolves.toBe(
      true,
    );
    expect(template.metadata.name).toBe('new-data-product');
    expect(steps.map(s => s.action)).toEqual([
      'catalog:fetch',
      'catalog:fetch',
      'fetch:template',
      'datamesh:spec:validate',
      'datamesh:infra:plan',
      'datamesh:infra:apply',
      'datamesh:publish:local',
      'publish:github',
      'catalog:register',
      'catalog:register',
      'datamesh:access:request-inputs',
    ]);
  });

  it('accepts the sample form values and rejects hostile ones on the server side', () => {
    const pages: object[] = template.spec.parameters;
    const errors = (values: object) =>
      pages.flatMap(page =>
        validateJsonSchema(values, page as any).errors.map(e => e.stack),
      );
    expect(errors(PARAMETERS)).toEqual([]);

    const hostile: [string, object][] = [
      ['name', { name: 'orders"; DROP ROLE postgres; --' }],
      ['name', { name: '../../etc' }],
      ['datasetName', { datasetName: 'x; drop table y' }],
      [
        'columns',
        {
          columns: [
            {
              name: 'id) ; drop table x; --',
              type: 'varchar',
              classification: 'internal',
            },
          ],
        },
      ],
      [
        'columns',
        {
          columns: [
            {
              name: 'id',
              type: 'int); drop table x; --',
              classification: 'internal',
            },
          ],
        },
      ],
      [
        'columns',
        {
          columns: [
            {
              name: 'loaded_at',
              type: 'timestamp',
              classification: 'internal',
            },
          ],
        },
      ],
      ['sourceSystem', { sourceSystem: "EHR' || pg_sleep(10) || '" }],
      ['freshness', { freshness: '1 day; drop' }],
      ['stage', { stage: 'prod; drop' }],
    ];
    for (const [field, change] of hostile) {
      const found = errors({ ...PARAMETERS, ...change });
      expect({ field, found: found.length > 0 }).toEqual({
        field,
        found: true,
      });
    }
    // GitHub needs a repository
    expect(errors({ ...PARAMETERS, publishTo: 'github' })).not.toEqual([]);
    expect(
      errors({
        ...PARAMETERS,
        publishTo: 'github',
        repoUrl: 'github.com?owner=acme&repo=visits',
      }),
    ).toEqual([]);
  });

  it('renders a spec that reads without a single issue and says what the form said', async () => {
    expect(renderIf(step('upstreams').if!, { parameters: PARAMETERS })).toBe(
      true,
    );
    const out = await renderSkeleton(PARAMETERS, UPSTREAMS);
    try {
      const entity = readSpec(out.read('data_product_spec.yml'));
      expect(entity.metadata.name).toBe('patient-visit-events');
      // a version from the start, so the pull-request check can gate changes
      expect(specVersion(entity)).toBe('0.1.0');
      expect(entity.metadata.description).toBe(PARAMETERS.description);
      expect(entity.spec).toMatchObject({
        type: 'aggregate',
        lifecycle: 'experimental',
        owner: 'group:default/clinical-care-data',
        domain: 'domain:default/clinical-care',
        certified: false,
        // the form's stage is recorded, so drift checks look at that stage
        infrastructure: { stage: 'test' },
      });
      expect(entity.spec.datasets).toEqual([
        {
          name: 'visit_events',
          description: 'Visits as events',
          columns: [
            {
              name: 'visit_id',
              type: 'varchar',
              classification: 'internal',
              pii: false,
              primaryKey: true,
              required: true,
              // the key's data-quality promises, measured from the start
              quality: [
                { metric: 'nullValues', mustBe: 0 },
                { metric: 'duplicateValues', mustBe: 0 },
              ],
            },
            {
              name: 'patient_key',
              type: 'varchar',
              classification: 'confidential',
              pii: true,
            },
            {
              name: 'visited_at',
              type: 'timestamp',
              classification: 'internal',
              pii: false,
            },
            expect.objectContaining({
              name: 'loaded_at',
              type: 'timestamp',
              required: true,
            }),
            expect.objectContaining({ name: 'record_type' }),
            expect.objectContaining({ name: 'source_system' }),
          ],
          quality: [
            {
              metric: 'rowCount',
              mustBeGreaterThan: 0,
              description: 'Every load writes rows.',
            },
          ],
        },
      ]);
      expect(entity.spec.outputPorts).toEqual([
        expect.objectContaining({
          name: 'sql',
          type: 'sql',
          dataset: 'visit_events',
          access: {
            approval: 'owner',
            defaultDuration: '90d',
            maxDuration: '365d',
          },
        }),
      ]);
      expect(entity.spec.inputPorts).toEqual([
        expect.objectContaining({
          name: 'from-carerecord-ehr',
          type: 'dataset',
          source: 'CareRecord EHR',
        }),
        expect.objectContaining({
          name: 'input-from-dp-ehr-encounters',
          type: 'data-product',
          dataProduct: 'dataproduct:default/ehr-encounters',
          outputPort: 'jdbc-port-of-dp-ehr-encounters',
        }),
        expect.objectContaining({
          name: 'input-from-dp-patient-registry',
          type: 'data-product',
          dataProduct: 'dataproduct:default/patient-registry',
          outputPort: 'patients-sql',
        }),
      ]);
      const slos = Object.fromEntries(
        entity.spec.slos!.map(s => [s.dimension, s]),
      );
      expect(slos.freshness).toMatchObject({ maxAge: '12h', window: '20d' });
      expect(slos.completeness).toMatchObject({ tolerance: 0.025 });
      expect(slos.availability).toMatchObject({ target: 0.995, slice: '1h' });

      // and the CLI the pipeline calls agrees
      const cli = await runDatamesh(['validate', 'data_product_spec.yml'], {
        cwd: out.dir,
      });
      expect(cli).toEqual({
        code: 0,
        stdout: 'ok data_product_spec.yml\n',
        stderr: '',
      });
    } finally {
      out.cleanup();
    }
  });

  it('marks the inputs read with personal data in clear, each with its reason; one chosen only there is an input too, once', async () => {
    const labResults = {
      apiVersion: 'datamesh.dev/v1alpha1',
      kind: 'DataProduct',
      metadata: { name: 'lab-results', namespace: 'default' },
      spec: { outputPorts: [{ name: 'lab-results-jdbc', type: 'jdbc' }] },
    };
    const parameters = {
      ...PARAMETERS,
      personalDataInputs: [
        {
          product: 'dataproduct:default/patient-registry',
          reason: 'Names and MRNs: "who is it?" on the ward list',
        },
        {
          product: 'dataproduct:default/lab-results',
          reason: 'Dates of birth, for age-adjusted reference ranges',
        },
        // chosen twice: one input port
        {
          product: 'dataproduct:default/lab-results',
          reason: 'again',
        },
      ],
    };
    const context = { parameters };
    // one catalog lookup per input read in clear
    expect(
      renderStepInput({ each: step('personal-data-upstreams').each }, context)
        .each,
    ).toEqual(parameters.personalDataInputs);
    expect(
      renderStepInput(step('personal-data-upstreams').input, {
        ...context,
        each: { value: parameters.personalDataInputs[1] },
      }),
    ).toEqual({ entityRef: 'dataproduct:default/lab-results' });
    expect(renderIf(step('inputs').if!, context)).toBe(true);
    // personal data only: the inputs are still asked for
    expect(
      renderIf(step('inputs').if!, {
        parameters: { ...parameters, inputPorts: [] },
      }),
    ).toBe(true);
    const out = await renderSkeleton(parameters, UPSTREAMS, [
      UPSTREAMS[1],
      labResults,
      labResults,
    ]);
    try {
      const entity = readSpec(out.read('data_product_spec.yml'));
      const inputs = entity.spec.inputPorts!.filter(
        p => p.type === 'data-product',
      );
      expect(
        inputs.map(p => [
          p.dataProduct,
          p.personalDataInClear ?? false,
          p.description,
        ]),
      ).toEqual([
        ['dataproduct:default/ehr-encounters', false, undefined],
        [
          'dataproduct:default/patient-registry',
          true,
          'Names and MRNs: "who is it?" on the ward list',
        ],
        [
          'dataproduct:default/lab-results',
          true,
          // the reasons of a product chosen twice, one after the other
          'Dates of birth, for age-adjusted reference ranges; again',
        ],
      ]);
    } finally {
      out.cleanup();
    }
  });

  it('renders without input products or a source system', async () => {
    const parameters = {
      ...PARAMETERS,
      inputPorts: [],
      sourceSystem: undefined,
      datasetDescription: undefined,
      type: 'source-aligned',
    };
    expect(renderIf(step('upstreams').if!, { parameters })).toBe(false);
    // nothing to look up: the lookup runs for no input
    expect(
      renderStepInput(
        { each: step('personal-data-upstreams').each },
        {
          parameters,
        },
      ).each,
    ).toEqual([]);
    expect(renderIf(step('inputs').if!, { parameters })).toBe(false);
    const out = await renderSkeleton(parameters, undefined);
    try {
      const entity = readSpec(out.read('data_product_spec.yml'));
      expect(entity.spec.type).toBe('source-aligned');
      expect(entity.spec.inputPorts).toBeUndefined();
      expect(entity.spec.datasets![0].description).toBe(PARAMETERS.description);
      expect(parse(out.read('dbt/dbt_project.yml')).vars.source_system).toBe(
        'patient-visit-events',
      );
    } finally {
      out.cleanup();
    }
  });

  it('renders the pipeline, the catalog entry and the dbt project', async () => {
    const out = await renderSkeleton(PARAMETERS, UPSTREAMS);
    try {
      // catalog-info.yaml registers the product through its spec
      expect(parse(out.read('catalog-info.yaml'))).toEqual({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Location',
        metadata: {
          name: 'patient-visit-events-repository',
          description:
            'The repository of the data product patient-visit-events.',
        },
        spec: { targets: ['./data_product_spec.yml'] },
      });

      // the pipeline: validate → plan → apply → dbt → publish, with the
      // CI's own ${{ }} expressions left for the CI
      const deploy = parse(out.read('data_product_deploy.yml'));
      expect(deploy.env).toEqual({
        DATAMESH_STAGE: 'test',
        DATAMESH_CLI: '@datamesh/cli@0.1',
        DATAMESH_WAREHOUSE_URL: '${{ secrets.DATAMESH_WAREHOUSE_URL }}',
      });
      const run = deploy.jobs.deploy.steps
        .filter((s: { run?: string }) => s.run)
        .map((s: { name: string; run: string }) => [s.name, s.run]);
      expect(run.map(([name]: string[]) => name)).toEqual([
        'Validate the spec',
        'Plan the warehouse changes',
        'Apply the plan',
        'Build and test the dbt models',
        'Check the data-quality promises',
        'Publish the metadata',
      ]);
      expect(run[0][1]).toMatch(/datamesh validate data_product_spec\.yml$/);
      expect(run[1][1]).toMatch(
        /datamesh plan data_product_spec\.yml --config datamesh\.config\.yaml --stage "\$DATAMESH_STAGE"$/,
      );
      expect(run[2][1]).toMatch(
        /datamesh apply data_product_spec\.yml --config datamesh\.config\.yaml --stage "\$DATAMESH_STAGE" --write-env "\$GITHUB_ENV" --report-to "\$BACKSTAGE_URL\/api\/data-mesh"$/,
      );
      // the apply and the checks' counts are reported with the token the
      // catalog refresh uses
      for (const reporting of [
        'Apply the plan',
        'Check the data-quality promises',
      ]) {
        expect(
          deploy.jobs.deploy.steps.find((s: any) => s.name === reporting).env,
        ).toEqual({
          BACKSTAGE_URL: '${{ secrets.BACKSTAGE_URL }}',
          DATAMESH_PORTAL_TOKEN: '${{ secrets.BACKSTAGE_TOKEN }}',
        });
      }
      expect(run[3][1]).toMatch(/\ndbt build\n$/);
      expect(run[4][1]).toMatch(
        /datamesh quality data_product_spec\.yml --config datamesh\.config\.yaml --stage "\$DATAMESH_STAGE" --sql --report-to "\$BACKSTAGE_URL\/api\/data-mesh"$/,
      );
      expect(run[5][1]).toContain(
        'datamesh convert data_product_spec.yml --to odps > metadata/product.odps.yaml',
      );
      expect(run[5][1]).toContain(
        `-d '{"entityRef": "dataproduct:default/patient-visit-events"}'`,
      );
      expect(
        deploy.jobs.deploy.steps.find(
          (s: any) => s.name === 'Build and test the dbt models',
        ).env.DBT_HOST,
      ).toBe('${{ secrets.DBT_HOST }}');

      // the warehouse config the pipeline passes to the CLI reads as app-config
      expect(parse(out.read('datamesh.config.yaml'))).toEqual({
        dataMesh: {
          warehouse: {
            type: 'postgres',
            postgres: { connection: '${DATAMESH_WAREHOUSE_URL}' },
          },
        },
      });

      // dbt: project named in dbt's alphabet, layers on the provisioned schemas
      const project = parse(out.read('dbt/dbt_project.yml'));
      expect(project.name).toBe('patient_visit_events');
      expect(project.profile).toBe('patient_visit_events');
      expect(project.vars).toEqual({
        source_system: 'CareRecord EHR',
        record_type: 'snapshot',
      });
      expect(project.models.patient_visit_events).toEqual({
        staging: {
          '+materialized': 'table',
          '+schema': "{{ env_var('DATAMESH_INTERMEDIATE_SCHEMA') }}",
        },
        output: {
          '+materialized': 'table',
          '+schema': "{{ env_var('DATAMESH_OUTPUT_SCHEMA') }}",
        },
      });
      expect(Object.keys(parse(out.read('dbt/profiles.example.yml')))).toEqual([
        'patient_visit_events',
      ]);

      const staging = out.read('dbt/models/staging/stg_visit_events.sql');
      expect(lines(staging).filter(l => !l.startsWith('--'))).toEqual([
        'select',
        '    visit_id,',
        '    patient_key,',
        '    visited_at,',
        '    current_timestamp as loaded_at,',
        `    '{{ var("record_type") | replace("'", "''") }}' as record_type,`,
        `    '{{ var("source_system") | replace("'", "''") }}' as source_system`,
        "from {{ source('raw', 'visit_events') }}",
      ]);
      const output = out.read('dbt/models/output/visit_events.sql');
      expect(lines(output).filter(l => !l.startsWith('--'))).toEqual([
        'select',
        '    visit_id,',
        '    patient_key,',
        '    visited_at,',
        '    loaded_at,',
        '    record_type,',
        '    source_system',
        "from {{ ref('stg_visit_events') }}",
      ]);
      expect(
        parse(out.read('dbt/models/staging/sources.yml')).sources[0],
      ).toMatchObject({
        name: 'raw',
        schema: "{{ env_var('DATAMESH_RAW_SCHEMA') }}",
        tables: [
          {
            name: 'visit_events',
            description:
              'Rows of visit_events as ingested from CareRecord EHR.',
          },
        ],
      });
      expect(parse(out.read('dbt/models/output/schema.yml')).models).toEqual([
        {
          name: 'visit_events',
          description: 'Visits as events',
          columns: [
            {
              name: 'visit_id',
              description: 'Identifies a row.',
              data_tests: ['not_null', 'unique'],
            },
            {
              name: 'loaded_at',
              description: 'When the row was loaded into the warehouse.',
              data_tests: ['not_null'],
            },
          ],
        },
      ]);
      // dbt's own macros are copied, not rendered
      expect(out.read('dbt/macros/generate_schema_name.sql')).toBe(
        fs.readFileSync(
          path.join(
            TEMPLATE_DIR,
            'skeleton/dbt/macros/generate_schema_name.sql',
          ),
          'utf8',
        ),
      );

      // the pull-request gate: validate, then breaking changes against the
      // base branch as annotations, the CI's expressions left for the CI
      const check = parse(out.read('.github/workflows/check.yml'));
      expect(check.name).toBe('check patient-visit-events');
      expect(check.on).toEqual({ pull_request: { branches: ['main'] } });
      const checkSteps = check.jobs.check.steps;
      expect(checkSteps[0]).toEqual({
        uses: 'actions/checkout@v4',
        with: { 'fetch-depth': 0 },
      });
      expect(
        checkSteps
          .filter((s: { run?: string }) => s.run)
          .map((s: { run: string }) =>
            s.run.replace(/^.* datamesh /, 'datamesh '),
          ),
      ).toEqual([
        'datamesh validate data_product_spec.yml',
        'datamesh check data_product_spec.yml --against origin/${{ github.base_ref }} --format github',
      ]);

      expect(out.read('README.md')).toMatch(/^# patient-visit-events\n/);
      expect(out.read('.gitignore')).toContain('dbt/target/');

      // every YAML file of the repository is well-formed
      for (const file of [
        'data_product_spec.yml',
        'data_product_deploy.yml',
        '.github/workflows/check.yml',
        '.github/workflows/sandbox.yml',
        'datamesh.config.yaml',
        'catalog-info.yaml',
        'dbt/dbt_project.yml',
        'dbt/profiles.example.yml',
        'dbt/models/staging/sources.yml',
        'dbt/models/output/schema.yml',
      ]) {
        const errors = parseAllDocuments(out.read(file)).flatMap(d => d.errors);
        expect({ file, errors }).toEqual({ file, errors: [] });
      }
    } finally {
      out.cleanup();
    }
  });

  it("runs the pipelines' datamesh commands as written: the deploy applies, a pull request makes its sandbox and closing it drops it", async () => {
    // a short name: PGlite puts the database into each schema's name, and
    // PostgreSQL allows 63 characters
    const out = await renderSkeleton(
      { ...PARAMETERS, name: 'visits' },
      UPSTREAMS,
    );
    const portal = await startStandInPortal(recorded);
    const dataDir = makeTempDir('datamesh-pipeline-warehouse-');
    try {
      const deploy = parse(out.read('data_product_deploy.yml'));
      const sandbox = parse(out.read('.github/workflows/sandbox.yml'));
      const command = (job: any, name: string) =>
        job.steps.find((s: { name?: string }) => s.name === name).run;

      // the pull request's events, the branch through the environment
      expect(sandbox.on).toEqual({
        pull_request: {
          branches: ['main'],
          types: ['opened', 'synchronize', 'reopened', 'closed'],
        },
      });
      expect(sandbox.env).toMatchObject({
        DATAMESH_STAGE: 'test',
        BRANCH: '${{ github.head_ref }}',
        DATAMESH_PORTAL_TOKEN: '${{ secrets.BACKSTAGE_TOKEN }}',
      });
      expect(sandbox.jobs.sandbox.if).toBe("github.event.action != 'closed'");
      expect(sandbox.jobs.cleanup.if).toBe("github.event.action == 'closed'");
      // no expression is pasted into a command (a branch name is the author's)
      const runs = [
        ...sandbox.jobs.sandbox.steps,
        ...sandbox.jobs.cleanup.steps,
      ]
        .map((s: { run?: string }) => s.run)
        .filter(Boolean);
      for (const run of runs) expect(run).not.toContain('${{');

      // A GitHub runner, as far as the commands see it: the workflow's
      // environment, \`npx … datamesh\` running this repository's CLI, and
      // the warehouse set to an embedded PGlite by APP_CONFIG_* (the
      // skeleton's config names a PostgreSQL server)
      const githubEnv = path.join(out.dir, 'github-env');
      fs.writeFileSync(githubEnv, '');
      const { NODE_OPTIONS: _ignored, ...inherited } = process.env;
      const env = {
        ...inherited,
        DATAMESH_STAGE: 'test',
        DATAMESH_CLI: '@datamesh/cli@0.1',
        DATAMESH_WAREHOUSE_URL: 'postgres://nobody@127.0.0.1:1/none',
        APP_CONFIG_dataMesh_warehouse_type: 'pglite',
        APP_CONFIG_dataMesh_warehouse_pglite_dataDir: dataDir.dir,
        BACKSTAGE_URL: portal.origin,
        DATAMESH_PORTAL_TOKEN: 'ci-token',
        GITHUB_ENV: githubEnv,
        GITHUB_SERVER_URL: 'https://github.example.com',
        GITHUB_REPOSITORY: 'clinical/visits',
        GITHUB_RUN_ID: '77',
        BRANCH: 'feat/Late',
      };
      const npx = `npx() { while [ "$1" != datamesh ]; do shift; done; shift; "${process.execPath}" "${CLI_BIN}" "$@"; }`;
      const runStep = (script: string) =>
        new Promise<{ code: number; stdout: string; stderr: string }>(resolve =>
          execFile(
            'bash',
            ['-euo', 'pipefail', '-c', `${npx}\n${script}`],
            { cwd: out.dir, env },
            (error, stdout, stderr) =>
              resolve({
                code: error ? Number((error as any).code ?? -1) : 0,
                stdout,
                stderr,
              }),
          ),
        );

      const applied = await runStep(
        command(deploy.jobs.deploy, 'Apply the plan'),
      );
      expect(applied.stderr).toContain(
        "recorded in the portal's audit trail of dataproduct:default/visits (infrastructure-apply by service:external:ci)",
      );
      expect(applied.code).toBe(0);
      expect(fs.readFileSync(githubEnv, 'utf8')).toContain(
        'DATAMESH_OUTPUT_SCHEMA=acme_clinical_care_test__visits_output\n',
      );

      const made = await runStep(
        command(sandbox.jobs.sandbox, "Make the branch's sandbox"),
      );
      expect([made.code, made.stderr]).toEqual([0, expect.any(String)]);
      // the dbt step that follows writes to the sandbox
      const exported = fs.readFileSync(githubEnv, 'utf8');
      expect(exported).toContain(
        'DATAMESH_OUTPUT_SCHEMA=acme_clinical_care_test__visits_output_sbx_feat_late\n',
      );
      expect(exported).toContain('DATAMESH_SANDBOX=feat_late\n');
      // a second push starts again (--replace)
      expect(
        (
          await runStep(
            command(sandbox.jobs.sandbox, "Make the branch's sandbox"),
          )
        ).code,
      ).toBe(0);

      // the spec's checks, measured in the sandbox (the branch's dbt build
      // did not run here, so its table is not there: said, and failing)
      const checked = await runStep(
        command(
          sandbox.jobs.sandbox,
          'Check the data-quality promises in the sandbox',
        ),
      );
      expect(checked.code).toBe(1);
      expect(lines(checked.stderr)[0]).toMatch(
        /^data quality in the sandbox of feat_late in /,
      );
      expect(lines(checked.stdout)[0]).toMatch(
        /^ERROR {3}dataproduct:default\/visits .*visits_output_sbx_feat_late/,
      );

      const dropped = await runStep(
        command(sandbox.jobs.cleanup, "Drop the branch's sandbox"),
      );
      expect(dropped.code).toBe(0);
      expect(lines(dropped.stdout)).toContain(
        '- drop schema "acme_clinical_care_test__visits_output_sbx_feat_late"',
      );

      // each change went to the product's audit trail, with the run's address
      const reports = portal.seen.filter(
        r => r.method === 'POST' && r.url.endsWith('/reports'),
      );
      expect(
        reports.map(r => [
          r.url,
          r.auth,
          r.body.action,
          r.body.branch,
          r.body.reference,
        ]),
      ).toEqual([
        [
          '/api/data-mesh/products/default/visits/infrastructure/reports',
          'Bearer ci-token',
          'infrastructure-apply',
          undefined,
          'https://github.example.com/clinical/visits/actions/runs/77',
        ],
        [
          '/api/data-mesh/products/default/visits/infrastructure/reports',
          'Bearer ci-token',
          'sandbox-create',
          'feat_late',
          'https://github.example.com/clinical/visits/actions/runs/77',
        ],
        [
          '/api/data-mesh/products/default/visits/infrastructure/reports',
          'Bearer ci-token',
          'sandbox-create',
          'feat_late',
          'https://github.example.com/clinical/visits/actions/runs/77',
        ],
        [
          '/api/data-mesh/products/default/visits/infrastructure/reports',
          'Bearer ci-token',
          'sandbox-delete',
          'feat_late',
          'https://github.example.com/clinical/visits/actions/runs/77',
        ],
      ]);
      // the second push replaced the first's schemas
      expect(reports[2].body.replaced).toHaveLength(3);
      // each sandbox change held its branch in the portal meanwhile
      expect(
        portal.seen
          .filter(r => r.url.endsWith('/sandbox-claims'))
          .map(r => [r.body.branch, r.body.change, r.body.reference]),
      ).toEqual([
        [
          'feat_late',
          'create',
          'https://github.example.com/clinical/visits/actions/runs/77',
        ],
        [
          'feat_late',
          'create',
          'https://github.example.com/clinical/visits/actions/runs/77',
        ],
        [
          'feat_late',
          'delete',
          'https://github.example.com/clinical/visits/actions/runs/77',
        ],
      ]);
    } finally {
      await portal.close();
      dataDir.cleanup();
      out.cleanup();
    }
  });
});
