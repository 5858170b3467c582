import { readFileSync } from 'fs';
import { join } from 'path';
import { stringify } from 'yaml';
import { formatIssue } from './issues';
import {
  detectSpecFormat,
  isDataProductSpecFile,
  readDataProductSpec,
} from './read';

const fixture = (...p: string[]) =>
  readFileSync(join(__dirname, 'formats', '__fixtures__', ...p), 'utf8');

describe('isDataProductSpecFile', () => {
  it.each([
    ['data_product_spec.yml', true],
    ['repo/data_product_spec.yaml', true],
    ['https://github.com/acme/patients/blob/main/data_product_spec.yml', true],
    ['https://example.com/x/data_product_spec.yml?ref=main', true],
    ['C:\\repos\\patients\\data_product_spec.yml', true],
    ['products/patients.odps.yaml', true],
    ['products/patients.odps.yml', true],
    ['products/patients.odps.json', true],
    ['catalog-info.yaml', false],
    ['data_product_spec.yml.bak', false],
    ['my_data_product_spec.yml', false],
    ['.odps.yaml', false],
    ['contract.odcs.yaml', false],
  ])('%s → %s', (path, expected) => {
    expect(isDataProductSpecFile(path)).toBe(expected);
  });
});

describe('detectSpecFormat', () => {
  it('tells formats by apiVersion and shape', () => {
    expect(
      detectSpecFormat({
        apiVersion: 'datamesh.dev/v1alpha1',
        kind: 'DataProduct',
      }),
    ).toBe('entity');
    expect(
      detectSpecFormat({
        apiVersion: 'core.oam.dev/v1beta1',
        kind: 'DataProduct',
      }),
    ).toBe('oam');
    expect(detectSpecFormat({ components: [] })).toBe('oam');
    expect(detectSpecFormat({ spec: { components: [] } })).toBe('oam');
    expect(detectSpecFormat([{ name: 'care', type: 'domain' }])).toBe('oam');
    expect(
      detectSpecFormat({ apiVersion: 'v1.1.0', kind: 'DataProduct', id: 'x' }),
    ).toBe('odps');
    expect(
      detectSpecFormat({ apiVersion: 'v1.0.0', kind: 'DataProduct' }),
    ).toBe('odps');
  });

  it('falls back to the file name', () => {
    expect(detectSpecFormat({}, 'x/patients.odps.json')).toBe('odps');
    expect(detectSpecFormat(undefined, 'x/data_product_spec.yml')).toBe('oam');
    expect(
      detectSpecFormat({ kind: 'Component' }, 'catalog-info.yaml'),
    ).toBeUndefined();
  });
});

describe('readDataProductSpec', () => {
  it('says so when a document is no data product spec', () => {
    const result = readDataProductSpec(
      'apiVersion: backstage.io/v1alpha1\nkind: Component\n',
      { file: 'catalog-info.yaml' },
    );
    expect(result).toEqual({
      issues: [
        {
          severity: 'error',
          file: 'catalog-info.yaml',
          path: '(document)',
          line: 1,
          column: 1,
          message:
            'not a data product spec: expected apiVersion datamesh.dev/v1alpha1 (entity), core.oam.dev/... with components (OAM), or an ODPS apiVersion such as v1.1.0 with kind DataProduct',
        },
      ],
    });
  });

  it('reports invalid YAML and still names the format from the file name', () => {
    const result = readDataProductSpec(
      'components:\n  - name: "unterminated\n',
      { file: 'data_product_spec.yml' },
    );
    expect(result.entity).toBeUndefined();
    expect(result.format).toBe('oam');
    expect(result.issues.length).toBeGreaterThan(0);
    expect(
      result.issues.every(
        i => i.severity === 'error' && i.message.startsWith('invalid YAML: '),
      ),
    ).toBe(true);
  });

  it("reads the seed article's top-level component list, keeping line numbers", () => {
    const text = `apiVersion: core.oam.dev/v1beta1
kind: DataProduct
# Domain Details
- name: 'Patient Care'
  type: domain
# Data Product Details
- name: Patients
  type: data-product
  properties:
    definition:
      value: 'Every patient registered at any of our hospitals'
    data_product_owner:
      value: 'patient-administration'
    data_product_type:
      value: 'Source Oriented'
    certified:
      value: 'Yes'
- name: 'Data is refreshed daily'
  type: service-level-asset
  properties:
    dimension:
      value: 'Vibes'
`;
    const result = readDataProductSpec(text, { file: 'data_product_spec.yml' });
    expect(result.format).toBe('oam');
    expect(result.issues.map(formatIssue)).toEqual([
      'data_product_spec.yml: components[0]: the components are a list directly after apiVersion and kind, which is not valid YAML; read as if they were under components: (add that line to fix this) (line 4, column 3)',
      "data_product_spec.yml: components[2].properties.dimension: 'Vibes' is not one of availability, completeness, freshness (line 22, column 7)",
    ]);
    const fixed = readDataProductSpec(text.replace("'Vibes'", "'Freshness'"), {
      file: 'data_product_spec.yml',
    });
    expect(fixed.issues.slice(1).map(formatIssue)).toEqual([
      'data_product_spec.yml: components[1]: objectives are measured on a dataset, but the product has no datasets (line 7, column 3)',
    ]);
    expect(fixed.issues.map(i => i.severity)).toEqual(['warning', 'warning']);
    expect(fixed.entity!.metadata.name).toBe('patients');
    expect(fixed.entity!.spec.certified).toBe(true);
  });

  it('reads the same product from OAM and from the native entity it becomes', () => {
    const fromOam = readDataProductSpec(
      fixture('oam', 'data_product_spec.yml'),
      { file: 'data_product_spec.yml' },
    );
    const { annotations, ...metadata } = fromOam.entity!.metadata;
    const entityYaml = stringify({ ...fromOam.entity, metadata });
    const fromEntity = readDataProductSpec(entityYaml, {
      file: 'catalog-info.yaml',
    });
    expect(fromEntity.issues).toEqual([]);
    expect(fromEntity.format).toBe('entity');
    expect(fromEntity.entity!.spec).toEqual(fromOam.entity!.spec);
    expect(fromEntity.entity!.metadata.name).toBe(
      fromOam.entity!.metadata.name,
    );
    expect(annotations).toEqual({ 'datamesh.dev/spec-format': 'oam' });
  });

  it('hands ODPS files and their contracts to the ODPS reader', () => {
    const result = readDataProductSpec(
      fixture('example-customer-data-product.odps.yaml'),
      {
        file: 'example-customer-data-product.odps.yaml',
        contracts: [
          {
            text: fixture('example-full.odcs.yaml'),
            file: 'example-full.odcs.yaml',
          },
        ],
      },
    );
    expect(result.format).toBe('odps');
    // the official example is incomplete (it names contracts that are not
    // given), which the reader reports as warnings, not errors
    expect(result.issues.filter(i => i.severity === 'error')).toEqual([]);
    expect(
      result.entity?.metadata.annotations?.['datamesh.dev/spec-format'],
    ).toBe('odps');
  });

  it('lets the caller force a format', () => {
    const result = readDataProductSpec('components: []\n', {
      format: 'entity',
    });
    expect(result.format).toBe('entity');
    expect(result.issues.map(i => i.message)).toEqual([
      "missing required field 'apiVersion'; write apiVersion: datamesh.dev/v1alpha1",
      "missing required field 'kind'; write kind: DataProduct",
    ]);
  });

  it('returns no entity when there is any error, and keeps warnings otherwise', () => {
    const oam = fixture('oam', 'data_product_spec.yml');
    const warned = readDataProductSpec(
      oam.replace('    table_domain:', '    table_domian:'),
      { file: 'data_product_spec.yml' },
    );
    expect(warned.entity).toBeDefined();
    expect(warned.issues.map(i => i.severity)).toEqual(['warning']);
    const failed = readDataProductSpec(
      oam.replace("value: 'encounters-team'", "value: ''"),
      { file: 'data_product_spec.yml' },
    );
    expect(failed.entity).toBeUndefined();
    expect(failed.issues.map(formatIssue)).toEqual([
      "data_product_spec.yml: components[1].properties.data_product_owner: data product 'Patient Encounters' needs a data_product_owner: the team that owns it, e.g. patient-administration or group:default/patient-administration (line 19, column 9)",
    ]);
  });
});
