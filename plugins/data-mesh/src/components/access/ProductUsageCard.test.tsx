import { screen, within } from '@testing-library/react';
import type { ProductUsage } from '@datamesh/plugin-data-mesh-common';
import { DataProductAccessContent } from './DataProductAccessContent';
import { ProductUsageCard } from './ProductUsageCard';
import { patientEncounters } from '../../__testUtils__/fixtures';
import { OWNER, renderAccess } from '../../__testUtils__/accessRender';
import { errorResponse } from '../../__testUtils__/fakeBackend';
import { accessRequest } from '../../__testUtils__/fakeAccessBackend';

const USAGE_PATH = '/products/{namespace}/{name}/usage';

const byRole: ProductUsage = {
  product: 'dataproduct:default/patient-encounters',
  source: 'by-role',
  days: 30,
  unusedAfterDays: 30,
  reads: 14,
  lastRead: '2026-03-09T22:30:00.000Z',
  consumers: [
    {
      consumer: 'group:default/population-health',
      requestId: '000000000000000b',
      outputPort: 'encounters',
      state: 'active',
      roles: ['acme_access_000000000000000b', 'team_population_health'],
      reads: 12,
      lastRead: '2026-03-09T22:30:00.000Z',
      unused: false,
    },
    {
      // a product reads on its own behalf: named by its title, as elsewhere
      consumer: 'dataproduct:default/readmission-risk',
      requestId: '000000000000000c',
      outputPort: 'encounters',
      state: 'active',
      roles: ['acme_access_000000000000000c', 'team_finance'],
      reads: 0,
      unused: true,
      unusedSince: '2026-03-01T00:00:00.000Z',
    },
  ],
  otherReaders: [{ role: 'clinical_encounters_service', reads: 2 }],
  notes: ['these views lag by up to three hours'],
};

function render(usage: unknown) {
  return renderAccess({
    entity: patientEncounters,
    element: <ProductUsageCard namespace="default" name="patient-encounters" />,
    routes: { [USAGE_PATH]: usage },
    ...OWNER,
  });
}

describe('ProductUsageCard (Access tab usage)', () => {
  it('shows per consumer the last read and the reads of 30 days, and flags unused grants', async () => {
    const { backend } = render(byRole);
    expect(await screen.findByTestId('usage-source-by-role')).toHaveTextContent(
      'by consumer role',
    );
    expect(backend.requests[0].pathname).toBe(
      '/api/data-mesh/products/default/patient-encounters/usage',
    );
    expect(screen.getByTestId('usage-summary')).toHaveTextContent(
      '14 reads, last read 2026-03-09',
    );
    const reading = within(screen.getByTestId('usage-row-000000000000000b'));
    // consumers as links to their catalog pages, a product without its kind
    expect(
      await reading.findByRole('link', { name: /population-health/i }),
    ).toHaveAttribute('href', '/catalog/default/group/population-health');
    expect(reading.getByText('2026-03-09')).toBeInTheDocument();
    expect(reading.getByText('12')).toBeInTheDocument();
    expect(reading.queryByTestId('usage-unused')).not.toBeInTheDocument();
    const idle = within(screen.getByTestId('usage-row-000000000000000c'));
    expect(idle.getByText('never')).toBeInTheDocument();
    expect(
      await idle.findByRole('link', { name: 'readmission-risk' }),
    ).toHaveAttribute('href', '/catalog/default/dataproduct/readmission-risk');
    expect(idle.getByTestId('usage-unused')).toHaveTextContent(
      'Unused 30+ days',
    );
    expect(screen.getByTestId('usage-other-readers')).toHaveTextContent(
      'clinical_encounters_service (2, last never)',
    );
    expect(
      screen.getByText('these views lag by up to three hours'),
    ).toBeInTheDocument();
  });

  it('says when the warehouse counts table scans only, without inventing per-consumer numbers', async () => {
    render({
      ...byRole,
      source: 'table-level',
      reads: 40,
      consumers: [{ ...byRole.consumers[0], reads: undefined, unused: false }],
      otherReaders: [],
      notes: [
        'PostgreSQL keeps no per-role access record',
        'a scan is not a query',
      ],
    });
    expect(
      await screen.findByTestId('usage-source-table-level'),
    ).toHaveTextContent('table-level, no role');
    expect(screen.getByTestId('usage-summary')).toHaveTextContent('40 scans');
    const row = within(screen.getByTestId('usage-row-000000000000000b'));
    expect(row.getByText('unknown')).toBeInTheDocument();
    expect(row.getByText('—')).toBeInTheDocument();
    // each note its own point of one list
    const notes = within(
      screen.getByRole('list', { name: 'About these numbers' }),
    ).getAllByRole('listitem');
    expect(notes.map(n => n.textContent)).toEqual([
      'PostgreSQL keeps no per-role access record',
      'a scan is not a query',
    ]);
  });

  it("shows the backend's message when usage cannot be loaded", async () => {
    render(() => errorResponse(500, 'Error', 'warehouse unreachable'));
    expect(await screen.findByTestId('usage-load-error')).toHaveTextContent(
      'warehouse unreachable',
    );
  });

  it('sits on the Access tab below the requests', async () => {
    renderAccess({
      entity: patientEncounters,
      element: <DataProductAccessContent />,
      requests: [accessRequest({ id: '000000000000000b', state: 'active' })],
      routes: { [USAGE_PATH]: byRole },
      ...OWNER,
    });
    expect(await screen.findByText('Usage (last 30 days)')).toBeInTheDocument();
    expect(screen.getByText('Access requests (1)')).toBeInTheDocument();
  });
});
