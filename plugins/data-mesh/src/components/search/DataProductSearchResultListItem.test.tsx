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

  it('says in which datasets and columns the search matched, marked as the engine marked them', async () => {
    const backend = fakeDataMeshBackend({ '/slos': fleetResponse([]) });
    const mark = (word: string) => `<m>${word}</m>`;
    await renderInTestApp(
      <DataProductSearchResultListItem
        result={result}
        highlight={{
          preTag: '<m>',
          postTag: '</m>',
          fields: {
            // Lunr marks the whole text; the description line matched too
            text: [
              `Every inpatient and outpatient ${mark('encounter')}.`,
              `Dataset Patient ${mark('encounters')} (patient_encounters)`,
              'Column visit_id',
              `Column ${mark('encounter')}_type: the kind of ${mark(
                'encounter',
              )}`,
              `Column ${mark('encounter')}_at`,
              `Column ${mark('encounter')}_ward`,
            ].join('\n'),
          },
        }}
      />,
      { apis: [backend.apiEntry] },
    );
    const lines = screen.getAllByTestId('data-product-result-match');
    // the dataset and column lines with a match, three at most
    expect(lines.map(l => l.textContent)).toEqual([
      'Dataset Patient encounters (patient_encounters)',
      'Column encounter_type: the kind of encounter',
      'Column encounter_at',
    ]);
    // the matched words are marked, the tags are not shown
    expect(lines[1].querySelectorAll('mark')).toHaveLength(2);
    expect(screen.queryByText(/<m>/)).not.toBeInTheDocument();
  });

  it('shows no matched lines without marks from the engine', async () => {
    const backend = fakeDataMeshBackend({ '/slos': fleetResponse([]) });
    await renderInTestApp(<DataProductSearchResultListItem result={result} />, {
      apis: [backend.apiEntry],
    });
    await screen.findByRole('link', { name: 'Patient encounters' });
    expect(screen.queryByTestId('data-product-result-match')).toBeNull();
  });
});
