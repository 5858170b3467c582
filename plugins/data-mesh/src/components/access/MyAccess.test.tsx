import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MyAccess } from './MyAccess';
import { component } from '../../__testUtils__/fixtures';
import { renderAccess } from '../../__testUtils__/accessRender';
import { accessRequest } from '../../__testUtils__/fakeAccessBackend';
import { fleetByOwner } from '../../__testUtils__/fakeBackend';
import { fleetItems } from '../../__testUtils__/sloFixtures';

const ANALYST = {
  user: 'user:default/ann',
  groups: ['group:default/population-health'],
};

describe('MyAccess', () => {
  it("lists my requests and my team's on every product with state, requester and expiry", async () => {
    const { backend } = renderAccess({
      entity: component,
      element: <MyAccess />,
      requests: [
        accessRequest({
          id: '00000000000000b1',
          purpose: 'Readmission model',
          state: 'active',
          expiresAt: '2026-06-01T10:00:00.000Z',
        }),
        accessRequest({
          id: '00000000000000b2',
          purpose: 'Demographics',
          product: 'dataproduct:default/patients',
          outputPort: 'patients-sql',
        }),
        // a teammate's, for my team
        accessRequest({
          id: '00000000000000b4',
          purpose: 'Bed occupancy',
          requester: 'user:default/bob',
          state: 'active',
          expiresAt: '2026-07-01T10:00:00.000Z',
        }),
        // someone else's, for another team
        accessRequest({
          id: '00000000000000b3',
          purpose: 'Capacity',
          requester: 'user:default/bob',
          consumer: 'group:default/finance',
        }),
      ],
      // patient-encounters breaches an objective, patients meets them
      routes: { '/slos': fleetByOwner(fleetItems) },
      ...ANALYST,
    });
    expect(
      await screen.findByText("My and my teams' access requests (3)"),
    ).toBeInTheDocument();
    expect(backend.requests[0].searchParams.get('ours')).toBe('true');
    const active = within(screen.getByText('Readmission model').closest('tr')!);
    expect(active.getByTestId('access-state-active')).toBeInTheDocument();
    expect(active.getByText('1 Jun 2026')).toBeInTheDocument();
    expect(
      active.getByRole('link', { name: 'patient-encounters' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patient-encounters',
    );
    const pending = within(screen.getByText('Demographics').closest('tr')!);
    expect(pending.getByTestId('access-state-pending')).toBeInTheDocument();
    // is what I read late? each product's SLO health, from one fleet request
    expect(
      await active.findByTestId('slo-status-breaching'),
    ).toBeInTheDocument();
    expect(await pending.findByTestId('slo-status-ok')).toBeInTheDocument();
    expect(
      backend.requests.filter(u => u.pathname.endsWith('/slos')),
    ).toHaveLength(1);
    expect(pending.getByText('—')).toBeInTheDocument();
    const teammates = within(screen.getByText('Bed occupancy').closest('tr')!);
    expect(teammates.getByText('bob')).toBeInTheDocument();
    expect(
      active.getByRole('button', { name: 'Extend request 00000000000000b1' }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Capacity')).not.toBeInTheDocument();

    // the team's access outlives the teammate who asked for it: ann extends it
    await userEvent.click(
      teammates.getByRole('button', {
        name: 'Extend request 00000000000000b4',
      }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.clear(dialog.getByLabelText('More days'));
    await userEvent.type(dialog.getByLabelText('More days'), '30');
    await userEvent.click(
      dialog.getByRole('button', { name: 'Ask to extend' }),
    );
    const asked = await screen.findByText('Extension to 31 Jul 2026 asked', {
      exact: false,
    });
    expect(
      within(asked.closest('tr')!).queryByRole('button', { name: /^Extend/ }),
    ).toBeNull();
  });

  it("withdraws a pending request and gives up a team's granted access, each confirmed", async () => {
    const { access } = renderAccess({
      entity: component,
      element: <MyAccess />,
      requests: [
        accessRequest({ id: '00000000000000e1', purpose: 'Wrong port' }),
        // a teammate's, granted: ann may give it up for the team
        accessRequest({
          id: '00000000000000e2',
          purpose: 'Old dashboard',
          requester: 'user:default/bob',
          state: 'active',
          expiresAt: '2026-07-01T10:00:00.000Z',
        }),
      ],
      ...ANALYST,
    });
    const rowOf = async (purpose: string) =>
      within((await screen.findByText(purpose)).closest('tr')!);

    await userEvent.click(
      (
        await rowOf('Wrong port')
      ).getByRole('button', {
        name: 'Withdraw request 00000000000000e1',
      }),
    );
    let dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByTestId('access-action-cancel')).toHaveTextContent(
      'nothing is left for them to decide',
    );
    await userEvent.type(dialog.getByLabelText('Comment'), 'the other port');
    await userEvent.click(
      dialog.getByRole('button', { name: 'Withdraw request' }),
    );
    await screen.findByTestId('access-state-cancelled');
    expect(access.requests[0].history.at(-1)).toMatchObject({
      action: 'cancel',
      by: 'user:default/ann',
      comment: 'the other port',
    });
    // nothing more to do with it
    expect(
      (await rowOf('Wrong port')).queryByRole('button', { name: /request/ }),
    ).toBeNull();

    await userEvent.click(
      (
        await rowOf('Old dashboard')
      ).getByRole('button', {
        name: 'Give up request 00000000000000e2',
      }),
    );
    dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByTestId('access-action-cancel')).toHaveTextContent(
      'loses the grant now, for everyone in group:default/population-health',
    );
    await userEvent.click(
      dialog.getByRole('button', { name: 'Give up access' }),
    );
    await waitFor(() =>
      expect(screen.getAllByTestId('access-state-cancelled')).toHaveLength(2),
    );
  });

  it('says when granted access ends soon, and how long a request has waited', async () => {
    renderAccess({
      entity: component,
      element: <MyAccess />,
      requests: [
        // ended: listed after what still needs someone
        accessRequest({
          id: '00000000000000f0',
          purpose: 'Given up',
          state: 'cancelled',
        }),
        accessRequest({
          id: '00000000000000f1',
          purpose: 'Ends soon',
          state: 'active',
          expiresAt: new Date(Date.now() + 5.5 * 86_400_000).toISOString(),
        }),
        accessRequest({
          id: '00000000000000f2',
          purpose: 'Ends later',
          state: 'active',
          expiresAt: new Date(Date.now() + 60 * 86_400_000).toISOString(),
        }),
        accessRequest({
          id: '00000000000000f3',
          purpose: 'Still waiting',
          requestedAt: new Date(
            Date.now() - 4 * 86_400_000 - 3_700_000,
          ).toISOString(),
        }),
      ],
      ...ANALYST,
    });
    // and how long a request has waited for the owners
    expect(
      within(
        (await screen.findByText('Still waiting')).closest('tr')!,
      ).getByTestId('access-waiting'),
    ).toHaveTextContent('waiting 4d 1h');
    const purposes = screen
      .getAllByRole('row')
      .map(row => row.textContent ?? '')
      .filter(text => /Given up|Ends soon|Ends later|Still waiting/.test(text))
      .map(
        text => /Given up|Ends soon|Ends later|Still waiting/.exec(text)![0],
      );
    expect(purposes).toEqual([
      'Ends soon',
      'Ends later',
      'Still waiting',
      'Given up',
    ]);
    const soon = within((await screen.findByText('Ends soon')).closest('tr')!);
    expect(soon.getByTestId('access-expires-soon')).toHaveTextContent(
      'ends in 5 days',
    );
    const later = within(screen.getByText('Ends later').closest('tr')!);
    expect(later.queryByTestId('access-expires-soon')).toBeNull();
  });

  it('opens a granted request to how to read it: the role, the masked tables and the statements to copy', async () => {
    const { backend } = renderAccess({
      entity: component,
      element: <MyAccess />,
      requests: [
        accessRequest({ id: '00000000000000c1', state: 'active' }),
        accessRequest({
          id: '00000000000000c2',
          purpose: 'Waiting',
          state: 'pending',
        }),
      ],
      ...ANALYST,
    });
    const open = async (purpose: string) => {
      const row = (await screen.findByText(purpose)).closest('tr')!;
      await userEvent.click(within(row).getAllByRole('button')[0]);
    };
    await open('Readmission model training');
    const reading = await screen.findByTestId(
      'access-connection-00000000000000c1',
    );
    await within(reading).findByTestId('access-connection-sql');
    const masked =
      '"acme_clinical_care_dev__patient_encounters_masked"."patient_encounters"';
    expect(
      within(reading).getByTestId('access-connection-sql'),
    ).toHaveTextContent(
      `SET ROLE "team_population_health"; SELECT * FROM ${masked} LIMIT 10;`,
    );
    expect(
      within(reading).getByTestId('access-connection-table'),
    ).toHaveTextContent('personal data masked: patient_mrn, diagnosis_code');
    expect(
      within(reading).getByRole('button', {
        name: 'Copy the statements that read encounters_sql',
      }),
    ).toBeInTheDocument();
    // where to connect, as the port's spec says
    expect(within(reading).getByTestId('connection-url')).toHaveTextContent(
      'postgresql://warehouse.example-health.org:5432/clinical_care_prod',
    );
    expect(within(reading).getByText('How to connect')).toBeInTheDocument();
    expect(
      within(reading).getByText('PATIENT_ENCOUNTERS_CONSUMER'),
    ).toBeInTheDocument();
    expect(
      backend.requests.map(u => u.pathname).filter(p => /connection/.test(p)),
    ).toEqual(['/api/data-mesh/access-requests/00000000000000c1/connection']);

    // nothing is granted yet: nothing to read, and nothing asked
    await open('Waiting');
    await screen.findByTestId('access-history-00000000000000c2');
    expect(
      screen.queryByTestId('access-connection-00000000000000c2'),
    ).not.toBeInTheDocument();
  });

  it('explains an empty list', async () => {
    renderAccess({ entity: component, element: <MyAccess />, ...ANALYST });
    expect(await screen.findByTestId('my-access-empty')).toHaveTextContent(
      'Neither you nor your teams have requested access to any data product yet.',
    );
  });
});
