import { datasetColumns, toCatalogForm } from './catalogForm';
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
      outputPorts: [{ name: 'sql', type: 'sql', dataset: 'patients' }],
      slos: [
        {
          name: 'fresh',
          dimension: 'freshness',
          objective: 'Refreshed daily',
          maxAge: '24h',
        },
      ],
    },
  };
}

describe('catalog form', () => {
  it('stores each dataset’s columns as one JSON text and reads the same columns back', () => {
    const entity = seedProduct();
    const datasets = entity.spec.datasets!;
    expect(datasets.some(d => d.columns.length > 3)).toBe(true);

    const stored = toCatalogForm(entity);
    // Through JSON, as the catalog serves it.
    const served = JSON.parse(JSON.stringify(stored));
    served.spec.datasets.forEach(
      (dataset: Record<string, unknown>, i: number) => {
        expect(dataset.columns).toBeUndefined();
        expect(typeof dataset.columnsJson).toBe('string');
        expect(dataset.name).toBe(datasets[i].name);
        expect(dataset.table).toBe(datasets[i].table);
        expect(datasetColumns(served.spec.datasets[i])).toEqual(
          datasets[i].columns,
        );
      },
    );
    // Everything but the datasets' columns is the canonical entity.
    const { datasets: _d, ...restStored } = served.spec;
    const { datasets: _c, ...restCanonical } = entity.spec;
    expect(restStored).toEqual(JSON.parse(JSON.stringify(restCanonical)));
    expect(served.metadata).toEqual(
      JSON.parse(JSON.stringify(entity.metadata)),
    );
  });

  it('leaves the canonical entity untouched', () => {
    const entity = seedProduct();
    const before = JSON.stringify(entity);
    toCatalogForm(entity);
    expect(JSON.stringify(entity)).toBe(before);
  });

  it('keeps an empty column list and a product without datasets', () => {
    const entity = seedProduct();
    const empty = {
      ...entity,
      spec: { ...entity.spec, datasets: [{ name: 'x', columns: [] }] },
    };
    const stored = toCatalogForm(empty).spec.datasets!;
    expect(stored[0].columnsJson).toBe('[]');
    expect(datasetColumns(stored[0])).toEqual([]);

    const none = { ...entity, spec: { ...entity.spec, datasets: undefined } };
    expect(toCatalogForm(none).spec.datasets).toBeUndefined();
  });

  it('reads canonical datasets as they are', () => {
    const dataset = seedProduct().spec.datasets![0];
    expect(datasetColumns(dataset)).toBe(dataset.columns);
  });

  it('reads hand-edited or broken JSON text as no columns instead of throwing', () => {
    expect(datasetColumns({ name: 'x', columnsJson: '[{"name":' })).toEqual([]);
    expect(datasetColumns({ name: 'x', columnsJson: '{"name":"a"}' })).toEqual(
      [],
    );
    expect(
      datasetColumns({
        name: 'x',
        columnsJson: '[{"name":"a","type":"int"},7,null,{"type":"int"}]',
      }),
    ).toEqual([{ name: 'a', type: 'int' }]);
  });
});
