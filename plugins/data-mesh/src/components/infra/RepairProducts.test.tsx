import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  type InfrastructureApplyResponse,
  type InfrastructureDriftItem,
  createDataMeshApiValidator,
} from '@datamesh/plugin-data-mesh-common';
import {
  type FakeRequest,
  errorResponse,
  fakeDataMeshBackend,
  jsonResponse,
} from '../../__testUtils__/fakeBackend';
import {
  driftSummary,
  driftedInfrastructure,
  inSyncInfrastructure,
} from '../../__testUtils__/infraFixtures';
import { InfrastructureDrift } from './InfrastructureDrift';

const APPLY = {
  method: 'post',
  path: '/products/{namespace}/{name}/infrastructure/apply',
} as const;

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
 * lab-results (another team's); applies answer as `answer` says (default:
 * the drifted card's steps applied).
 */
async function renderPage(answer?: (name: string) => Response | undefined) {
  const applies: FakeRequest[] = [];
  const backend = fakeDataMeshBackend({
    '/infrastructure/drift': driftSummary(ITEMS),
    [APPLY.path]: (_: URL, req: FakeRequest) => {
      applies.push(req);
      const answered = answer?.(req.params.name);
      if (answered) return answered;
      const drifted = driftedInfrastructure();
      const result: InfrastructureApplyResponse = {
        entityRef: `dataproduct:default/${req.params.name}`,
        applied: req.body.allowDestructive
          ? [...drifted.drift.steps, ...drifted.drift.destructive]
          : drifted.drift.steps,
        skipped: req.body.allowDestructive ? [] : drifted.drift.destructive,
        infrastructure: inSyncInfrastructure(),
      };
      expect(createDataMeshApiValidator().response(APPLY, 200, result)).toEqual(
        [],
      );
      return jsonResponse(result);
    },
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
  return { backend, applies };
}

const outcome = (name: string) =>
  screen.findByTestId(`repair-outcome-dataproduct:default/${name}`);

describe('repairing the products shown on the drift page', () => {
  it('applies the plans the user may apply, one after the other, lists the others, and checks the warehouse again', async () => {
    const { backend, applies } = await renderPage(name =>
      name === 'claims'
        ? errorResponse(
            502,
            'WarehouseUnavailableError',
            'The PGlite warehouse failed to answer: locked',
          )
        : undefined,
    );
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
    expect(await outcome('encounters')).toHaveTextContent(
      'Applied 1 change. 1 revoke or drop not sent.',
    );
    expect(await outcome('registry')).toHaveTextContent(
      'Only revokes or drops: not sent.',
    );
    // a failure stops nothing but its own product
    expect(await outcome('claims')).toHaveTextContent(
      'Not applied: The PGlite warehouse failed to answer: locked',
    );
    expect(applies.map(r => [r.url.pathname, r.body])).toEqual([
      [
        '/api/data-mesh/products/default/encounters/infrastructure/apply',
        { allowDestructive: false },
      ],
      [
        '/api/data-mesh/products/default/claims/infrastructure/apply',
        { allowDestructive: false },
      ],
    ]);

    await userEvent.click(dialog.getByRole('button', { name: 'Close' }));
    await screen.findByText('Data products (6)');
    expect(
      backend.requests.filter(u =>
        u.pathname.endsWith('/infrastructure/drift'),
      ),
    ).toHaveLength(2);
  });

  it('sends the revokes and drops only when ticked, and nothing on cancel', async () => {
    const { backend, applies } = await renderPage();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Repair or provision 4…' }),
    );
    let dialog = within(await screen.findByRole('dialog'));
    await dialog.findByText(/^You may apply 3 of them/);
    await userEvent.click(dialog.getByRole('button', { name: 'Cancel' }));
    expect(applies).toEqual([]);
    expect(
      backend.requests.filter(u =>
        u.pathname.endsWith('/infrastructure/drift'),
      ),
    ).toHaveLength(1);

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
    expect(await outcome('registry')).toHaveTextContent('Applied 2 changes.');
    expect(applies.map(r => [r.params.name, r.body])).toEqual([
      ['encounters', { allowDestructive: true }],
      ['registry', { allowDestructive: true }],
      ['claims', { allowDestructive: true }],
    ]);
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
