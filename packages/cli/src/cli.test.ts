/*
 * The real `datamesh` command, run as a child process on temporary files:
 * exit codes, located messages, format round trips, and plan/apply against
 * an embedded PGlite warehouse in a temporary directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { SnowflakeClient } from '@datamesh/plugin-data-mesh-backend-module-snowflake';
import { FakeSnowflake } from '@datamesh/plugin-data-mesh-backend-module-snowflake/testUtils';
import { lines, makeTempDir, REPO_ROOT, runDatamesh } from './testUtils';

jest.setTimeout(120_000);

const VALID_OAM = `apiVersion: core.oam.dev/v1beta1
kind: DataProduct
components:
  - name: sales
    type: domain
  - name: Web Orders
    type: data-product
    properties:
      definition: { value: 'Every order placed in the web shop, one row per order' }
      data_product_owner: { value: sales-team }
      data_product_type: { value: Source Aligned }
      lifecycle: { value: production }
  - name: orders
    type: data-set
    properties:
      description: { value: Orders as placed }
      columns:
        value:
          - { name: order_id, type: varchar(20), classification: internal, primary_key: 'Yes', required: 'Yes' }
          - { name: customer_email, type: varchar(200), classification: restricted, pii: 'Yes' }
          - { name: placed_at, type: timestamp, classification: internal }
  - name: jdbc
    type: output-port
    properties:
      url: { value: 'jdbc:postgresql://warehouse.example.com/acme' }
  - name: Input from DP customers
    type: input-port
    properties:
      associated_output_port: { value: customers/jdbc }
  - name: Orders are fresh
    type: service-level-asset
    properties:
      description: { value: Orders arrive within a day }
      dimension: { value: Freshness }
      max_age: { value: 24h }
      target: { value: 90% }
  - name: Access
    type: data-sharing-agreement
    properties:
      purpose: { value: Sales reporting }
      approval: { value: The owner approves in the portal }
`;

// line numbers matter: the assertions below name them
const INVALID_OAM = `apiVersion: core.oam.dev/v1beta1
kind: DataProduct
components:
  - name: sales
    type: domain
  - name: orders
    type: data-product
    properties:
      data_product_owner: { value: sales-team }
      data_product_type: { value: Source Aligned }
  - name: Orders are fresh
    type: service-level-asset
    properties:
      dimension: { value: Vibes }
  - name: 'jdbc"; DROP TABLE x; --'
    type: output-port
    properties:
      url: { value: 'jdbc:postgresql://localhost/acme' }
      maxage: 3
`;

const ODPS_PRODUCT = `apiVersion: v1.1.0
kind: DataProduct
id: 7d4b6c1e-2f0a-4c5e-9a51-3c2f1e0b9a10
name: Patient Visits
status: active
domain: clinical-care
type: aggregate
customProperties:
  - { property: owner, value: group:default/clinical-data }
outputPorts:
  - { name: visits-sql, type: sql, version: 1.0.0, contractId: visits-contract }
`;

const ODCS_CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: visits-contract
name: visits
version: 1.0.0
status: active
schema:
  - name: visits
    physicalType: table
    properties:
      - { name: visit_id, logicalType: string, primaryKey: true }
      - { name: visited_at, logicalType: timestamp }
`;

describe('datamesh validate', () => {
  // made in beforeAll, so a describe that a -t filter skips leaves nothing behind
  let tmp: ReturnType<typeof makeTempDir>;
  beforeAll(() => {
    tmp = makeTempDir();
  });
  afterAll(() => tmp.cleanup());

  it('prints ok for a valid OAM spec and exits 0', async () => {
    tmp.write('good/data_product_spec.yml', VALID_OAM);
    const run = await runDatamesh(['validate', 'good/data_product_spec.yml'], {
      cwd: tmp.dir,
    });
    expect(run).toEqual({
      code: 0,
      stdout: 'ok good/data_product_spec.yml\n',
      stderr: '',
    });
  });

  it('prints one located line per problem, exits 1, and still checks the other files', async () => {
    tmp.write('bad/data_product_spec.yml', INVALID_OAM);
    const run = await runDatamesh(
      ['validate', 'bad/data_product_spec.yml', 'good/data_product_spec.yml'],
      { cwd: tmp.dir },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('ok good/data_product_spec.yml\n');
    const err = lines(run.stderr);
    expect(err).toHaveLength(3);
    expect(err).toContain(
      `bad/data_product_spec.yml: components[2].properties.dimension: 'Vibes' is not one of availability, completeness, freshness (line 14, column 18)`,
    );
    expect(err).toContainEqual(
      expect.stringMatching(
        /^bad\/data_product_spec\.yml: components\[3\]\.name: port name 'jdbc"; DROP TABLE x; --' contains '"' and ';'.* \(line 15, column 11\)$/,
      ),
    );
    // warnings are shown, marked, and do not fail a file on their own
    expect(err).toContainEqual(
      expect.stringMatching(
        /^warning: bad\/data_product_spec\.yml: components\[3\]\.properties\.maxage: unknown property 'maxage'.*\(line 19, column 15\)$/,
      ),
    );
  });

  it('reads the ODCS contracts beside an ODPS product, and locates errors in them', async () => {
    tmp.write('odps/visits.odps.yaml', ODPS_PRODUCT);
    tmp.write('odps/visits.odcs.yaml', ODCS_CONTRACT);
    const ok = await runDatamesh(['validate', 'odps/visits.odps.yaml'], {
      cwd: tmp.dir,
    });
    expect(ok).toEqual({
      code: 0,
      stdout: 'ok odps/visits.odps.yaml (with 1 contract)\n',
      stderr: '',
    });

    tmp.write('odps-bad/visits.odps.yaml', ODPS_PRODUCT);
    tmp.write(
      'odps-bad/visits.odcs.yaml',
      ODCS_CONTRACT.replace(
        '{ name: visited_at, logicalType: timestamp }',
        '{ name: "visited at; --", logicalType: timestamp }',
      ),
    );
    const bad = await runDatamesh(['validate', 'odps-bad/visits.odps.yaml'], {
      cwd: tmp.dir,
    });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(lines(bad.stderr)).toContainEqual(
      expect.stringMatching(
        /^odps-bad\/visits\.odcs\.yaml: schema\[0\]\.properties\[1\]\.name: .*\(line 12, column \d+\)$/,
      ),
    );
  });

  it('validates native entity files', async () => {
    const entity = path.join(
      REPO_ROOT,
      'examples/data-products/patient-registry/catalog-info.yaml',
    );
    const run = await runDatamesh(['validate', entity], { cwd: tmp.dir });
    expect(run).toEqual({ code: 0, stdout: `ok ${entity}\n`, stderr: '' });
  });

  it('exits 1 for a missing file and for a file that is no spec', async () => {
    tmp.write('app-config.yaml', 'app:\n  title: x\n');
    const run = await runDatamesh(['validate', 'nope.yml', 'app-config.yaml'], {
      cwd: tmp.dir,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toEqual([
      'nope.yml: no such file',
      expect.stringMatching(/^app-config\.yaml: not a data product spec: /),
    ]);
  });

  it('exits 1 with usage help for a missing argument', async () => {
    const run = await runDatamesh(['validate'], { cwd: tmp.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/missing required argument 'spec-file'/);
  });
});

describe('datamesh convert', () => {
  // made in beforeAll, so a describe that a -t filter skips leaves nothing behind
  let tmp: ReturnType<typeof makeTempDir>;
  beforeAll(() => {
    tmp = makeTempDir();
  });
  afterAll(() => tmp.cleanup());

  /** The entity a spec file reads into, through the CLI itself. */
  async function entityOf(file: string) {
    const run = await runDatamesh(['convert', file, '--to', 'entity'], {
      cwd: tmp.dir,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return parse(run.stdout);
  }

  it('writes ODPS plus contracts that validate and read back into the same product', async () => {
    const source = tmp.write('src/data_product_spec.yml', VALID_OAM);
    const run = await runDatamesh(['convert', source, '--to', 'odps'], {
      cwd: tmp.dir,
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const docs = parseAllDocuments(run.stdout).map(d => d.toJS());
    expect(docs.map(d => [d.apiVersion, d.kind])).toEqual([
      ['v1.1.0', 'DataProduct'],
      ['v3.1.0', 'DataContract'],
    ]);

    tmp.write('odps/web-orders.odps.yaml', run.stdout);
    const check = await runDatamesh(['validate', 'odps/web-orders.odps.yaml'], {
      cwd: tmp.dir,
    });
    expect(check).toEqual({
      code: 0,
      stdout: 'ok odps/web-orders.odps.yaml\n',
      stderr: '',
    });
    const after = await entityOf('odps/web-orders.odps.yaml');
    // the ODPS reader records the product's ODPS id; nothing else differs
    expect(after.metadata.annotations).toEqual({
      'datamesh.dev/odps-id': 'dataproduct:default/web-orders',
    });
    delete after.metadata.annotations;
    expect(after).toEqual(await entityOf(source));
  });

  it('writes OAM that validates and reads back into the same product (ODPS → OAM)', async () => {
    tmp.write('visits/visits.odps.yaml', ODPS_PRODUCT);
    tmp.write('visits/visits.odcs.yaml', ODCS_CONTRACT);
    const run = await runDatamesh(
      ['convert', 'visits/visits.odps.yaml', '--to', 'oam'],
      { cwd: tmp.dir },
    );
    expect(run.code).toBe(0);
    expect(parse(run.stdout)).toMatchObject({
      apiVersion: 'core.oam.dev/v1beta1',
      kind: 'DataProduct',
    });
    tmp.write('oam/data_product_spec.yml', run.stdout);
    const check = await runDatamesh(['validate', 'oam/data_product_spec.yml'], {
      cwd: tmp.dir,
    });
    expect(check).toEqual({
      code: 0,
      stdout: 'ok oam/data_product_spec.yml\n',
      stderr: '',
    });
    const before = await entityOf('visits/visits.odps.yaml');
    const after = await entityOf('oam/data_product_spec.yml');
    // OAM has no place for the ODPS id annotation; everything else survives
    delete before.metadata.annotations;
    expect(after).toEqual(before);
  });

  it('prints nothing on stdout and exits 1 for an invalid spec', async () => {
    tmp.write('bad/data_product_spec.yml', INVALID_OAM);
    const run = await runDatamesh(
      ['convert', 'bad/data_product_spec.yml', '--to', 'odps'],
      { cwd: tmp.dir },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/\(line 14, column 18\)/);
  });

  it('refuses an unknown target format', async () => {
    const run = await runDatamesh(
      ['convert', 'src/data_product_spec.yml', '--to', 'xml'],
      { cwd: tmp.dir },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Allowed choices are oam, odps, entity/);
  });
});

describe('datamesh plan and apply (embedded PGlite)', () => {
  // made in beforeAll, so a describe that a -t filter skips leaves nothing behind
  let tmp: ReturnType<typeof makeTempDir>;
  beforeAll(() => {
    tmp = makeTempDir();
  });
  afterAll(() => tmp.cleanup());

  it('plans, applies, and then finds nothing left to do', async () => {
    tmp.write('orders/data_product_spec.yml', VALID_OAM);
    const spec = 'orders/data_product_spec.yml';
    const dataDir = path.join(tmp.dir, 'warehouse');

    const plan = await runDatamesh(
      ['plan', spec, '--data-dir', dataDir, '--detailed-exitcode', '--sql'],
      { cwd: tmp.dir },
    );
    expect(plan.stderr).toBe(`plan against PGlite in ${dataDir}:\n`);
    expect(plan.code).toBe(2);
    const planLines = lines(plan.stdout);
    expect(planLines).toContain('+ create role "sales_web_orders_consumer"');
    expect(planLines).toContain(
      '+ create schema "acme_sales_dev__web_orders_output" owner "sales_web_orders_owner"',
    );
    // --sql shows the statements under each step
    expect(planLines).toContainEqual(
      expect.stringMatching(/^ {4}CREATE ROLE "sales_web_orders_consumer"/i),
    );
    expect(planLines).toContainEqual(
      expect.stringMatching(
        /^! note: compute per domain .* has no PGlite equivalent/,
      ),
    );

    const envFile = path.join(tmp.dir, 'env');
    const apply = await runDatamesh(
      ['apply', spec, '--data-dir', dataDir, '--write-env', envFile],
      { cwd: tmp.dir },
    );
    expect(apply.stderr).toBe(`plan against PGlite in ${dataDir}:\n`);
    expect(apply.code).toBe(0);
    const steps = planLines.filter(l => /^[+~] /.test(l)).length;
    expect(apply.stdout).toContain(`applied ${steps} steps\n`);
    expect(apply.stdout).toContain(
      'roles    consumer sales_web_orders_consumer, service sales_web_orders_service, owner sales_web_orders_owner',
    );
    expect(fs.readFileSync(envFile, 'utf8')).toBe(
      [
        'DATAMESH_STAGE=dev',
        'DATAMESH_COMPUTE=acme_sales_wh',
        'DATAMESH_DATABASE=acme_sales_dev',
        'DATAMESH_RAW_SCHEMA=acme_sales_dev__web_orders_raw',
        'DATAMESH_INTERMEDIATE_SCHEMA=acme_sales_dev__web_orders_intermediates',
        'DATAMESH_OUTPUT_SCHEMA=acme_sales_dev__web_orders_output',
        'DATAMESH_CONSUMER_ROLE=sales_web_orders_consumer',
        'DATAMESH_SERVICE_ROLE=sales_web_orders_service',
        'DATAMESH_OWNER_ROLE=sales_web_orders_owner',
        '',
      ].join('\n'),
    );

    // the objects are really there: a new process introspects and finds them
    const again = await runDatamesh(['apply', spec, '--data-dir', dataDir], {
      cwd: tmp.dir,
    });
    expect(again.code).toBe(0);
    expect(lines(again.stdout)[0]).toBe(
      'no changes: the warehouse matches the declared state',
    );
    expect(again.stdout).not.toMatch(/applied/);

    const check = await runDatamesh(
      ['plan', spec, '--data-dir', dataDir, '--detailed-exitcode'],
      { cwd: tmp.dir },
    );
    expect(check.code).toBe(0);

    // another stage is another set of schemas in the same warehouse
    const test = await runDatamesh(
      ['plan', spec, '--data-dir', dataDir, '--stage', 'test'],
      { cwd: tmp.dir },
    );
    expect(test.code).toBe(0);
    expect(test.stdout).toContain(
      '+ create schema "acme_sales_test__web_orders_raw"',
    );
    expect(test.stdout).not.toContain('+ create role');
  });

  it('reads the warehouse and naming from --config, with ${ENV} substitution', async () => {
    tmp.write('orders/data_product_spec.yml', VALID_OAM);
    tmp.write(
      'app-config.yaml',
      [
        'dataMesh:',
        '  warehouse:',
        '    type: pglite',
        '    pglite:',
        '      dataDir: ${DM_TEST_WAREHOUSE}',
        '  provisioning:',
        '    organization: globex',
        '',
      ].join('\n'),
    );
    const dataDir = path.join(tmp.dir, 'from-config');
    const run = await runDatamesh(
      ['plan', 'orders/data_product_spec.yml', '--config', 'app-config.yaml'],
      { cwd: tmp.dir, env: { DM_TEST_WAREHOUSE: dataDir } },
    );
    expect(run.stderr).toBe(`plan against PGlite in ${dataDir}:\n`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      '+ create schema "globex_sales_dev__web_orders_raw"',
    );
    expect(fs.existsSync(dataDir)).toBe(true);
  });

  it('lets APP_CONFIG_* variables override the config files, as the backend does', async () => {
    tmp.write('orders/data_product_spec.yml', VALID_OAM);
    tmp.write(
      'pipeline-config.yaml',
      [
        'dataMesh:',
        '  warehouse:',
        '    type: postgres',
        '    postgres:',
        '      connection: ${DM_TEST_WAREHOUSE_URL}',
        '',
      ].join('\n'),
    );
    const dataDir = path.join(tmp.dir, 'overridden');
    const env = {
      // a server that is not there: only the override makes the run pass
      DM_TEST_WAREHOUSE_URL: 'postgres://nobody@127.0.0.1:1/none',
      APP_CONFIG_dataMesh_warehouse_type: 'pglite',
      APP_CONFIG_dataMesh_warehouse_pglite_dataDir: dataDir,
      APP_CONFIG_dataMesh_provisioning_organization: 'initech',
    };
    const run = await runDatamesh(
      [
        'plan',
        'orders/data_product_spec.yml',
        '--config',
        'pipeline-config.yaml',
      ],
      { cwd: tmp.dir, env },
    );
    expect(run.stderr).toBe(`plan against PGlite in ${dataDir}:\n`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      '+ create schema "initech_sales_dev__web_orders_raw"',
    );
    // without a config file too
    const bare = await runDatamesh(['plan', 'orders/data_product_spec.yml'], {
      cwd: tmp.dir,
      env,
    });
    expect(bare.code).toBe(0);
    expect(bare.stdout).toContain('"initech_sales_dev__web_orders_raw"');
  });

  /* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectRejected"] }] */
  describe('rejects hostile or invalid input before opening the warehouse', () => {
    const dataDir = () => path.join(tmp.dir, 'never-created');

    async function expectRejected(args: string[], message: RegExp) {
      const run = await runDatamesh([...args, '--data-dir', dataDir()], {
        cwd: tmp.dir,
      });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(message);
      // nothing was opened: PGlite creates its directory on open
      expect(fs.existsSync(dataDir())).toBe(false);
    }

    it('a product name made to inject SQL', async () => {
      tmp.write(
        'hostile/data_product_spec.yml',
        VALID_OAM.replace(
          '- name: Web Orders',
          `- name: 'orders"; DROP ROLE postgres; --'`,
        ),
      );
      await expectRejected(
        ['apply', 'hostile/data_product_spec.yml'],
        /^hostile\/data_product_spec\.yml: components\[1\]\.name: product name 'orders"; DROP ROLE postgres; --' contains '"' and ';'.*\(line 6, column \d+\)$/m,
      );
    });

    it('a stage made to inject SQL', async () => {
      await expectRejected(
        ['apply', 'orders/data_product_spec.yml', '--stage', 'dev"; drop'],
        /^--stage: stage name 'dev"; drop' contains/m,
      );
    });

    it('a stage the platform does not know', async () => {
      await expectRejected(
        ['apply', 'orders/data_product_spec.yml', '--stage', 'qa'],
        /stage 'qa' is not one of the platform's stages \(dev, test, prod\)/,
      );
    });

    it('an organisation in the config made to inject SQL', async () => {
      tmp.write(
        'hostile-config.yaml',
        `dataMesh:\n  provisioning:\n    organization: 'acme"; drop schema public; --'\n`,
      );
      await expectRejected(
        [
          'apply',
          'orders/data_product_spec.yml',
          '--config',
          'hostile-config.yaml',
        ],
        /^config: Invalid dataMesh\.provisioning config:\n\s+organization: /m,
      );
    });

    it('an unknown warehouse type', async () => {
      tmp.write('other.yaml', `dataMesh:\n  warehouse:\n    type: oracle\n`);
      const run = await runDatamesh(
        ['plan', 'orders/data_product_spec.yml', '--config', 'other.yaml'],
        { cwd: tmp.dir },
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        "config: dataMesh.warehouse.type 'oracle' is not one of pglite, postgres, snowflake\n",
      );
    });
  });
});

describe('datamesh plan and apply (Snowflake, through the real driver)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let fake: FakeSnowflake;

  beforeAll(async () => {
    tmp = makeTempDir();
    // the loopback fake of the Snowflake module's test utilities; the CLI
    // reaches it through snowflake-sdk like it would reach Snowflake
    fake = await FakeSnowflake.start();
    const operator = new SnowflakeClient(
      fake.adminLogin({ role: 'ACCOUNTADMIN' }),
    );
    // the platform's own warehouse for metadata queries, made beforehand
    await operator.query(
      'CREATE WAREHOUSE IF NOT EXISTS DATAMESH_ADMIN_WH WITH WAREHOUSE_SIZE = XSMALL INITIALLY_SUSPENDED = TRUE',
    );
    await operator.destroy();
  });
  afterAll(async () => {
    await fake?.stop();
    tmp?.cleanup();
  });

  it('plans, applies, and then finds nothing left to do', async () => {
    tmp.write('orders/data_product_spec.yml', VALID_OAM);
    tmp.write(
      'snowflake.yaml',
      [
        'dataMesh:',
        '  warehouse:',
        '    type: snowflake',
        '    snowflake:',
        '      account: test_account',
        '      username: admin',
        '      password: ${SNOWFLAKE_PASSWORD}',
        '      role: ACCOUNTADMIN',
        '      warehouse: DATAMESH_ADMIN_WH',
        `      accessUrl: ${fake.url}`,
        '',
      ].join('\n'),
    );
    const args = [
      'orders/data_product_spec.yml',
      '--config',
      'snowflake.yaml',
      '--stage',
      'prod',
    ];
    const env = { SNOWFLAKE_PASSWORD: fake.adminPassword };

    const plan = await runDatamesh(['plan', ...args], { cwd: tmp.dir, env });
    expect(plan.stderr).toBe('plan against Snowflake account test_account:\n');
    expect(plan.code).toBe(0);
    expect(lines(plan.stdout)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\+ create compute "?ACME_SALES_WH"?/i),
        expect.stringMatching(/^\+ create database "?ACME_SALES_PROD"?/i),
        expect.stringMatching(/^\+ create schema .*WEB_ORDERS_OUTPUT/i),
      ]),
    );
    const queriesBeforeApply = fake.queries.length;

    const apply = await runDatamesh(['apply', ...args], { cwd: tmp.dir, env });
    expect(apply.code).toBe(0);
    const steps = lines(plan.stdout).filter(l => /^[+~] /.test(l)).length;
    expect(apply.stdout).toContain(`applied ${steps} steps\n`);
    expect(
      fake.queries
        .slice(queriesBeforeApply)
        .some(q =>
          /^CREATE WAREHOUSE IF NOT EXISTS "ACME_SALES_WH"/i.test(q.sqlText),
        ),
    ).toBe(true);

    const again = await runDatamesh(['apply', ...args], { cwd: tmp.dir, env });
    expect(again.code).toBe(0);
    expect(lines(again.stdout)[0]).toBe(
      'no changes: the warehouse matches the declared state',
    );
  });

  it("reports a refused login with the driver's code and message, without the password", async () => {
    const run = await runDatamesh(
      ['plan', 'orders/data_product_spec.yml', '--config', 'snowflake.yaml'],
      { cwd: tmp.dir, env: { SNOWFLAKE_PASSWORD: 'wrong' } },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^plan failed: 390100: Incorrect username or password was specified\.$/m,
    );
    expect(run.stderr).not.toContain('wrong');
  });
});

describe('npx datamesh from the repository root', () => {
  it('is linked into node_modules/.bin', async () => {
    const run = await runDatamesh(['--help'], {
      cwd: REPO_ROOT,
      bin: path.join(REPO_ROOT, 'node_modules/.bin/datamesh'),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: datamesh /);
    for (const command of ['validate', 'convert', 'plan', 'apply']) {
      expect(run.stdout).toContain(`  ${command} `);
    }
  });
});
