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

const entities = [patientEncounters, patients, readmissionRisk, component];

describe('DataProductsTable', () => {
  it('lists data products only, with domain, owner, type, certification and lifecycle', async () => {
    await renderForEntity(component, <DataProductsTable />, {
      apis: [[catalogApiRef, catalogApiMock({ entities })]],
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
      apis: [[catalogApiRef, catalogApi]],
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
      apis: [[catalogApiRef, catalogApiMock({ entities: [component] })]],
    });
    expect(
      await screen.findByText(/No data products are registered yet/),
    ).toBeInTheDocument();
  });
});

describe('toDataProductRows', () => {
  it('sorts by title and keeps plain strings for the table filters', () => {
    const rows = toDataProductRows([
      readmissionRisk,
      patientEncounters,
      patients,
    ]);
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
