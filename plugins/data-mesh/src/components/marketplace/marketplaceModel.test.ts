import { toCatalogForm } from '@datamesh/plugin-data-mesh-common';
import {
  bareProduct,
  patientEncounters,
  patients,
  readmissionRisk,
} from '../../__testUtils__/fixtures';
import { fleetItems } from '../../__testUtils__/sloFixtures';
import { fleetKey, joinFleet } from '../../fleet/joinFleet';
import {
  facetCounts,
  productContents,
  selectItems,
  stateFromParams,
  stateToParams,
  toMarketplaceItems,
} from './marketplaceModel';

// patients declares checks the portal measures; bed-occupancy only a text one
const withChecks = (
  product: typeof patients,
  quality: object[],
): typeof patients => ({
  ...product,
  spec: {
    ...product.spec,
    datasets: product.spec.datasets?.length
      ? product.spec.datasets.map((d, i) =>
          i === 0 ? { ...d, quality: quality as any } : d,
        )
      : [{ name: 'beds', columns: [], quality: quality as any }],
  },
});
const products = [
  readmissionRisk,
  withChecks(bareProduct, [{ type: 'text', description: 'Beds per ward' }]),
  withChecks(patients, [{ metric: 'rowCount', mustBeGreaterThan: 0 }]),
  patientEncounters,
];
const contents = new Map(
  products.map(p => [
    fleetKey(`dataproduct:default/${p.metadata.name}`),
    productContents(toCatalogForm(p)),
  ]),
);
const items = (fleet = fleetItems) =>
  toMarketplaceItems(joinFleet(products, fleet).products, contents);

describe('marketplace state in the URL', () => {
  it('round-trips, leaving defaults out', () => {
    const params = new URLSearchParams(
      'q=mrn&domain=clinical-care&domain=patient-admin&pii=Yes&sort=health&view=cards',
    );
    const state = stateFromParams(params);
    expect(state).toEqual({
      query: 'mrn',
      filters: { domain: ['clinical-care', 'patient-admin'], pii: ['Yes'] },
      sort: 'health',
      view: 'cards',
    });
    expect(stateToParams(state).toString()).toBe(params.toString());
    expect(
      stateToParams({
        query: '',
        filters: {},
        sort: 'name',
        view: 'table',
      }).toString(),
    ).toBe('');
  });

  it('ignores unknown sorts, views and parameters', () => {
    expect(
      stateFromParams(new URLSearchParams('sort=size&view=map&colour=red')),
    ).toEqual({ query: '', filters: {}, sort: 'name', view: 'table' });
  });
});

describe('selectItems', () => {
  it('orders by health, worst first, then by lowest budget and title', () => {
    const state = stateFromParams(new URLSearchParams('sort=health'));
    expect(selectItems(items(), state, contents).map(i => i.title)).toEqual([
      'Patient encounters', // breaching
      'bed-occupancy', // no data
      'Patient master', // ok, 50 % budget left
      'Readmission risk', // ok, 100 %
    ]);
  });

  it('says "Unknown" while the fleet is not known, "No SLOs" for products without objectives', () => {
    const health = toMarketplaceItems(
      joinFleet(products, undefined).products,
      contents,
    ).map(i => [i.title, i.facets.health]);
    expect(health).toEqual([
      ['Readmission risk', 'No SLOs'],
      ['bed-occupancy', 'No SLOs'],
      ['Patient master', 'No SLOs'],
      ['Patient encounters', 'Unknown'],
    ]);
  });

  it('matches column descriptions and dataset titles once the index is there', () => {
    const state = stateFromParams(new URLSearchParams('q=daily encounter'));
    expect(selectItems(items(), state, contents).map(i => i.title)).toEqual([
      'Patient encounters',
    ]);
    expect(selectItems(items(), state, undefined)).toEqual([]);
  });
});

describe('facetCounts', () => {
  it("counts each facet within the query and the other facets' choices, keeping picked values", () => {
    const state = stateFromParams(
      new URLSearchParams('type=Aggregate&lifecycle=retired'),
    );
    const counts = facetCounts(items(), state, contents);
    // lifecycle counted over aggregate products only; the picked "retired" stays
    expect(counts.lifecycle).toEqual([
      { value: 'production', count: 1 },
      { value: 'retired', count: 0 },
    ]);
    // type counted over "retired" products: none, but the picked value stays
    expect(counts.type).toEqual([{ value: 'Aggregate', count: 0 }]);
  });

  it('lists health values worst first', () => {
    const counts = facetCounts(
      items(),
      stateFromParams(new URLSearchParams()),
      contents,
    );
    expect(counts.health.map(h => h.value)).toEqual([
      'Breaching',
      'No data',
      'OK',
    ]);
    expect(counts.pii).toEqual([
      { value: 'No', count: 3 },
      { value: 'Yes', count: 1 },
    ]);
  });
});

describe('data quality', () => {
  const summary = (name: string, failing: string[], warnings: string[]) =>
    [
      fleetKey(`dataproduct:default/${name}`),
      {
        product: `dataproduct:default/${name}`,
        checks: 3,
        failing,
        warnings,
        checkedAt: '2026-12-07T06:00:00.000Z',
      },
    ] as const;

  it('says where each product’s checks stand, worst first, and filters by it', () => {
    const quality = new Map([
      summary('patient-encounters', ['events:rowCount'], ['events.x:y']),
      summary('readmission-risk', [], ['scores.risk:nullValues']),
    ]);
    const all = toMarketplaceItems(
      joinFleet(products, fleetItems).products,
      contents,
      undefined,
      undefined,
      quality,
    );
    expect(all.map(i => [i.title, i.facets.quality])).toEqual([
      ['Readmission risk', 'Warnings only'],
      // a text check is shown, not measured: no checks to measure
      ['bed-occupancy', 'No checks'],
      // declares a check without a result yet
      ['Patient master', 'Not measured yet'],
      ['Patient encounters', 'Failing checks'],
    ]);
    expect(all[3].quality?.failing).toEqual(['events:rowCount']);
    const none = stateFromParams(new URLSearchParams());
    expect(facetCounts(all, none, contents).quality).toEqual([
      { value: 'Failing checks', count: 1 },
      { value: 'Warnings only', count: 1 },
      { value: 'Not measured yet', count: 1 },
      { value: 'No checks', count: 1 },
    ]);
    const failing = stateFromParams(
      new URLSearchParams('quality=Failing checks&quality=Warnings only'),
    );
    expect(selectItems(all, failing, contents).map(i => i.title)).toEqual([
      'Patient encounters',
      'Readmission risk',
    ]);
    // unknown while the summaries or the declared checks are not known
    expect(
      toMarketplaceItems(
        joinFleet(products, fleetItems).products,
        undefined,
        undefined,
        undefined,
        quality,
      ).map(i => i.facets.quality),
    ).toEqual(['Warnings only', '', '', 'Failing checks']);
    expect(items().map(i => i.facets.quality)).toEqual(['', '', '', '']);
  });
});
