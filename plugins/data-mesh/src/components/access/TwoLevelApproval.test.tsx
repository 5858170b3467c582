/*
 * Two-level approval on the access screens: a port whose ODCS roles name
 * second-level approvers. The owners (and first-level approvers) give the
 * first approval and are told a second follows; the row then says who
 * approved and that it waits; only a second-level approver, not the first
 * approver, is offered the second approval, on the Access tab and in the
 * inbox; either level may reject.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DataProductAccessContent } from './DataProductAccessContent';
import { MyAccess } from './MyAccess';
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

const GOVERNANCE = 'group:default/information-governance';
const [sql, ...others] = patientEncounters.spec.outputPorts!;
const twoLevels = {
  ...patientEncounters,
  spec: {
    ...patientEncounters.spec,
    outputPorts: [
      {
        ...sql,
        access: {
          roles: [
            {
              role: 'encounters_readers',
              firstLevelApprovers: 'group:default/quality-stewards',
              secondLevelApprovers: `${GOVERNANCE}, Data protection officer`,
            },
          ],
        },
      },
      ...others,
    ],
  },
};
const products = [twoLevels, patients, readmissionRisk];
// Grace sits on the information governance board
const GRACE = { user: 'user:default/grace', groups: [GOVERNANCE] };

const asked = accessRequest({ id: '00000000000000c1', purpose: 'Cohort' });
const firstApproved = accessRequest({
  id: '00000000000000c2',
  purpose: 'Registry',
  firstApproval: {
    by: 'user:default/olga',
    at: new Date(NOW - 3_600_000).toISOString(),
  },
});

const rowOf = async (purpose: string) =>
  within((await screen.findByText(purpose)).closest('tr')!);

describe('two-level approval', () => {
  it('gives the owner the first approval, says a second follows, then waits for it', async () => {
    const { access } = renderAccess({
      entity: twoLevels,
      element: <DataProductAccessContent />,
      products,
      requests: [asked],
      ...OWNER,
    });
    const row = await rowOf('Cohort');
    await userEvent.click(
      row.getByRole('button', { name: 'Approve request 00000000000000c1' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByTestId('access-action-levels')).toHaveTextContent(
      'The first of two approvals: a second-level approver of encounters_sql (information-governance) decides after you; it is granted then.',
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(access.requests[0]).toMatchObject({
      state: 'pending',
      firstApproval: { by: 'user:default/olga' },
    });
    const waiting = await rowOf('Cohort');
    expect(
      await waiting.findByTestId('access-first-approval'),
    ).toHaveTextContent(
      'Approved by olgaWaits for a second-level approver: information-governance',
    );
    // the owner gave the first: the second is not hers; rejecting still is
    expect(waiting.queryByRole('button', { name: /^Approve/ })).toBeNull();
    expect(
      waiting.getByRole('button', { name: 'Reject request 00000000000000c1' }),
    ).toBeInTheDocument();
    // its history says so in words
    await userEvent.click(waiting.getAllByRole('button')[0]);
    const entries = within(
      await screen.findByTestId('access-history-00000000000000c1'),
    ).getAllByTestId('access-history-entry');
    expect(entries.at(-1)).toHaveTextContent(
      'approved, the first of two approvals → pending',
    );
  });

  it('takes an extension through the same two approvals', async () => {
    const granted = accessRequest({
      id: '00000000000000c3',
      purpose: 'Audit',
      state: 'active',
      expiresAt: new Date(NOW + 10 * 86_400_000).toISOString(),
      extension: {
        expiresAt: new Date(NOW + 40 * 86_400_000).toISOString(),
        requestedAt: new Date(NOW).toISOString(),
        requestedBy: 'user:default/ann',
      },
    });
    const { access } = renderAccess({
      entity: twoLevels,
      element: <DataProductAccessContent />,
      products,
      requests: [granted],
      ...OWNER,
    });
    const row = await rowOf('Audit');
    await userEvent.click(
      row.getByRole('button', {
        name: 'Approve extension request 00000000000000c3',
      }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByTestId('access-action-levels')).toHaveTextContent(
      /decides after you; it is extended then\.$/,
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(access.requests[0]).toMatchObject({
        state: 'active',
        firstApproval: { by: 'user:default/olga' },
        expiresAt: granted.expiresAt,
      }),
    );
    expect(access.requests[0].extension).not.toBeNull();
  });

  it('offers the second-level approver the second approval only, and it grants', async () => {
    const { access } = renderAccess({
      entity: twoLevels,
      element: <DataProductAccessContent />,
      products,
      requests: [asked, firstApproved],
      ...GRACE,
    });
    expect(
      await screen.findByTestId('access-approver-ports'),
    ).toHaveTextContent('Yours is the second-level approval on encounters_sql');
    // not yet approved by the first level: hers to reject, not to approve
    const early = await rowOf('Cohort');
    expect(early.queryByRole('button', { name: /^Approve/ })).toBeNull();
    expect(early.getByRole('button', { name: /^Reject/ })).toBeInTheDocument();

    const row = await rowOf('Registry');
    await userEvent.click(
      row.getByRole('button', { name: 'Approve request 00000000000000c2' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByTestId('access-action-levels')).toHaveTextContent(
      'The second of two approvals: olga gave the first. Approving grants it.',
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(
        access.requests.find(r => r.id === '00000000000000c2'),
      ).toMatchObject({
        state: 'approved',
        decidedBy: 'user:default/grace',
        firstApproval: null,
      }),
    );
  });

  it('puts the request awaiting the second level in the approver’s inbox with its Approve button', async () => {
    renderAccess({
      entity: component,
      element: <MyDataProducts />,
      products,
      requests: [asked, firstApproved],
      routes: { '/slos': fleetByOwner(fleetItems) },
      ...GRACE,
    });
    const row = await rowOf('Registry');
    expect(row.getByTestId('access-first-approval')).toHaveTextContent(
      'Approved by olga',
    );
    expect(
      row.getByRole('button', { name: 'Approve request 00000000000000c2' }),
    ).toBeInTheDocument();
    const early = await rowOf('Cohort');
    expect(early.queryByRole('button', { name: /^Approve/ })).toBeNull();
    expect(early.getByRole('button', { name: /^Reject/ })).toBeInTheDocument();
  });

  it('tells the requester on My access whom the request waits for', async () => {
    renderAccess({
      entity: component,
      element: <MyAccess />,
      products,
      requests: [firstApproved],
      user: 'user:default/ann',
      groups: ['group:default/population-health'],
    });
    const row = await rowOf('Registry');
    expect(row.getByTestId('access-first-approval')).toHaveTextContent(
      'Approved by olgaWaits for a second-level approver: information-governance',
    );
    expect(row.queryByRole('button', { name: /^Approve/ })).toBeNull();
  });
});
