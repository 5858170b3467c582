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

const products = [readmissionRisk, bareProduct, patients, patientEncounters];
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
