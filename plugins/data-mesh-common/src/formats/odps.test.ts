import { readFileSync } from 'fs';
import { join } from 'path';
import { SourceDocument, SpecIssue } from '../issues';
import { validateDataProductEntity } from '../entity';
import { DataProductEntityV1alpha1 } from '../model';
import { ANNOTATION_ODPS_ID, readOdps } from './odps';
import { validateAgainstStandard } from './standards';
import { readDataProductSpec } from '../read';
import { ANNOTATION_SPEC_VERSION } from '../changes/version';

function fixture(file: string): SourceDocument {
  return new SourceDocument(
    readFileSync(join(__dirname, '__fixtures__', file), 'utf8'),
    file,
  );
}

/** Lines joined, so a test can say which line number each one has. */
function doc(file: string, ...lines: string[]): SourceDocument {
  return new SourceDocument(lines.join('\n'), file);
}

/** `severity file:line path: message`, one string per issue. */
function summary(...docs: SourceDocument[]): string[] {
  return docs.flatMap(d =>
    d.issues.map(
      (i: SpecIssue) =>
        `${i.severity} ${i.file}:${i.line} ${i.path}: ${i.message}`,
    ),
  );
}

const PRODUCT_HEAD = [
  'apiVersion: v1.1.0', // 1
  'kind: DataProduct', // 2
  'id: p-1', // 3
  'name: Patients', // 4
  'domain: clinical-care', // 5
  'status: active', // 6
  'type: sourceAligned', // 7
  'team:', // 8
  '  name: Patient Administration', // 9
];

describe('readOdps: the official ODPS example', () => {
  it('reads the Bitol example product (apiVersion v0.9.0)', () => {
    const source = fixture('example-customer-data-product.odps.yaml');
    const entity = readOdps(source, {});

    expect(entity).toEqual({
      apiVersion: 'datamesh.dev/v1alpha1',
      kind: 'DataProduct',
      metadata: {
        name: 'customer-data-product',
        title: 'Customer Data Product',
        description: 'Enterprise view of a customer.',
        tags: ['customer'],
        links: [
          {
            url: 'https://retailcorp.slack.com/archives/C1234567890',
            title: 'Data Team Slack',
          },
          { url: 'mailto:data-support@retailcorp.com', title: 'Email Support' },
        ],
        annotations: {
          [ANNOTATION_ODPS_ID]: 'fbe8d147-28db-4f1d-bedf-a3fe9f458427',
        },
      },
      spec: {
        type: 'source-aligned',
        lifecycle: 'experimental',
        owner: 'group:default/data-team',
        domain: 'domain:default/seller',
        certified: false,
        inputPorts: [
          {
            name: 'payments',
            type: 'dataset',
            source: 'dbb7b1eb-7628-436e-8914-2a00638ba6da',
          },
          {
            name: 'onlinetransactions',
            type: 'dataset',
            source: 'ec2a112d-5cfe-49f3-8760-f9cfb4597547',
          },
        ],
        outputPorts: [
          {
            name: 'rawtransactions',
            type: 'tables',
            description: 'Raw Transactions',
          },
          {
            name: 'consolidatedtransactions',
            type: 'tables',
            description: 'Consolidated transactions',
          },
          {
            name: 'fulltransactionswithreturns',
            type: 'tables',
            description: 'Full transactions with returns',
          },
        ],
        dataSharingAgreement: {
          usage: 'Check the various artefacts for their own description.',
          limitations: 'No known limitations.',
        },
      },
    });
    // only warnings: the example is valid ODPS, it just leaves things open
    expect(summary(source)).toEqual([
      "warning example-customer-data-product.odps.yaml:42 outputPorts[0].version: output port 'rawtransactions' is listed with several versions; the catalog shows the newest (2.0.0) and ignores 1.0.0",
      "warning example-customer-data-product.odps.yaml:48 outputPorts[1].contractId: contract 'c2798941-1b7e-4b03-9e0d-955b1a872b33' was not provided, so the dataset this port serves is unknown",
      "warning example-customer-data-product.odps.yaml:69 outputPorts[2].contractId: contract 'a44978be-1fe0-4226-b840-1b715bc25c63' was not provided, so the dataset this port serves is unknown",
      "warning example-customer-data-product.odps.yaml:75 outputPorts[3].contractId: contract 'ef769969-0cbe-4188-876f-bb00abadaee4' was not provided, so the dataset this port serves is unknown",
      "warning example-customer-data-product.odps.yaml:19 inputPorts[0].version: input port 'payments' is listed with several versions; the catalog shows the newest (2.0.0) and ignores 1.0.0",
      "warning example-customer-data-product.odps.yaml:25 inputPorts[2].version: input port 'onlinetransactions' is listed with several versions; the catalog shows the newest (1.1.0) and ignores 1.0.0",
      "warning example-customer-data-product.odps.yaml:1 (document): no product type given (ODPS 1.1 'type' or customProperty 'dataProductType'); assuming source-aligned",
    ]);
    expect(validateDataProductEntity(entity)).toEqual([]);
  });
});

describe('readOdps: products with ODCS contracts', () => {
  it('reads an ODPS v1.1.0 product whose contract supplies the dataset', () => {
    const source = fixture('patient-visits.odps.yaml');
    const contracts = [
      fixture('patient-visits.odcs.yaml'),
      fixture('patients-upstream.odcs.yaml'),
    ];
    const entity = readOdps(source, { contracts });

    expect(summary(source, ...contracts)).toEqual([]);
    const expected: DataProductEntityV1alpha1 = {
      apiVersion: 'datamesh.dev/v1alpha1',
      kind: 'DataProduct',
      metadata: {
        name: 'patient-visits',
        title: 'Patient Visits',
        description: 'Every outpatient and inpatient visit, one row per visit.',
        tags: ['visits', 'clinical'],
        links: [
          {
            url: 'https://chat.example.org/channels/clinical-data',
            title: '#clinical-data',
          },
        ],
        annotations: {
          [ANNOTATION_ODPS_ID]: '7d4b6c1e-2f0a-4c5e-9a51-3c2f1e0b9a10',
          // the product's version, which the breaking-change gate compares
          [ANNOTATION_SPEC_VERSION]: '1.2.0',
        },
      },
      spec: {
        type: 'aggregate',
        lifecycle: 'production',
        owner: 'group:default/clinical-data',
        domain: 'domain:default/clinical-care',
        certified: true,
        // the upstream contract (patients) is context, not a dataset here
        datasets: [
          {
            name: 'visits',
            title: 'Patient visits',
            description: 'One row per visit.',
            table: 'patient_visits.visits',
            columns: [
              {
                name: 'visit_id',
                type: 'varchar(36)',
                primaryKey: true,
                required: true,
              },
              {
                name: 'patient_id',
                type: 'varchar(36)',
                classification: 'restricted',
                pii: true,
              },
              {
                name: 'patient_name',
                type: 'string',
                classification: 'confidential',
                pii: true,
              },
              {
                name: 'admitted_at',
                type: 'timestamp',
                description: 'When the visit began.',
              },
              { name: 'ward', type: 'varchar(40)', tags: ['location'] },
            ],
          },
        ],
        inputPorts: [
          {
            name: 'patients',
            type: 'data-product',
            dataProduct: 'dataproduct:default/patients',
            outputPort: 'patients-sql',
          },
          {
            name: 'ehr-visit-feed',
            title: 'EHR visit feed',
            type: 'dataset',
            source: 'EHR system, table visits (nightly extract)',
          },
        ],
        outputPorts: [
          {
            name: 'visits-sql',
            type: 'sql',
            description: 'SQL access to the visits table.',
            dataset: 'visits',
            url: 'postgresql://warehouse.example.org:5432/examplehealth_clinical_prod?currentSchema=patient_visits',
            instructions:
              'Request the consumer role in the portal, then connect with your own credentials.',
          },
        ],
        // the product's own objectives win over the contract's slaProperties
        slos: [
          {
            name: 'visits-fresh',
            title: 'Visits are refreshed daily',
            dimension: 'freshness',
            objective: 'Visits of yesterday are available by 06:00.',
            dataset: 'visits',
            maxAge: '24h',
            target: 0.9,
            window: '20d',
            slice: '1d',
            indicator: {
              name: 'Daily refresh over 20 days',
              description: 'Share of days on which the visits were fresh.',
            },
          },
          {
            name: 'visits-available',
            dimension: 'availability',
            objective: 'The visits table answers queries.',
          },
        ],
        dataSharingAgreement: {
          usage: 'Capacity planning and care-pathway analytics.',
          limitations: 'Visits before 2019 are not included.',
          approval: 'The owner approves in the portal within two working days.',
          termination: "Access ends with the consumer's project.",
        },
        infrastructure: {
          stage: 'prod',
          platform: 'postgres',
          database: 'examplehealth_clinical_prod',
          schema: 'patient_visits',
          roles: { consumer: 'clinical_patient_visits_consumer' },
        },
      },
    };
    expect(entity).toEqual(expected);
    expect(validateDataProductEntity(entity)).toEqual([]);
  });

  it('reads an ODPS v1.0.0 product over the official ODCS example, deriving SLOs from slaProperties', () => {
    const source = fixture('seller-payments.odps.yaml');
    const contract = fixture('example-full.odcs.yaml');
    const entity = readOdps(source, { contracts: [contract] });

    expect(summary(source, contract)).toEqual([]);
    expect(entity?.metadata.name).toBe('seller_payments');
    expect(entity?.metadata.title).toBeUndefined();
    expect(entity?.spec).toMatchObject({
      type: 'source-aligned', // customProperty data_product_type: Source Oriented
      lifecycle: 'experimental', // status: proposed
      owner: 'user:default/daustin', // the team member with role owner
      domain: 'domain:default/seller',
      certified: false,
      inputPorts: [
        { name: 'payments-db', type: 'dataset', source: 'pypl-edw-payments' },
      ],
      outputPorts: [
        { name: 'payment-metrics', type: 'sql', dataset: 'tbl' },
        { name: 'receiver-master', type: 'sql', dataset: 'receivers' },
      ],
      // latency 4 d → freshness; retention, frequency, timeOfAvailability
      // and the lifecycle dates are not monitored
      slos: [
        {
          name: 'tbl-freshness',
          dimension: 'freshness',
          objective: 'Data is at most 4d old',
          dataset: 'tbl',
          maxAge: '4d',
        },
      ],
    });
    expect(entity?.spec.datasets?.map(d => [d.name, d.title, d.table])).toEqual(
      [
        ['tbl', 'Core Payment Metrics', 'tbl_1'],
        ['receivers', 'Receivers Master Data', 'receivers_master'],
      ],
    );
    expect(entity?.spec.datasets?.[0].columns).toEqual([
      {
        name: 'transaction_reference_date',
        type: 'date',
        description: 'Reference date for transaction',
        classification: 'public',
        primaryKey: false,
        required: false,
      },
      {
        name: 'rcvr_id',
        type: 'varchar(18)',
        description: 'A description for column rcvr_id.',
        classification: 'restricted',
        tags: ['uid'],
        primaryKey: true,
        required: false,
      },
      {
        name: 'rcvr_cntry_code',
        type: 'varchar(2)',
        description: 'Country code',
        classification: 'public',
        primaryKey: false,
        required: false,
        // its quality[], on its own schedule (the customProperties are
        // not kept)
        quality: [
          {
            description: 'column should not contain null values',
            dimension: 'completeness',
            metric: 'nullValues',
            mustBe: 0,
            severity: 'error',
            schedule: '0 20 * * *',
            scheduler: 'cron',
          },
        ],
      },
    ]);
    expect(entity?.spec.datasets?.[0].quality).toEqual([
      {
        description: 'Ensure row count is within expected volume range',
        dimension: 'completeness',
        metric: 'rowCount',
        mustBeGreaterThan: 1000000,
        severity: 'error',
        schedule: '0 20 * * *',
        scheduler: 'cron',
      },
    ]);
    // `restricted` is not PII: only an explicit pii tag or customProperty is
    expect(
      entity?.spec.datasets?.flatMap(d => d.columns).some(c => c.pii),
    ).toBe(false);
    expect(validateDataProductEntity(entity)).toEqual([]);
  });

  it('warns when a contract defines several datasets and the port does not say which it serves', () => {
    const source = doc(
      'p.odps.yaml',
      ...PRODUCT_HEAD,
      'outputPorts:', // 10
      '  - name: payments', // 11
      '    type: sql', // 12
      '    contractId: 53581432-6c55-4ba2-a65f-72344a91553a', // 13
    );
    const entity = readOdps(source, {
      contracts: [fixture('example-full.odcs.yaml')],
    });
    // the official example's roles[] are the port's approvers (issue 8)
    const role = (name: string, access: string, second: string) => ({
      role: name,
      access,
      firstLevelApprovers: 'Reporting Manager',
      secondLevelApprovers: second,
    });
    expect(entity?.spec.outputPorts).toEqual([
      {
        name: 'payments',
        type: 'sql',
        access: {
          roles: [
            role('microstrategy_user_opr', 'read', 'mandolorian'),
            role('bq_queryman_user_opr', 'read', 'na'),
            role('risk_data_access_opr', 'read', 'dathvador'),
            role('bq_unica_user_opr', 'write', 'mickey'),
          ],
        },
      },
    ]);
    expect(entity?.spec.datasets?.map(d => d.name)).toEqual([
      'tbl',
      'receivers',
    ]);
    expect(summary(source)).toEqual([
      "warning p.odps.yaml:13 outputPorts[0].contractId: contract '53581432-6c55-4ba2-a65f-72344a91553a' defines 2 datasets (tbl, receivers); add a customProperty 'dataset' to say which one this port serves",
    ]);
  });

  it('reports problems inside a contract in the contract file, by line', () => {
    const source = doc(
      'p.odps.yaml',
      ...PRODUCT_HEAD,
      'outputPorts:', // 10
      '  - name: visits-sql', // 11
      '    type: sql', // 12
      '    contractId: c-1', // 13
    );
    const contract = doc(
      'visits.odcs.yaml',
      'apiVersion: v3.1.0', // 1
      'kind: DataContract', // 2
      'id: c-1', // 3
      'version: 1.0.0', // 4
      'status: active', // 5
      'schema:', // 6
      '  - name: visits', // 7
      '    physicalName: "visits; DROP TABLE patients"', // 8
      '    properties:', // 9
      '      - name: visit_id', // 10
      '        logicalType: string', // 11
      '  - name: "admissions\'); DROP TABLE x; --"', // 12
      '  - name: wards', // 13
      '    properties:', // 14
      '      - name: "id; DROP TABLE x"', // 15
      '        logicalType: string', // 16
      '      - name: Ward', // 17
      '        logicalType: string', // 18
      '      - name: beds', // 19
      '      - name: select', // 20
      '        logicalType: integer', // 21
      '      - name: level', // 22
      '        physicalType: "int; drop"', // 23
    );
    expect(readOdps(source, { contracts: [contract] })).toBeUndefined();
    expect(summary(contract)).toEqual([
      "error visits.odcs.yaml:8 schema[0].physicalName: 'visits; DROP TABLE patients' is not a safe table name: write table, schema.table or database.schema.table, each part letters, digits, _ and $, starting with a letter or _",
      expect.stringMatching(
        /^error visits\.odcs\.yaml:12 schema\[1\]\.name: dataset name 'admissions'\); DROP TABLE x; --' contains "'", '\)' and ';'/,
      ),
      // column names are checked as written (identifiers.ts says how)
      expect.stringMatching(
        /^error visits\.odcs\.yaml:15 schema\[2\]\.properties\[0\]\.name: column name 'id; DROP TABLE x' contains ';'/,
      ),
      expect.stringMatching(
        /^error visits\.odcs\.yaml:17 schema\[2\]\.properties\[1\]\.name: column name 'Ward' .*write 'ward'/,
      ),
      "error visits.odcs.yaml:19 schema[2].properties[2]: column 'beds' needs a type: add physicalType (e.g. varchar(18)) or logicalType (e.g. string)",
      expect.stringMatching(
        /^error visits\.odcs\.yaml:20 schema\[2\]\.properties\[3\]\.name: column name 'select' is a reserved word/,
      ),
      "error visits.odcs.yaml:23 schema[2].properties[4].physicalType: 'int; drop' is not a column type; write a type name such as string, varchar(18) or numeric(10,2)",
    ]);
    // the product itself is fine; the port's dataset is just unknown
    expect(summary(source)).toEqual([]);
  });

  it('rejects contracts of the wrong kind or version, duplicate ids and broken YAML', () => {
    const source = doc('p.odps.yaml', ...PRODUCT_HEAD);
    const wrongKind = doc(
      'a.yaml',
      'apiVersion: v3.1.0',
      'kind: DataProduct',
      'id: a',
    );
    const v2 = doc(
      'b.yaml',
      'apiVersion: v2.2.2',
      'kind: DataContract',
      'id: b',
    );
    const first = doc(
      'c1.yaml',
      'apiVersion: v3.0.2',
      'kind: DataContract',
      'id: same',
      'version: 1.0.0',
      'status: active',
    );
    const second = doc(
      'c2.yaml',
      'apiVersion: v3.1.0',
      'kind: DataContract',
      'id: same',
      'version: 1.0.0',
      'status: active',
    );
    const broken = doc('d.yaml', 'apiVersion: v3.1.0', 'kind: [DataContract');
    expect(
      readOdps(source, { contracts: [wrongKind, v2, first, second, broken] }),
    ).toBeUndefined();
    expect(
      summary(wrongKind, v2, first, second).concat(
        broken.issues.map(i => `${i.severity} ${i.file}:${i.line}`),
      ),
    ).toEqual([
      "error a.yaml:2 kind: expected kind 'DataContract' for an ODCS contract, found 'DataProduct'",
      "error b.yaml:1 apiVersion: unsupported ODCS apiVersion 'v2.2.2'; supported versions are v3.1.0, v3.0.2, v3.0.1, v3.0.0",
      "error c2.yaml:3 id: contract id 'same' is also used by c1.yaml",
      'error d.yaml:2',
    ]);
  });

  it('validates contracts against the official ODCS schema', () => {
    const source = doc('p.odps.yaml', ...PRODUCT_HEAD);
    const contract = doc(
      'c.odcs.yaml',
      'apiVersion: v3.1.0', // 1
      'kind: DataContract', // 2
      'id: c-1', // 3
      'version: 1.0.0', // 4
      'team:', // 5
      '  name: visits team', // 6
      '  members:', // 7
      '    - role: owner', // 8
      'priceless: true', // 9
    );
    expect(readOdps(source, { contracts: [contract] })).toBeUndefined();
    // one sentence per real problem: not the noise of the `team` oneOf
    // ("must be array") nor a second report of the unknown field
    expect(summary(contract)).toEqual([
      "error c.odcs.yaml:1 (document): missing required field 'status' (ODCS v3.1.0 schema)",
      "error c.odcs.yaml:9 priceless: 'priceless' is not a known field here (ODCS v3.1.0 schema)",
      "error c.odcs.yaml:8 team.members[0]: missing required field 'username' (ODCS v3.1.0 schema)",
    ]);
  });
});

describe('readOdps: located errors in the product', () => {
  it('rejects an unknown apiVersion, listing the supported ones', () => {
    const source = doc(
      'p.odps.yaml',
      'apiVersion: v2.0.0',
      ...PRODUCT_HEAD.slice(1),
    );
    expect(readOdps(source, {})).toBeUndefined();
    expect(summary(source)).toEqual([
      "error p.odps.yaml:1 apiVersion: unsupported ODPS apiVersion 'v2.0.0'; supported versions are v1.1.0, v1.0.0, v0.9.0",
    ]);
  });

  it('reports violations of the official ODPS schema by line', () => {
    const source = doc(
      'p.odps.yaml',
      'apiVersion: v1.1.0', // 1
      'kind: DataProduct', // 2
      'name: Patients', // 3
      'domain: clinical-care', // 4
      'owner: patient-administration', // 5
      'tags: clinical', // 6
      'support:', // 7
      '  - channel: chat', // 8
      '    url: not a url', // 9
      'team:', // 10
      '  name: Patient Administration', // 11
    );
    expect(readOdps(source, {})).toBeUndefined();
    expect(summary(source).filter(s => s.startsWith('error'))).toEqual([
      "error p.odps.yaml:1 (document): missing required field 'id' (ODPS v1.1.0 schema)",
      "error p.odps.yaml:5 owner: 'owner' is not a known field here (ODPS v1.1.0 schema)",
      'error p.odps.yaml:6 tags: must be a list, not a string (ODPS v1.1.0 schema)',
      "error p.odps.yaml:9 support[0].url: 'not a url' is not a valid uri (ODPS v1.1.0 schema)",
    ]);
  });

  it('checks a v1.0.0 product against the v1.0.0 schema (status required, no type)', () => {
    const source = doc(
      'p.odps.yaml',
      'apiVersion: v1.0.0',
      ...PRODUCT_HEAD.slice(1).filter(l => !l.startsWith('status')),
    );
    expect(readOdps(source, {})).toBeUndefined();
    expect(summary(source).filter(s => s.startsWith('error'))).toEqual([
      "error p.odps.yaml:1 (document): missing required field 'status' (ODPS v1.0.0 schema)",
      "error p.odps.yaml:6 type: 'type' is not a known field here (ODPS v1.0.0 schema)",
    ]);
  });

  it('rejects a hostile product name instead of quietly cleaning it', () => {
    const source = doc(
      'p.odps.yaml',
      ...PRODUCT_HEAD.slice(0, 3),
      "name: 'Patients\"; DROP TABLE users; --'", // 4
      ...PRODUCT_HEAD.slice(4),
    );
    expect(readOdps(source, {})).toBeUndefined();
    expect(summary(source)).toEqual([
      // identifiers.ts words the reason; here it matters that it is located
      expect.stringMatching(
        /^error p\.odps\.yaml:4 name: product name 'Patients"; DROP TABLE users; --' contains '"' and ';'/,
      ),
    ]);
  });

  it('rejects reserved words and over-long names given as identifiers', () => {
    const source = doc(
      'p.odps.yaml',
      ...PRODUCT_HEAD,
      'customProperties:', // 10
      '  - property: identifier', // 11
      '    value: select', // 12
      'outputPorts:', // 13
      `  - name: ${'x'.repeat(64)}`, // 14
      '    type: sql', // 15
    );
    expect(readOdps(source, {})).toBeUndefined();
    expect(summary(source)).toEqual([
      expect.stringMatching(
        /^error p\.odps\.yaml:12 customProperties\[0\]\.value: product name 'select' is a reserved word/,
      ),
      expect.stringMatching(
        /^error p\.odps\.yaml:14 outputPorts\[0\]\.name: port name 'x+\.\.\.' is 64 characters long; a port name may have at most 63/,
      ),
    ]);
  });

  it("names an SLO's wrong dimension, window and unknown dataset", () => {
    const source = doc(
      'p.odps.yaml',
      ...PRODUCT_HEAD,
      'customProperties:', // 10
      '  - property: slos', // 11
      '    value:', // 12
      '      - name: vibes-check', // 13
      '        dimension: Vibes', // 14
      '        objective: It feels fresh.', // 15
      '        window: 3 fortnights', // 16
      '      - name: fresh', // 17
      '        dimension: freshness', // 18
      '        objective: Updated daily.', // 19
      '        dataset: visits', // 20
      '        maxage: 1d', // 21
    );
    expect(readOdps(source, {})).toBeUndefined();
    expect(summary(source)).toEqual([
      "error p.odps.yaml:14 customProperties[0].value[0].dimension: 'Vibes' is not one of availability, completeness, freshness",
      "error p.odps.yaml:16 customProperties[0].value[0].window: '3 fortnights' is not a duration; write a whole number and a unit (m, h, d or w), e.g. 20d, 1d or 24h",
      "error p.odps.yaml:20 customProperties[0].value[1].dataset: dataset 'visits' is not defined by any of the given contracts; no contract with a schema was given",
      "warning p.odps.yaml:21 customProperties[0].value[1].maxage: 'maxage' is not a field of an objective (name, title, dimension, objective, dataset, target, window, slice, maxAge, tolerance, indicator); it is ignored",
    ]);
  });

  it('needs the upstream product and port of a data-product input port, and not itself', () => {
    const source = doc(
      'p.odps.yaml',
      ...PRODUCT_HEAD,
      'inputPorts:', // 10
      '  - name: admissions', // 11
      '    customProperties:', // 12
      '      - property: dataProduct', // 13
      '        value: admissions', // 14
      '  - name: myself', // 15
      '    customProperties:', // 16
      '      - property: dataProduct', // 17
      '        value: dataproduct:default/patients', // 18
      '      - property: outputPort', // 19
      '        value: patients-sql', // 20
      '  - name: billing', // 21
      '    customProperties:', // 22
      '      - property: dataProduct', // 23
      '        value: component:default/billing', // 24
      '      - property: outputPort', // 25
      '        value: billing-sql', // 26
    );
    expect(readOdps(source, {})).toBeUndefined();
    expect(summary(source)).toEqual([
      "error p.odps.yaml:11 inputPorts[0]: input port 'admissions' consumes another data product, so it needs customProperties 'dataProduct' (e.g. dataproduct:default/patients) and 'outputPort' (the upstream port's name)",
      'error p.odps.yaml:18 inputPorts[1].customProperties[0].value: a data product cannot consume its own output port',
      "error p.odps.yaml:24 inputPorts[2].customProperties[0].value: 'component:default/billing' refers to a component, not a DataProduct",
    ]);
  });

  it('accepts a bare upstream product name and a display name for its port', () => {
    const source = doc(
      'p.odps.yaml',
      ...PRODUCT_HEAD,
      'inputPorts:', // 10
      '  - name: Admissions feed', // 11
      '    contractId: admissions-v1', // 12
      '    customProperties:', // 13
      '      - property: dataProduct', // 14
      '        value: admissions', // 15
      '      - property: outputPort', // 16
      '        value: JDBC Port of DP admissions', // 17
    );
    const entity = readOdps(source, {});
    expect(summary(source)).toEqual([]);
    expect(entity?.spec.inputPorts).toEqual([
      {
        name: 'admissions-feed',
        title: 'Admissions feed',
        type: 'data-product',
        dataProduct: 'dataproduct:default/admissions',
        outputPort: 'jdbc-port-of-dp-admissions',
      },
    ]);
  });

  it('reads personalDataInClear of an input that reads another product, and refuses it elsewhere', () => {
    const source = doc(
      'p.odps.yaml',
      ...PRODUCT_HEAD,
      'inputPorts:', // 10
      '  - name: registry', // 11
      '    customProperties:', // 12
      '      - property: dataProduct', // 13
      '        value: registry', // 14
      '      - property: outputPort', // 15
      '        value: patients-jdbc', // 16
      '      - property: description', // 17
      '        value: Names to print on letters', // 18
      '      - property: personalDataInClear', // 19
      '        value: true', // 20
      '  - name: admissions', // 21
      '    customProperties:', // 22
      '      - property: personal_data_in_clear', // 23
      '        value: yes', // 24
      '  - name: labs', // 25
      '    customProperties:', // 26
      '      - property: dataProduct', // 27
      '        value: labs', // 28
      '      - property: outputPort', // 29
      '        value: labs-jdbc', // 30
      '      - property: personalDataInClear', // 31
      '        value: sometimes', // 32
    );
    const entity = readOdps(source, {});
    expect(summary(source)).toEqual([
      'error p.odps.yaml:24 inputPorts[1].customProperties[0].value: personalDataInClear is only meaningful for input ports that read another data product, not dataset',
      "error p.odps.yaml:32 inputPorts[2].customProperties[2].value: 'sometimes' is not a yes/no value; write Yes or No",
    ]);
    expect(entity).toBeUndefined();
  });

  it('keeps input and output ports in one namespace', () => {
    const source = doc(
      'p.odps.yaml',
      ...PRODUCT_HEAD,
      'inputPorts:', // 10
      '  - name: visits_sql', // 11
      'outputPorts:', // 12
      '  - name: visits-sql', // 13
      '    type: sql', // 14
    );
    expect(readOdps(source, {})).toBeUndefined();
    expect(summary(source)).toEqual([
      "error p.odps.yaml:11 inputPorts[0].name: port name 'visits_sql' and 'visits-sql' are the same name in SQL (visits_sql)",
    ]);
  });

  it('takes the owner from customProperty owner, the team name, or the member with role owner', () => {
    const read = (...lines: string[]) => {
      const source = doc('p.odps.yaml', ...PRODUCT_HEAD.slice(0, 7), ...lines);
      return { entity: readOdps(source, {}), issues: summary(source) };
    };
    expect(
      read(
        'customProperties:',
        '  - property: owner',
        '    value: user:default/ada',
        'team:',
        '  name: Ignored Team',
      ).entity?.spec.owner,
    ).toBe('user:default/ada');
    expect(
      read('team:', '  name: Patient Administration').entity?.spec.owner,
    ).toBe('group:default/patient-administration');
    expect(
      read(
        'team:',
        '  members:',
        '    - username: bob@example.org',
        '      role: data steward',
        '    - username: ada.lovelace@example.org',
        '      role: Owner',
      ).entity?.spec.owner,
    ).toBe('user:default/ada.lovelace');
    expect(read('team:', '  members:', '    - username: bob').issues).toEqual([
      "error p.odps.yaml:9 team: the product needs an owner: a customProperty 'owner' (e.g. group:default/patients-team), a team name, or a team member with role owner",
    ]);
    expect(
      read(
        'customProperties:',
        '  - property: owner',
        '    value: system:default/x',
      ).issues,
    ).toEqual([
      "error p.odps.yaml:10 customProperties[0].value: owner 'system:default/x' refers to a system; the owner must be a Group or a User",
    ]);
  });

  it('maps status, type spellings, certified and tags', () => {
    const read = (...lines: string[]) => {
      const source = doc(
        'p.odps.yaml',
        'apiVersion: v1.1.0',
        'kind: DataProduct',
        'id: p-1',
        'name: Patients',
        'domain: Clinical Care',
        'team:',
        '  name: pa',
        ...lines,
      );
      return { entity: readOdps(source, {}), issues: summary(source) };
    };
    const a = read(
      'status: retired',
      'type: consumerAligned',
      'tags: [Clinical Data, pii]',
      'customProperties:',
      '  - property: certified',
      '    value: "yes"',
    );
    expect(a.entity?.spec).toMatchObject({
      lifecycle: 'retired',
      type: 'consumer-aligned',
      certified: true,
      domain: 'domain:default/clinical-care',
    });
    expect(a.entity?.metadata.tags).toEqual(['clinical-data', 'pii']);
    expect(a.issues).toEqual([
      "warning p.odps.yaml:10 tags[0]: tag 'Clinical Data' is stored as 'clinical-data' (catalog tags are lower case, words joined by '-')",
    ]);
    expect(
      read('status: deprecated', 'type: aggregate').entity?.spec.lifecycle,
    ).toBe('deprecated');
    expect(
      read('status: draft', 'type: aggregate').entity?.spec.lifecycle,
    ).toBe('experimental');
    expect(
      read('status: active', 'deprecated: true', 'type: aggregate').entity?.spec
        .lifecycle,
    ).toBe('deprecated');
    expect(read('status: active', 'type: mesh-of-vibes').issues).toEqual([
      "error p.odps.yaml:9 type: 'mesh-of-vibes' is not a data product type; use one of source-aligned, aggregate, consumer-aligned (ODPS 1.1: sourceAligned, aggregate, consumerAligned)",
    ]);
  });
});

describe('validateAgainstStandard', () => {
  it('accepts the official examples and rejects a broken product', () => {
    const product = fixture('example-customer-data-product.odps.yaml').value;
    const contract = fixture('example-full.odcs.yaml').value;
    expect(validateAgainstStandard('ODPS v1.0.0', product)).toEqual([]);
    expect(validateAgainstStandard('ODPS v1.1.0', product)).toEqual([]);
    expect(validateAgainstStandard('ODCS v3.1.0', contract)).toEqual([]);
    expect(
      validateAgainstStandard('ODPS v1.1.0', {
        apiVersion: 'v1.1.0',
        kind: 'DataProduct',
        id: 'x',
        outputPorts: [{ name: 'a', deprecated: 'no' }],
      }),
    ).toEqual([
      {
        path: ['outputPorts', 0, 'deprecated'],
        message: 'must be a boolean, not a string',
      },
    ]);
  });
});

describe('readDataProductSpec with ODPS', () => {
  it('detects ODPS, takes contracts as text and locates their problems in their own file', () => {
    const product = readFileSync(
      join(__dirname, '__fixtures__', 'patient-visits.odps.yaml'),
      'utf8',
    );
    const contract = readFileSync(
      join(__dirname, '__fixtures__', 'patient-visits.odcs.yaml'),
      'utf8',
    );
    const good = readDataProductSpec(product, {
      file: 'patient-visits.odps.yaml',
      contracts: [{ text: contract, file: 'patient-visits.odcs.yaml' }],
    });
    expect(good.format).toBe('odps');
    expect(good.issues).toEqual([]);
    expect(good.entity?.spec.datasets?.[0].name).toBe('visits');

    // line 21 of the contract is `      - name: patient_id`
    const broken = readDataProductSpec(product, {
      file: 'patient-visits.odps.yaml',
      contracts: [
        {
          text: contract.replace('- name: patient_id', '- name: patient id'),
          file: 'patient-visits.odcs.yaml',
        },
      ],
    });
    expect(broken.entity).toBeUndefined();
    expect(
      broken.issues.map(i => [i.severity, i.file, i.line, i.path]),
    ).toEqual([
      ['error', 'patient-visits.odcs.yaml', 21, 'schema[0].properties[1].name'],
    ]);
  });
});
