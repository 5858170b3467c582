import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { fromCatalogForm, toCatalogForm } from './catalogForm';
import type { DataProductEntityV1alpha1 } from './model';

function seedProduct(): DataProductEntityV1alpha1 {
  return {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'patients', tags: ['health'] },
    spec: {
      type: 'source-aligned',
      lifecycle: 'production',
      owner: 'group:default/patient-data',
      domain: 'domain:default/clinical',
      certified: true,
      datasets: [
        {
          name: 'patients',
          table: 'CLINICAL.PATIENTS.PATIENTS',
          columns: [
            { name: 'patient_id', type: 'varchar(36)', primaryKey: true },
            {
              name: 'birth_date',
              type: 'date',
              description: 'Date of birth',
              classification: 'restricted',
              pii: true,
              tags: ['quasi-identifier'],
            },
            { name: 'ward', type: 'varchar(8)', required: true },
            { name: 'loaded_at', type: 'timestamp_ntz' },
          ],
        },
        { name: 'summary', columns: [{ name: 'day', type: 'date' }] },
      ],
      inputPorts: [
        {
          name: 'from-admissions',
          type: 'data-product',
          dataProduct: 'dataproduct:default/admissions',
          outputPort: 'sql',
        },
      ],
      outputPorts: [
        { name: 'sql', type: 'sql', dataset: 'patients' },
        { name: 'files', type: 'file', dataset: 'summary', url: 's3://x' },
      ],
      slos: [
        {
          name: 'fresh',
          dimension: 'freshness',
          objective: 'Refreshed daily',
          maxAge: '24h',
          indicator: { name: 'last-altered' },
        },
      ],
      dataSharingAgreement: { purpose: 'Care', approval: 'Owner approves' },
      infrastructure: { stage: 'prod', roles: { consumer: 'PATIENTS_READ' } },
    },
  };
}

/** Through JSON, as the catalog serves it. */
function served(entity: unknown): Entity {
  return JSON.parse(JSON.stringify(entity));
}

/** The leaf paths of a value, array indices dropped, as the catalog's filter table keys them. */
function leafKeys(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap(v => leafKeys(v, path));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      leafKeys(v, path ? `${path}.${k}` : k),
    );
  }
  return [path];
}

describe('catalog form', () => {
  it('keeps the filtered scalars and names, and stores every other nested part as JSON text', () => {
    const stored = served(toCatalogForm(seedProduct()));
    expect([...new Set(leafKeys(stored.spec))].sort()).toEqual([
      'certified',
      'dataSharingAgreement',
      'datasets.json',
      'datasets.name',
      'domain',
      'infrastructure',
      'inputPorts',
      'lifecycle',
      'outputPorts.json',
      'outputPorts.name',
      'owner',
      'slos',
      'type',
    ]);
    expect(stored.spec).toMatchObject({
      type: 'source-aligned',
      owner: 'group:default/patient-data',
      domain: 'domain:default/clinical',
      certified: true,
      datasets: [{ name: 'patients' }, { name: 'summary' }],
      outputPorts: [{ name: 'sql' }, { name: 'files' }],
    });
    expect(typeof stored.spec!.slos).toBe('string');
    expect(stored.metadata).toEqual(served(seedProduct().metadata));
  });

  it('reads the stored form back into the canonical entity', () => {
    const entity = seedProduct();
    expect(fromCatalogForm(served(toCatalogForm(entity)))).toEqual(
      served(entity),
    );
  });

  it('leaves the canonical entity untouched and reads it back equal', () => {
    const entity = seedProduct();
    const before = JSON.stringify(entity);
    toCatalogForm(entity);
    expect(JSON.stringify(entity)).toBe(before);
    expect(fromCatalogForm(entity)).toBe(entity);
  });

  it('keeps absent and empty parts as they are', () => {
    const { datasets: _d, slos: _s, ...rest } = seedProduct().spec;
    const entity = {
      ...seedProduct(),
      spec: { ...rest, inputPorts: [], dataSharingAgreement: {} },
    };
    const stored = served(toCatalogForm(entity));
    expect(stored.spec).not.toHaveProperty('datasets');
    expect(stored.spec).not.toHaveProperty('slos');
    expect(stored.spec!.inputPorts).toBe('[]');
    expect(fromCatalogForm(stored)).toEqual(served(entity));
  });

  it('reads field selections: only the parts that were fetched', () => {
    const stored = served(toCatalogForm(seedProduct()));
    const selected: Entity = {
      apiVersion: stored.apiVersion,
      kind: stored.kind,
      metadata: { name: 'patients' },
      spec: { slos: stored.spec!.slos, owner: stored.spec!.owner },
    };
    expect(fromCatalogForm(selected).spec).toEqual({
      slos: seedProduct().spec.slos,
      owner: 'group:default/patient-data',
    });
  });

  it('leaves other kinds alone, even with look-alike fields', () => {
    const component: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'c' },
      spec: { slos: '[]', datasets: [{ name: 'd', json: '{}' }] },
    };
    expect(fromCatalogForm(component)).toBe(component);
  });

  it('names the entity and the part when stored text is not the catalog form', () => {
    const stored = served(toCatalogForm(seedProduct()));
    const broken = (spec: JsonObject) =>
      fromCatalogForm({ ...stored, spec: { ...stored.spec, ...spec } });
    expect(() => broken({ slos: '[{"name":' })).toThrow(
      /^DataProduct:default\/patients: spec\.slos is not the catalog form .*\(.*JSON/,
    );
    expect(() => broken({ dataSharingAgreement: '[]' })).toThrow(
      'DataProduct:default/patients: spec.dataSharingAgreement is not the catalog form the data-mesh catalog module writes (expected a JSON object)',
    );
    expect(() => broken({ inputPorts: '{}' })).toThrow(
      'spec.inputPorts is not the catalog form the data-mesh catalog module writes (expected a JSON array)',
    );
    expect(() =>
      broken({
        datasets: [
          { name: 'a', json: '{}' },
          { name: 'b', json: 'null' },
        ],
      }),
    ).toThrow(
      'spec.datasets[1].json is not the catalog form the data-mesh catalog module writes (expected a JSON object)',
    );
  });
});
