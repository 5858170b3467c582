import { readFileSync } from 'fs';
import { join } from 'path';
import { SourceDocument, formatIssue } from '../issues';
import { readDataProductSpec } from '../read';
import { dataProductEntityV1alpha1Validator } from '../entity';
import { readOam, repairOamText } from './oam';

const SEED = readFileSync(
  join(__dirname, '__fixtures__', 'oam', 'data_product_spec.yml'),
  'utf8',
);
const FILE = 'data_product_spec.yml';

function read(text: string) {
  return readDataProductSpec(text, { file: FILE, format: 'oam' });
}
function messages(text: string) {
  return read(text).issues.map(formatIssue);
}

describe('readOam: the seed article example', () => {
  it('reads every component into the canonical model', async () => {
    const result = read(SEED);
    expect(result.issues).toEqual([]);
    expect(result.format).toBe('oam');
    expect(result.entity).toEqual({
      apiVersion: 'datamesh.dev/v1alpha1',
      kind: 'DataProduct',
      metadata: {
        name: 'patient-encounters',
        title: 'Patient Encounters',
        description:
          'Every admission, visit and discharge across all hospitals, one row per encounter',
        annotations: { 'datamesh.dev/spec-format': 'oam' },
      },
      spec: {
        type: 'source-aligned',
        lifecycle: 'experimental',
        owner: 'group:default/encounters-team',
        domain: 'domain:default/patient-care',
        certified: false,
        datasets: [
          {
            name: 'patient_encounters',
            title: 'Dataset of DP Patient Encounters',
            description: 'Encounters from the EHR, cleaned and conformed',
            table: 'CARE_PROD.PATIENT_ENCOUNTERS.PATIENT_ENCOUNTERS',
            columns: [],
          },
        ],
        outputPorts: [
          {
            name: 'jdbc-port-of-dp-patient-encounters',
            title: 'JDBC-Port of DP Patient Encounters',
            description:
              'You can connect to this JDBC-Port by downloading the Snowflake JDBC Connector.',
            type: 'jdbc',
            dataset: 'patient_encounters',
            url: 'jdbc:snowflake://acme-health.snowflakecomputing.com/?private_key_file=&warehouse=PATIENT_CARE_WH',
          },
        ],
        inputPorts: [
          {
            name: 'input-from-ehr-admissions-extract',
            title: 'Input from EHR admissions extract',
            description:
              'Nightly Talend extract of the EHR admissions table into the staging layer',
            type: 'dataset',
          },
          {
            name: 'input-from-dp-patients',
            title: 'Input from DP Patients',
            description: 'Data is consumed from Patients',
            type: 'data-product',
            dataProduct: 'dataproduct:default/patients',
            outputPort: 'jdbc-port-of-dp-patients',
          },
        ],
        slos: [
          {
            name: 'data-is-refreshed-daily',
            title: 'Data is refreshed daily',
            dimension: 'freshness',
            objective:
              'Data for this data product shall get refreshed every day at least once.',
            indicator: {
              name: 'Daily data refresh indicator over 20-day rolling period',
              description:
                'This service level indicator has a passing value (in percentage) which represents the freshness of the data product in the past 20 days for every day.We expect this percentage to be above 80 most of the time and any value above 80 represents that the data product can be trusted with the latest data.',
            },
          },
        ],
        dataSharingAgreement: {
          instructions: 'Instructions To access this data product',
        },
      },
    });
    await expect(
      dataProductEntityV1alpha1Validator.check(result.entity!),
    ).resolves.toBe(true);
  });

  it('links an output port named by another product to that product', () => {
    // "JDBC-Port of DP Patients" is the port the upstream product's own
    // spec declares; both sides derive the same identifier from it
    const consumes = SEED.slice(
      SEED.indexOf("- name: 'Input from DP Patients'"),
      SEED.indexOf('# Service Level Objectives'),
    );
    const upstream = read(
      SEED.replace(consumes, '')
        .replace(/Patient Encounters/g, 'Patients')
        .replace('PATIENT_ENCOUNTERS.PATIENT_ENCOUNTERS', 'PATIENTS.PATIENTS'),
    ).entity!;
    const downstream = read(SEED).entity!;
    expect(upstream.metadata.name).toBe('patients');
    expect(downstream.spec.inputPorts![1]).toMatchObject({
      dataProduct: `dataproduct:default/${upstream.metadata.name}`,
      outputPort: upstream.spec.outputPorts![0].name,
    });
  });
});

const PLAIN = `apiVersion: core.oam.dev/v1beta1
kind: DataProduct
spec:
  components:
    - name: care
      type: domain
    - name: readmission-features
      type: data-product
      properties:
        description: Features for the 30-day readmission model
        data_product_owner: group:default/population-health
        data_product_type: Aggregated
        certified: true
        lifecycle: Production
        tags: [ml, readmission]
    - name: Readmission features
      type: data-set
      properties:
        table_name: CARE_PROD.READMISSION_FEATURES.FEATURES
        columns:
          - name: patient_id
            type: varchar(18)
            classification: Restricted
            pii: Yes
            primary_key: yes
          - name: readmitted_30d
            type: boolean
            description: Readmitted within 30 days of discharge
    - name: features-sql
      type: output-port
      properties:
        port_type: SQL
        dataset: { value: Readmission features }
        url: postgresql://warehouse.acme.internal/care_prod
    - name: encounters
      type: input-port
      properties:
        associated_output_port: patient-encounters/jdbc-port-of-dp-patient-encounters
    - name: lab-results
      type: input-port
      properties:
        associated_data_product: Lab Results
        associated_output_port: JDBC-Port
    - name: registry
      type: input-port
      properties:
        associated_data_product: dataproduct:registry/patient-registry
        associated_output_port: sql
    - name: Features complete
      type: service-level-asset
      properties:
        dimension: COMPLETENESS
        target: 95%
        window: 20 days
        slice: daily
        tolerance: 5%
        dataset: features
    - name: Features fresh
      type: service-level-asset
      properties:
        description: Rebuilt every night
        dimension: freshness
        max_age: 24 hours
    - name: Nightly refresh
      type: service-level-indicator
      properties:
        service_level_name: Features fresh
        window: 4w
        target: 0.9
    - name: Access
      type: data-sharing-agreement
      properties:
        description: Request the consumer role in the portal
        purpose: Readmission risk modelling
        usage: Aggregate reporting only
        limitations: No re-identification
        approval: The population health team approves within 2 working days
        termination: Access ends with the project
`;

describe('readOam: spec.components with plain properties', () => {
  it('maps every property', () => {
    const result = read(PLAIN);
    expect(result.issues).toEqual([]);
    const e = result.entity!;
    expect(e.metadata).toEqual({
      name: 'readmission-features',
      description: 'Features for the 30-day readmission model',
      tags: ['ml', 'readmission'],
      annotations: { 'datamesh.dev/spec-format': 'oam' },
    });
    expect(e.spec).toEqual({
      type: 'aggregate',
      lifecycle: 'production',
      owner: 'group:default/population-health',
      domain: 'domain:default/care',
      certified: true,
      datasets: [
        {
          name: 'features',
          title: 'Readmission features',
          table: 'CARE_PROD.READMISSION_FEATURES.FEATURES',
          columns: [
            {
              name: 'patient_id',
              type: 'varchar(18)',
              classification: 'restricted',
              pii: true,
              primaryKey: true,
            },
            {
              name: 'readmitted_30d',
              type: 'boolean',
              description: 'Readmitted within 30 days of discharge',
            },
          ],
        },
      ],
      outputPorts: [
        {
          name: 'features-sql',
          type: 'sql',
          dataset: 'features',
          url: 'postgresql://warehouse.acme.internal/care_prod',
        },
      ],
      inputPorts: [
        {
          name: 'encounters',
          type: 'data-product',
          dataProduct: 'dataproduct:default/patient-encounters',
          outputPort: 'jdbc-port-of-dp-patient-encounters',
        },
        {
          name: 'lab-results',
          type: 'data-product',
          dataProduct: 'dataproduct:default/lab-results',
          outputPort: 'jdbc-port',
        },
        {
          name: 'registry',
          type: 'data-product',
          dataProduct: 'dataproduct:registry/patient-registry',
          outputPort: 'sql',
        },
      ],
      slos: [
        {
          name: 'features-complete',
          title: 'Features complete',
          dimension: 'completeness',
          objective: 'Features complete',
          dataset: 'features',
          target: 0.95,
          window: '20d',
          slice: '1d',
          tolerance: 0.05,
        },
        {
          name: 'features-fresh',
          title: 'Features fresh',
          dimension: 'freshness',
          objective: 'Rebuilt every night',
          maxAge: '24h',
          window: '4w',
          target: 0.9,
          indicator: { name: 'Nightly refresh' },
        },
      ],
      dataSharingAgreement: {
        instructions: 'Request the consumer role in the portal',
        purpose: 'Readmission risk modelling',
        usage: 'Aggregate reporting only',
        limitations: 'No re-identification',
        approval: 'The population health team approves within 2 working days',
        termination: 'Access ends with the project',
      },
    });
  });

  it('reads the same under components: as under spec.components:', () => {
    const top = PLAIN.replace('spec:\n  components:\n', 'components:\n');
    expect(read(top).entity!.spec).toEqual(read(PLAIN).entity!.spec);
  });

  it('reads critical_data_element (and criticalDataElement) of a column', () => {
    const columnOf = (line: string) =>
      read(
        PLAIN.replace(
          '            primary_key: yes\n',
          `            primary_key: yes\n            ${line}\n`,
        ),
      ).entity!.spec.datasets![0].columns[0];
    expect(columnOf('critical_data_element: yes')).toMatchObject({
      name: 'patient_id',
      criticalDataElement: true,
    });
    expect(columnOf('criticalDataElement: No').criticalDataElement).toBe(false);
    expect(read(PLAIN).entity!.spec.datasets![0].columns[0]).not.toHaveProperty(
      'criticalDataElement',
    );
  });

  it('reads quality checks of a data set and its columns, and locates their problems', async () => {
    const withQuality = (dataset: string, column: string) =>
      PLAIN.replace(
        '        table_name: CARE_PROD.READMISSION_FEATURES.FEATURES\n',
        `        table_name: CARE_PROD.READMISSION_FEATURES.FEATURES\n${dataset}`,
      ).replace(
        '            primary_key: yes\n',
        `            primary_key: yes\n${column}`,
      );
    const good = read(
      withQuality(
        '        quality:\n          - metric: rowCount\n            mustBeGreaterThan: 0\n',
        '            quality:\n              - metric: duplicateValues\n                mustBe: 0\n',
      ),
    );
    expect(good.issues).toEqual([]);
    const dataset = good.entity!.spec.datasets![0];
    expect(dataset.quality).toEqual([
      { metric: 'rowCount', mustBeGreaterThan: 0 },
    ]);
    expect(dataset.columns[0].quality).toEqual([
      { metric: 'duplicateValues', mustBe: 0 },
    ]);
    await expect(
      dataProductEntityV1alpha1Validator.check(good.entity!),
    ).resolves.toBe(true);
    const bad = read(
      withQuality(
        '        quality:\n          - metric: nullValues\n            mustBe: 0\n',
        '            quality:\n              - metric: duplicateValues\n                mustBe: none\n',
      ),
    );
    expect(bad.issues.map(formatIssue)).toEqual([
      "data_product_spec.yml: spec.components[2].properties.quality[0].metric: nullValues is about a column's values: write it under that column (line 21, column 21)",
      "data_product_spec.yml: spec.components[2].properties.columns[0].quality[0].mustBe: mustBe takes a number, not 'none' (line 31, column 25)",
    ]);
  });

  it('reads duplicates over several columns of a data set, and locates a column it does not have', () => {
    const key = (columns: string) =>
      read(
        PLAIN.replace(
          '        table_name: CARE_PROD.READMISSION_FEATURES.FEATURES\n',
          `        table_name: CARE_PROD.READMISSION_FEATURES.FEATURES\n        quality:\n          - metric: duplicateValues\n            mustBe: 0\n            arguments:\n              properties: [${columns}]\n`,
        ),
      );
    const good = key('patient_id, readmitted_30d');
    expect(good.issues).toEqual([]);
    expect(good.entity!.spec.datasets![0].quality).toEqual([
      {
        metric: 'duplicateValues',
        mustBe: 0,
        columns: ['patient_id', 'readmitted_30d'],
      },
    ]);
    expect(key('patient_id, visit_id').issues.map(formatIssue)).toEqual([
      "data_product_spec.yml: spec.components[2].properties.quality[0].arguments.properties[1]: column 'visit_id' is not a column of this dataset (line 24, column 40)",
    ]);
  });

  it('accepts the other spellings of the product type', () => {
    for (const [written, type] of [
      ['Source Aligned', 'source-aligned'],
      ['source oriented', 'source-aligned'],
      ['Aggregate', 'aggregate'],
      ['CONSUMER ORIENTED', 'consumer-aligned'],
      ['Consumer Aligned', 'consumer-aligned'],
      ['consumer-aligned', 'consumer-aligned'],
    ]) {
      const e = read(PLAIN.replace('Aggregated', written)).entity!;
      expect(e.spec.type).toBe(type);
    }
  });
});

describe('readOam: broken specs', () => {
  it('reports a wrong dimension at its line', () => {
    const result = read(SEED.replace("value: 'Freshness'", "value: 'Vibes'"));
    expect(result.entity).toBeUndefined();
    expect(result.issues.map(formatIssue)).toEqual([
      `data_product_spec.yml: components[6].properties.dimension: 'Vibes' is not one of availability, completeness, freshness (line 62, column 9)`,
    ]);
    expect(result.issues[0]).toMatchObject({ severity: 'error', line: 62 });
  });

  it('reports an indicator that names a missing objective', () => {
    const result = read(
      SEED.replace(
        "service_level_name:\n        value: 'Data is refreshed daily'",
        "service_level_name:\n        value: 'Data is refreshed hourly'",
      ),
    );
    expect(result.entity).toBeUndefined();
    expect(result.issues.map(formatIssue)).toEqual([
      `data_product_spec.yml: components[7].properties.service_level_name: no service-level-asset named 'Data is refreshed hourly'; the service-level-assets are 'Data is refreshed daily' (line 76, column 9)`,
    ]);
  });

  it('reports unknown component types', () => {
    expect(
      messages(
        SEED.replace(
          'type: data-sharing-agreement',
          'type: data-sharing-agrement',
        ),
      ),
    ).toEqual([
      `data_product_spec.yml: components[8].type: unknown component type 'data-sharing-agrement'; use one of domain, data-product, data-set, output-port, input-port, service-level-asset, service-level-indicator, data-sharing-agreement (line 79, column 11)`,
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const result = read(
      SEED.replace(
        "        value: 'Source Oriented'",
        "        value: 'Source Oriented",
      ),
    );
    expect(result.entity).toBeUndefined();
    expect(result.issues.map(formatIssue)).toEqual([
      `data_product_spec.yml: invalid YAML: Missing closing 'quote (line 21, column 32)`,
    ]);
  });

  it('reports missing and unreadable product fields', () => {
    const text = `components:
  - name: patients
    type: data-product
    properties:
      data_product_type: Golden
      certified: maybe
`;
    expect(messages(text)).toEqual([
      `data_product_spec.yml: components: no domain component; add one, e.g. - name: clinical\n  type: domain (line 2, column 3)`,
      `data_product_spec.yml: components[0].properties.data_product_type: 'Golden' is not a data product type; use one of Source Aligned (or Source Oriented), Aggregate (or Aggregated), Consumer Aligned (or Consumer Oriented) (line 5, column 26)`,
      `data_product_spec.yml: components[0]: data product 'patients' needs a data_product_owner: the team that owns it, e.g. patient-administration or group:default/patient-administration (line 2, column 5)`,
      `data_product_spec.yml: components[0].properties.certified: 'maybe' is not a yes/no value; write Yes or No (line 6, column 18)`,
    ]);
  });

  it('reports a spec without components, or without a product', () => {
    expect(
      messages('apiVersion: core.oam.dev/v1beta1\nkind: DataProduct\n'),
    ).toEqual([
      `data_product_spec.yml: no components: list the components (domain, data-product, data-set, ...) under components: (line 1, column 1)`,
    ]);
    expect(messages('components:\n  - name: care\n    type: domain\n')).toEqual(
      [
        `data_product_spec.yml: components: no data-product component; add one, e.g. - name: patients\n  type: data-product (line 2, column 3)`,
      ],
    );
  });

  it('reports an input port whose upstream product cannot be told', () => {
    const result = read(
      PLAIN.replace(
        'associated_output_port: sql',
        'associated_output_port: sql',
      ).replace(
        'associated_output_port: patient-encounters/jdbc-port-of-dp-patient-encounters',
        'associated_output_port: JDBC-Port',
      ),
    );
    expect(result.issues.map(formatIssue)).toEqual([
      `data_product_spec.yml: spec.components[4].properties.associated_output_port: cannot tell which data product owns output port 'JDBC-Port'; add associated_data_product: <product name>, or write the port as <product>/<port> (line 38, column 33)`,
    ]);
  });

  it('reports objective and indicator problems', () => {
    const text = PLAIN.replace('target: 95%', 'target: 180%')
      .replace('window: 20 days', 'window: a while')
      .replace('max_age: 24 hours', 'max_age: 24 hours\n        window: 2w');
    expect(messages(text)).toEqual([
      `data_product_spec.yml: spec.components[7].properties.target: '180%' is not a target; write a percentage above 0 and at most 100, e.g. 80% (or 0.8) (line 53, column 17)`,
      `data_product_spec.yml: spec.components[7].properties.window: 'a while' is not a duration; write a whole number and a unit (m, h, d or w), e.g. 20d, 1d or 24h (line 54, column 17)`,
      `data_product_spec.yml: spec.components[9].properties.window: objective 'Features fresh' already sets window 2w; set it in one place (line 69, column 17)`,
    ]);
  });

  it('reports a second indicator for one objective, and an indicator without objective', () => {
    const text = `${PLAIN}    - name: Another indicator
      type: service-level-indicator
      properties:
        service_level_name: Features fresh
    - name: Lonely indicator
      type: service-level-indicator
`;
    expect(messages(text)).toEqual([
      `data_product_spec.yml: spec.components[11].properties.service_level_name: objective 'Features fresh' already has an indicator ('Nightly refresh'); an objective is measured by one indicator (line 82, column 29)`,
      `data_product_spec.yml: spec.components[12]: service-level-indicator 'Lonely indicator' must name the objective it measures in service_level_name (line 83, column 7)`,
    ]);
  });

  it('reports references to datasets that do not exist, at the property', () => {
    expect(
      messages(PLAIN.replace('dataset: features', 'dataset: feature')),
    ).toEqual([
      `data_product_spec.yml: spec.components[7].properties.dataset: no dataset named 'feature'; the datasets are features (line 57, column 18)`,
    ]);
  });

  it('reports two names that become the same identifier', () => {
    const text = PLAIN.replace('- name: encounters', '- name: Features SQL');
    expect(messages(text)).toEqual([
      `data_product_spec.yml: spec.components[4].name: duplicate port name 'features-sql' (line 35, column 13)`,
    ]);
  });

  it('reports an output port whose type cannot be told', () => {
    expect(messages(PLAIN.replace('        port_type: SQL\n', ''))).toEqual([
      `data_product_spec.yml: spec.components[3]: output port 'features-sql' needs a port_type (e.g. jdbc, sql, api, file) or a jdbc: url (line 29, column 7)`,
    ]);
  });

  it('warns about unknown properties but still reads the spec', () => {
    const result = read(
      PLAIN.replace(
        'max_age: 24 hours',
        'max_age: 24 hours\n        maxage: 12h',
      ),
    );
    expect(result.entity).toBeDefined();
    expect(result.issues.map(formatIssue)).toEqual([
      `data_product_spec.yml: spec.components[8].properties.maxage: unknown property 'maxage' for a service-level-asset component; known properties are description, dimension, dimension_domain, target, window, slice, max_age, refresh_interval, tolerance, dataset (line 64, column 17)`,
    ]);
    expect(result.issues[0].severity).toBe('warning');
  });
});

describe('readOam: hostile names', () => {
  it.each([
    [
      'patients"; DROP TABLE x; --',
      `product name 'patients"; DROP TABLE x; --' contains '"' and ';'; a name may only contain letters, digits, spaces, _, - and .`,
    ],
    [
      '../../etc/passwd',
      `product name '../../etc/passwd' contains '/'; a name may only contain letters, digits, spaces, _, - and .`,
    ],
    [
      'p'.repeat(300),
      `product name '${'p'.repeat(
        37,
      )}...' is 300 characters long; a product name may have at most 32`,
    ],
    [
      'select',
      `product name 'select' is a reserved word in SQL (PostgreSQL or Snowflake); choose another name, e.g. 'selects' or 'select-data'`,
    ],
  ])('rejects the product name %s', (name, message) => {
    const result = read(
      PLAIN.replace('- name: readmission-features', `- name: '${name}'`),
    );
    expect(result.entity).toBeUndefined();
    expect(result.issues.map(formatIssue)).toEqual([
      `data_product_spec.yml: spec.components[1].name: ${message} (line 7, column 13)`,
    ]);
  });

  it('rejects hostile dataset, port and column names', () => {
    const text = PLAIN.replace(
      '- name: Readmission features',
      "- name: '../../etc/passwd'",
    )
      .replace(
        '        table_name: CARE_PROD.READMISSION_FEATURES.FEATURES\n',
        '',
      )
      .replace(
        'dataset: { value: Readmission features }',
        "dataset: { value: '../../etc/passwd' }",
      )
      .replace('dataset: features', "dataset: '../../etc/passwd'")
      .replace('- name: readmitted_30d', '- name: "x; DELETE FROM y"')
      .replace('- name: features-sql', '- name: select');
    expect(messages(text)).toEqual([
      `data_product_spec.yml: spec.components[2].name: dataset name '../../etc/passwd' contains '/'; a name may only contain letters, digits, spaces, _, - and . (line 16, column 13)`,
      `data_product_spec.yml: spec.components[3].name: port name 'select' is a reserved word in SQL (PostgreSQL or Snowflake); choose another name, e.g. 'selects' or 'select-data' (line 28, column 13)`,
      `data_product_spec.yml: spec.components[2].properties.columns[1].name: column name 'x; DELETE FROM y' contains ';', spaces and upper-case letters: use only lowercase letters, digits, _ and - (line 25, column 19)`,
    ]);
  });

  it("rejects the seed's own stray quote in a port name", () => {
    const text = SEED.replace(
      "- name: 'Input from DP Patients'",
      `- name: 'Input from DP Patients"'`,
    );
    expect(messages(text)).toEqual([
      `data_product_spec.yml: components[5].name: port name 'Input from DP Patients"' contains '"'; a name may only contain letters, digits, spaces, _, - and . (line 48, column 11)`,
    ]);
  });
});

describe('readOam: personal data an input reads in clear', () => {
  const INPUT = `      associated_output_port:
        value: 'JDBC-Port of DP Patients'
`;
  it('reads personal_data_in_clear of an input that reads another product', () => {
    const result = read(
      SEED.replace(
        INPUT,
        `${INPUT}      personal_data_in_clear:
        value: 'Yes'
`,
      ),
    );
    expect(result.issues).toEqual([]);
    const port = (e: typeof result.entity) =>
      e!.spec.inputPorts!.find(p => p.name === 'input-from-dp-patients');
    expect(port(result.entity)).toMatchObject({
      type: 'data-product',
      dataProduct: 'dataproduct:default/patients',
      personalDataInClear: true,
    });
    expect(port(read(SEED).entity)).not.toHaveProperty('personalDataInClear');
  });

  it('refuses it on a source outside the mesh, and a value that is not yes/no', () => {
    expect(
      messages(
        SEED.replace(
          INPUT,
          `      port_type:
        value: dataset
      source:
        value: EHR extract
      personal_data_in_clear:
        value: 'Yes'
`,
        ),
      ),
    ).toEqual([
      'data_product_spec.yml: components[5].properties.personal_data_in_clear: personal_data_in_clear is only meaningful for an input port that reads another data product, not one of type dataset (line 58, column 9)',
    ]);
    expect(
      messages(
        SEED.replace(
          INPUT,
          `${INPUT}      personal_data_in_clear:
        value: names only
`,
        ),
      ),
    ).toEqual([
      "data_product_spec.yml: components[5].properties.personal_data_in_clear: 'names only' is not a yes/no value; write Yes or No (line 56, column 9)",
    ]);
  });
});

describe('readOam directly', () => {
  it('records problems on the source and returns no entity without a product', () => {
    const source = new SourceDocument('components: {}\n', FILE);
    expect(readOam(source)).toBeUndefined();
    expect(source.issues.map(formatIssue)).toEqual([
      `data_product_spec.yml: components: components must be a list; start each component with "- name:" (line 1, column 13)`,
    ]);
  });

  it('refuses documents of another kind', () => {
    const source = new SourceDocument(
      'kind: Component\ncomponents: []\n',
      FILE,
    );
    expect(readOam(source)).toBeUndefined();
    expect(source.issues.map(i => i.message)).toEqual([
      "kind 'Component' is not a data product spec; write kind: DataProduct",
    ]);
  });
});

describe('repairOamText', () => {
  it('puts components: on the comment line above the list, keeping line numbers', () => {
    const text =
      'apiVersion: core.oam.dev/v1beta1\nkind: DataProduct\n# Domain Details\n- name: care\n  type: domain\n';
    expect(repairOamText(text)).toBe(
      'apiVersion: core.oam.dev/v1beta1\nkind: DataProduct\ncomponents: # Domain Details\n- name: care\n  type: domain\n',
    );
  });
  it('leaves text alone that it cannot repair without moving lines', () => {
    expect(
      repairOamText(
        'apiVersion: core.oam.dev/v1beta1\nkind: DataProduct\n- name: care\n',
      ),
    ).toBeUndefined();
    expect(repairOamText('components:\n- name: care\n')).toBeUndefined();
  });
});
