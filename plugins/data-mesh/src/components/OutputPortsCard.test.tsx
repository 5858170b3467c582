import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { OutputPortsCard } from './OutputPortsCard';
import { bareProduct, patientEncounters } from '../__testUtils__/fixtures';
import { renderForEntity } from '../__testUtils__/render';

describe('OutputPortsCard', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('lists each port with its type, dataset, connection details and instructions', async () => {
    await renderForEntity(patientEncounters, <OutputPortsCard />);

    const sql = within(await screen.findByTestId('output-port-encounters_sql'));
    expect(sql.getByText('Encounters (SQL)')).toBeInTheDocument();
    expect(sql.getByText('(encounters_sql)')).toBeInTheDocument();
    expect(sql.getByText('sql')).toBeInTheDocument();
    expect(sql.getByText('Patient encounters')).toBeInTheDocument();
    expect(
      sql.getByText(
        'clinical_care_prod.patient_encounters_public.patient_encounters',
      ),
    ).toBeInTheDocument();
    expect(sql.getByTestId('connection-url')).toHaveTextContent(
      'postgresql://warehouse.example-health.org:5432/clinical_care_prod',
    );
    // Instructions are markdown: the role name is rendered bold.
    expect(
      sql.getByText('PATIENT_ENCOUNTERS_CONSUMER').tagName.toLowerCase(),
    ).toBe('strong');

    const jdbc = within(screen.getByTestId('output-port-daily_counts_jdbc'));
    expect(jdbc.getByText('jdbc')).toBeInTheDocument();
    expect(jdbc.getByText('Daily encounter counts')).toBeInTheDocument();
    expect(
      jdbc.getByText('No connection details published yet.'),
    ).toBeInTheDocument();
    expect(
      jdbc.queryByRole('button', { name: /^Copy connection details/ }),
    ).not.toBeInTheDocument();
    // every port can be asked for, connection details or not
    expect(
      jdbc.getByRole('button', { name: 'Request access to daily_counts_jdbc' }),
    ).toBeInTheDocument();
  });

  it('copies the connection details of a port', async () => {
    // jsdom has no clipboard: record what copy-to-clipboard selects when it
    // issues the copy command.
    const copied: string[] = [];
    document.execCommand = jest.fn(() => {
      copied.push(document.getSelection()?.toString() ?? '');
      return true;
    });
    await renderForEntity(patientEncounters, <OutputPortsCard />);

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Copy connection details of encounters_sql',
      }),
    );

    expect(document.execCommand).toHaveBeenCalledWith('copy');
    expect(copied).toEqual([
      'postgresql://warehouse.example-health.org:5432/clinical_care_prod',
    ]);
  });

  it('says so when there are no output ports', async () => {
    await renderForEntity(bareProduct, <OutputPortsCard />);
    expect(await screen.findByTestId('empty-state')).toHaveTextContent(
      'declares no output ports',
    );
  });
});
