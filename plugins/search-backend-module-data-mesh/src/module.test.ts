/*
 * The module in a real backend: the catalog with the data-mesh catalog
 * module reads a product from a file, stores it in the catalog form (columns
 * as JSON text), the search plugin (in-memory Lunr engine) runs this
 * module's collator, and the search API — what the search bar calls — finds
 * the product by a column. Catalog, search plugin and both modules are the
 * real ones; the test backend's scheduler runs the index task when the test
 * triggers it.
 */
import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import catalogModuleDataMesh from '@datamesh/plugin-catalog-backend-module-data-mesh';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { searchModuleDataMesh } from './module';

jest.setTimeout(60_000);

const PRODUCT = `apiVersion: datamesh.dev/v1alpha1
kind: DataProduct
metadata:
  name: patient-visits
  title: Patient visits
  description: Every outpatient visit, one row each.
  tags: [clinical]
spec:
  type: aggregate
  lifecycle: production
  owner: group:default/clinical-data
  domain: domain:default/clinical
  certified: true
  datasets:
    - name: visits
      table: clinical.visits.visits
      columns:
        - name: visit_id
          type: varchar(36)
          primaryKey: true
        - name: triage_colour
          type: varchar(8)
          description: Manchester triage category assigned on arrival
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: triage-service
  description: Assigns the triage_colour of a visit.
spec:
  type: service
  owner: group:default/clinical-data
  lifecycle: production
`;

let scheduler: SchedulerService;
const searchScheduler = createBackendModule({
  pluginId: 'search',
  moduleId: 'test-scheduler',
  register(reg) {
    reg.registerInit({
      deps: { s: coreServices.scheduler },
      async init({ s }) {
        scheduler = s;
      },
    });
  },
});

let tmp: string;
let backend: TestBackend;
let base: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'datamesh-search-'));
  await fs.writeFile(path.join(tmp, 'catalog-info.yaml'), PRODUCT);
  backend = await startTestBackend({
    features: [
      import('@backstage/plugin-catalog-backend'),
      catalogModuleDataMesh,
      import('@backstage/plugin-search-backend'),
      searchModuleDataMesh,
      searchScheduler,
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            rules: [{ allow: ['Component', 'Location', 'DataProduct'] }],
            locations: [
              { type: 'file', target: path.join(tmp, 'catalog-info.yaml') },
            ],
          },
        },
      }),
    ],
  });
  base = `http://localhost:${backend.server.port()}/api`;
});

afterAll(async () => {
  await backend?.stop();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

async function waitForEntity(ref: string): Promise<Entity> {
  const [kind, rest] = ref.split(':');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`${base}/catalog/entities/by-name/${kind}/${rest}`);
    if (res.ok) return res.json();
    if (Date.now() > deadline) throw new Error(`${ref} never appeared`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

async function search(query: string) {
  const res = await fetch(`${base}/search/query?${query}`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as {
    results: { type: string; document: Record<string, string> }[];
  };
  return body.results;
}

describe('search module data-mesh in a real backend', () => {
  it('finds a product by a column name and by words of a column description', async () => {
    const stored = await waitForEntity('dataproduct:default/patient-visits');
    // The catalog holds the columns as JSON text (the catalog form), not as
    // filter rows.
    expect(stored.spec?.datasets).toEqual([
      {
        name: expect.any(String),
        json: expect.stringContaining('triage_colour'),
      },
    ]);

    await scheduler.triggerTask('search_index_data_product');

    const byName = await search('term=triage_colour&types%5B0%5D=data-product');
    expect(byName.map(r => [r.type, r.document.name])).toEqual([
      ['data-product', 'patient-visits'],
    ]);
    expect(byName[0].document).toMatchObject({
      title: 'Patient visits',
      location: '/catalog/default/dataproduct/patient-visits',
      domain: 'domain:default/clinical',
      type: 'aggregate',
      owner: 'group:default/clinical-data',
    });

    const byDescription = await search('term=manchester%20triage');
    expect(byDescription.map(r => r.document.name)).toContain('patient-visits');
  });

  it('does not find a product by a column it does not have', async () => {
    await waitForEntity('dataproduct:default/patient-visits');
    await scheduler.triggerTask('search_index_data_product');
    expect(
      await search('term=discharge_ward&types%5B0%5D=data-product'),
    ).toEqual([]);
  });
});
