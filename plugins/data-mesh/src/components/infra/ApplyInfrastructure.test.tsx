import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  type InfrastructureApplyResponse,
  type ProductInfrastructureResponse,
  createDataMeshApiValidator,
} from '@datamesh/plugin-data-mesh-common';
import {
  driftedInfrastructure,
  inSyncInfrastructure,
  notProvisionedInfrastructure,
} from '../../__testUtils__/infraFixtures';
import { ANALYST, OWNER, renderAccess } from '../../__testUtils__/accessRender';
import {
  type FakeRequest,
  errorResponse,
  jsonResponse,
} from '../../__testUtils__/fakeBackend';
import { patientEncounters } from '../../__testUtils__/fixtures';
import { InfrastructureCard } from './InfrastructureCard';

const APPLY = {
  method: 'post',
  path: '/products/{namespace}/{name}/infrastructure/apply',
} as const;

/**
 * The card of patient-encounters, the backend answering `body`, for `who`;
 * an apply answers as `answer` says (default: everything sent, in sync
 * afterwards), each one kept.
 */
function renderCard(
  who: typeof OWNER,
  body: ProductInfrastructureResponse,
  answer?: (req: FakeRequest) => Response,
) {
  const applies: FakeRequest[] = [];
  renderAccess({
    entity: patientEncounters,
    element: <InfrastructureCard />,
    ...who,
    routes: {
      '/products/default/patient-encounters/infrastructure': body,
      '/products/{namespace}/{name}/infrastructure/apply': (
        _: URL,
        req: FakeRequest,
      ) => {
        applies.push(req);
        if (answer) return answer(req);
        const result: InfrastructureApplyResponse = {
          entityRef: body.entityRef,
          applied: [
            ...body.drift.steps,
            ...(req.body.allowDestructive ? body.drift.destructive : []),
          ],
          skipped: req.body.allowDestructive ? [] : body.drift.destructive,
          infrastructure: inSyncInfrastructure(),
        };
        // the fake answers only what the REST contract allows
        expect(
          createDataMeshApiValidator().response(APPLY, 200, result),
        ).toEqual([]);
        return jsonResponse(result);
      },
    },
  });
  return applies;
}

describe('applying the plan from the Infrastructure card', () => {
  it('lets an owner repair drift, revokes only when ticked, and shows the warehouse afterwards', async () => {
    const applies = renderCard(OWNER, driftedInfrastructure());
    const apply = within(await screen.findByTestId('infra-apply'));
    expect(
      apply.getByLabelText(
        'Also revoke and drop what the spec does not declare (1)',
      ),
    ).not.toBeChecked();
    await userEvent.click(apply.getByRole('button', { name: 'Repair' }));

    expect(await screen.findByTestId('infra-applied')).toHaveTextContent(
      'Applied 1 change. 1 revoke or drop not sent.',
    );
    expect(applies.map(r => [r.method, r.url.pathname, r.body])).toEqual([
      [
        'POST',
        '/api/data-mesh/products/default/patient-encounters/infrastructure/apply',
        { allowDestructive: false },
      ],
    ]);
    // the answer's infrastructure replaces the drifted one
    expect(screen.getByTestId('infra-status-in-sync')).toBeInTheDocument();
    expect(screen.queryByTestId('infra-apply')).toBeNull();
  });

  it('sends the revokes when the owner ticks them', async () => {
    const applies = renderCard(OWNER, driftedInfrastructure());
    const apply = within(await screen.findByTestId('infra-apply'));
    await userEvent.click(
      apply.getByLabelText(
        'Also revoke and drop what the spec does not declare (1)',
      ),
    );
    await userEvent.click(apply.getByRole('button', { name: 'Repair' }));
    await screen.findByTestId('infra-applied');
    expect(applies.map(r => r.body)).toEqual([{ allowDestructive: true }]);
  });

  it('offers to provision a product that has nothing in the warehouse', async () => {
    renderCard(OWNER, notProvisionedInfrastructure());
    const apply = within(await screen.findByTestId('infra-apply'));
    expect(apply.getByRole('button', { name: 'Provision' })).toBeEnabled();
    expect(apply.queryByRole('checkbox')).toBeNull();
  });

  it('says why when the apply is refused', async () => {
    renderCard(OWNER, driftedInfrastructure(), () =>
      errorResponse(
        409,
        'ConflictError',
        'dataproduct:default/patient-encounters cannot be applied: role x belongs to another product',
      ),
    );
    const apply = within(await screen.findByTestId('infra-apply'));
    await userEvent.click(apply.getByRole('button', { name: 'Repair' }));
    expect(await apply.findByTestId('infra-apply-error')).toHaveTextContent(
      'The plan was not applied: dataproduct:default/patient-encounters cannot be applied: role x belongs to another product',
    );
    expect(screen.getByTestId('infra-status-drift')).toBeInTheDocument();
  });

  it('tells someone who does not own the product who can apply it', async () => {
    const applies = renderCard(ANALYST, driftedInfrastructure());
    expect(
      await screen.findByTestId('infra-apply-owners-only'),
    ).toHaveTextContent('Its owners can apply the plan here');
    expect(screen.queryByRole('button', { name: 'Repair' })).toBeNull();
    expect(applies).toEqual([]);
  });
});
