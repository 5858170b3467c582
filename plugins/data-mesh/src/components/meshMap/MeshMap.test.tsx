import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useLocation } from 'react-router-dom';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { toCatalogForm } from '@datamesh/plugin-data-mesh-common';
import { MeshMap } from './MeshMap';
import { DataProductsTable } from '../DataProductsTable';
import {
  bareProduct,
  component,
  patientEncounters,
  patients,
  readmissionRisk,
} from '../../__testUtils__/fixtures';
import { renderForEntity } from '../../__testUtils__/render';
import { fakeDataMeshBackend } from '../../__testUtils__/fakeBackend';
import { fleetResponse } from '../../__testUtils__/sloFixtures';

// as the catalog serves them: nested parts as JSON text
const served = [patientEncounters, patients, readmissionRisk, bareProduct].map(
  e => JSON.parse(JSON.stringify(toCatalogForm(e))),
);
const entities = [...served, component];
const sloBackend = () => fakeDataMeshBackend({ '/slos': fleetResponse() });

function Location() {
  return <div data-testid="location">{useLocation().search}</div>;
}

async function renderMap(
  url = '/data-products/mesh-map',
  apis: NonNullable<Parameters<typeof renderForEntity>[2]>['apis'] = [
    [catalogApiRef, catalogApiMock({ entities })],
    sloBackend().apiEntry,
  ],
) {
  await renderForEntity(
    component,
    <>
      <MeshMap />
      <Location />
    </>,
    { apis, initialRouteEntries: [url] },
  );
}

const domain = (name: string) =>
  within(screen.getByRole('region', { name: `Domain ${name}` }));
const nodeOf = (title: string): HTMLElement =>
  screen
    .getByRole('link', { name: title })
    .closest<HTMLElement>('[data-testid="mesh-node"]')!;
const edges = () =>
  screen
    .queryAllByTestId('mesh-edge')
    .map(e => `${e.getAttribute('data-from')} -> ${e.getAttribute('data-to')}`);

describe('Mesh map', () => {
  it('draws every product in its domain, linked, coloured by health, with lineage edges', async () => {
    await renderMap();
    await screen.findByTestId('mesh-map');
    // one lane per domain, in name order; the component is not a product
    expect(
      screen
        .getAllByTestId('mesh-domain')
        .map(d => d.getAttribute('aria-label')),
    ).toEqual([
      'Domain clinical-care',
      'Domain hospital-operations',
      'Domain patient-admin',
      'Domain population-health',
    ]);
    expect(screen.queryByText('ehr-gateway')).not.toBeInTheDocument();
    expect(
      domain('clinical-care').getByRole('link', { name: 'Patient encounters' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patient-encounters',
    );
    expect(
      domain('clinical-care').getByRole('link', { name: 'clinical-care' }),
    ).toHaveAttribute('href', '/catalog/default/domain/clinical-care');
    expect(
      domain('patient-admin').getByRole('link', { name: 'Patient master' }),
    ).toBeInTheDocument();

    // health: the marketplace's labels, the status chip's colours
    const encounters = nodeOf('Patient encounters');
    expect(encounters).toHaveAttribute('data-health', 'breaching');
    expect(within(encounters).getByText('Breaching')).toBeInTheDocument();
    const master = nodeOf('Patient master');
    expect(master).toHaveAttribute('data-health', 'ok');
    expect(within(master).getByText('OK')).toBeInTheDocument();
    expect(encounters.style.backgroundColor).not.toBe(
      master.style.backgroundColor,
    );
    expect(nodeOf('bed-occupancy')).toHaveAttribute('data-health', 'no-data');
    const legend = within(screen.getByRole('list', { name: 'Health colours' }));
    expect(legend.getAllByRole('listitem').map(i => i.textContent)).toEqual([
      'Breaching',
      'No data',
      'OK',
      'No SLOs',
      'Unknown',
    ]);

    // lineage flows upstream to downstream, left to right across lanes
    expect(edges()).toEqual([
      'dataproduct:default/patient-encounters -> dataproduct:default/readmission-risk',
      'dataproduct:default/patients -> dataproduct:default/patient-encounters',
    ]);
    const left = (title: string) => parseFloat(nodeOf(title).style.left);
    expect(left('Patient master')).toBeLessThan(left('Patient encounters'));
    expect(left('Patient encounters')).toBeLessThan(left('Readmission risk'));
    expect(screen.getByTestId('mesh-summary')).toHaveTextContent(
      '4 of 4 products, 2 lineage edges',
    );
  });

  it('shows the picked domains only, kept in the URL, and counts the edges leaving them', async () => {
    await renderMap();
    await screen.findByTestId('mesh-map');
    const domains = within(screen.getByRole('group', { name: 'Domains' }));
    fireEvent.click(
      domains.getByRole('checkbox', { name: 'clinical-care (1)' }),
    );
    await waitFor(() =>
      expect(screen.getAllByTestId('mesh-domain')).toHaveLength(1),
    );
    expect(screen.getByTestId('location')).toHaveTextContent(
      '?domain=clinical-care',
    );
    expect(edges()).toEqual([]);
    expect(screen.getByTestId('mesh-summary')).toHaveTextContent(
      '1 of 4 products, 0 lineage edges; 2 more lead to domains not shown',
    );
    fireEvent.click(
      domains.getByRole('checkbox', { name: 'patient-admin (1)' }),
    );
    await waitFor(() => expect(edges()).toHaveLength(1));
    expect(screen.getByTestId('location')).toHaveTextContent(
      '?domain=clinical-care&domain=patient-admin',
    );
  });

  it('zooms in steps', async () => {
    await renderMap();
    await screen.findByTestId('mesh-map');
    expect(screen.getByTestId('mesh-zoom')).toHaveTextContent('100 %');
    fireEvent.click(screen.getByRole('button', { name: 'Zoom out' }));
    expect(screen.getByTestId('mesh-zoom')).toHaveTextContent('80 %');
    expect(screen.getByTestId('mesh-map').style.transform).toBe('scale(0.8)');
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
    expect(screen.getByTestId('mesh-zoom')).toHaveTextContent('125 %');
  });

  it('keeps the map when the SLO backend is unreachable, every health unknown', async () => {
    await renderMap('/data-products/mesh-map', [
      [catalogApiRef, catalogApiMock({ entities })],
      fakeDataMeshBackend({ '/slos': new TypeError('Failed to fetch') })
        .apiEntry,
    ]);
    expect(await screen.findByTestId('health-unavailable')).toHaveTextContent(
      'SLO health is unavailable: The data mesh backend could not be reached',
    );
    // declares objectives: unknown; declares none: no SLOs
    expect(nodeOf('Patient encounters')).toHaveAttribute(
      'data-health',
      'unknown',
    );
    expect(within(nodeOf('Patient master')).getByText('No SLOs')).toBeTruthy();
    expect(edges()).toHaveLength(2);
  });

  it('shows the catalog error', async () => {
    await renderMap('/data-products/mesh-map', [
      [
        catalogApiRef,
        catalogApiMock.mock({
          getEntities: jest
            .fn()
            .mockRejectedValue(new Error('catalog is down')),
        }),
      ],
      sloBackend().apiEntry,
    ]);
    expect(
      await screen.findByText('Error: catalog is down', { selector: 'h6' }),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('mesh-map')).not.toBeInTheDocument();
  });

  it('explains how to register products when there are none', async () => {
    await renderMap('/data-products/mesh-map', [
      [catalogApiRef, catalogApiMock({ entities: [component] })],
      sloBackend().apiEntry,
    ]);
    expect(await screen.findByTestId('empty-state')).toHaveTextContent(
      /No data products are registered yet/,
    );
  });

  it('is linked from the Data products page', async () => {
    await renderForEntity(component, <DataProductsTable />, {
      apis: [
        [catalogApiRef, catalogApiMock({ entities })],
        sloBackend().apiEntry,
      ],
      initialRouteEntries: ['/data-products'],
    });
    expect(
      await screen.findByRole('link', { name: 'Mesh map' }),
    ).toHaveAttribute('href', '/data-products/mesh-map');
  });
});
