import { screen } from '@testing-library/react';
import { DataSharingAgreementCard } from './DataSharingAgreementCard';
import { bareProduct, patientEncounters } from '../__testUtils__/fixtures';
import { renderForEntity } from '../__testUtils__/render';

describe('DataSharingAgreementCard', () => {
  it('shows only the sections the owner wrote, in reading order', async () => {
    await renderForEntity(patientEncounters, <DataSharingAgreementCard />);
    expect(await screen.findByTestId('agreement-purpose')).toHaveTextContent(
      'Care quality analytics and capacity planning.',
    );
    expect(screen.getByTestId('agreement-limitations')).toHaveTextContent(
      'No re-identification of patients',
    );
    expect(screen.getByTestId('agreement-approval')).toHaveTextContent(
      'within 2 working days',
    );
    // The fixture has no instructions section.
    expect(
      screen.queryByTestId('agreement-instructions'),
    ).not.toBeInTheDocument();
    expect(screen.queryByText('How to request access')).not.toBeInTheDocument();

    const headings = screen
      .getAllByRole('heading', { level: 3 })
      .map(h => h.textContent);
    expect(headings).toEqual([
      'Purpose',
      'Usage',
      'Limitations',
      'Approval',
      'Termination',
    ]);
  });

  it('has an empty state when no agreement is declared', async () => {
    await renderForEntity(bareProduct, <DataSharingAgreementCard />);
    expect(await screen.findByTestId('empty-state')).toHaveTextContent(
      'No data-sharing agreement is declared',
    );
  });
});
