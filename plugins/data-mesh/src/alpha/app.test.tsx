import { screen, within } from '@testing-library/react';
import { renderTestApp } from '@backstage/frontend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import catalogGraphPlugin from '@backstage/plugin-catalog-graph/alpha';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { mockApis } from '@backstage/frontend-test-utils';
import userEvent from '@testing-library/user-event';
import dataMeshPlugin from '../alpha';
import { driftSummary } from '../__testUtils__/infraFixtures';
import {
  fakeDataMeshBackend,
  fleetByOwner,
} from '../__testUtils__/fakeBackend';
import {
  fleetItems,
  patientEncountersSlos,
} from '../__testUtils__/sloFixtures';
import {
  component,
  patientEncounters,
  patients,
  readmissionRisk,
} from '../__testUtils__/fixtures';

// The plugin as an adopter's app gets it: next to the real catalog and
// catalog-graph plugins, so extension ids, attachment points and routes are
// the ones a real app resolves.
jest.setTimeout(60_000);

describe('data-mesh in an app with catalog and catalog-graph', () => {
  beforeAll(() => {
    (SVGElement.prototype as any).getBBox ??= () => ({
      x: 0,
      y: 0,
      width: 120,
      height: 20,
    });
  });

  const render = (
    path: string,
    routes: Record<string, unknown> = {},
    appFetch = false,
  ) => {
    const backend = fakeDataMeshBackend({
      '/products/default/patient-encounters/slos': patientEncountersSlos(),
      '/slos': fleetByOwner(fleetItems),
      ...routes,
    });
    renderTestApp({
      features: [catalogPlugin, catalogGraphPlugin, dataMeshPlugin],
      apis: [
        [
          catalogApiRef,
          catalogApiMock({
            entities: [patientEncounters, patients, readmissionRisk, component],
          }),
        ],
        // replaces the plugin's DataMeshClient on the app's fetch
        backend.apiEntry,
        ...(appFetch ? backend.appEntries : []),
        mockApis.identity({
          userEntityRef: 'user:default/jane',
          ownershipEntityRefs: ['group:default/clinical-data-team'],
        }),
      ],
      initialRouteEntries: [path],
    });
    return backend;
  };

  it('shows ports, lineage and a Datasets tab on a DataProduct page', async () => {
    render('/catalog/default/dataproduct/patient-encounters');
    // The first render loads the whole catalog entity page lazily.
    expect(
      await screen.findByText('Output ports', {}, { timeout: 25_000 }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Lineage')).toBeInTheDocument();
    // Drawn by our lineage card and, on its own schedule, by catalog-graph's
    // generic relations card as well.
    expect(
      (await screen.findAllByText('Readmission risk')).length,
    ).toBeGreaterThanOrEqual(1);
    expect(screen.getByText('About this data product')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Datasets' })).toBeInTheDocument();
  });

  it('adds nothing to the page of another kind', async () => {
    render('/catalog/default/component/ehr-gateway');
    // Wait for the catalog's own (lazy) About card, then give our lazy cards
    // the time they take to appear on a DataProduct page before concluding
    // they are absent.
    expect(
      await screen.findByText('About', {}, { timeout: 25_000 }),
    ).toBeInTheDocument();
    await expect(
      screen.findByText(
        /Output ports|Input ports|Lineage|Data-sharing|SLO health/,
        {},
        {
          timeout: 3_000,
        },
      ),
    ).rejects.toThrow();
    expect(
      screen.queryByText('About this data product'),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: 'Datasets' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: 'SLOs' }),
    ).not.toBeInTheDocument();
  });

  it('has a Data products nav item leading to the page', async () => {
    render('/data-products');
    const nav = await screen.findByRole('navigation', { name: 'sidebar nav' });
    expect(
      within(nav).getByRole('link', { name: /Data products/ }),
    ).toHaveAttribute('href', '/data-products');
    expect(await screen.findByText('Data products (3)')).toBeInTheDocument();
  });

  it('serves the Mesh map, with a nav item and a link from the Data products page', async () => {
    render('/data-products');
    await userEvent.click(
      await screen.findByRole(
        'link',
        { name: 'Mesh map' },
        { timeout: 25_000 },
      ),
    );
    const lane = await screen.findByRole(
      'region',
      { name: 'Domain clinical-care' },
      { timeout: 25_000 },
    );
    expect(
      within(lane).getByRole('link', { name: 'Patient encounters' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patient-encounters',
    );
    expect(screen.getAllByTestId('mesh-edge')).toHaveLength(2);
    const nav = screen.getByRole('navigation', { name: 'sidebar nav' });
    expect(within(nav).getByRole('link', { name: /Mesh map/ })).toHaveAttribute(
      'href',
      '/data-products/mesh-map',
    );
  });

  it('has an SLOs tab with the objectives, and the health chip on the overview', async () => {
    render('/catalog/default/dataproduct/patient-encounters');
    expect(
      await screen.findByText('SLO health', {}, { timeout: 25_000 }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('SLOs: 1 of 3 breaching'),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('link', { name: 'SLOs' }));
    const table = await screen.findByRole(
      'table',
      { name: 'Service level objectives' },
      { timeout: 15_000 },
    );
    expect(
      within(table).getByTestId('slo-row-nightly-refresh'),
    ).toHaveTextContent('Breaching');
    expect(
      screen.getByTestId('slo-history-nightly-refresh'),
    ).toBeInTheDocument();
  });

  // The app draws the page header; a page's body sits in Backstage's
  // Content (an <article> with the page padding), like the catalog's pages,
  // and does not bring a second, legacy header of its own.
  it('renders its pages in Content under the one header the app draws', async () => {
    render(
      '/data-products/compliance',
      {
        '/governance/summary': {
          ruleProblems: [],
          domains: [
            {
              domain: 'domain:default/clinical-care',
              products: 1,
              compliant: 1,
              counts: { pass: 6, warn: 0, fail: 0, 'not-evaluated': 0 },
              rules: [],
            },
          ],
        },
      },
      true,
    );
    const table = await screen.findByRole(
      'table',
      { name: 'Compliance per domain' },
      { timeout: 25_000 },
    );
    expect(table.closest('article')?.className).toMatch(
      /\bBackstageContent-root\b/,
    );
    expect(
      screen.getAllByRole('heading', { level: 1, name: 'Compliance' }),
    ).toHaveLength(1);
  });

  it.each([
    ['/data-products', 'Data products (3)'],
    ['/data-products/mine', 'My data products (1)'],
    ['/data-products/drift', 'Data products (0)'],
  ])('renders %s in Content', async (path, text) => {
    render(path, {
      '/infrastructure/drift': driftSummary([]),
    });
    const shown = await screen.findByText(text, {}, { timeout: 25_000 });
    expect(shown.closest('article')?.className).toMatch(
      /\bBackstageContent-root\b/,
    );
  });

  it('serves My data products next to the Data products page', async () => {
    render('/data-products/mine');
    expect(
      await screen.findByText('My data products (1)', {}, { timeout: 25_000 }),
    ).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'sidebar nav' });
    expect(
      within(nav).getByRole('link', { name: /My data products/ }),
    ).toHaveAttribute('href', '/data-products/mine');
  });
});
