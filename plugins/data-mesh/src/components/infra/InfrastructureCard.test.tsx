import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { InfrastructureCard } from './InfrastructureCard';
import { component, patientEncounters } from '../../__testUtils__/fixtures';
import {
  CREATE_ROLE_LINE,
  REGRANT_LINE,
  REVOKE_LINE,
  conflictInfrastructure,
  driftedInfrastructure,
  inSyncInfrastructure,
  invalidInfrastructure,
  notProvisionedInfrastructure,
} from '../../__testUtils__/infraFixtures';
import {
  errorResponse,
  fakeDataMeshBackend,
  FakeRoutes,
} from '../../__testUtils__/fakeBackend';
import { renderForEntity } from '../../__testUtils__/render';

const PATH = '/products/default/patient-encounters/infrastructure';

function render(routes: FakeRoutes, entity: any = patientEncounters) {
  const backend = fakeDataMeshBackend(routes);
  renderForEntity(entity, <InfrastructureCard />, {
    apis: [backend.apiEntry],
  });
  return backend;
}

const row = async (testId: string) => within(await screen.findByTestId(testId));

describe('InfrastructureCard', () => {
  it('shows the provisioned names and an in-sync chip on PGlite', async () => {
    const backend = render({ [PATH]: inSyncInfrastructure() });
    expect(await screen.findByTestId('infra-status-in-sync')).toHaveTextContent(
      'In sync',
    );
    expect(backend.requests[0].pathname).toBe(`/api/data-mesh${PATH}`);

    expect(
      (await row('infra-warehouse')).getByText('not applicable on PGlite'),
    ).toBeInTheDocument();
    const database = await row('infra-database');
    expect(database.getByText('acme_clinical_care_dev')).toBeInTheDocument();
    expect(
      database.getByText(/a schema-name prefix on PGlite/),
    ).toBeInTheDocument();
    const output = await row('infra-schema-output');
    expect(output.getByText('patient_encounters_output')).toBeInTheDocument();
    expect(output.getByTestId('infra-exists')).toBeInTheDocument();
    expect(
      (await row('infra-schema-intermediate')).getByText(
        'patient_encounters_intermediates',
      ),
    ).toBeInTheDocument();
    for (const kind of ['consumer', 'service', 'owner']) {
      const role = await row(`infra-role-${kind}`);
      expect(
        role.getByText(`clinical_care_patient_encounters_${kind}`),
      ).toBeInTheDocument();
      expect(role.getByTestId('infra-exists')).toBeInTheDocument();
    }
    expect((await row('infra-stage')).getByText('dev')).toBeInTheDocument();
    expect(screen.getByTestId('infra-warehouse-type')).toHaveTextContent(
      'PGlite (pglite)',
    );
    expect(
      screen.getByText('The warehouse matches the declared state.'),
    ).toBeInTheDocument();
    // nothing to repair: no plan block
    expect(screen.queryByTestId('infra-drift-lines')).not.toBeInTheDocument();
    // PGlite's limits are said by the rows above, not as notes
    expect(screen.queryByTestId('infra-notes')).not.toBeInTheDocument();
  });

  it('names the personal-data role and the masked schema of a product with personal data', async () => {
    const body = inSyncInfrastructure();
    const names = body.declared!.names;
    names.roles.consumerPii = {
      name: 'clinical_care_patient_encounters_consumer_pii',
      qualified: '"clinical_care_patient_encounters_consumer_pii"',
      exists: true,
    };
    names.schemas.masked = {
      name: 'patient_encounters_masked',
      qualified: '"acme_clinical_care_dev__patient_encounters_masked"',
      exists: false,
    };
    render({ [PATH]: body });
    const pii = await row('infra-role-consumerPii');
    expect(
      pii.getByText('Personal-data consumer role (in clear)'),
    ).toBeInTheDocument();
    expect(
      pii.getByText('clinical_care_patient_encounters_consumer_pii'),
    ).toBeInTheDocument();
    expect(pii.getByTestId('infra-exists')).toBeInTheDocument();
    const masked = await row('infra-schema-masked');
    expect(masked.getByText('patient_encounters_masked')).toBeInTheDocument();
    expect(masked.getByTestId('infra-missing')).toBeInTheDocument();
  });

  it('has no such rows for a product without personal data', async () => {
    render({ [PATH]: inSyncInfrastructure() });
    await row('infra-role-consumer');
    expect(screen.queryByTestId('infra-role-consumerPii')).toBeNull();
    expect(screen.queryByTestId('infra-schema-masked')).toBeNull();
  });

  it('shows the compute warehouse by name where the warehouse has one', async () => {
    render({ [PATH]: inSyncInfrastructure({ snowflake: true }) });
    const warehouse = await row('infra-warehouse');
    expect(warehouse.getByText('acme_clinical_care_wh')).toBeInTheDocument();
    expect(warehouse.getByTestId('infra-exists')).toBeInTheDocument();
    expect(warehouse.queryByText(/not applicable/)).not.toBeInTheDocument();
    const database = await row('infra-database');
    expect(database.getByTestId('infra-exists')).toBeInTheDocument();
    expect(database.queryByText(/schema-name prefix/)).not.toBeInTheDocument();
    expect(screen.queryByTestId('infra-notes')).not.toBeInTheDocument();
  });

  it('shows drift with a count, the repair lines and the destructive ones apart', async () => {
    render({ [PATH]: driftedInfrastructure() });
    expect(await screen.findByTestId('infra-status-drift')).toHaveTextContent(
      'Drift: 2 changes',
    );
    const lines = screen.getByTestId('infra-drift-lines');
    expect(lines.textContent!.split('\n')).toEqual([
      REGRANT_LINE,
      'destructive steps (run only when explicitly allowed):',
      REVOKE_LINE,
    ]);
    expect(screen.getByText('Drift (the repair plan)')).toBeInTheDocument();
    expect(
      screen.queryByTestId('infra-status-in-sync'),
    ).not.toBeInTheDocument();
  });

  it('shows what would be created for a product not provisioned yet', async () => {
    render({ [PATH]: notProvisionedInfrastructure() });
    expect(
      await screen.findByTestId('infra-status-not-provisioned'),
    ).toHaveTextContent('Not provisioned');
    expect(
      screen.getByText(/Nothing is provisioned for this product yet/),
    ).toBeInTheDocument();
    expect(screen.getByTestId('infra-drift-lines')).toHaveTextContent(
      CREATE_ROLE_LINE,
    );
    const consumer = await row('infra-role-consumer');
    expect(consumer.getByTestId('infra-missing')).toBeInTheDocument();
    expect(consumer.queryByTestId('infra-exists')).not.toBeInTheDocument();
  });

  it('lists the spec issues when no names can be made', async () => {
    render({ [PATH]: invalidInfrastructure() });
    expect(
      await screen.findByTestId('infra-status-invalid'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('infra-issues')).toHaveTextContent(
      'spec.domain: dataproduct:default/patient-encounters: domain "Clinical Care" must start with a lowercase letter',
    );
    expect(
      screen.queryByRole('table', { name: 'Provisioned names' }),
    ).not.toBeInTheDocument();
  });

  it('shows name conflicts as an error', async () => {
    render({ [PATH]: conflictInfrastructure() });
    expect(
      await screen.findByTestId('infra-status-conflict'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('infra-conflicts')).toHaveTextContent(
      'role clinical_care_patient_encounters_owner already exists and belongs to dataproduct:default/other',
    );
  });

  it("shows the warehouse's message when it does not answer (502)", async () => {
    render({
      [PATH]: () =>
        errorResponse(
          502,
          'WarehouseUnavailableError',
          'The PostgreSQL warehouse failed to answer: connect ECONNREFUSED 127.0.0.1:5432',
        ),
    });
    const error = await screen.findByTestId('infra-error');
    expect(error).toHaveTextContent('The warehouse did not answer');
    expect(error).toHaveTextContent(
      'The PostgreSQL warehouse failed to answer: connect ECONNREFUSED 127.0.0.1:5432',
    );
    expect(screen.queryByTestId(/infra-status-/)).not.toBeInTheDocument();
  });

  it('says when the backend cannot be reached at all', async () => {
    render({ [PATH]: new TypeError('Failed to fetch') });
    const error = await screen.findByTestId('infra-error');
    expect(error).toHaveTextContent(
      'The data mesh backend could not be reached',
    );
    expect(error).toHaveTextContent('Failed to fetch');
  });

  it('says when the backend does not know the product (404)', async () => {
    render({});
    expect(await screen.findByTestId('infra-error')).toHaveTextContent(
      'Not found by the data mesh backend (404)',
    );
  });

  it('checks again on refresh and shows the new answer', async () => {
    let answer = driftedInfrastructure();
    const backend = render({ [PATH]: () => jsonOf(answer) });
    await screen.findByTestId('infra-status-drift');
    answer = inSyncInfrastructure();
    await userEvent.click(
      screen.getByRole('button', { name: 'Check the warehouse again' }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('infra-status-in-sync')).toBeInTheDocument(),
    );
    expect(backend.requests).toHaveLength(2);
  });

  it('asks nothing for another kind of entity', async () => {
    const backend = render({ [PATH]: inSyncInfrastructure() }, component);
    expect(
      await screen.findByText(/This card shows DataProduct entities only/),
    ).toBeInTheDocument();
    expect(backend.requests).toHaveLength(0);
  });
});

function jsonOf(body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}
