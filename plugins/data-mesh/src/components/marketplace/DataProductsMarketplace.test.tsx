import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useLocation } from 'react-router-dom';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { toCatalogForm } from '@datamesh/plugin-data-mesh-common';
import { DataProductsTable } from '../DataProductsTable';
import {
  bareProduct,
  component,
  patientEncounters,
  patients,
  readmissionRisk,
} from '../../__testUtils__/fixtures';
import { renderForEntity } from '../../__testUtils__/render';
import {
  fakeDataMeshBackend,
  jsonResponse,
} from '../../__testUtils__/fakeBackend';
import { fleetResponse } from '../../__testUtils__/sloFixtures';

// as the catalog serves them: nested parts as JSON text
const served = [patientEncounters, patients, readmissionRisk, bareProduct].map(
  e => JSON.parse(JSON.stringify(toCatalogForm(e))),
);
const entities = [...served, component];
const DAY = 86_400_000;
// when each spec last changed, as the Changes timeline serves it;
// bed-occupancy has no timeline yet
const lastChanges = () => ({
  items: [
    ['patients', 3_600_000],
    ['readmission-risk', 2 * DAY],
    ['patient-encounters', 30 * DAY],
  ].map(([name, age]) => ({
    product: `dataproduct:default/${name}`,
    revision: 2,
    ingestedAt: new Date(Date.now() - (age as number)).toISOString(),
  })),
});
// who reads each product now, as the access registry counts them;
// nobody reads patient-encounters or bed-occupancy
const readers = () => ({
  items: [
    { product: 'dataproduct:default/patients', teams: 1, products: 0 },
    { product: 'dataproduct:default/readmission-risk', teams: 2, products: 1 },
  ],
});
// where products' data-quality checks stand, as the portal's latest
// results left them; the others declare no checks
const qualitySummaries = () => ({
  items: [
    {
      product: 'dataproduct:default/patient-encounters',
      checks: 2,
      failing: ['encounters:rowCount'],
      warnings: [],
      checkedAt: '2026-12-07T06:00:00.000Z',
    },
    {
      product: 'dataproduct:default/readmission-risk',
      checks: 2,
      failing: [],
      warnings: [],
      checkedAt: '2026-12-07T06:00:00.000Z',
    },
  ],
});
const sloBackend = () =>
  fakeDataMeshBackend({
    '/slos': fleetResponse(),
    '/changes/latest': () => jsonResponse(lastChanges()),
    '/access/readers': () => jsonResponse(readers()),
    '/quality/products': () => jsonResponse(qualitySummaries()),
  });

function Location() {
  return <div data-testid="location">{useLocation().search}</div>;
}

async function renderPage(
  url = '/data-products',
  apis: NonNullable<Parameters<typeof renderForEntity>[2]>['apis'] = [
    [catalogApiRef, catalogApiMock({ entities })],
    sloBackend().apiEntry,
  ],
) {
  await renderForEntity(
    component,
    <>
      <DataProductsTable />
      <Location />
    </>,
    { apis, initialRouteEntries: [url] },
  );
}

const titles = () =>
  screen
    .getAllByRole('row')
    .slice(1)
    .map(row => within(row).queryAllByRole('link')[0]?.textContent)
    .filter(Boolean);
const search = () => screen.getByTestId('location').textContent;

describe('Data products page', () => {
  it('lists data products only, with domain, owner, type, certification, lifecycle and health', async () => {
    await renderPage();
    expect(await screen.findByText('Data products (4)')).toBeInTheDocument();
    expect(screen.queryByText('ehr-gateway')).not.toBeInTheDocument();
    const row = within(screen.getByText('Patient encounters').closest('tr')!);
    expect(
      row.getByRole('link', { name: /Patient encounters/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patient-encounters',
    );
    expect(row.getByRole('link', { name: /clinical-care/ })).toHaveAttribute(
      'href',
      '/catalog/default/domain/clinical-care',
    );
    expect(
      row.getByRole('link', { name: /clinical-data-team/ }),
    ).toBeInTheDocument();
    expect(row.getByText('Aggregate')).toBeInTheDocument();
    expect(row.getByText('production')).toBeInTheDocument();
    expect(row.getByTestId('certified-badge')).toBeInTheDocument();
    await expect(
      row.findByTestId('slo-status-breaching'),
    ).resolves.toHaveAttribute(
      'title',
      'Lowest error budget: overspent by 25 %',
    );
    // the description is clamped to two lines, the full text in its title
    const description = row.getByTestId('product-description');
    expect(description).toHaveAttribute(
      'title',
      patientEncounters.metadata.description,
    );
  });

  it('finds a product by a column name, from the URL, and keeps the search in the URL', async () => {
    await renderPage('/data-products?q=triage_colour');
    expect(
      await screen.findByText('Data products (0 of 4)'),
    ).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Search data products'), {
      target: { value: 'diagnosis_code' },
    });
    await waitFor(() => expect(titles()).toEqual(['Patient encounters']));
    expect(search()).toBe('?q=diagnosis_code');
    // words of names, descriptions and tags are found too, every word must match
    fireEvent.change(screen.getByLabelText('Search data products'), {
      target: { value: 'hipaa encounter' },
    });
    await waitFor(() => expect(titles()).toEqual(['Patient encounters']));
    fireEvent.change(screen.getByLabelText('Search data products'), {
      target: { value: 'READMISSION' },
    });
    await waitFor(() => expect(titles()).toEqual(['Readmission risk']));
  });

  it('narrows by facets with counts, kept in the URL', async () => {
    await renderPage();
    await screen.findByText('Data products (4)');
    const pii = within(
      screen.getByRole('group', { name: 'Contains personal data' }),
    );
    // the column index says which products hold personal data
    fireEvent.click(await pii.findByRole('checkbox', { name: 'Yes (1)' }));
    await waitFor(() => expect(titles()).toEqual(['Patient encounters']));
    expect(search()).toBe('?pii=Yes');

    fireEvent.click(pii.getByRole('checkbox', { name: 'Yes (1)' }));
    const type = within(screen.getByRole('group', { name: 'Type' }));
    fireEvent.click(type.getByRole('checkbox', { name: 'Source-aligned (2)' }));
    await waitFor(() =>
      expect(titles()).toEqual(['bed-occupancy', 'Patient master']),
    );
    const certified = within(screen.getByRole('group', { name: 'Certified' }));
    // counted within the other facets' selection
    expect(
      certified.getByRole('checkbox', { name: 'Not certified (2)' }),
    ).toBeInTheDocument();
    const health = within(screen.getByRole('group', { name: 'Health' }));
    fireEvent.click(health.getByRole('checkbox', { name: 'OK (1)' }));
    await waitFor(() => expect(titles()).toEqual(['Patient master']));
    expect(search()).toBe('?type=Source-aligned&health=OK');
  });

  it('restores facets, sort and view from the URL: cards, worst health first', async () => {
    await renderPage(
      '/data-products?lifecycle=production&sort=health&view=cards',
    );
    const cards = await screen.findAllByTestId('product-card');
    expect(
      cards.map(c => within(c).getAllByRole('link')[0].textContent),
    ).toEqual(['Patient encounters', 'Readmission risk']);
    expect(screen.getByText('Data products (2 of 4)')).toBeInTheDocument();
    expect(within(cards[0]).getByText('Personal data')).toBeInTheDocument();
    expect(within(cards[0]).getByText('hipaa')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Table view' }));
    await waitFor(() =>
      expect(search()).toBe('?lifecycle=production&sort=health'),
    );
    expect(titles()).toEqual(['Patient encounters', 'Readmission risk']);
  });

  it('sorts by last update, newest first, shown relative in the table and the cards', async () => {
    await renderPage();
    await screen.findByText('Data products (4)');
    const row = within(screen.getByText('Readmission risk').closest('tr')!);
    expect(await row.findByTestId('last-update')).toHaveTextContent(/^2d ago$/);
    expect(
      within(screen.getByText('bed-occupancy').closest('tr')!).queryByTestId(
        'last-update',
      ),
    ).not.toBeInTheDocument();

    fireEvent.mouseDown(screen.getByRole('button', { name: /Sort by/ }));
    fireEvent.click(
      await screen.findByRole('option', { name: 'Last update (newest first)' }),
    );
    // unknown last
    await waitFor(() =>
      expect(titles()).toEqual([
        'Patient master',
        'Readmission risk',
        'Patient encounters',
        'bed-occupancy',
      ]),
    );
    expect(search()).toBe('?sort=updated');

    fireEvent.click(screen.getByRole('button', { name: 'Card view' }));
    const cards = await screen.findAllByTestId('product-card');
    expect(
      cards.map(c => within(c).getAllByRole('link')[0].textContent),
    ).toEqual([
      'Patient master',
      'Readmission risk',
      'Patient encounters',
      'bed-occupancy',
    ]);
    expect(within(cards[0]).getByTestId('last-update')).toHaveTextContent(
      'Updated 1h ago',
    );
    expect(within(cards[2]).getByTestId('last-update')).toHaveTextContent(
      'Updated 30d ago',
    );
  });

  it('sorts by readers, most read first, shown in the table and the cards', async () => {
    await renderPage();
    await screen.findByText('Data products (4)');
    const row = within(screen.getByText('Readmission risk').closest('tr')!);
    const count = await row.findByTestId('readers');
    expect(count).toHaveTextContent(/^3$/);
    expect(count).toHaveAttribute(
      'title',
      'Read by 2 teams, 1 data product, holding access',
    );
    // known to be read by nobody: 0, not blank
    expect(
      within(screen.getByText('bed-occupancy').closest('tr')!).getByTestId(
        'readers',
      ),
    ).toHaveTextContent(/^0$/);

    fireEvent.mouseDown(screen.getByRole('button', { name: /Sort by/ }));
    fireEvent.click(await screen.findByRole('option', { name: 'Most read' }));
    // the unread ones after, by title
    await waitFor(() =>
      expect(titles()).toEqual([
        'Readmission risk',
        'Patient master',
        'bed-occupancy',
        'Patient encounters',
      ]),
    );
    expect(search()).toBe('?sort=readers');

    fireEvent.click(screen.getByRole('button', { name: 'Card view' }));
    const cards = await screen.findAllByTestId('product-card');
    expect(within(cards[0]).getByTestId('readers')).toHaveTextContent(
      'Readers: 3',
    );
  });

  it('shows where data quality stands under the health, and narrows by it', async () => {
    await renderPage();
    await screen.findByText('Data products (4)');
    const failing = await within(
      screen.getByText('Patient encounters').closest('tr')!,
    ).findByTestId('quality');
    expect(failing).toHaveTextContent('Quality: 1 check failing');
    expect(failing).toHaveAttribute(
      'title',
      'Blocking checks failing or not measured: encounters:rowCount',
    );
    expect(
      within(screen.getByText('Readmission risk').closest('tr')!).getByTestId(
        'quality',
      ),
    ).toHaveTextContent('Quality: 2 checks pass');
    // no checks declared: nothing said
    expect(
      within(screen.getByText('bed-occupancy').closest('tr')!).queryByTestId(
        'quality',
      ),
    ).not.toBeInTheDocument();

    const quality = within(screen.getByRole('group', { name: 'Data quality' }));
    fireEvent.click(
      await quality.findByRole('checkbox', { name: 'Failing checks (1)' }),
    );
    await waitFor(() => expect(titles()).toEqual(['Patient encounters']));
    expect(search()).toBe('?quality=Failing+checks');
    expect(
      quality.getByRole('checkbox', { name: 'Passing (1)' }),
    ).toBeInTheDocument();
    expect(
      quality.getByRole('checkbox', { name: 'No checks (2)' }),
    ).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Card view' }));
    const [card] = await screen.findAllByTestId('product-card');
    expect(within(card).getByTestId('quality')).toHaveTextContent(
      'Quality: 1 check failing',
    );
  });

  it('keeps the list when data quality cannot be read, and says so', async () => {
    await renderPage('/data-products', [
      [catalogApiRef, catalogApiMock({ entities })],
      fakeDataMeshBackend({
        '/slos': fleetResponse(),
        '/changes/latest': () => jsonResponse(lastChanges()),
        '/access/readers': () => jsonResponse(readers()),
        '/quality/products': new TypeError('Failed to fetch'),
      }).apiEntry,
    ]);
    await screen.findByText('Data products (4)');
    expect(await screen.findByTestId('quality-unavailable')).toHaveTextContent(
      'Data quality is unavailable: The data mesh backend could not be reached',
    );
    expect(screen.queryByTestId('quality')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('group', { name: 'Data quality' }),
    ).not.toBeInTheDocument();
  });

  it('keeps the list when readers cannot be counted, and says so', async () => {
    await renderPage('/data-products?sort=readers', [
      [catalogApiRef, catalogApiMock({ entities })],
      fakeDataMeshBackend({
        '/slos': fleetResponse(),
        '/changes/latest': () => jsonResponse(lastChanges()),
        '/access/readers': new TypeError('Failed to fetch'),
      }).apiEntry,
    ]);
    await screen.findByText('Data products (4)');
    expect(await screen.findByTestId('readers-unavailable')).toHaveTextContent(
      'Readers are unavailable: The data mesh backend could not be reached',
    );
    expect(screen.queryByTestId('readers')).not.toBeInTheDocument();
    expect(titles()).toEqual([
      'bed-occupancy',
      'Patient encounters',
      'Patient master',
      'Readmission risk',
    ]);
  });

  it('keeps the list, in name order, when last updates cannot be read', async () => {
    await renderPage('/data-products?sort=updated', [
      [catalogApiRef, catalogApiMock({ entities })],
      fakeDataMeshBackend({
        '/slos': fleetResponse(),
        '/changes/latest': new TypeError('Failed to fetch'),
      }).apiEntry,
    ]);
    await screen.findByText('Data products (4)');
    expect(await screen.findByTestId('updates-unavailable')).toHaveTextContent(
      'Last updates are unavailable: The data mesh backend could not be reached',
    );
    expect(titles()).toEqual([
      'bed-occupancy',
      'Patient encounters',
      'Patient master',
      'Readmission risk',
    ]);
  });

  it('shows the catalog error instead of an empty list', async () => {
    const catalogApi = catalogApiMock.mock({
      getEntities: jest.fn().mockRejectedValue(new Error('catalog is down')),
    });
    await renderPage('/data-products', [
      [catalogApiRef, catalogApi],
      sloBackend().apiEntry,
    ]);
    expect(
      await screen.findByText('Error: catalog is down', { selector: 'h6' }),
    ).toBeInTheDocument();
    // the list and the column index: field-limited, the datasets apart
    const calls = catalogApi.getEntities.mock.calls.map(([q]) => q);
    expect(calls).toContainEqual(
      expect.objectContaining({
        filter: { kind: 'DataProduct' },
        fields: [
          'kind',
          'metadata.namespace',
          'metadata.name',
          'spec.datasets',
        ],
      }),
    );
    expect(
      calls.find(q => q?.fields?.includes('spec.type'))?.fields,
    ).not.toContain('spec.datasets');
  });

  it('keeps the list when the SLO backend is unreachable', async () => {
    await renderPage('/data-products', [
      [catalogApiRef, catalogApiMock({ entities })],
      fakeDataMeshBackend({ '/slos': new TypeError('Failed to fetch') })
        .apiEntry,
    ]);
    expect(await screen.findByText('Data products (4)')).toBeInTheDocument();
    expect(screen.getByTestId('health-unavailable')).toHaveTextContent(
      'SLO health is unavailable: The data mesh backend could not be reached',
    );
    expect(
      within(screen.getByText('Patient master').closest('tr')!).getByText(
        'No SLOs',
      ),
    ).toBeInTheDocument();
  });

  it('explains how to register products when there are none', async () => {
    await renderPage('/data-products', [
      [catalogApiRef, catalogApiMock({ entities: [component] })],
      sloBackend().apiEntry,
    ]);
    expect(
      await screen.findByText(/No data products are registered yet/),
    ).toBeInTheDocument();
  });
});
