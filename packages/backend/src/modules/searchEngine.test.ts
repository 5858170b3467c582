import { mockServices } from '@backstage/backend-test-utils';
import {
  LunrSearchEngine,
  TestPipeline,
} from '@backstage/plugin-search-backend-node';
import { PortalLunrSearchEngine, allowedEdits } from './searchEngine';

// like the example portal's documents: a product with the column, and
// others whose short words are within two edits of "at"
const documents = [
  {
    title: 'ehr-encounters',
    text: 'Every hospital encounter. Columns: encounter_id admitted_at discharged_at',
    location: '/catalog/default/dataproduct/ehr-encounters',
  },
  {
    title: 'Laboratory Information System (LIMS)',
    text: 'Pathology results, published as HL7 v2 ORU messages for the lab',
    location: '/catalog/default/system/lims',
  },
  {
    title: 'Patient Administration System (PAS)',
    text: 'Registration and master patient index: NHS number and demographics',
    location: '/catalog/default/system/pas',
  },
  {
    title: 'Deprecate or retire a data product',
    text: 'Announce the retirement of a data product you own',
    location: '/create/templates/default/retire',
  },
];

async function search(engine: LunrSearchEngine, term: string) {
  const { results } = await engine.query({ term, types: ['catalog'] });
  return results.map(r => r.document.title);
}

async function indexed(engine: LunrSearchEngine) {
  await TestPipeline.fromIndexer(await engine.getIndexer('catalog'))
    .withDocuments(documents)
    .execute();
  return engine;
}

describe('PortalLunrSearchEngine', () => {
  const logger = mockServices.logger.mock();

  it('finds a column name without the documents whose short words are two edits from its parts', async () => {
    const stock = await indexed(new LunrSearchEngine({ logger }));
    const portal = await indexed(new PortalLunrSearchEngine({ logger }));
    // what the stock engine answers: every document
    expect(await search(stock, 'admitted_at')).toHaveLength(4);
    expect(await search(portal, 'admitted_at')).toEqual(['ehr-encounters']);
  });

  it('still finds prefixes, stems and typos of longer words', async () => {
    const portal = await indexed(new PortalLunrSearchEngine({ logger }));
    expect(await search(portal, 'encount')).toEqual(['ehr-encounters']);
    expect(await search(portal, 'encounters')).toEqual(['ehr-encounters']);
    // two typos in a long word, one in a short one
    expect(await search(portal, 'admited')).toEqual(['ehr-encounters']);
    expect(await search(portal, 'hospitle')).toEqual(['ehr-encounters']);
    expect(await search(portal, 'pathlogy')).toEqual([
      'Laboratory Information System (LIMS)',
    ]);
    expect(await search(portal, 'lbs')).toEqual([]);
    expect(await search(portal, 'lims')).toEqual([
      'Laboratory Information System (LIMS)',
    ]);
  });

  it('keeps the query filters of the stock engine', async () => {
    const portal = await indexed(new PortalLunrSearchEngine({ logger }));
    const { results } = await portal.query({
      term: 'system',
      types: ['catalog'],
      filters: { location: '/catalog/default/system/pas' },
    });
    expect(results.map(r => r.document.title)).toEqual([
      'Patient Administration System (PAS)',
    ]);
  });
});

describe('allowedEdits', () => {
  it('allows no edit up to 2 characters, one up to 5, two beyond', () => {
    expect(['at', 'lab', 'admit', 'admitted'].map(allowedEdits)).toEqual([
      0, 1, 1, 2,
    ]);
  });
});
