import { screen, within } from '@testing-library/react';
import { MyAccess } from './MyAccess';
import { component } from '../../__testUtils__/fixtures';
import { renderAccess } from '../../__testUtils__/accessRender';
import { accessRequest } from '../../__testUtils__/fakeAccessBackend';

const ANALYST = {
  user: 'user:default/ann',
  groups: ['group:default/population-health'],
};

describe('MyAccess', () => {
  it('lists my requests on every product with state and expiry', async () => {
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
        // someone else's
        accessRequest({
          id: '00000000000000b3',
          purpose: 'Capacity',
          requester: 'user:default/bob',
        }),
      ],
      ...ANALYST,
    });
    expect(
      await screen.findByText('My access requests (2)'),
    ).toBeInTheDocument();
    expect(backend.requests[0].searchParams.get('mine')).toBe('true');
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
    expect(pending.getByText('—')).toBeInTheDocument();
    expect(screen.queryByText('Capacity')).not.toBeInTheDocument();
  });

  it('explains an empty list', async () => {
    renderAccess({ entity: component, element: <MyAccess />, ...ANALYST });
    expect(await screen.findByTestId('my-access-empty')).toHaveTextContent(
      'You have not requested access to any data product yet.',
    );
  });
});
