import { screen, within } from '@testing-library/react';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { DataProductsTable, toDataProductRows } from './DataProductsTable';
import {
  component,
  patientEncounters,
  patients,
  readmissionRisk,
} from '../__testUtils__/fixtures';
import { renderForEntity } from '../__testUtils__/render';
import { joinFleet } from '../fleet/joinFleet';
import { fakeDataMeshBackend } from '../__testUtils__/fakeBackend';
import { fleetItems, fleetResponse } from '../__testUtils__/sloFixtures';

const entities = [patientEncounters, patients, readmissionRisk, component];
const sloBackend = () => fakeDataMeshBackend({ '/slos': fleetResponse() });

describe('DataProductsTable', () => {
  it('lists data products only, with domain, owner, type, certification and lifecycle', async () => {
    await renderForEntity(component, <DataProductsTable />, {
      apis: [
        [catalogApiRef, catalogApiMock({ entities })],
        sloBackend().apiEntry,
      ],
    });

    expect(await screen.findByText('Data products (3)')).toBeInTheDocument();
    expect(screen.queryByText('ehr-gateway')).not.toBeInTheDocument();

    const row = screen.getByText('Patient encounters').closest('tr')!;
    const cells = within(row);
    expect(
      cells.getByRole('link', { name: /Patient encounters/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patient-encounters',
    );
    expect(cells.getByRole('link', { name: /clinical-care/ })).toHaveAttribute(
      'href',
      '/catalog/default/domain/clinical-care',
    );
    expect(
      cells.getByRole('link', { name: /clinical-data-team/ }),
    ).toHaveAttribute('href', '/catalog/default/group/clinical-data-team');
    expect(cells.getByText('Aggregate')).toBeInTheDocument();
    expect(cells.getByTestId('certified-badge')).toBeInTheDocument();
    expect(cells.getByText('production')).toBeInTheDocument();

    const upstream = within(screen.getByText('Patient master').closest('tr')!);
    expect(upstream.getByText('Source-aligned')).toBeInTheDocument();
    expect(upstream.getByTestId('not-certified-badge')).toBeInTheDocument();

    expect(screen.getAllByTestId('certified-badge')).toHaveLength(2);
  });

  it('shows the catalog error instead of an empty table', async () => {
    const catalogApi = catalogApiMock.mock({
      getEntities: jest.fn().mockRejectedValue(new Error('catalog is down')),
    });
    await renderForEntity(component, <DataProductsTable />, {
      apis: [[catalogApiRef, catalogApi], sloBackend().apiEntry],
    });
    expect(
      await screen.findByText('Error: catalog is down', { selector: 'h6' }),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Data products/)).not.toBeInTheDocument();
    expect(catalogApi.getEntities).toHaveBeenCalledWith(
      expect.objectContaining({ filter: { kind: 'DataProduct' } }),
    );
  });

  it('explains how to register products when there are none', async () => {
    await renderForEntity(component, <DataProductsTable />, {
      apis: [
        [catalogApiRef, catalogApiMock({ entities: [component] })],
        sloBackend().apiEntry,
      ],
    });
    expect(
      await screen.findByText(/No data products are registered yet/),
    ).toBeInTheDocument();
  });
});

describe('DataProductsTable health column', () => {
  it("shows each product's SLO health from one fleet request", async () => {
    const backend = sloBackend();
    await renderForEntity(component, <DataProductsTable />, {
      apis: [[catalogApiRef, catalogApiMock({ entities })], backend.apiEntry],
    });
    expect(await screen.findByText('Data products (3)')).toBeInTheDocument();
    const row = (title: string) =>
      within(screen.getByText(title).closest('tr')!);
    await expect(
      row('Patient encounters').findByTestId('slo-status-breaching'),
    ).resolves.toHaveAttribute(
      'title',
      'Lowest error budget: overspent by 25 %',
    );
    expect(
      row('Patient master').getByTestId('slo-status-ok'),
    ).toBeInTheDocument();
    expect(
      row('Readmission risk').getByTestId('slo-status-ok'),
    ).toBeInTheDocument();
    // one request for the whole table, for every product
    expect(backend.requests).toHaveLength(1);
    expect(backend.requests[0].pathname).toBe('/api/data-mesh/slos');
    expect(backend.requests[0].search).toBe('');
  });

  it('keeps the table when the SLO backend is unreachable', async () => {
    const backend = fakeDataMeshBackend({
      '/slos': new TypeError('Failed to fetch'),
    });
    await renderForEntity(component, <DataProductsTable />, {
      apis: [[catalogApiRef, catalogApiMock({ entities })], backend.apiEntry],
    });
    expect(await screen.findByText('Data products (3)')).toBeInTheDocument();
    expect(screen.getByTestId('health-unavailable')).toHaveTextContent(
      'SLO health is unavailable: The data mesh backend could not be reached',
    );
    expect(screen.queryByTestId('slo-status-ok')).not.toBeInTheDocument();
    // what the catalog knows still shows: these products declare no SLOs
    expect(
      within(screen.getByText('Patient master').closest('tr')!).getByText(
        'No SLOs',
      ),
    ).toBeInTheDocument();
  });
});

describe('toDataProductRows', () => {
  it('labels health from the fleet, or from the spec when the engine has no row', () => {
    const rows = toDataProductRows(
      joinFleet(
        [patientEncounters, patients, readmissionRisk],
        fleetItems.filter(i => i.name === 'patients'),
      ).products,
    );
    expect(rows.map(r => [r.title, r.health])).toEqual([
      // declares SLOs but has no monitors yet
      ['Patient encounters', 'No data'],
      ['Patient master', 'OK'],
      ['Readmission risk', 'No SLOs'],
    ]);
    expect(rows[1].slo?.minErrorBudget).toBe(0.5);
  });

  it('sorts by title and keeps plain strings for the table filters', () => {
    const rows = toDataProductRows(
      joinFleet([readmissionRisk, patientEncounters, patients], undefined)
        .products,
    );
    expect(rows.map(r => r.title)).toEqual([
      'Patient encounters',
      'Patient master',
      'Readmission risk',
    ]);
    expect(rows[0]).toMatchObject({
      entityRef: 'dataproduct:default/patient-encounters',
      domain: 'clinical-care',
      type: 'Aggregate',
      certified: 'Certified',
      lifecycle: 'production',
    });
    expect(rows[1].certified).toBe('Not certified');
  });
});
