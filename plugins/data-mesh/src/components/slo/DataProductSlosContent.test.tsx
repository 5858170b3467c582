import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DataProductSlosContent } from './DataProductSlosContent';
import {
  bareProduct,
  component,
  patientEncounters,
} from '../../__testUtils__/fixtures';
import {
  patientEncountersSlos,
  pendingSlos,
  WAREHOUSE_ERROR,
  warehouseDownSlos,
} from '../../__testUtils__/sloFixtures';
import {
  errorResponse,
  fakeDataMeshBackend,
  FakeRoutes,
} from '../../__testUtils__/fakeBackend';
import { renderForEntity } from '../../__testUtils__/render';

const PRODUCT = '/products/default/patient-encounters/slos';

function render(routes: FakeRoutes, entity = patientEncounters) {
  const backend = fakeDataMeshBackend(routes);
  const result = renderForEntity(entity, <DataProductSlosContent />, {
    apis: [backend.apiEntry],
  });
  return { backend, result };
}

describe('DataProductSlosContent (the SLO tab)', () => {
  it('tabulates each objective with target, SLI, status, budget and burn rate', async () => {
    render({ [PRODUCT]: patientEncountersSlos() });

    const table = await screen.findByRole('table', {
      name: 'Service level objectives',
    });
    const fresh = within(within(table).getByTestId('slo-row-nightly-refresh'));
    expect(fresh.getByText('nightly-refresh')).toBeInTheDocument();
    expect(fresh.getByText('Updated every night by 06:00')).toBeInTheDocument();
    expect(fresh.getByText('Freshness')).toBeInTheDocument();
    expect(fresh.getByText('refreshed within 1d')).toBeInTheDocument();
    expect(fresh.getByText('80 %')).toBeInTheDocument();
    // 15 good of 20 counted days: 75 %, below the 80 % target
    expect(fresh.getByTestId('slo-sli-nightly-refresh')).toHaveTextContent(
      '75 %15 of 20 slices good',
    );
    expect(fresh.getByTestId('slo-status-breaching')).toBeInTheDocument();
    expect(fresh.getByText('owners notified')).toBeInTheDocument();
    // 4 bad slices allowed, 5 spent
    expect(fresh.getByTestId('slo-budget-nightly-refresh')).toHaveTextContent(
      'overspent by 25 %5 of 4 bad slices allowed',
    );
    expect(fresh.getByTestId('slo-burn-nightly-refresh')).toHaveTextContent(
      '1.25×0× over the last 3 slices',
    );

    const volume = within(within(table).getByTestId('slo-row-full-volume'));
    expect(volume.getByTestId('slo-status-ok')).toBeInTheDocument();
    expect(volume.getByText('95 %')).toBeInTheDocument();
    expect(volume.getByTestId('slo-budget-full-volume')).toHaveTextContent(
      '75 % left',
    );
    expect(
      volume.getByText('at most 5 % below the trailing average'),
    ).toBeInTheDocument();

    // the availability monitor is 3 days old: its window is 3 slices long
    const avail = within(within(table).getByTestId('slo-row-queryable'));
    expect(avail.getByTestId('slo-sli-queryable')).toHaveTextContent(
      '100 %3 of 3 slices good',
    );
    expect(avail.getByText('95 %')).toBeInTheDocument();

    // the product as a whole is breaching
    expect(
      screen.getAllByTestId('slo-status-breaching').length,
    ).toBeGreaterThan(1);
  });

  it('draws a history chart and lists the latest observations per objective', async () => {
    render({ [PRODUCT]: patientEncountersSlos() });

    const chart = await screen.findByTestId('slo-history-nightly-refresh');
    expect(
      chart.querySelectorAll('.slo-slices-bad .recharts-bar-rectangle path'),
    ).toHaveLength(5);
    expect(screen.getByTestId('slo-history-full-volume')).toBeInTheDocument();
    expect(screen.getByTestId('slo-history-queryable')).toBeInTheDocument();

    const observations = screen.getAllByRole('table', {
      name: 'Latest observations',
    });
    expect(observations).toHaveLength(3);
    const volume = within(observations[1]);
    expect(
      volume.getByText('dbt test not_null_encounter_id passed'),
    ).toBeInTheDocument();
    expect(volume.getByText('pushed')).toBeInTheDocument();
    expect(volume.getByText('by user:default/ci-bot')).toBeInTheDocument();
    expect(
      within(observations[0]).getByText('21 Nov, 09:00 UTC'),
    ).toBeInTheDocument();
    expect(within(observations[0]).getByText('30m ago')).toBeInTheDocument();
  });

  it('says the product declares no SLOs, without asking the backend', async () => {
    const { backend } = render({}, bareProduct);
    expect(
      await screen.findByText('This product declares no SLOs.'),
    ).toBeInTheDocument();
    expect(backend.requests).toHaveLength(0);
  });

  it('explains that monitors do not exist yet when the engine has none', async () => {
    render({
      [PRODUCT]: {
        entityRef: 'x',
        evaluatedAt: '2025-11-21T09:30:00Z',
        objectives: [],
      },
    });
    const alert = await screen.findByTestId('slo-empty-monitors');
    expect(alert).toHaveTextContent(
      'This product declares 3 SLOs (nightly-refresh, full-volume, queryable), but the SLO engine has no monitors for them yet.',
    );
  });

  it('says monitors are created and the first observation is pending', async () => {
    render({ [PRODUCT]: pendingSlos() });
    expect(await screen.findByTestId('slo-pending')).toHaveTextContent(
      'Monitors are created, first observation pending',
    );
    expect(screen.getAllByText('first observation pending')).toHaveLength(3);
    expect(screen.getAllByTestId('slo-status-no-data').length).toBeGreaterThan(
      2,
    );
    expect(
      screen.getAllByText('No slice of the 20d window has been observed yet.'),
    ).toHaveLength(3);
  });

  it("shows the warehouse's error when it could not be queried", async () => {
    render({ [PRODUCT]: warehouseDownSlos() });
    const banner = await screen.findByTestId('slo-warehouse-error');
    expect(banner).toHaveTextContent('The warehouse could not be queried');
    expect(banner).toHaveTextContent(WAREHOUSE_ERROR);
    expect(
      screen.getAllByText(`warehouse unreachable: ${WAREHOUSE_ERROR}`).length,
    ).toBe(6);
  });

  it("shows the backend's own message when it answers with an error", async () => {
    render({
      [PRODUCT]: () =>
        errorResponse(
          500,
          'Error',
          'relation "data_mesh_slo_monitors" does not exist',
        ),
    });
    const error = await screen.findByTestId('slo-load-error');
    expect(error).toHaveTextContent('The SLO service failed to answer (500)');
    expect(error).toHaveTextContent(
      'relation "data_mesh_slo_monitors" does not exist',
    );
  });

  it('says the API is unreachable, and retries on request', async () => {
    const routes: FakeRoutes = { [PRODUCT]: new TypeError('Failed to fetch') };
    const { backend } = render(routes);
    const error = await screen.findByTestId('slo-load-error');
    expect(error).toHaveTextContent(
      "The SLO service could not be reached, so this product's SLOs cannot be shown",
    );
    expect(error).toHaveTextContent(
      'The data mesh backend could not be reached at http://backend.test/api/data-mesh: Failed to fetch',
    );
    expect(error).toHaveTextContent('@datamesh/plugin-data-mesh-backend');

    routes[PRODUCT] = patientEncountersSlos();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByRole('table', { name: 'Service level objectives' }),
    ).toBeInTheDocument();
    expect(backend.requests).toHaveLength(2);
  });

  it('explains a 404 as a backend without the plugin', async () => {
    render({});
    expect(await screen.findByTestId('slo-load-error')).toHaveTextContent(
      'The SLO service does not know this path (404)',
    );
  });

  it('refuses other kinds', async () => {
    render({}, component as any);
    expect(
      await screen.findByText(/This card shows DataProduct entities only/),
    ).toBeInTheDocument();
  });
});
