import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MyDataProducts } from '../slo/MyDataProducts';
import {
  component,
  patientEncounters,
  patients,
  readmissionRisk,
} from '../../__testUtils__/fixtures';
import { OWNER, renderAccess } from '../../__testUtils__/accessRender';
import { NOW, accessRequest } from '../../__testUtils__/fakeAccessBackend';
import { fleetByOwner } from '../../__testUtils__/fakeBackend';
import { fleetItems } from '../../__testUtils__/sloFixtures';

const requests = [
  accessRequest({ id: '00000000000000a1', purpose: 'Readmission model' }),
  accessRequest({
    id: '00000000000000a2',
    purpose: 'Already decided',
    state: 'active',
    expiresAt: new Date(NOW + 30 * 86_400_000).toISOString(),
  }),
  accessRequest({
    id: '00000000000000a3',
    purpose: 'Turned down',
    state: 'rejected',
  }),
  // pending, but on a product another team owns
  accessRequest({
    id: '00000000000000a4',
    purpose: 'Demographics',
    product: 'dataproduct:default/patients',
  }),
  // pending, asked by the owner herself: hers to wait on, not to decide
  accessRequest({
    id: '00000000000000a5',
    purpose: 'Own team',
    requester: 'user:default/olga',
    consumer: 'group:default/clinical-data-team',
  }),
];

function render(
  extra: { requests?: typeof requests; products?: (typeof patients)[] } = {},
) {
  return renderAccess({
    entity: component,
    element: <MyDataProducts />,
    requests: [...requests, ...(extra.requests ?? [])],
    products: extra.products,
    routes: { '/slos': fleetByOwner(fleetItems) },
    ...OWNER,
  });
}

describe('AccessInboxCard on My data products', () => {
  it('shows nothing to a user owning no product while nothing waits for them', async () => {
    const { backend } = renderAccess({
      entity: component,
      element: <MyDataProducts />,
      requests,
      routes: { '/slos': fleetByOwner(fleetItems) },
      // a steward: in a group, owning no product
      user: 'user:default/zoe',
      groups: ['group:default/stewards'],
    });
    // the inbox was asked, and said nothing to decide
    await waitFor(() =>
      expect(
        backend.requests.some(u => u.searchParams.get('inbox') === 'true'),
      ).toBe(true),
    );
    expect(await screen.findByText(/My data products \(/)).toBeInTheDocument();
    expect(screen.queryByText(/Access requests to decide/)).toBeNull();
    expect(screen.queryByTestId('access-inbox-empty')).toBeNull();
  });

  it("shows only the pending requests on my groups' products that others made", async () => {
    const { backend } = render();
    expect(
      await screen.findByText('Access requests to decide (1)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Readmission model')).toBeInTheDocument();
    for (const hidden of [
      'Already decided',
      'Turned down',
      'Demographics',
      'Own team',
    ]) {
      expect(screen.queryByText(hidden)).not.toBeInTheDocument();
    }
    const asked = backend.requests.find(u =>
      u.pathname.endsWith('/access-requests'),
    );
    // one request: what the user decides
    expect(asked?.searchParams.get('inbox')).toBe('true');
    // the products table is still there
    expect(screen.getByText('My data products (1)')).toBeInTheDocument();
  });

  it('rejects from the inbox with a comment, and the request leaves it', async () => {
    const { access } = render();
    const row = within(
      (await screen.findByText('Readmission model')).closest('tr')!,
    );
    await userEvent.click(
      row.getByRole('button', { name: 'Reject request 00000000000000a1' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.type(dialog.getByLabelText('Comment'), 'no PII for models');
    await userEvent.click(dialog.getByRole('button', { name: 'Reject' }));
    await waitFor(() =>
      expect(screen.getByTestId('access-inbox-empty')).toBeInTheDocument(),
    );
    expect(access.requests[0]).toMatchObject({
      state: 'rejected',
      decidedBy: 'user:default/olga',
    });
  });

  it('shows an extension asked for a granted request as such, and approving it decides the extension', async () => {
    const expiresAt = new Date(NOW + 30 * 86_400_000).toISOString();
    const { access } = render({
      requests: [
        accessRequest({
          id: '00000000000000a7',
          purpose: 'Cohort study',
          state: 'active',
          expiresAt,
          extension: {
            expiresAt: '2026-05-31T10:00:00.000Z',
            requestedAt: new Date(NOW).toISOString(),
            requestedBy: 'user:default/ann',
            comment: 'study runs into May',
          },
        }),
        // the owner's own extension ask: hers to wait on
        accessRequest({
          id: '00000000000000a8',
          purpose: 'Own extension',
          requester: 'user:default/olga',
          state: 'active',
          expiresAt,
          extension: {
            expiresAt: '2026-05-31T10:00:00.000Z',
            requestedAt: new Date(NOW).toISOString(),
            requestedBy: 'user:default/olga',
          },
        }),
      ],
    });
    expect(
      await screen.findByText('Access requests to decide (2)'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Own extension')).not.toBeInTheDocument();
    const row = within(screen.getByText('Cohort study').closest('tr')!);
    expect(
      row.getByText('Extension to 31 May 2026 asked: study runs into May'),
    ).toBeInTheDocument();
    // the request itself is granted: only its extension is to decide
    expect(
      row.queryByRole('button', { name: 'Approve request 00000000000000a7' }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      await row.findByRole('button', {
        name: 'Approve extension request 00000000000000a7',
      }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(dialog.getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(screen.queryByText('Cohort study')).not.toBeInTheDocument(),
    );
    expect(
      access.requests.find(r => r.id === '00000000000000a7'),
    ).toMatchObject({
      state: 'active',
      expiresAt: '2026-05-31T10:00:00.000Z',
      extension: null,
    });
    expect(
      access.requests.find(r => r.id === '00000000000000a7')!.history.at(-1),
    ).toMatchObject({
      action: 'extend-approve',
      by: 'user:default/olga',
      state: 'active',
    });
  });

  it("lists the requests of another team's port whose ODCS roles name my group as approver, to approve from the inbox", async () => {
    const approvedPort = {
      ...patients,
      spec: {
        ...patients.spec,
        outputPorts: [
          {
            name: 'patients-sql',
            type: 'sql',
            dataset: 'patients',
            access: {
              roles: [
                {
                  role: 'patients_readers',
                  firstLevelApprovers:
                    'group:default/clinical-data-team, Privacy officer',
                },
              ],
            },
          },
        ],
      },
    };
    const { access } = render({
      products: [patientEncounters, approvedPort, readmissionRisk],
      requests: [
        accessRequest({
          id: '00000000000000a6',
          purpose: 'Patient linkage',
          product: 'dataproduct:default/patients',
          outputPort: 'patients-sql',
        }),
      ],
    });
    expect(
      await screen.findByText('Access requests to decide (2)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Readmission model')).toBeInTheDocument();
    // the other port of that product stays with its owners
    expect(screen.queryByText('Demographics')).not.toBeInTheDocument();
    const row = within(screen.getByText('Patient linkage').closest('tr')!);
    await userEvent.click(
      row.getByRole('button', { name: 'Approve request 00000000000000a6' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(dialog.getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(screen.queryByText('Patient linkage')).not.toBeInTheDocument(),
    );
    expect(
      access.requests.find(r => r.id === '00000000000000a6'),
    ).toMatchObject({ state: 'approved', decidedBy: 'user:default/olga' });
  });
});
