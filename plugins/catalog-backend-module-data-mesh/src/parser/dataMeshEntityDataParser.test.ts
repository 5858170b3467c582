import { mockServices } from '@backstage/backend-test-utils';
import type { UrlReaderService } from '@backstage/backend-plugin-api';
import {
  type CatalogProcessorResult,
  parseEntityYaml,
} from '@backstage/plugin-catalog-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { takeOver } from '../processor/handOver';
import {
  createDataMeshEntityDataParser,
  isDataProductSpecContent,
} from './dataMeshEntityDataParser';

const examples = path.resolve(__dirname, '../../../../examples/data-products');

const component = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing-api
spec:
  type: service
  lifecycle: production
  owner: group:default/billing
`;

const nativeEntity = `apiVersion: datamesh.dev/v1alpha1
kind: DataProduct
metadata:
  name: native-product
spec:
  type: source-aligned
  lifecycle: experimental
  owner: group:default/team
  domain: domain:default/sales
`;

// the parser must not read anything for plain files: a reader that fails loudly
const noReader = {
  readUrl: async () => {
    throw new Error('unexpected read');
  },
  search: async () => {
    throw new Error('unexpected search');
  },
} as unknown as UrlReaderService;

async function collect(
  text: string,
  target: string,
  type = 'file',
  reader: UrlReaderService = noReader,
): Promise<CatalogProcessorResult[]> {
  const parse = createDataMeshEntityDataParser({
    reader,
    logger: mockServices.logger.mock(),
  });
  const out: CatalogProcessorResult[] = [];
  for await (const r of parse({
    data: Buffer.from(text),
    location: { type, target },
  })) {
    out.push(r);
  }
  return out;
}

describe('dataMeshEntityDataParser', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dm-parser-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads an OAM spec whatever the file is called', async () => {
    const text = await fs.readFile(
      path.join(examples, 'ehr-encounters/data_product_spec.yml'),
      'utf8',
    );
    const file = path.join(dir, 'patient-visits.data_product_spec.yml');
    await fs.writeFile(file, text);
    const results = await collect(text, file);
    expect(results.map(r => r.type)).toEqual(['entity']);
    const [result] = results as Extract<
      CatalogProcessorResult,
      { type: 'entity' }
    >[];
    expect(result.entity).toMatchObject({
      apiVersion: 'datamesh.dev/v1alpha1',
      kind: 'DataProduct',
      metadata: { name: 'ehr-encounters' },
    });
    expect(result.location).toEqual({ type: 'file', target: file });
  });

  it('reads an ODPS product under any name, with the ODCS contracts beside it', async () => {
    const source = path.join(examples, 'lab-results');
    const target = path.join(dir, 'odps');
    await fs.mkdir(target);
    await fs.copyFile(
      path.join(source, 'lab_results.odcs.yaml'),
      path.join(target, 'lab_results.odcs.yaml'),
    );
    const text = await fs.readFile(
      path.join(source, 'lab-results.odps.yaml'),
      'utf8',
    );
    const file = path.join(target, 'product.yaml');
    await fs.writeFile(file, text);
    const [result] = (await collect(text, file)) as Extract<
      CatalogProcessorResult,
      { type: 'entity' }
    >[];
    expect(result.type).toBe('entity');
    const datasets = (takeOver(result.entity).spec as { datasets?: unknown[] })
      .datasets;
    // the dataset schema comes from the contract next to the file
    expect(datasets?.length).toBeGreaterThan(0);
  });

  it('gives located errors for a broken spec recognised by content', async () => {
    const text = `apiVersion: core.oam.dev/v1beta1
kind: DataProduct
components:
  - name: visits
    type: data-product
    properties:
      definition:
        value: Visits
`;
    const file = path.join(dir, 'visits.yaml');
    const results = await collect(text, file);
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.type).toBe('error');
      expect((r as { error: Error }).error.message).toContain(file);
    }
    const messages = results.map(r => (r as { error: Error }).error.message);
    // file, field path and line
    expect(messages).toContainEqual(
      expect.stringMatching(
        /visits\.yaml: components\[0\]: .*data_product_owner.*\(line 4, column 5\)/,
      ),
    );
  });

  it.each([
    ['a Component', component],
    ['a native DataProduct entity', nativeEntity],
    [
      'an OAM application that is not a DataProduct',
      'apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: app\n',
    ],
    ['broken YAML', 'apiVersion: [\n'],
  ])('leaves %s to the catalog’s own reader', async (_name, text) => {
    const location = { type: 'url', target: 'https://example.com/x.yaml' };
    const ours = await collect(text, location.target, 'url');
    const theirs = [...parseEntityYaml(Buffer.from(text), location)];
    expect(JSON.stringify(ours)).toEqual(JSON.stringify(theirs));
  });

  it('recognises content by apiVersion and kind, not by the file name', () => {
    expect(isDataProductSpecContent(component)).toBe(false);
    expect(isDataProductSpecContent(nativeEntity)).toBe(false);
    expect(
      isDataProductSpecContent(
        '{"apiVersion": "v1.0.0", "kind": "DataProduct", "id": "x", "status": "active"}',
      ),
    ).toBe(true);
    expect(
      isDataProductSpecContent(
        'apiVersion: core.oam.dev/v1beta1\nkind: DataProduct\ncomponents: []\n---\napiVersion: v3.0.2\nkind: DataContract\n',
      ),
    ).toBe(true);
    expect(
      isDataProductSpecContent('apiVersion: v1.0.0\nkind: DataContract\n'),
    ).toBe(false);
  });
});
