import { testDataProduct } from '../testUtils/products';
import { computeDesiredState } from './desiredState';
import {
  DEFAULT_PLATFORM_CONFIG,
  platformConfig,
  validatePlatformConfig,
} from './platform';

describe('computeDesiredState', () => {
  it('names objects from the default templates', () => {
    const { desired, issues } = computeDesiredState(
      [
        testDataProduct('patient-visits', 'care'),
        testDataProduct('orders', 'sales', { stage: 'prod' }),
      ],
      DEFAULT_PLATFORM_CONFIG,
    );
    expect(issues).toEqual([]);
    expect(desired!.products).toEqual([
      {
        entityRef: 'dataproduct:default/patient-visits',
        stage: 'dev',
        compute: 'acme_care_wh',
        database: 'acme_care_dev',
        schemas: {
          raw: 'patient_visits_raw',
          intermediate: 'patient_visits_intermediates',
          output: 'patient_visits_output',
        },
        outputSchema: 'patient_visits_output',
        roles: {
          consumer: 'care_patient_visits_consumer',
          service: 'care_patient_visits_service',
          owner: 'care_patient_visits_owner',
        },
      },
      expect.objectContaining({
        database: 'acme_sales_prod',
        stage: 'prod',
        compute: 'acme_sales_wh',
      }),
    ]);
    expect(desired!.computes.map(c => c.name)).toEqual([
      'acme_care_wh',
      'acme_sales_wh',
    ]);
    expect(
      desired!.schemas.every(s =>
        s.comment?.startsWith('datamesh:dataproduct:default/'),
      ),
    ).toBe(true);
  });

  it('shares compute per domain and database per organisation-domain-stage', () => {
    const { desired } = computeDesiredState(
      [
        testDataProduct('a', 'sales'),
        testDataProduct('b', 'sales'),
        testDataProduct('c', 'sales', { stage: 'prod' }),
      ],
      DEFAULT_PLATFORM_CONFIG,
    );
    expect(desired!.computes.map(c => c.name)).toEqual(['acme_sales_wh']);
    expect(desired!.databases.map(d => d.name)).toEqual([
      'acme_sales_dev',
      'acme_sales_prod',
    ]);
    expect(desired!.roles).toHaveLength(9);
    expect(desired!.schemas).toHaveLength(9);
  });

  it('gives the consumer the output layer only and the service role everything', () => {
    const { desired } = computeDesiredState(
      [testDataProduct('orders', 'sales')],
      DEFAULT_PLATFORM_CONFIG,
    );
    const to = (role: string) =>
      desired!.grants
        .filter(g => g.grantee === role)
        .map(
          g =>
            `${g.target.type}:${
              'schema' in g.target ? g.target.schema : g.target.name
            }:${g.privilege}`,
        )
        .sort();
    expect(to('sales_orders_consumer')).toEqual([
      'compute:acme_sales_wh:usage',
      'database:acme_sales_dev:usage',
      'future-tables:orders_output:select',
      'future-tables:orders_output:select',
      'schema:orders_output:usage',
      'tables:orders_output:select',
    ]);
    const service = to('sales_orders_service');
    for (const layer of ['raw', 'intermediates', 'output']) {
      for (const p of ['select', 'insert', 'update', 'delete', 'truncate']) {
        expect(service).toContain(`tables:orders_${layer}:${p}`);
        expect(service).toContain(`future-tables:orders_${layer}:${p}`);
      }
      expect(service).toContain(`schema:orders_${layer}:create`);
    }
    expect(to('sales_orders_owner')).toEqual([]);
    expect(desired!.memberships).toEqual([
      { role: 'sales_orders_consumer', member: 'sales_orders_service' },
      { role: 'sales_orders_service', member: 'sales_orders_owner' },
    ]);
    expect(desired!.schemas.every(s => s.owner === 'sales_orders_owner')).toBe(
      true,
    );
  });

  it('grants the owner role to the parent role when one is configured', () => {
    const { desired } = computeDesiredState(
      [testDataProduct('orders', 'sales')],
      platformConfig({ parentRole: 'SYSADMIN' }),
    );
    expect(desired!.memberships).toContainEqual({
      role: 'sales_orders_owner',
      member: 'SYSADMIN',
    });
  });

  it('returns located issues for invalid names and stages, and no state', () => {
    const { desired, issues } = computeDesiredState(
      [
        testDataProduct('orders"; drop table x; --', 'sales'),
        testDataProduct('ok', 'Sales'),
        testDataProduct('fine', 'sales', { stage: 'qa' }),
      ],
      DEFAULT_PLATFORM_CONFIG,
    );
    expect(desired).toBeUndefined();
    expect(issues.map(i => i.path)).toEqual([
      'metadata.name',
      'spec.domain',
      'spec.infrastructure.stage',
    ]);
    expect(issues[2].message).toContain(
      "stage 'qa' is not one of the platform's stages (dev, test, prod)",
    );
  });

  it('refuses composed names longer than 63 characters', () => {
    const { issues } = computeDesiredState(
      [testDataProduct('a'.repeat(32), 'b'.repeat(20))],
      platformConfig({
        naming: { role: '{org}_{domain}_{stage}_{product}_{role}' },
      }),
    );
    expect(issues[0].message).toMatch(
      /role name '.*' is \d+ characters long; at most 63/,
    );
  });

  it('detects two products composing the same names', () => {
    // `<domain>_<product>` is ambiguous once names contain `_`
    const { desired, issues } = computeDesiredState(
      [testDataProduct('c', 'a_b'), testDataProduct('b_c', 'a')],
      DEFAULT_PLATFORM_CONFIG,
    );
    expect(desired).toBeUndefined();
    expect(issues[0].message).toContain(
      "dataproduct:default/b_c: role 'a_b_c_consumer' is also the name of a role of dataproduct:default/c",
    );
  });

  it('counts the same product listed twice once', () => {
    const p = testDataProduct('orders', 'sales');
    const { desired } = computeDesiredState([p, p], DEFAULT_PLATFORM_CONFIG);
    expect(desired!.roles).toHaveLength(3);
  });
});

describe('validatePlatformConfig', () => {
  it('accepts the defaults', () => {
    expect(validatePlatformConfig(DEFAULT_PLATFORM_CONFIG)).toEqual([]);
  });

  it('rejects unknown and missing tokens, stray characters and suffix-ambiguous names', () => {
    const problems = validatePlatformConfig(
      platformConfig({
        organization: 'Acme',
        stages: ['dev', 'pre_dev'],
        naming: {
          schema: '{product}',
          role: '{product}_{role}_{layer}',
          database: '{org}_{domain}_{stage}";',
        },
        layers: { raw: 'raw', intermediate: 'more_raw' },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^organization: /),
        "stages: 'pre_dev' ends with '_dev', so composed names could collide; rename one of them",
        "naming.schema: '{product}' must contain {layer}, or names of different products would collide",
        expect.stringMatching(/^naming.role: unknown token \{layer\}/),
        expect.stringMatching(
          /^naming.database: .* may contain only lowercase letters/,
        ),
        "layers: 'more_raw' ends with '_raw', so composed names could collide; rename one of them",
      ]),
    );
  });

  it('makes computeDesiredState fail with the config problems', () => {
    const { desired, issues } = computeDesiredState(
      [testDataProduct('orders', 'sales')],
      platformConfig({ defaultStage: 'qa' }),
    );
    expect(desired).toBeUndefined();
    expect(issues[0]).toMatchObject({ path: 'dataMesh.provisioning' });
  });
});
