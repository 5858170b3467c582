import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { InfrastructureDriftItem } from '@datamesh/plugin-data-mesh-common';
import { fakeDataMeshBackend } from '../../__testUtils__/fakeBackend';
import {
  driftSummary,
  leftoversAnswer,
} from '../../__testUtils__/infraFixtures';
import { fakeRepairRuns } from '../../__testUtils__/fakeRepairRuns';
import { InfrastructureDrift } from './InfrastructureDrift';

/** A product of the drift summary: `status`, with `steps` and `destructive` changes. */
function item(
  name: string,
  status: InfrastructureDriftItem['status'],
  steps: number,
  destructive = 0,
  owner = 'group:default/platform',
): InfrastructureDriftItem {
  return {
    entityRef: `dataproduct:default/${name}`,
    title: name,
    owner,
    domain: 'domain:default/clinical-care',
    status,
    inSync: status === 'in-sync',
    steps,
    destructive,
    lines: [],
    conflicts: status === 'conflict' ? ['a role of another product'] : [],
    issues: [],
  };
}

const ITEMS = [
  item('patients', 'conflict', 0),
  item('encounters', 'drift', 2, 1),
  item('lab-results', 'drift', 1, 0, 'group:default/lab-team'),
  item('registry', 'drift', 0, 2),
  item('claims', 'not-provisioned', 9),
  item('risk', 'in-sync', 0),
];

/**
 * The drift page for a user the policy lets apply every product but
 * lab-results (another team's); the backend's repair runs faked as
 * `runs` says (default: each product's 2 changes applied at once).
 */
async function renderPage(runs: Parameters<typeof fakeRepairRuns>[0] = {}) {
  const fake = fakeRepairRuns(runs);
  const backend = fakeDataMeshBackend({
    '/infrastructure/drift': driftSummary(ITEMS),
    '/infrastructure/leftovers': leftoversAnswer([]),
    ...fake.routes,
  });
  await renderInTestApp(<InfrastructureDrift />, {
    apis: [
      backend.apiEntry,
      mockApis.permission({
        authorize: request =>
          'resourceRef' in request &&
          request.resourceRef === 'dataproduct:default/lab-results'
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }),
    ],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
  const drifts = () =>
    backend.requests.filter(u => u.pathname.endsWith('/infrastructure/drift'))
      .length;
  return { backend, started: fake.started, drifts, resume: fake.resume };
}

const outcome = (name: string, timeout = 3000) =>
  screen.findByTestId(
    `repair-outcome-dataproduct:default/${name}`,
    {},
    { timeout },
  );

const ref = (name: string) => `dataproduct:default/${name}`;

describe('repairing the products shown on the drift page', () => {
  it('has the backend apply the plans the user may apply, lists the others, follows the run and checks the warehouse again', async () => {
    const { started, drifts } = await renderPage({
      perPoll: 1,
      outcome: entityRef =>
        entityRef === ref('claims')
          ? {
              state: 'failed',
              applied: 0,
              skipped: 0,
              error: 'The PGlite warehouse failed to answer: locked',
            }
          : { state: 'applied', applied: 1, skipped: 1 },
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Repair or provision 4…' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(
      await dialog.findByText(/^You may apply 3 of them/),
    ).toBeInTheDocument();
    const listed = within(dialog.getByTestId('repair-products'));
    expect(listed.getAllByRole('listitem').map(li => li.textContent)).toEqual([
      'encounters — 2 changes, 1 revoke or drop',
      'lab-results — 1 changeOnly its owners or an admin may apply its plan: not sent.',
      'registry — 0 changes, 2 revoke or drop',
      'claims — 9 changes',
    ]);
    expect(
      dialog.getByLabelText(
        'Also revoke and drop what the specs do not declare (3)',
      ),
    ).not.toBeChecked();

    await userEvent.click(
      dialog.getByRole('button', { name: 'Apply 3 plans' }),
    );
    // one run: registry only revokes and drops, so it is not sent
    expect(started.map(r => r.body)).toEqual([
      {
        products: [ref('encounters'), ref('claims')],
        allowDestructive: false,
      },
    ]);
    expect(await outcome('registry')).toHaveTextContent(
      'Only revokes or drops: not sent.',
    );
    await waitFor(() =>
      expect(
        screen.getByTestId(`repair-outcome-${ref('encounters')}`),
      ).toHaveTextContent('Applied 1 change. 1 revoke or drop not sent.'),
    );
    // a failure stops nothing but its own product
    await waitFor(
      () =>
        expect(
          screen.getByTestId(`repair-outcome-${ref('claims')}`),
        ).toHaveTextContent(
          'Not applied: The PGlite warehouse failed to answer: locked',
        ),
      { timeout: 3000 },
    );

    await userEvent.click(dialog.getByRole('button', { name: 'Close' }));
    await screen.findByText('Data products (6)');
    expect(drifts()).toBe(2);
    // the page says what the run came to, and why claims failed
    const last = await screen.findByTestId('latest-repair-run');
    expect(last).toHaveTextContent(
      /^The last repair run, by platform-admin, finished (just now|.* ago): 1 applied, 1 failed\.claims: Not applied: The PGlite warehouse failed to answer: locked$/,
    );
  });

  it('sends the revokes and drops only when ticked, and nothing on cancel', async () => {
    const { started, drifts } = await renderPage({
      outcome: (_, allowDestructive) => ({
        state: 'applied',
        applied: allowDestructive ? 2 : 1,
        skipped: 0,
      }),
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Repair or provision 4…' }),
    );
    let dialog = within(await screen.findByRole('dialog'));
    await dialog.findByText(/^You may apply 3 of them/);
    await userEvent.click(dialog.getByRole('button', { name: 'Cancel' }));
    expect(started).toEqual([]);
    expect(drifts()).toBe(1);

    await userEvent.click(
      screen.getByRole('button', { name: 'Repair or provision 4…' }),
    );
    dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(
      await dialog.findByLabelText(
        'Also revoke and drop what the specs do not declare (3)',
      ),
    );
    await userEvent.click(
      dialog.getByRole('button', { name: 'Apply 3 plans' }),
    );
    await waitFor(() =>
      expect(
        screen.getByTestId(`repair-outcome-${ref('registry')}`),
      ).toHaveTextContent('Applied 2 changes.'),
    );
    expect(started.map(r => r.body)).toEqual([
      {
        products: [ref('encounters'), ref('registry'), ref('claims')],
        allowDestructive: true,
      },
    ]);
  });

  it('may be closed while the run goes on: the page follows the run, and checks the warehouse again when it is done', async () => {
    const { drifts, resume } = await renderPage({ perPoll: 1, paused: true });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Repair or provision 4…' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(
      await dialog.findByRole('button', { name: 'Apply 3 plans' }),
    );
    expect(await outcome('claims')).toHaveTextContent('Waiting its turn…');
    await userEvent.click(dialog.getByRole('button', { name: 'Close' }));
    expect(
      await screen.findByTestId('latest-repair-run', {}, { timeout: 3000 }),
    ).toHaveTextContent(
      /^A repair run by platform-admin, started (just now|.* ago), is applying the plans of 2 products: 0 done\. It goes on without this page\.Stop the run$/,
    );
    resume();
    await waitFor(
      () =>
        expect(screen.getByTestId('latest-repair-run')).toHaveTextContent(
          /^The last repair run, by platform-admin, finished (just now|.* ago): 2 applied\.$/,
        ),
      { timeout: 5000 },
    );
    // once on opening, once as the dialog closed, once as the run ended
    expect(drifts()).toBe(3);
  });

  it('stops the run: what was still queued is not sent, and the page says so', async () => {
    // a backend busy elsewhere: nothing of this run is applied before the stop
    await renderPage({ perPoll: 0 });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Repair or provision 4…' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(
      await dialog.findByRole('button', { name: 'Apply 3 plans' }),
    );
    expect(await outcome('encounters')).toHaveTextContent('Waiting its turn…');
    await userEvent.click(
      await dialog.findByRole('button', { name: 'Stop the run' }),
    );
    for (const name of ['encounters', 'claims']) {
      expect(await outcome(name)).toHaveTextContent(
        'Not sent: the run was stopped.',
      );
    }
    expect(dialog.queryByRole('button', { name: 'Stop the run' })).toBeNull();
    await userEvent.click(dialog.getByRole('button', { name: 'Close' }));
    expect(
      await screen.findByTestId('latest-repair-run', {}, { timeout: 3000 }),
    ).toHaveTextContent(
      /^The last repair run, by platform-admin, stopped by platform-admin, finished (just now|.* ago): 0 applied, 2 not sent\.$/,
    );
  });

  it('says why the run could not be stopped, and it goes on', async () => {
    await renderPage({
      perPoll: 1,
      stopRefusal:
        'user:default/platform-admin may not stop repair run 1: it is not theirs',
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Repair or provision 4…' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(
      await dialog.findByRole('button', { name: 'Apply 3 plans' }),
    );
    await userEvent.click(
      await dialog.findByRole('button', { name: 'Stop the run' }),
    );
    expect(
      await dialog.findByText(/^Not stopped: .*it is not theirs/),
    ).toBeInTheDocument();
    await waitFor(
      () =>
        expect(
          screen.getByTestId(`repair-outcome-${ref('claims')}`),
        ).toHaveTextContent('Applied 2 changes.'),
      { timeout: 4000 },
    );
  });

  it('offers nothing when no product shown has a plan to apply', async () => {
    await renderPage();
    await userEvent.click(
      await screen.findByRole('button', { name: 'In sync: 1' }),
    );
    expect(screen.getByText('Data products (1)')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /^Repair or provision/ }),
    ).toBeNull();
  });
});
