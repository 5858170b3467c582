import { Entity } from '@backstage/catalog-model';
import { SourceDocument, formatIssue } from './issues';
import {
  dataProductEntityV1alpha1Validator,
  isDataProductEntity,
  setSpecOrigin,
  validateDataProductEntity,
} from './entity';
import { DataProductEntityV1alpha1 } from './model';

function valid(): DataProductEntityV1alpha1 {
  return {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'patients', title: 'Patients' },
    spec: {
      type: 'source-aligned',
      lifecycle: 'production',
      owner: 'group:default/patient-administration',
      domain: 'domain:default/patient-care',
      certified: true,
      datasets: [
        {
          name: 'patients',
          table: 'CARE_PROD.PATIENTS.PATIENTS',
          columns: [
            {
              name: 'patient_id',
              type: 'varchar(18)',
              classification: 'restricted',
              pii: true,
              primaryKey: true,
            },
            { name: 'birth_year', type: 'integer' },
          ],
        },
      ],
      inputPorts: [
        { name: 'admissions', type: 'dataset', source: 'EHR admissions' },
        {
          name: 'registry',
          type: 'data-product',
          dataProduct: 'dataproduct:default/registry',
          outputPort: 'jdbc',
        },
      ],
      outputPorts: [
        {
          name: 'jdbc',
          type: 'jdbc',
          dataset: 'patients',
          url: 'jdbc:snowflake://acme/',
        },
      ],
      slos: [
        {
          name: 'daily',
          dimension: 'freshness',
          objective: 'Refreshed daily',
          dataset: 'patients',
          target: 0.8,
          window: '20d',
          slice: '1d',
          maxAge: '24h',
        },
      ],
      dataSharingAgreement: { purpose: 'Care', approval: 'Owner approves' },
      infrastructure: {
        stage: 'prod',
        database: 'ACME_CARE_PROD',
        roles: { consumer: 'care_patients_consumer' },
      },
    },
  };
}

describe('dataProductEntityV1alpha1Validator', () => {
  it('accepts a valid DataProduct', async () => {
    await expect(
      dataProductEntityV1alpha1Validator.check(valid()),
    ).resolves.toBe(true);
  });

  it('returns false for other kinds, so the catalog tries other validators', async () => {
    const component: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'x' },
      spec: { type: 'service', owner: 'me', lifecycle: 'production' },
    };
    await expect(
      dataProductEntityV1alpha1Validator.check(component),
    ).resolves.toBe(false);
  });

  it('throws for a DataProduct that breaks the schema', async () => {
    const bad = valid();
    (bad.spec.slos![0] as any).dimension = 'vibes';
    await expect(dataProductEntityV1alpha1Validator.check(bad)).rejects.toThrow(
      /\/spec\/slos\/0\/dimension must be equal to one of the allowed values/,
    );
  });

  it('rejects hostile names through the schema alone', async () => {
    const bad = valid();
    bad.spec.datasets![0].columns[0].name = 'id"; DROP TABLE x; --';
    await expect(dataProductEntityV1alpha1Validator.check(bad)).rejects.toThrow(
      /\/spec\/datasets\/0\/columns\/0\/name must match pattern/,
    );
    const typ = valid();
    typ.spec.datasets![0].columns[0].type = 'int); DROP TABLE x; --';
    await expect(dataProductEntityV1alpha1Validator.check(typ)).rejects.toThrow(
      /type must match pattern/,
    );
  });
});

describe('isDataProductEntity', () => {
  it('tells DataProducts from other entities', () => {
    expect(isDataProductEntity(valid())).toBe(true);
    expect(
      isDataProductEntity({
        ...valid(),
        apiVersion: 'backstage.io/v1alpha1',
      } as Entity),
    ).toBe(false);
    expect(isDataProductEntity(undefined)).toBe(false);
  });
});

const BROKEN = `apiVersion: datamesh.dev/v1alpha1
kind: DataProduct
metadata:
  name: patients
spec:
  type: source-aligned
  lifecycle: production
  owner: patient-administration
  domain: domain:default/patient-care
  certified: Yes
  datasets:
    - name: patients
      columns:
        - name: patient_id
          type: varchar(18)
  slos:
    - name: daily
      objective: Refreshed daily
      dimension: Vibes
      target: 80
      window: 20 days
      dataset: patient
  outputPorts:
    - name: jdbc
      type: jdbc
      dataset: visits
      url: jdbc:snowflake://acme/
  slo: []
`;

describe('validateDataProductEntity', () => {
  it('turns every schema error into a located sentence', () => {
    const source = new SourceDocument(BROKEN, 'catalog-info.yaml');
    const issues = validateDataProductEntity(source.value, source);
    expect(issues.map(formatIssue)).toEqual([
      `catalog-info.yaml: spec.slo: unknown field 'slo'; expected one of type, lifecycle, owner, domain, certified, datasets, inputPorts, outputPorts, slos, dataSharingAgreement, infrastructure (line 28, column 8)`,
      `catalog-info.yaml: spec.certified: must be true or false, not 'Yes' (line 10, column 14)`,
      `catalog-info.yaml: spec.slos[0].dimension: 'Vibes' is not one of availability, completeness, freshness (line 19, column 18)`,
      `catalog-info.yaml: spec.slos[0].target: 80 is out of range: target is a fraction above 0 and at most 1 (80 % is written 0.8) (line 20, column 15)`,
      `catalog-info.yaml: spec.slos[0].window: '20 days' is not a duration; write a whole number and a unit (m, h, d or w), e.g. 20d, 1d or 24h (line 21, column 15)`,
      `catalog-info.yaml: spec.outputPorts[0].dataset: no dataset named 'visits'; the datasets are patients (line 26, column 16)`,
      `catalog-info.yaml: spec.slos[0].dataset: no dataset named 'patient'; the datasets are patients (line 22, column 16)`,
    ]);
  });

  it('checks identifiers, duplicates and SQL collisions', () => {
    const e = valid();
    e.metadata.name = 'select';
    e.spec.datasets!.push({ name: 'patients', columns: [] });
    e.spec.datasets!.push({
      name: 'patient-visits',
      columns: [
        { name: 'order', type: 'int' },
        { name: 'ok', type: 'int' },
        { name: 'ok', type: 'text' },
      ],
    });
    e.spec.datasets!.push({ name: 'patient_visits', columns: [] });
    e.spec.outputPorts!.push({ name: 'admissions', type: 'sql' });
    e.spec.slos!.push({ ...e.spec.slos![0] });
    const issues = validateDataProductEntity(e);
    expect(issues.map(i => `${i.path}: ${i.message}`)).toEqual([
      `metadata.name: product name 'select' is a reserved word in SQL (PostgreSQL or Snowflake); choose another name, e.g. 'selects' or 'select-data'`,
      `spec.datasets[1].name: duplicate dataset name 'patients'`,
      `spec.datasets[3].name: dataset name 'patient_visits' and 'patient-visits' are the same name in SQL (patient_visits)`,
      `spec.datasets[2].columns[0].name: column name 'order' is a reserved word in SQL (PostgreSQL or Snowflake); choose another name, e.g. 'orders' or 'order-data'`,
      `spec.datasets[2].columns[2].name: duplicate column name 'ok'`,
      `spec.inputPorts[0].name: duplicate port name 'admissions'`,
      `spec.slos[1].name: duplicate objective name 'daily'`,
    ]);
    expect(
      issues.every(i => i.severity === 'error' && i.line === undefined),
    ).toBe(true);
  });

  it('checks quality checks: the schema, then the rules it cannot say', async () => {
    const e = valid();
    const [dataset] = e.spec.datasets!;
    dataset.quality = [{ metric: 'rowCount', mustBeGreaterThan: 0 }];
    dataset.columns[0].quality = [
      { metric: 'invalidValues', validValues: ['a', 'b'], mustBe: 0 },
      { metric: 'duplicateValues', mustBe: 0 },
    ];
    expect(validateDataProductEntity(e)).toEqual([]);
    await expect(dataProductEntityV1alpha1Validator.check(e)).resolves.toBe(
      true,
    );

    dataset.quality = [{ metric: 'nullValues', mustBe: 0 }];
    dataset.columns[0].quality = [
      { metric: 'invalidValues', mustBe: 0 },
      { metric: 'duplicateValues', mustBe: 0, mustBeLessThan: 2 },
      // a value that would reach SQL as a literal with a line break
      { metric: 'invalidValues', validValues: ["x'\n--"], mustBe: 0 },
      { metric: 'rowCount', unit: 'rows', sql: 'DROP TABLE x' } as any,
    ];
    expect(
      validateDataProductEntity(e).map(i => `${i.path}: ${i.message}`),
    ).toEqual([
      `spec.datasets[0].columns[0].quality[3].sql: unknown field 'sql'; expected one of name, description, type, metric, mustBe, mustNotBe, mustBeGreaterThan, mustBeGreaterOrEqualTo, mustBeLessThan, mustBeLessOrEqualTo, mustBeBetween, mustNotBeBetween, unit, validValues, missingValues, pattern, query, severity, dimension, schedule, scheduler, columns`,
      `spec.datasets[0].quality[0].metric: nullValues is about a column's values: write it under that column`,
      'spec.datasets[0].columns[0].quality[0]: invalidValues needs the values the column may hold: list them in arguments.validValues, or give arguments.pattern',
      'spec.datasets[0].columns[0].quality[1]: a quality check compares once; it has mustBe and mustBeLessThan',
      `spec.datasets[0].columns[0].quality[2].validValues[0]: "x'\\n--" cannot be listed: a value is a number or one line of text of at most 200 characters`,
      `spec.datasets[0].columns[0].quality[3].metric: rowCount counts a table's rows: write it under the dataset, not a column`,
    ]);
    await expect(dataProductEntityV1alpha1Validator.check(e)).rejects.toThrow();
  });

  it('requires data-product input ports to name the product and the port', () => {
    const e = valid();
    e.spec.inputPorts = [
      { name: 'a', type: 'data-product' },
      {
        name: 'b',
        type: 'data-product',
        dataProduct: 'component:default/registry',
        outputPort: 'JDBC Port',
      },
      {
        name: 'c',
        type: 'data-product',
        dataProduct: 'patients',
        outputPort: 'jdbc',
      },
    ];
    expect(
      validateDataProductEntity(e).map(i => `${i.path}: ${i.message}`),
    ).toEqual([
      `spec.inputPorts[0]: an input port of type data-product must say which product it consumes: add dataProduct (e.g. dataproduct:default/patients)`,
      `spec.inputPorts[0]: an input port of type data-product must name the upstream product's output port: add outputPort`,
      `spec.inputPorts[1].dataProduct: 'component:default/registry' refers to a component, not a DataProduct`,
      `spec.inputPorts[1].outputPort: port name 'JDBC Port' contains spaces and upper-case letters: use only lowercase letters, digits, _ and -`,
      `spec.inputPorts[2].dataProduct: a data product cannot consume its own output port`,
    ]);
  });

  it('takes personal data in clear only from another product, and asks why', () => {
    const e = valid();
    e.spec.inputPorts = [
      {
        name: 'a',
        type: 'data-product',
        dataProduct: 'registry',
        outputPort: 'jdbc',
        personalDataInClear: true,
      },
      {
        name: 'b',
        type: 'data-product',
        dataProduct: 'registry',
        outputPort: 'jdbc',
        description: 'Names for the letters',
        personalDataInClear: true,
      },
      { name: 'c', type: 'dataset', personalDataInClear: true },
    ];
    expect(
      validateDataProductEntity(e).map(
        i => `${i.severity} ${i.path}: ${i.message}`,
      ),
    ).toEqual([
      'warning spec.inputPorts[0]: an input port that reads personal data in clear should say why: add a description',
      "error spec.inputPorts[2].personalDataInClear: personalDataInClear is only meaningful for an input port of type data-product (it asks the upstream product's owners for personal data in clear), not dataset",
    ]);
  });

  it('checks owner and domain references', () => {
    const e = valid();
    e.spec.owner = 'component:default/x';
    e.spec.domain = 'domain:default/Patient Care';
    expect(
      validateDataProductEntity(e).map(i => `${i.path}: ${i.message}`),
    ).toEqual([
      `spec.domain: domain name 'Patient Care' contains spaces and upper-case letters: use only lowercase letters, digits, _ and -`,
      `spec.owner: 'component:default/x' refers to a component; the owner must be a Group or a User`,
    ]);
  });

  it('reports missing fields where they must be added', () => {
    const source = new SourceDocument(
      'apiVersion: datamesh.dev/v1alpha1\nkind: DataProduct\nmetadata:\n  name: patients\nspec:\n  type: aggregate\n',
    );
    expect(
      validateDataProductEntity(source.value, source).map(formatIssue),
    ).toEqual([
      `spec: missing required field 'lifecycle' (line 6, column 3)`,
      `spec: missing required field 'owner' (line 6, column 3)`,
      `spec: missing required field 'domain' (line 6, column 3)`,
      `spec: missing required field 'certified' (line 6, column 3)`,
    ]);
  });

  it('reports envelope problems that Backstage itself would reject', () => {
    const e = valid() as any;
    e.metadata.name = 42;
    const messages = validateDataProductEntity(e).map(
      i => `${i.path}: ${i.message}`,
    );
    expect(messages).toEqual(['metadata.name: must be string - type: string']);
  });

  it('warns when objectives have no dataset to measure', () => {
    const e = valid();
    delete e.spec.datasets;
    delete e.spec.outputPorts![0].dataset;
    delete e.spec.slos![0].dataset;
    const issues = validateDataProductEntity(e);
    expect(issues).toEqual([
      {
        severity: 'warning',
        path: 'spec.slos',
        message:
          'objectives are measured on a dataset, but the product has no datasets',
        file: undefined,
      },
    ]);
  });

  it('locates problems through recorded origins when the format is shaped differently', () => {
    const text =
      'components:\n  - name: Patients\n    type: data-product\n    properties:\n      certified: maybe\n';
    const source = new SourceDocument(text, 'data_product_spec.yml');
    const e = valid();
    (e.spec as any).certified = 'maybe';
    setSpecOrigin(e, ['components', 0]);
    setSpecOrigin(e.spec, ['components', 0], {
      certified: ['components', 0, 'properties', 'certified'],
    });
    const [issue] = validateDataProductEntity(e, source);
    expect(formatIssue(issue)).toBe(
      `data_product_spec.yml: components[0].properties.certified: must be true or false, not 'maybe' (line 5, column 18)`,
    );
  });

  it('survives documents that are not entities at all', () => {
    expect(validateDataProductEntity('hello').map(i => i.message)).toEqual([
      'a data product must be a mapping with apiVersion, kind, metadata and spec',
    ]);
    expect(
      validateDataProductEntity({ spec: { datasets: 'x', slos: [null] } })
        .length,
    ).toBeGreaterThan(0);
  });
});
