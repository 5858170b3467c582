import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  type InfrastructureDriftSummaryResponse,
  createDataMeshApiValidator,
} from '@datamesh/plugin-data-mesh-common';
import {
  errorResponse,
  fakeDataMeshBackend,
} from '../../__testUtils__/fakeBackend';
import {
  driftSummary,
  leftoversAnswer,
} from '../../__testUtils__/infraFixtures';
import { InfrastructureDrift } from './InfrastructureDrift';

const CONFLICT =
  'role clinical_care_patients_owner already exists and belongs to dataproduct:default/other, not dataproduct:default/patients';

/** Three products, worst first, as the backend sorts them. */
function summary(): InfrastructureDriftSummaryResponse {
  return driftSummary([
    {
      entityRef: 'dataproduct:default/patients',
      title: 'Patients',
      owner: 'group:default/ehr-team',
      domain: 'domain:default/clinical-care',
      status: 'conflict',
      inSync: false,
      steps: 0,
      destructive: 0,
      lines: [`! conflict: ${CONFLICT}`],
      conflicts: [CONFLICT],
      issues: [],
    },
    {
      entityRef: 'dataproduct:default/patient-encounters',
      title: 'Patient encounters',
      owner: 'group:default/clinical-data-team',
      domain: 'domain:default/clinical-care',
      status: 'drift',
      inSync: false,
      steps: 2,
      destructive: 1,
      lines: [
        '+ grant usage on schema "acme__pe_output" to "pe_consumer"',
        '+ create role "pe_service"',
        '- revoke usage on schema "acme__pe_output" from PUBLIC',
      ],
      conflicts: [],
      issues: [],
      access: { missing: 1, unmanaged: 0 },
      sandboxes: { branches: 2, oldestCreatedAt: '2026-11-25T09:00:00Z' },
    },
    {
      entityRef: 'dataproduct:default/readmission-risk',
      title: 'Readmission risk',
      owner: 'group:default/population-health',
      domain: 'domain:default/population-health',
      status: 'in-sync',
      inSync: true,
      steps: 0,
      destructive: 0,
      lines: ['no changes: the warehouse matches the declared state'],
      conflicts: [],
      issues: [],
      access: { missing: 0, unmanaged: 0 },
    },
  ]);
}

async function renderDrift(answer: unknown) {
  const backend = fakeDataMeshBackend({
    '/infrastructure/drift': answer,
    // nothing left behind (LeftBehind.test.tsx shows what is)
    '/infrastructure/leftovers': leftoversAnswer([]),
  });
  await renderInTestApp(<InfrastructureDrift />, {
    apis: [backend.apiEntry],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
  return backend;
}

/** The table's product rows, as read: product, status, changes, access, sandboxes. */
function rows() {
  return screen
    .getAllByRole('row')
    .map(row => within(row).queryAllByRole('cell'))
    .filter(cells => cells.length === 8) // the detail toggle, then the columns
    .map(cells => [1, 4, 5, 6, 7].map(i => cells[i].textContent));
}

describe('InfrastructureDrift', () => {
  it('answers what the REST contract allows', () => {
    expect(
      createDataMeshApiValidator().response(
        { method: 'get', path: '/infrastructure/drift' },
        200,
        summary(),
      ),
    ).toEqual([]);
  });

  it('lists every product worst first, with its changes and access grants', async () => {
    await renderDrift(summary());
    expect(
      await screen.findByText(
        '3 products on PGlite (pglite), read with 4 queries,',
        { exact: false },
      ),
    ).toBeInTheDocument();
    expect(rows()).toEqual([
      ['Patients', 'Conflict', 'blocked', '–', '–'],
      [
        'Patient encounters',
        'Drift',
        '3 changes (1 revoke or drop)',
        '1 missing',
        // ten days and an hour before the summary was read
        '2 branches, the oldest made 10d 1h ago',
      ],
      ['Readmission risk', 'In sync', 'none', 'as requested', '–'],
    ]);
    expect(
      screen.getByRole('link', { name: 'Patient encounters' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patient-encounters',
    );
  });

  it('filters by status with the summary chips', async () => {
    await renderDrift(summary());
    const drift = await screen.findByRole('button', { name: 'Drift: 1' });
    expect(drift).toHaveAttribute('aria-pressed', 'false');
    // no chip for a status no product has
    expect(screen.queryByRole('button', { name: /^Invalid spec/ })).toBeNull();

    await userEvent.click(drift);
    expect(drift).toHaveAttribute('aria-pressed', 'true');
    expect(rows().map(r => r[0])).toEqual(['Patient encounters']);
    expect(screen.getByText('Data products (1)')).toBeInTheDocument();

    await userEvent.click(drift);
    expect(rows().map(r => r[0])).toEqual([
      'Patients',
      'Patient encounters',
      'Readmission risk',
    ]);
  });

  it("opens a product's repair plan and its conflicts", async () => {
    await renderDrift(summary());
    await screen.findByText('Data products (3)');
    const toggles = screen.getAllByRole('button', {
      name: /^Detail panel visib/,
    });
    await userEvent.click(toggles[1]);
    const plan = await screen.findByLabelText('Repair plan');
    expect(plan.textContent).toBe(summary().items[1].lines.join('\n'));

    await userEvent.click(toggles[0]);
    await waitFor(() =>
      expect(screen.getAllByTestId('drift-detail')).toHaveLength(2),
    );
    expect(screen.getByText(CONFLICT)).toBeInTheDocument();
  });

  it('says when the warehouse did not answer', async () => {
    await renderDrift(() =>
      errorResponse(
        502,
        'WarehouseUnavailableError',
        'The PGlite warehouse could not be opened: locked',
      ),
    );
    const error = await screen.findByTestId('infra-error');
    expect(error).toHaveTextContent('The warehouse did not answer');
    expect(error).toHaveTextContent(
      'The PGlite warehouse could not be opened: locked',
    );
  });

  it('checks the warehouse again on request', async () => {
    const backend = await renderDrift(summary());
    await userEvent.click(
      await screen.findByRole('button', { name: 'Check the warehouse again' }),
    );
    await screen.findByText('Data products (3)');
    expect(
      backend.requests.filter(u =>
        u.pathname.endsWith('/infrastructure/drift'),
      ),
    ).toHaveLength(2);
  });
});
