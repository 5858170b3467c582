import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { TestPipeline } from '@backstage/plugin-search-backend-node';
import {
  DataProductEntityV1alpha1,
  toCatalogForm,
} from '@datamesh/plugin-data-mesh-common';
import { DataProductCollatorFactory } from './DataProductCollatorFactory';
import type { DataProductDocument } from './document';

function product(
  name: string,
  namespace = 'default',
): DataProductEntityV1alpha1 {
  return {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: {
      name,
      namespace,
      title: `${name} title`,
      description: `The ${name} product.`,
      tags: ['health', 'daily'],
    },
    spec: {
      type: 'aggregate',
      lifecycle: 'production',
      owner: 'group:default/analytics',
      domain: 'domain:default/clinical',
      certified: false,
      datasets: [
        {
          name: `${name}_rows`,
          title: 'Rows',
          description: 'One row per visit.',
          columns: [
            { name: 'visit_id', type: 'varchar(36)', primaryKey: true },
            {
              name: 'patient_mrn',
              type: 'varchar(18)',
              description: 'Medical record number',
              pii: true,
            },
          ],
        },
      ],
    },
  };
}

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'not-a-product', description: 'patient_mrn everywhere' },
  spec: { type: 'service', owner: 'x', lifecycle: 'production' },
};

async function collate(entities: Entity[], batchSize?: number) {
  const factory = new DataProductCollatorFactory({
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    batchSize,
  });
  const { documents, error } = await TestPipeline.fromCollator(
    await factory.getCollator(),
  ).execute();
  expect(error).toBeUndefined();
  return documents as DataProductDocument[];
}

describe('DataProductCollatorFactory', () => {
  it('indexes each DataProduct, page by page, and nothing else', async () => {
    const names = ['a1', 'a2', 'a3', 'a4', 'a5'];
    const documents = await collate(
      [component, ...names.map(n => toCatalogForm(product(n)))],
      2,
    );
    expect(documents.map(d => d.name).sort()).toEqual(names);
  });

  it('carries name, title, description, tags, domain, type, owner, datasets and columns', async () => {
    const [document] = await collate([
      toCatalogForm(product('visits', 'clinic')),
    ]);
    expect(document).toEqual({
      title: 'visits title',
      text: [
        'The visits product.',
        'Dataset Rows (visits_rows): One row per visit.',
        'Column visit_id',
        // personal data said in words: found by "personal data" too
        'Column patient_mrn (personal data): Medical record number',
        'Tags: health, daily',
      ].join('\n'),
      location: '/catalog/clinic/dataproduct/visits',
      kind: 'DataProduct',
      namespace: 'clinic',
      name: 'visits',
      type: 'aggregate',
      domain: 'domain:default/clinical',
      owner: 'group:default/analytics',
      lifecycle: 'production',
      tags: 'health daily',
      datasets: 'visits_rows',
      columns: 'visits_rows.visit_id visits_rows.patient_mrn',
      authorization: { resourceRef: 'dataproduct:clinic/visits' },
    });
  });

  it('reads columns the same from the catalog form and from a canonical entity', async () => {
    const [stored] = await collate([toCatalogForm(product('p'))]);
    const [canonical] = await collate([product('p')]);
    expect(stored).toEqual(canonical);
  });

  it('gives every document the same fields, even a product without datasets, tags or description', async () => {
    const bare: Entity = {
      apiVersion: 'datamesh.dev/v1alpha1',
      kind: 'DataProduct',
      metadata: { name: 'bare' },
      spec: {
        type: 'source-aligned',
        lifecycle: 'experimental',
        owner: 'group:default/x',
        domain: 'domain:default/y',
        certified: false,
      },
    };
    const documents = await collate([toCatalogForm(product('full')), bare]);
    const full = documents.find(d => d.name === 'full')!;
    const empty = documents.find(d => d.name === 'bare')!;
    // Lunr takes its field list from the first document it indexes.
    expect(Object.keys(empty).sort()).toEqual(Object.keys(full).sort());
    expect(empty).toMatchObject({
      title: 'bare',
      text: '',
      tags: '',
      datasets: '',
      columns: '',
    });
  });
});
