import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { OutputPortsCard } from './OutputPortsCard';
import { ANALYST, renderAccess } from '../__testUtils__/accessRender';
import { accessRequest } from '../__testUtils__/fakeAccessBackend';
import { bareProduct, patientEncounters } from '../__testUtils__/fixtures';

// the card on a product page, for an analyst with the requests given
const render = (entity = patientEncounters, requests = []) =>
  renderAccess({ entity, element: <OutputPortsCard />, requests, ...ANALYST });

describe('OutputPortsCard', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('lists each port with its type, dataset, connection details and instructions', async () => {
    render();

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
    render();

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

  it('shows my open requests on their port, and how to read a granted one', async () => {
    const { backend } = renderAccess({
      entity: patientEncounters,
      element: <OutputPortsCard />,
      requests: [
        accessRequest({
          id: '00000000000000d1',
          state: 'active',
          expiresAt: '2026-06-01T10:00:00.000Z',
        }),
        accessRequest({
          id: '00000000000000d2',
          outputPort: 'daily_counts_jdbc',
          state: 'pending',
        }),
        // ended: nothing to show
        accessRequest({ id: '00000000000000d3', state: 'revoked' }),
        // a teammate's, for the team
        accessRequest({
          id: '00000000000000d4',
          requester: 'user:default/bob',
          state: 'approved',
        }),
        // for one of the team's products, which has no title
        accessRequest({
          id: '00000000000000d5',
          consumer: 'dataproduct:default/risk-dashboard',
          state: 'active',
        }),
      ],
      ...ANALYST,
    });
    const sql = within(await screen.findByTestId('output-port-encounters_sql'));
    const active = within(
      await sql.findByTestId('my-port-access-00000000000000d1'),
    );
    expect(active.getByTestId('access-state-active')).toBeInTheDocument();
    expect(active.getByText(/, until 1 Jun 2026/)).toBeInTheDocument();
    expect(sql.queryByTestId('my-port-access-00000000000000d3')).toBeNull();
    expect(active.getByText(/^Your request/)).toBeInTheDocument();
    const teammates = within(
      sql.getByTestId('my-port-access-00000000000000d4'),
    );
    expect(teammates.getByRole('link', { name: 'bob' })).toBeInTheDocument();
    // the product by its name, not as "dataproduct:risk-dashboard"
    expect(
      within(sql.getByTestId('my-port-access-00000000000000d5')).getByRole(
        'link',
        { name: 'risk-dashboard' },
      ),
    ).toBeInTheDocument();
    expect(
      teammates.getByRole('button', { name: 'How to read it' }),
    ).toBeInTheDocument();
    expect(backend.requests[0].searchParams.get('ours')).toBe('true');
    expect(backend.requests[0].searchParams.get('product')).toBe(
      'dataproduct:default/patient-encounters',
    );

    await userEvent.click(
      active.getByRole('button', { name: 'How to read it' }),
    );
    expect(
      await active.findByTestId('access-connection-sql'),
    ).toHaveTextContent('SET ROLE "team_population_health";');
    // the port gives its connection details once, above
    expect(sql.getAllByTestId('connection-url')).toHaveLength(1);

    const counts = within(screen.getByTestId('output-port-daily_counts_jdbc'));
    const pending = within(
      counts.getByTestId('my-port-access-00000000000000d2'),
    );
    expect(pending.getByTestId('access-state-pending')).toBeInTheDocument();
    // nothing granted yet: nothing to read
    expect(
      pending.queryByRole('button', { name: 'How to read it' }),
    ).toBeNull();
  });

  it('still lists the ports and offers access when my requests cannot be loaded', async () => {
    renderAccess({
      entity: patientEncounters,
      element: <OutputPortsCard />,
      routes: { '/access-requests': new Error('connection refused') },
      ...ANALYST,
    });
    expect(
      await screen.findByRole('button', {
        name: 'Request access to encounters_sql',
      }),
    ).toBeInTheDocument();
    expect(screen.queryByTestId(/^my-port-access-/)).toBeNull();
  });

  it('says so when there are no output ports', async () => {
    render(bareProduct);
    expect(await screen.findByTestId('empty-state')).toHaveTextContent(
      'declares no output ports',
    );
  });
});
