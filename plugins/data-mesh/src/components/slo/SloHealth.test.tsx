import { screen } from '@testing-library/react';
import { EntitySloHealthChip, SloHealthCard } from './SloHealth';
import { bareProduct, patientEncounters } from '../../__testUtils__/fixtures';
import {
  patientEncountersSlos,
  pendingSlos,
} from '../../__testUtils__/sloFixtures';
import {
  errorResponse,
  fakeDataMeshBackend,
  FakeRoutes,
} from '../../__testUtils__/fakeBackend';
import { renderForEntity } from '../../__testUtils__/render';

const PRODUCT = '/products/default/patient-encounters/slos';

function render(
  element: JSX.Element,
  routes: FakeRoutes,
  entity = patientEncounters,
) {
  const backend = fakeDataMeshBackend(routes);
  renderForEntity(entity, element, { apis: [backend.apiEntry] });
  return backend;
}

describe('EntitySloHealthChip', () => {
  it('says how many objectives breach', async () => {
    render(<EntitySloHealthChip />, { [PRODUCT]: patientEncountersSlos() });
    expect(await screen.findByTestId('slo-status-breaching')).toHaveTextContent(
      'SLOs: 1 of 3 breaching',
    );
  });

  it('is ok when every objective meets its target', async () => {
    const body = patientEncountersSlos();
    body.objectives = body.objectives.filter(o => o.status === 'ok');
    render(<EntitySloHealthChip />, { [PRODUCT]: body });
    expect(await screen.findByTestId('slo-status-ok')).toHaveTextContent(
      'SLOs: OK',
    );
  });

  it('has no data while monitors wait for their first observation', async () => {
    render(<EntitySloHealthChip />, { [PRODUCT]: pendingSlos() });
    expect(await screen.findByTestId('slo-status-no-data')).toHaveTextContent(
      'SLOs: no data',
    );
  });

  it('says "No SLOs" for a product without objectives, without a request', async () => {
    const backend = render(<EntitySloHealthChip />, {}, bareProduct);
    expect(await screen.findByTestId('slo-status-none')).toHaveTextContent(
      'No SLOs',
    );
    expect(backend.requests).toHaveLength(0);
  });

  it('is "unknown" with the reason as its title when the backend fails', async () => {
    render(<EntitySloHealthChip />, {
      [PRODUCT]: () =>
        errorResponse(503, 'ServiceUnavailableError', 'engine starting'),
    });
    const chip = await screen.findByTestId('slo-status-unknown');
    expect(chip).toHaveTextContent('SLOs unknown');
    expect(chip).toHaveAttribute('title', 'engine starting');
  });
});

describe('SloHealthCard', () => {
  it('shows the chip, the lowest budget and links to the SLO tab, with one request', async () => {
    const backend = render(<SloHealthCard />, {
      [PRODUCT]: patientEncountersSlos(),
    });
    expect(
      await screen.findByTestId('slo-status-breaching'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('lowest error budget: overspent by 25 %'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'View all 3 objectives' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patient-encounters/slos',
    );
    expect(backend.requests).toHaveLength(1);
  });
});
