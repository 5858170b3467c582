import { screen, within } from '@testing-library/react';
import { InputPortsCard } from './InputPortsCard';
import { bareProduct, patientEncounters } from '../__testUtils__/fixtures';
import { renderForEntity } from '../__testUtils__/render';

describe('InputPortsCard', () => {
  it('links data-product inputs to the upstream product and names its port', async () => {
    await renderForEntity(patientEncounters, <InputPortsCard />);
    const row = within(await screen.findByTestId('input-port-patients'));
    expect(row.getByText('Patient master')).toBeInTheDocument();
    expect(row.getByText('Data product')).toBeInTheDocument();
    expect(row.getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patients',
    );
    expect(row.getByText('patients-sql')).toBeInTheDocument();
  });

  it('shows the source text of dataset and API inputs, without links', async () => {
    await renderForEntity(patientEncounters, <InputPortsCard />);
    const dataset = within(
      await screen.findByTestId('input-port-ehr_encounters'),
    );
    expect(dataset.getByText('Dataset')).toBeInTheDocument();
    expect(dataset.getByText('Epic Clarity PAT_ENC')).toBeInTheDocument();
    expect(dataset.queryByRole('link')).not.toBeInTheDocument();

    const api = within(screen.getByTestId('input-port-scheduling_api'));
    expect(api.getByText('API')).toBeInTheDocument();
    expect(
      api.getByText('https://scheduling.example-health.org/api/v2/visits'),
    ).toBeInTheDocument();
  });

  it('says so when there are no input ports', async () => {
    await renderForEntity(bareProduct, <InputPortsCard />);
    expect(await screen.findByTestId('empty-state')).toHaveTextContent(
      'declares no input ports',
    );
  });
});
