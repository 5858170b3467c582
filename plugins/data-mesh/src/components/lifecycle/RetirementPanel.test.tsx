import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SWRConfig } from 'swr';
import { mockApis } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  type ProductLifecycle,
  type RetirementApplyBody,
  type RetirementPlanView,
  RETIREMENT_STEP_IDS,
} from '@datamesh/plugin-data-mesh-common';
import { DataProductLifecycleBanner } from './DataProductLifecycleBanner';
import { patientEncounters } from '../../__testUtils__/fixtures';
import {
  type FakeRequest,
  errorResponse,
  fakeDataMeshBackend,
  jsonResponse,
} from '../../__testUtils__/fakeBackend';
import { renderForEntity } from '../../__testUtils__/render';

const LIFECYCLE = '/lifecycle/default/patient-encounters';
const RETIREMENT = `${LIFECYCLE}/retirement`;
const PRODUCT = 'dataproduct:default/patient-encounters';

/**
 * The backend's side of a retirement, as the lifecycle router answers:
 * the plan from the steps' state, and POST running steps in order until
 * the first destructive one not confirmed; readers refuse the first run
 * unless forced with a reason.
 */
function retirementBackend(options: {
  state?: ProductLifecycle['state'];
  retireAt?: string;
  done?: string[];
  readers?: string[];
}) {
  let state = options.state ?? 'deprecated';
  const done = new Set(options.done ?? []);
  let readers = options.readers ?? [];
  const posts: RetirementApplyBody[] = [];
  const plan = (): RetirementPlanView => ({
    product: PRODUCT,
    state,
    refusals: [],
    readers,
    ...(readers.length
      ? {
          usage: {
            source: 'by-role',
            since: '2026-01-02',
            readers: readers.map(r => ({
              reader: r,
              reads: 4,
              lastRead: '2026-01-25T09:00:00.000Z',
            })),
            unattributedReads: 0,
          },
        }
      : {}),
    archive: { database: 'clinical', schema: 'patient_encounters_archive' },
    steps: RETIREMENT_STEP_IDS.map(id => ({
      id,
      done: done.has(id),
      lines: done.has(id) ? [] : [`- ${id} of patient-encounters`],
      destructive: true,
      ...(id === 'drop-archive' && !done.has(id)
        ? { blockedUntil: '2026-05-02T00:00:00.000Z' }
        : {}),
    })),
    notes: ['readers are the consumers holding access grants'],
  });
  const lifecycle = (): ProductLifecycle => ({
    product: PRODUCT,
    state,
    retireAt: options.retireAt ?? '2026-02-01T00:00:00.000Z',
    acceptNewRequests: false,
    audit: [],
  });
  const apply = (_url: URL, req: FakeRequest) => {
    const body = req.body as RetirementApplyBody;
    posts.push(body);
    if (state === 'deprecated' && readers.length && !body.force) {
      return errorResponse(
        409,
        'ConflictError',
        `consumers still read ${PRODUCT}: ${readers.join(
          ', ',
        )} (force with a reason to retire anyway)`,
      );
    }
    if (state === 'deprecated') state = 'retiring';
    const applied = [];
    let stoppedAt;
    for (const id of RETIREMENT_STEP_IDS) {
      if (done.has(id)) continue;
      if (id === 'drop-archive') {
        stoppedAt = { id, reason: 'blocked until 2026-05-02T00:00:00.000Z' };
        break;
      }
      if (!body.confirm.includes(id)) {
        stoppedAt = { id, reason: 'awaiting confirmation' };
        break;
      }
      if (id === 'archive') {
        stoppedAt = { id, reason: 'permission denied for schema clinical' };
        break;
      }
      done.add(id);
      if (id === 'revoke-access') readers = [];
      applied.push({ id, lines: [`${id} applied`] });
    }
    if (done.has('unregister')) state = 'retired';
    return jsonResponse({ applied, stoppedAt, plan: plan() });
  };
  return {
    posts,
    routes: {
      [LIFECYCLE]: () => jsonResponse(lifecycle()),
      [RETIREMENT]: (url: URL, req: FakeRequest) =>
        req.method === 'POST' ? apply(url, req) : jsonResponse(plan()),
    },
  };
}

function render(
  routes: Record<string, unknown>,
  options: { owner?: boolean } = {},
) {
  const backend = fakeDataMeshBackend(routes);
  const permissionApi = mockApis.permission({
    authorize: request =>
      options.owner !== false &&
      'resourceRef' in request &&
      request.resourceRef === PRODUCT &&
      request.permission.name === 'data-mesh.product.retire'
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
  });
  renderForEntity(
    patientEncounters,
    <SWRConfig value={{ provider: () => new Map() }}>
      <DataProductLifecycleBanner />
    </SWRConfig>,
    { apis: [backend.apiEntry, permissionApi] },
  );
  return backend;
}

const step = (id: string) => screen.getByTestId(`retirement-step-${id}`);
const runButton = () => screen.getByRole('button', { name: 'Run this step' });

describe('RetirementPanel', () => {
  it('is offered to owners only, and only once the date has come', async () => {
    const due = retirementBackend({});
    render(due.routes, { owner: false });
    expect(await screen.findByTestId('lifecycle-banner')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByTestId('retirement-panel')).toBeNull(),
    );

    const early = retirementBackend({ retireAt: '2099-01-01T00:00:00.000Z' });
    render(early.routes);
    expect(
      await screen.findAllByText(/retires on 2099-01-01/),
    ).not.toHaveLength(0);
    await waitFor(() =>
      expect(screen.queryByTestId('retirement-panel')).toBeNull(),
    );
  });

  it('shows the plan and runs one step per confirmation, typed name first', async () => {
    const backend = retirementBackend({});
    render(backend.routes);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Retire…' }),
    );
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByTestId('retirement-steps');
    expect(step('revoke-access')).toHaveTextContent(
      'Revoke the access requests',
    );
    expect(step('revoke-access')).toHaveTextContent(
      '- revoke-access of patient-encounters',
    );
    expect(step('drop-archive')).toHaveTextContent('blocked until 2026-05-02');

    // not confirmed: nothing can be sent
    expect(runButton()).toBeDisabled();
    await userEvent.type(
      screen.getByLabelText(/Type patient-encounters to confirm/),
      'patient-encounter',
    );
    expect(runButton()).toBeDisabled();
    await userEvent.type(
      screen.getByLabelText(/Type patient-encounters to confirm/),
      's',
    );
    await userEvent.click(runButton());

    await waitFor(() =>
      expect(step('revoke-access')).toHaveTextContent('done'),
    );
    expect(backend.posts).toEqual([{ confirm: ['revoke-access'] }]);
    expect(screen.getByTestId('retirement-applied')).toHaveTextContent(
      'Revoke the access requests: revoke-access applied',
    );
    // the next step is offered, and only it
    expect(within(step('revoke')).getByRole('button')).toHaveTextContent(
      'Run this step',
    );
    await userEvent.click(runButton());
    await waitFor(() => expect(step('revoke')).toHaveTextContent('done'));
    expect(backend.posts[1]).toEqual({ confirm: ['revoke'] });
    // the banner reloaded: the product is retiring
    await waitFor(() =>
      expect(screen.getByTestId('lifecycle-banner')).toHaveTextContent(
        'This data product is retiring',
      ),
    );
  });

  it('shows a failed step and resumes where it stopped when reopened', async () => {
    const backend = retirementBackend({
      state: 'retiring',
      done: ['revoke-access', 'revoke'],
    });
    render(backend.routes);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Resume retirement…' }),
    );
    await screen.findByTestId('retirement-steps');
    expect(step('revoke-access')).toHaveTextContent('done');
    expect(step('revoke')).toHaveTextContent('done');
    expect(within(step('archive')).getByRole('button')).toHaveTextContent(
      'Run this step',
    );
    await userEvent.type(
      screen.getByLabelText(/Type patient-encounters to confirm/),
      'patient-encounters',
    );
    await userEvent.click(runButton());
    expect(
      await screen.findByText(
        'Archive the output layer: permission denied for schema clinical',
      ),
    ).toBeInTheDocument();
    expect(backend.posts).toEqual([{ confirm: ['archive'] }]);
    expect(step('archive')).not.toHaveTextContent('done');
  });

  it('ends at the archive waiting for its retention, retired, without an error', async () => {
    const backend = retirementBackend({
      state: 'retiring',
      done: ['revoke-access', 'revoke', 'archive', 'drop'],
    });
    render(backend.routes);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Resume retirement…' }),
    );
    await screen.findByTestId('retirement-steps');
    await userEvent.type(
      screen.getByLabelText(/Type patient-encounters to confirm/),
      'patient-encounters',
    );
    await userEvent.click(runButton());
    await waitFor(() => expect(step('unregister')).toHaveTextContent('done'));
    expect(backend.posts).toEqual([{ confirm: ['unregister'] }]);
    // the banner now says retired; the dialog stays open with the outcome
    await waitFor(() =>
      expect(screen.getByTestId('lifecycle-banner')).toHaveTextContent(
        'This data product is retired',
      ),
    );
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent(
      'Nothing left to run now: the product is retired.',
    );
    expect(step('drop-archive')).toHaveTextContent('blocked until 2026-05-02');
    expect(dialog.querySelector('.MuiAlert-standardError')).toBeNull();
    expect(
      screen.queryByRole('button', { name: 'Resume retirement…' }),
    ).toBeNull();
  });

  it('names the readers, and needs force with a reason to start', async () => {
    const backend = retirementBackend({
      readers: ['group:default/population-health'],
    });
    render(backend.routes);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Retire…' }),
    );
    const readers = await screen.findByTestId('retirement-readers');
    expect(readers).toHaveTextContent(
      'Consumers still read it: group:default/population-health',
    );
    expect(readers).toHaveTextContent(
      'group:default/population-health 4 reads, last 2026-01-25',
    );
    await userEvent.type(
      screen.getByLabelText(/Type patient-encounters to confirm/),
      'patient-encounters',
    );
    // the name alone is not enough while consumers read
    expect(runButton()).toBeDisabled();
    await userEvent.click(screen.getByLabelText('Retire anyway (force)'));
    expect(runButton()).toBeDisabled();
    await userEvent.type(
      screen.getByLabelText(/Reason for forcing/),
      'moved to v2 in January',
    );
    await userEvent.click(runButton());
    await waitFor(() =>
      expect(step('revoke-access')).toHaveTextContent('done'),
    );
    expect(backend.posts).toEqual([
      {
        confirm: ['revoke-access'],
        force: true,
        reason: 'moved to v2 in January',
      },
    ]);
  });

  it('shows the refusal naming the readers when the backend finds some the plan did not', async () => {
    const backend = retirementBackend({});
    const routes = {
      ...backend.routes,
      [RETIREMENT]: (url: URL, req: FakeRequest) =>
        req.method === 'POST'
          ? errorResponse(
              409,
              'ConflictError',
              `consumers still read ${PRODUCT}: role analyst_adhoc (force with a reason to retire anyway)`,
            )
          : (backend.routes[RETIREMENT] as any)(url, req),
    };
    render(routes);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Retire…' }),
    );
    await screen.findByTestId('retirement-steps');
    await userEvent.type(
      screen.getByLabelText(/Type patient-encounters to confirm/),
      'patient-encounters',
    );
    await userEvent.click(runButton());
    expect(
      await screen.findByText(
        `consumers still read ${PRODUCT}: role analyst_adhoc (force with a reason to retire anyway)`,
      ),
    ).toBeInTheDocument();
  });
});
