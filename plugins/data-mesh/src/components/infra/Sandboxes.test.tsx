import {
  cleanup,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  type InfrastructureSandbox,
  type SandboxCreateAccepted,
  type SandboxCreateResponse,
  type SandboxDeleteResponse,
  type SandboxKeepResponse,
  createDataMeshApiValidator,
} from '@datamesh/plugin-data-mesh-common';
import { inSyncInfrastructure } from '../../__testUtils__/infraFixtures';
import { renderInfrastructureCard as render } from '../../__testUtils__/infraRender';
import { ANALYST, OWNER, renderAccess } from '../../__testUtils__/accessRender';
import {
  type FakeRequest,
  errorResponse,
  jsonResponse,
} from '../../__testUtils__/fakeBackend';
import { patientEncounters } from '../../__testUtils__/fixtures';
import { InfrastructureCard } from './InfrastructureCard';
import { scaffolderTaskRouteRef } from '../../routes';

const lateReturns: InfrastructureSandbox = {
  branch: 'feat_late_returns',
  schemas: [
    {
      name: 'pe_output_sbx_feat_late_returns',
      qualified: '"PE_OUTPUT_SBX_FEAT_LATE_RETURNS"',
    },
    {
      name: 'pe_raw_sbx_feat_late_returns',
      qualified: '"PE_RAW_SBX_FEAT_LATE_RETURNS"',
    },
  ],
};
const fixB: InfrastructureSandbox = {
  branch: 'fix_b',
  schemas: [{ name: 'pe_raw_sbx_fix_b', qualified: '"PE_RAW_SBX_FIX_B"' }],
};
const DELETE = {
  method: 'delete',
  path: '/products/{namespace}/{name}/sandboxes/{branch}',
} as const;

/**
 * The card of patient-encounters with two sandboxes, for `who`; the backend
 * drops a sandbox as `answer` says (default: as the real one would), and
 * each DELETE it gets is kept.
 */
function renderWithSandboxes(
  who: typeof OWNER,
  answer?: (req: FakeRequest) => Response,
) {
  const deletes: FakeRequest[] = [];
  renderAccess({
    entity: patientEncounters,
    element: <InfrastructureCard />,
    ...who,
    routes: {
      '/products/default/patient-encounters/infrastructure': {
        ...inSyncInfrastructure(),
        sandboxes: [lateReturns, fixB],
      },
      '/products/{namespace}/{name}/sandboxes/{branch}': (
        _: URL,
        req: FakeRequest,
      ) => {
        deletes.push(req);
        if (answer) return answer(req);
        const body: SandboxDeleteResponse = {
          entityRef: 'dataproduct:default/patient-encounters',
          branch: req.params.branch,
          dropped: [lateReturns, fixB].find(
            s => s.branch === req.params.branch,
          )!.schemas,
          sandboxes: [lateReturns, fixB].filter(
            s => s.branch !== req.params.branch,
          ),
        };
        // the fake answers only what the REST contract allows
        expect(
          createDataMeshApiValidator().response(DELETE, 200, body),
        ).toEqual([]);
        return jsonResponse(body);
      },
    },
  });
  return deletes;
}

describe('InfrastructureCard sandboxes', () => {
  it("lists the product's feature-branch sandboxes with their schemas and how to delete them", async () => {
    render({
      ...inSyncInfrastructure(),
      sandboxes: [
        {
          branch: 'feat_late_returns',
          schemas: [
            {
              name: 'pe_output_sbx_feat_late_returns',
              qualified: '"PE_OUTPUT_SBX_FEAT_LATE_RETURNS"',
            },
            {
              name: 'pe_raw_sbx_feat_late_returns',
              qualified: '"PE_RAW_SBX_FEAT_LATE_RETURNS"',
            },
          ],
        },
        {
          branch: 'fix_b',
          schemas: [
            { name: 'pe_raw_sbx_fix_b', qualified: '"PE_RAW_SBX_FIX_B"' },
          ],
        },
      ],
    });
    const section = within(await screen.findByTestId('infra-sandboxes'));
    expect(
      section.getByRole('heading', { name: 'Feature-branch sandboxes (2)' }),
    ).toBeInTheDocument();
    const items = section
      .getByRole('list', { name: 'Feature-branch sandboxes' })
      .querySelectorAll('li');
    expect([...items].map(li => li.textContent)).toEqual([
      'feat_late_returnspe_output_sbx_feat_late_returnspe_raw_sbx_feat_late_returns',
      'fix_bpe_raw_sbx_fix_b',
    ]);
    // one schema a line, its SQL spelling on hover
    const schema = section.getByText('pe_raw_sbx_fix_b');
    expect(getComputedStyle(schema).display).toBe('block');
    fireEvent.mouseOver(schema);
    expect(
      await screen.findByText('In SQL: "PE_RAW_SBX_FIX_B"'),
    ).toBeInTheDocument();
    expect(
      section.getByText('datamesh sandbox delete --branch <branch>'),
    ).toBeInTheDocument();
  });

  it('lets an owner delete a sandbox after confirming, and shows what is left', async () => {
    const deletes = renderWithSandboxes(OWNER);
    const section = within(await screen.findByTestId('infra-sandboxes'));
    const button = await section.findByRole('button', {
      name: 'Delete the sandbox of feat_late_returns',
    });
    expect(
      section.getByRole('button', { name: 'Delete the sandbox of fix_b' }),
    ).toBeInTheDocument();

    // cancelled: nothing sent
    await userEvent.click(button);
    let dialog = within(await screen.findByRole('dialog'));
    expect(
      dialog.getByRole('heading', {
        name: 'Delete the sandbox of feat_late_returns?',
      }),
    ).toBeInTheDocument();
    // the schemas about to be dropped, as the warehouse names them
    expect(dialog.getAllByRole('listitem').map(li => li.textContent)).toEqual([
      '"PE_OUTPUT_SBX_FEAT_LATE_RETURNS"',
      '"PE_RAW_SBX_FEAT_LATE_RETURNS"',
    ]);
    await userEvent.click(dialog.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(deletes).toEqual([]);

    await userEvent.click(button);
    dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(
      dialog.getByRole('button', { name: 'Delete sandbox' }),
    );
    expect(
      await section.findByText(
        'Dropped the sandbox of feat_late_returns (2 schemas).',
      ),
    ).toBeInTheDocument();
    expect(deletes.map(r => [r.method, r.url.pathname])).toEqual([
      [
        'DELETE',
        '/api/data-mesh/products/default/patient-encounters/sandboxes/feat_late_returns',
      ],
    ]);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(
      section.getByRole('heading', { name: 'Feature-branch sandboxes (1)' }),
    ).toBeInTheDocument();
    expect(section.queryByText('pe_raw_sbx_feat_late_returns')).toBeNull();
    expect(section.getByText('pe_raw_sbx_fix_b')).toBeInTheDocument();
  });

  it('keeps the sandbox and says why when the deletion fails', async () => {
    renderWithSandboxes(OWNER, () =>
      errorResponse(
        502,
        'WarehouseUnavailableError',
        'The PGlite warehouse failed to answer: drops are frozen',
      ),
    );
    const section = within(await screen.findByTestId('infra-sandboxes'));
    await userEvent.click(
      await section.findByRole('button', {
        name: 'Delete the sandbox of fix_b',
      }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(
      dialog.getByRole('button', { name: 'Delete sandbox' }),
    );
    expect(await dialog.findByTestId('sandbox-delete-error')).toHaveTextContent(
      'The sandbox was not deleted: The PGlite warehouse failed to answer: drops are frozen',
    );
    expect(section.getByText('pe_raw_sbx_fix_b')).toBeInTheDocument();
    expect(section.queryByTestId('sandbox-deleted')).toBeNull();
  });

  it('offers no delete to someone who does not own the product', async () => {
    renderWithSandboxes(ANALYST);
    const section = within(await screen.findByTestId('infra-sandboxes'));
    expect(
      await section.findByText(/Its owners delete a merged branch’s here/),
    ).toBeInTheDocument();
    expect(section.queryAllByRole('button')).toEqual([]);
  });

  it('says how old a sandbox is, when its marker records it', async () => {
    const made = new Date(Date.now() - (3 * 24 + 1) * 3_600_000 - 60_000);
    render({
      ...inSyncInfrastructure(),
      sandboxes: [{ ...fixB, createdAt: made.toISOString() }, lateReturns],
    });
    const section = within(await screen.findByTestId('infra-sandboxes'));
    const [withTime, without] = section
      .getByRole('list', { name: 'Feature-branch sandboxes' })
      .querySelectorAll('li');
    expect(within(withTime).getByText('3d 1h ago')).toHaveAttribute(
      'datetime',
      made.toISOString(),
    );
    expect(withTime).toHaveTextContent(/^fix_b made 3d 1h ago/);
    // made before markers had a time: no age
    expect(without).not.toHaveTextContent('made');
  });

  it('says when the platform deletes a sandbox, where sandboxes expire', async () => {
    const day = 24 * 3_600_000;
    const made = new Date(Date.now() - 27 * day - 60_000);
    const expires = new Date(made.getTime() + 30 * day);
    const expired = new Date(Date.now() - 60_000);
    render({
      ...inSyncInfrastructure(),
      sandboxes: [
        {
          ...fixB,
          createdAt: made.toISOString(),
          expiresAt: expires.toISOString(),
        },
        {
          ...lateReturns,
          createdAt: new Date(expired.getTime() - 30 * day).toISOString(),
          expiresAt: expired.toISOString(),
        },
      ],
    });
    const section = within(await screen.findByTestId('infra-sandboxes'));
    const [expiring, past] = section
      .getByRole('list', { name: 'Feature-branch sandboxes' })
      .querySelectorAll('li');
    const day7 = new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'short',
      timeZone: 'UTC',
    }).format(expires);
    expect(expiring).toHaveTextContent(
      new RegExp(
        `^fix_b made 27d ago · the platform deletes it on ${day7} \\(in 2d 23h\\)`,
      ),
    );
    expect(
      within(expiring).getByText(`on ${day7} (in 2d 23h)`),
    ).toHaveAttribute('datetime', expires.toISOString());
    expect(past).toHaveTextContent(
      /the platform deletes it soon \(it expired\)/,
    );
  });

  it('lets owners keep a sandbox past its expiry, and says when the platform now deletes it', async () => {
    const day = 24 * 3_600_000;
    const made = new Date(Date.now() - 28 * day).toISOString();
    const expiring = {
      ...fixB,
      createdAt: made,
      expiresAt: new Date(Date.now() + 2 * day).toISOString(),
    };
    const keeps: FakeRequest[] = [];
    let refuse: string | undefined;
    const KEEP = {
      method: 'post',
      path: '/products/{namespace}/{name}/sandboxes/{branch}/keep',
    } as const;
    const renderAs = (who: typeof OWNER) =>
      renderAccess({
        entity: patientEncounters,
        element: <InfrastructureCard />,
        ...who,
        routes: {
          '/products/default/patient-encounters/infrastructure': {
            ...inSyncInfrastructure(),
            sandboxes: [expiring],
          },
          '/products/{namespace}/{name}/sandboxes/{branch}/keep': (
            _: URL,
            req: FakeRequest,
          ) => {
            keeps.push(req);
            if (refuse) return errorResponse(409, 'ConflictError', refuse);
            const keptAt = new Date();
            const expiresAt = new Date(keptAt.getTime() + 30 * day);
            const body: SandboxKeepResponse = {
              entityRef: 'dataproduct:default/patient-encounters',
              branch: req.params.branch,
              expiresAt: expiresAt.toISOString(),
              sandboxes: [
                {
                  ...expiring,
                  keptAt: keptAt.toISOString(),
                  expiresAt: expiresAt.toISOString(),
                },
              ],
            };
            expect(
              createDataMeshApiValidator().response(KEEP, 200, body),
            ).toEqual([]);
            return jsonResponse(body);
          },
        },
      });

    // not an owner: nothing to keep
    renderAs(ANALYST);
    let section = within(await screen.findByTestId('infra-sandboxes'));
    await section.findByText(/the platform deletes it/);
    expect(section.queryByRole('button', { name: /Keep/ })).toBeNull();
    cleanup();

    renderAs(OWNER);
    section = within(await screen.findByTestId('infra-sandboxes'));
    refuse =
      'the sandbox of fix_b of dataproduct:default/patient-encounters is being deleted by the datamesh CLI (asked by service:external:ci at 2026-12-07T10:00:00.000Z): run again once it is done';
    const keep = await section.findByRole('button', {
      name: 'Keep the sandbox of fix_b',
    });
    await userEvent.click(keep);
    expect(await section.findByTestId('sandbox-keep-error')).toHaveTextContent(
      'The sandbox of fix_b was not kept: the sandbox of fix_b of dataproduct:default/patient-encounters is being deleted by the datamesh CLI',
    );
    refuse = undefined;
    await userEvent.click(keep);
    expect(
      await section.findByText(
        /^Kept the sandbox of fix_b: the platform deletes it on \d{1,2} \w{3} \(in (29d 23h|30d)\)\.$/,
      ),
    ).toBeInTheDocument();
    expect(section.queryByTestId('sandbox-keep-error')).toBeNull();
    expect(
      section.getByText(/^on \d{1,2} \w{3} \(in (29d 23h|30d)\)$/),
    ).toBeInTheDocument();
    expect(keeps.map(r => [r.method, r.url.pathname])).toEqual([
      [
        'POST',
        '/api/data-mesh/products/default/patient-encounters/sandboxes/fix_b/keep',
      ],
      [
        'POST',
        '/api/data-mesh/products/default/patient-encounters/sandboxes/fix_b/keep',
      ],
    ]);
  });

  it('shows nothing about sandboxes when there are none, to whom may not make one', async () => {
    renderAccess({
      entity: patientEncounters,
      element: <InfrastructureCard />,
      ...ANALYST,
      routes: {
        '/products/default/patient-encounters/infrastructure': {
          ...inSyncInfrastructure(),
          sandboxes: [],
        },
      },
    });
    expect(
      await screen.findByTestId('infra-status-in-sync'),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('infra-sandboxes')).toBeNull();
  });

  it("lets an owner make a branch's sandbox, and says why the backend would not", async () => {
    const posts: FakeRequest[] = [];
    renderAccess({
      entity: patientEncounters,
      element: <InfrastructureCard />,
      ...OWNER,
      routes: {
        '/products/default/patient-encounters/infrastructure': {
          ...inSyncInfrastructure(),
          sandboxes: [],
        },
        '/products/{namespace}/{name}/sandboxes': (
          _: URL,
          req: FakeRequest,
        ) => {
          posts.push(req);
          if (req.body.branch === 'main') {
            return errorResponse(
              409,
              'ConflictError',
              'the sandbox of this branch exists already (pe_raw_sbx_main); ask to replace it',
            );
          }
          const body: SandboxCreateResponse = {
            status: 'made',
            entityRef: 'dataproduct:default/patient-encounters',
            branch: 'feat_late_returns',
            method: 'copy',
            schemas: [
              {
                layer: 'raw',
                name: 'pe_raw_sbx_feat_late_returns',
                qualified: '"pe_raw_sbx_feat_late_returns"',
                source: '"pe_raw"',
                tables: 2,
              },
              {
                layer: 'output',
                name: 'pe_output_sbx_feat_late_returns',
                qualified: '"pe_output_sbx_feat_late_returns"',
                source: '"pe_output"',
                tables: 1,
              },
            ],
            notes: [],
            sandboxes: [lateReturns],
          };
          expect(
            createDataMeshApiValidator().response(
              {
                method: 'post',
                path: '/products/{namespace}/{name}/sandboxes',
              },
              201,
              body,
            ),
          ).toEqual([]);
          return jsonResponse(body, 201);
        },
      },
    });
    const section = within(await screen.findByTestId('infra-sandboxes'));
    expect(
      section.getByRole('heading', { name: 'Feature-branch sandboxes (0)' }),
    ).toBeInTheDocument();
    await userEvent.click(
      section.getByRole('button', { name: 'New sandbox…' }),
    );
    let dialog = within(await screen.findByRole('dialog'));
    await userEvent.type(dialog.getByLabelText('Branch'), 'main');
    await userEvent.click(dialog.getByRole('button', { name: 'Make sandbox' }));
    expect(
      await dialog.findByText(/the sandbox of this branch exists already/),
    ).toBeInTheDocument();
    await userEvent.click(dialog.getByRole('button', { name: 'Cancel' }));

    await userEvent.click(
      section.getByRole('button', { name: 'New sandbox…' }),
    );
    dialog = within(await screen.findByRole('dialog'));
    await userEvent.type(dialog.getByLabelText('Branch'), 'feat/Late-Returns');
    await userEvent.click(dialog.getByRole('button', { name: 'Make sandbox' }));
    expect(await section.findByTestId('sandbox-deleted')).toHaveTextContent(
      'Made the sandbox of feat_late_returns: 2 schemas, 3 tables copied.',
    );
    expect(
      section.getByRole('heading', { name: 'Feature-branch sandboxes (1)' }),
    ).toBeInTheDocument();
    expect(posts.map(p => [p.url.pathname, p.body])).toEqual([
      [
        '/api/data-mesh/products/default/patient-encounters/sandboxes',
        { branch: 'main', replace: false },
      ],
      [
        '/api/data-mesh/products/default/patient-encounters/sandboxes',
        { branch: 'feat/Late-Returns', replace: false },
      ],
    ]);
  });

  it('says the backend goes on when it answers that the copy takes a while', async () => {
    renderAccess({
      entity: patientEncounters,
      element: <InfrastructureCard />,
      ...OWNER,
      routes: {
        '/products/default/patient-encounters/infrastructure': {
          ...inSyncInfrastructure(),
          sandboxes: [],
        },
        '/products/{namespace}/{name}/sandboxes': () => {
          const body: SandboxCreateAccepted = {
            status: 'in-progress',
            entityRef: 'dataproduct:default/patient-encounters',
            branch: 'feat_big',
            schemas: ['"pe_output_sbx_feat_big"'],
            startedAt: '2026-01-01T00:00:00.000Z',
          };
          expect(
            createDataMeshApiValidator().response(
              {
                method: 'post',
                path: '/products/{namespace}/{name}/sandboxes',
              },
              202,
              body,
            ),
          ).toEqual([]);
          return jsonResponse(body, 202);
        },
      },
    });
    const section = within(await screen.findByTestId('infra-sandboxes'));
    await userEvent.click(
      section.getByRole('button', { name: 'New sandbox…' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.type(dialog.getByLabelText('Branch'), 'feat/big');
    await userEvent.click(dialog.getByRole('button', { name: 'Make sandbox' }));
    const news = await section.findByTestId('sandbox-deleted');
    expect(news).toHaveTextContent(
      'Making the sandbox of feat_big ("pe_output_sbx_feat_big") takes a while: the backend goes on copying, and you will be notified when it is ready.',
    );
    // news, not a success; and no sandbox listed before the warehouse has it
    expect(news.className).toMatch(/standardInfo/);
    expect(
      section.getByRole('heading', { name: 'Feature-branch sandboxes (0)' }),
    ).toBeInTheDocument();
  });

  it('lists a sandbox the backend is still copying, with who asked', async () => {
    renderAccess({
      entity: patientEncounters,
      element: <InfrastructureCard />,
      ...OWNER,
      routes: {
        '/products/default/patient-encounters/infrastructure': {
          ...inSyncInfrastructure(),
          sandboxes: [lateReturns],
          sandboxesInProgress: [
            {
              branch: 'feat_big',
              change: 'create',
              requestedBy: 'user:default/aisha.khan',
              startedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
            },
          ],
        },
      },
    });
    const section = within(await screen.findByTestId('infra-sandboxes'));
    expect(
      section.getByRole('heading', {
        name: 'Feature-branch sandboxes (1, 1 being made)',
      }),
    ).toBeInTheDocument();
    const going = section.getByTestId('sandbox-in-progress');
    expect(going).toHaveTextContent(
      /^feat_big being made: the backend is copying it \(asked by .*aisha\.khan.* 5m ago\)$/i,
    );
    // nothing to delete yet
    expect(within(going).queryByRole('button', { name: /Delete/ })).toBeNull();
  });

  it('says which sandboxes a pipeline is making or deleting, its run or task linked, and offers no delete of one going', async () => {
    const run = 'https://github.example.com/acme/pe/actions/runs/7';
    renderAccess({
      entity: patientEncounters,
      element: <InfrastructureCard />,
      ...OWNER,
      mountedRoutes: { '/create/tasks/:taskId': scaffolderTaskRouteRef },
      routes: {
        '/products/default/patient-encounters/infrastructure': {
          ...inSyncInfrastructure(),
          sandboxes: [lateReturns],
          sandboxesInProgress: [
            {
              branch: 'feat_late_returns',
              change: 'delete',
              requestedBy: 'service:external:pipelines',
              startedAt: new Date(Date.now() - 60_000).toISOString(),
              source: 'cli',
              reference: run,
            },
            {
              branch: 'feat_pr_12',
              change: 'create',
              requestedBy: 'user:default/aisha.khan',
              startedAt: new Date(Date.now() - 2 * 60_000).toISOString(),
              source: 'template',
              reference: 'task-1234',
            },
          ],
        },
      },
    });
    const section = within(await screen.findByTestId('infra-sandboxes'));
    expect(
      section.getByRole('heading', {
        name: 'Feature-branch sandboxes (1, 1 being made)',
      }),
    ).toBeInTheDocument();
    const making = section.getByTestId('sandbox-in-progress');
    expect(making).toHaveTextContent(
      /^feat_pr_12 being made by a template \(task task-1234\) \(asked by .*aisha\.khan.* 2m ago\)$/i,
    );
    // the task's log, on the scaffolder's page
    expect(
      within(making).getByRole('link', { name: 'task task-1234' }),
    ).toHaveAttribute('href', '/create/tasks/task-1234');
    const listed = section.getByText('feat_late_returns').closest('li')!;
    expect(listed).toHaveTextContent(
      /being deleted by the datamesh CLI \(CI run(, Opens in a new window)?\) \(asked by .*pipelines.* 1m ago\)/,
    );
    expect(
      within(listed).getByRole('link', { name: /CI run/ }),
    ).toHaveAttribute('href', run);
    // being dropped already: nothing to delete
    expect(
      section.queryByRole('button', {
        name: 'Delete the sandbox of feat_late_returns',
      }),
    ).toBeNull();
  });
});
