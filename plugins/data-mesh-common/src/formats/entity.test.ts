import { SourceDocument, formatIssue } from '../issues';
import { readDataProductSpec } from '../read';
import { readEntity } from './entity';

const GOOD = `apiVersion: datamesh.dev/v1alpha1
kind: DataProduct
metadata:
  name: patients
  title: Patients
  description: Every patient registered at any of our hospitals
  tags: [pii]
spec:
  type: source-aligned
  lifecycle: production
  owner: group:default/patient-administration
  domain: domain:default/patient-care
  certified: true
  datasets:
    - name: patients
      table: CARE_PROD.PATIENTS.PATIENTS
      columns:
        - name: patient_id
          type: varchar(18)
          classification: restricted
          pii: true
          primaryKey: true
  outputPorts:
    - name: jdbc-port-of-dp-patients
      title: JDBC-Port of DP Patients
      type: jdbc
      dataset: patients
      url: jdbc:snowflake://acme-health.snowflakecomputing.com/?warehouse=PATIENT_CARE_WH
  slos:
    - name: daily-refresh
      dimension: freshness
      objective: Refreshed at least once a day
      target: 0.8
      window: 20d
      slice: 1d
      maxAge: 24h
`;

describe('readEntity', () => {
  it('reads a native DataProduct and marks its format', () => {
    const result = readDataProductSpec(GOOD, { file: 'catalog-info.yaml' });
    expect(result.issues).toEqual([]);
    expect(result.format).toBe('entity');
    expect(result.entity!.metadata.annotations).toEqual({
      'datamesh.dev/spec-format': 'entity',
    });
    expect(result.entity!.spec.slos![0]).toEqual({
      name: 'daily-refresh',
      dimension: 'freshness',
      objective: 'Refreshed at least once a day',
      target: 0.8,
      window: '20d',
      slice: '1d',
      maxAge: '24h',
    });
  });

  it('does not change the parsed document', () => {
    const source = new SourceDocument(GOOD);
    const entity = readEntity(source)!;
    entity.metadata.name = 'changed';
    expect((source.value as any).metadata.name).toBe('patients');
  });

  it('reports a wrong dimension with its line', () => {
    const result = readDataProductSpec(
      GOOD.replace('dimension: freshness', 'dimension: Vibes'),
      { file: 'catalog-info.yaml' },
    );
    expect(result.entity).toBeUndefined();
    expect(result.issues.map(formatIssue)).toEqual([
      `catalog-info.yaml: spec.slos[0].dimension: 'Vibes' is not one of availability, completeness, freshness (line 31, column 18)`,
    ]);
  });

  it('reports the wrong apiVersion or kind', () => {
    const source = new SourceDocument(
      GOOD.replace('datamesh.dev/v1alpha1', 'backstage.io/v1alpha1').replace(
        'kind: DataProduct',
        'kind: Component',
      ),
      'catalog-info.yaml',
    );
    expect(readEntity(source)).toBeUndefined();
    expect(source.issues.map(formatIssue)).toEqual([
      `catalog-info.yaml: apiVersion: apiVersion 'backstage.io/v1alpha1' is not datamesh.dev/v1alpha1 (line 1, column 13)`,
      `catalog-info.yaml: kind: kind 'Component' is not DataProduct (line 2, column 7)`,
    ]);
  });

  it('reports a document that is not a mapping', () => {
    const source = new SourceDocument('- just\n- a list\n');
    expect(readEntity(source)).toBeUndefined();
    expect(source.issues[0].message).toBe(
      'a DataProduct entity must be a mapping with apiVersion, kind, metadata and spec',
    );
  });

  it('rejects hostile names with located errors', () => {
    const text = GOOD.replace(
      '  name: patients\n  title',
      `  name: 'patients"; DROP TABLE x; --'\n  title`,
    )
      .replace(
        '    - name: patients\n      table',
        '    - name: ../../etc/passwd\n      table',
      )
      .replace('- name: patient_id', '- name: select')
      .replace('- name: daily-refresh', `- name: ${'x'.repeat(300)}`);
    const result = readDataProductSpec(text, { file: 'catalog-info.yaml' });
    expect(result.entity).toBeUndefined();
    expect(result.issues.map(formatIssue)).toEqual([
      `catalog-info.yaml: metadata.name: product name 'patients"; DROP TABLE x; --' contains '"', ';', spaces and upper-case letters: use only lowercase letters, digits, _ and - (line 4, column 9)`,
      `catalog-info.yaml: spec.datasets[0].name: dataset name '../../etc/passwd' contains '.' and '/': use only lowercase letters, digits, _ and - (line 15, column 13)`,
      `catalog-info.yaml: spec.datasets[0].columns[0].name: column name 'select' is a reserved word in SQL (PostgreSQL or Snowflake); choose another name, e.g. 'selects' or 'select-data' (line 18, column 17)`,
      `catalog-info.yaml: spec.slos[0].name: objective name '${'x'.repeat(
        37,
      )}...' is 300 characters long; an objective name may have at most 63 (line 30, column 13)`,
      `catalog-info.yaml: spec.outputPorts[0].dataset: no dataset named 'patients'; the datasets are ../../etc/passwd (line 27, column 16)`,
    ]);
  });
});
