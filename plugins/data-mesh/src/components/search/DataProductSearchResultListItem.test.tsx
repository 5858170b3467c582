import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fakeDataMeshBackend } from '../../__testUtils__/fakeBackend';
import { fleetResponse } from '../../__testUtils__/sloFixtures';
import { DataProductSearchResultListItem } from './DataProductSearchResultListItem';

// as the DataProduct collator writes it
const result = {
  title: 'Patient encounters',
  text: 'Every inpatient and outpatient encounter.\nDataset Patient encounters (patient_encounters)\nColumn patient_mrn',
  location: '/catalog/default/dataproduct/patient-encounters',
  kind: 'DataProduct',
  namespace: 'default',
  name: 'patient-encounters',
  type: 'aggregate',
  domain: 'domain:default/clinical-care',
};

describe('DataProductSearchResultListItem', () => {
  it('shows the title as a link, the type, the domain, the SLO health and the description', async () => {
    const backend = fakeDataMeshBackend({ '/slos': fleetResponse() });
    await renderInTestApp(<DataProductSearchResultListItem result={result} />, {
      apis: [backend.apiEntry],
    });
    expect(
      screen.getByRole('link', { name: 'Patient encounters' }),
    ).toHaveAttribute('href', result.location);
    expect(
      screen.getByText('Data product · Aggregate · domain clinical-care'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Every inpatient and outpatient encounter.'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Column patient_mrn/)).not.toBeInTheDocument();
    expect(
      await screen.findByTestId('slo-status-breaching'),
    ).toBeInTheDocument();
  });

  it('shows no health for a product without monitors', async () => {
    const backend = fakeDataMeshBackend({ '/slos': fleetResponse([]) });
    await renderInTestApp(
      <DataProductSearchResultListItem
        result={{ ...result, domain: 'domain:finance/claims', type: '' }}
      />,
      { apis: [backend.apiEntry] },
    );
    expect(
      screen.getByText('Data product · domain finance/claims'),
    ).toBeInTheDocument();
    await screen.findByRole('link', { name: 'Patient encounters' });
    expect(backend.requests.length).toBeGreaterThanOrEqual(1);
    expect(screen.queryByTestId(/^slo-status-/)).not.toBeInTheDocument();
  });
});
