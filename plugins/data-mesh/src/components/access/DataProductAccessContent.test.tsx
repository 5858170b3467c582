import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AccessRequest } from '@datamesh/plugin-data-mesh-common';
import { DataProductAccessContent } from './DataProductAccessContent';
import {
  component,
  patientEncounters,
  patients,
  readmissionRisk,
} from '../../__testUtils__/fixtures';
import { OWNER, ANALYST, renderAccess } from '../../__testUtils__/accessRender';
import { NOW, accessRequest } from '../../__testUtils__/fakeAccessBackend';
import { jsonResponse } from '../../__testUtils__/fakeBackend';

const pending = accessRequest({ id: '000000000000000a' });
const READMISSION_RISK = 'Data product: Readmission risk';
const active = accessRequest({
  id: '000000000000000b',
  state: 'active',
  pii: true,
  purpose: 'Quarterly quality report',
  decidedBy: 'user:default/olga',
  decidedAt: new Date(NOW - 86_400_000).toISOString(),
  expiresAt: '2026-05-31T10:00:00.000Z',
  history: [
    {
      at: '2026-03-01T09:00:00.000Z',
      by: 'user:default/ann',
      action: 'request',
      state: 'pending',
      comment: 'Quarterly quality report',
    },
    {
      at: '2026-03-01T10:00:00.000Z',
      by: 'user:default/olga',
      action: 'approve',
      state: 'approved',
      comment: 'ok for Q2',
    },
    {
      at: '2026-03-01T10:00:05.000Z',
      by: 'system',
      action: 'grant',
      state: 'active',
      statements: [
        'CREATE ROLE "acme_access_000000000000000b"',
        'GRANT "patient_encounters_consumer" TO "acme_access_000000000000000b"',
      ],
    },
  ],
});
// a product's pipeline reads it; the product has no title
const productReads = accessRequest({
  id: '000000000000000d',
  state: 'active',
  consumer: 'dataproduct:default/bed-occupancy',
  requester: 'user:default/cara',
  purpose: 'Input of bed-occupancy',
  expiresAt: '2026-06-30T10:00:00.000Z',
});
// an owner of the product who asked for their own team
const ownRequest = accessRequest({
  id: '000000000000000c',
  requester: 'user:default/olga',
  consumer: 'group:default/clinical-data-team',
});

function render(who: { user: string; groups: string[] }) {
  return renderAccess({
    entity: patientEncounters,
    element: <DataProductAccessContent />,
    requests: [pending, active, ownRequest, productReads],
    ...who,
  });
}

const rowOf = async (purpose: string) =>
  within((await screen.findByText(purpose)).closest('tr')!);

describe('DataProductAccessContent (Access tab)', () => {
  it("lists the product's requests with state, consumer, requester, PII and expiry", async () => {
    const { backend } = render(OWNER);
    expect(await screen.findByText('Access requests (4)')).toBeInTheDocument();
    expect(backend.requests[0].searchParams.get('product')).toBe(
      'dataproduct:default/patient-encounters',
    );
    const row = await rowOf('Quarterly quality report');
    expect(row.getByTestId('access-state-active')).toHaveTextContent('Active');
    expect(row.getByText('population-health')).toBeInTheDocument();
    expect(row.getByText('ann')).toBeInTheDocument();
    expect(row.getByTestId('pii-chip')).toBeInTheDocument();
    expect(row.getByText('31 May 2026', { exact: false })).toBeInTheDocument();
    // a consumer product by its name, as the product column names products
    const reads = await rowOf('Input of bed-occupancy');
    expect(reads.getByRole('link', { name: 'bed-occupancy' })).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/bed-occupancy',
    );
  });

  it('expands a request to its history: who, when, why and the statements sent', async () => {
    render(OWNER);
    const purpose = await screen.findByText('Quarterly quality report');
    // a long purpose is cut to three lines in the table, whole on hover
    expect(purpose).toHaveAttribute('title', 'Quarterly quality report');
    const row = purpose.closest('tr')!;
    await userEvent.click(within(row).getAllByRole('button')[0]);
    const history = await screen.findByTestId(
      'access-history-000000000000000b',
    );
    expect(within(history).getByTestId('access-purpose')).toHaveTextContent(
      'Purpose: Quarterly quality report',
    );
    const entries = within(history).getAllByTestId('access-history-entry');
    expect(entries).toHaveLength(3);
    expect(entries[0]).toHaveTextContent('asked → pending');
    expect(entries[1]).toHaveTextContent('approved — ok for Q2');
    expect(entries[1]).not.toHaveTextContent('→');
    expect(entries[2]).toHaveTextContent('granted in the warehouse → active');
    expect(entries[2]).toHaveTextContent('system');
    expect(entries[2]).toHaveTextContent(
      'GRANT "patient_encounters_consumer" TO "acme_access_000000000000000b"',
    );
  });

  it('lets an owner approve with a comment, and never offers Approve on their own request', async () => {
    const { access } = render(OWNER);
    const rows = (await screen.findAllByTestId('access-state-pending')).map(
      chip => within(chip.closest('tr')!),
    );
    expect(rows).toHaveLength(2);
    const [other, mine] = rows;
    expect(
      mine.queryByRole('button', { name: /^Approve/ }),
    ).not.toBeInTheDocument();
    expect(
      mine.queryByRole('button', { name: /^Reject/ }),
    ).not.toBeInTheDocument();

    await userEvent.click(
      other.getByRole('button', { name: 'Approve request 000000000000000a' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.type(
      dialog.getByLabelText('Comment'),
      'approved for the model',
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(screen.getAllByTestId('access-state-approved')).toHaveLength(1),
    );
    expect(access.requests[0].history.at(-1)).toMatchObject({
      by: 'user:default/olga',
      action: 'approve',
      comment: 'approved for the model',
    });
    // a granted request can be revoked by its owners
    const granted = await rowOf('Quarterly quality report');
    expect(
      granted.getByRole('button', { name: 'Revoke request 000000000000000b' }),
    ).toBeInTheDocument();
  });

  it('says what approving grants: for how long, and which personal data it unmasks', async () => {
    renderAccess({
      entity: patientEncounters,
      element: <DataProductAccessContent />,
      requests: [
        accessRequest({ id: '00000000000000e1', pii: true, duration: '30d' }),
      ],
      ...OWNER,
    });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Approve request 00000000000000e1',
      }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByTestId('access-action-duration')).toHaveTextContent(
      'For 30 days from the approval.',
    );
    // the personal-data columns of the dataset the port serves
    expect(
      await dialog.findByText(
        /^Personal data in clear: patient_mrn, diagnosis_code\./,
      ),
    ).toHaveTextContent(
      'Approving lets team_population_health read them unmasked.',
    );
  });

  it('says nothing of personal data when approving a masked read', async () => {
    render(OWNER);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Approve request 000000000000000a',
      }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByTestId('access-action-duration')).toHaveTextContent(
      'For 90 days from the approval.',
    );
    expect(dialog.queryByTestId('access-action-personal-data')).toBeNull();
  });

  it('lets an owner record access agreed before the portal for any team or product of the catalog; it shows active', async () => {
    const { access } = render(OWNER);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Record existing access…' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    // checked before anything is sent
    await userEvent.click(
      dialog.getByRole('button', { name: 'Record access' }),
    );
    expect(dialog.getByText('Choose who reads it')).toBeInTheDocument();
    expect(dialog.getByText('A purpose is required')).toBeInTheDocument();
    expect(access.requests).toHaveLength(4);

    // any product: another team's
    await userEvent.type(dialog.getByLabelText('Consumer'), 'risk');
    await userEvent.click(
      await screen.findByRole('option', { name: READMISSION_RISK }),
    );
    await userEvent.type(
      dialog.getByLabelText(/^Purpose/),
      'Monthly dashboard',
    );
    await userEvent.type(
      dialog.getByLabelText('Where it was agreed (optional)'),
      'ticket DATA-9',
    );
    await userEvent.click(
      dialog.getByRole('button', { name: 'Record access' }),
    );
    expect(await screen.findByTestId('access-recorded')).toHaveTextContent(
      `Recorded for ${READMISSION_RISK}`,
    );
    expect(access.requests.at(-1)).toMatchObject({
      outputPort: 'encounters_sql',
      consumer: 'dataproduct:default/readmission-risk',
      requester: 'user:default/olga',
      decidedBy: 'user:default/olga',
      state: 'active',
      purpose: 'Monthly dashboard',
      duration: '90d',
    });
    expect(access.requests.at(-1)!.history.at(-1)!.comment).toBe(
      'recorded: agreed outside the portal (ticket DATA-9)',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    const row = await rowOf('Monthly dashboard');
    expect(row.getByTestId('access-state-active')).toBeInTheDocument();
    expect(await screen.findByText('Access requests (5)')).toBeInTheDocument();
  });

  it('records a grant made by hand, found as access drift, as agreed access: who and what filled in, then shown covered', async () => {
    const INFRA = '/products/{namespace}/{name}/infrastructure';
    const handMade = {
      role: 'clinical_encounters_consumer_pii',
      member: 'acme_readmission_risk_service',
    };
    // the backend's answer follows the registry: covered once recorded
    let registry: AccessRequest[] = [];
    const infra = () => {
      const covering = registry.find(
        r =>
          r.consumer === 'dataproduct:default/readmission-risk' &&
          r.pii &&
          r.state === 'active',
      )?.id;
      return {
        entityRef: 'dataproduct:default/patient-encounters',
        access: {
          inSync: false,
          active: 1,
          missing: [],
          unmanaged: [
            {
              role: handMade.member,
              membership: handMade,
              message: `${handMade.member} holds ${handMade.role}, which no active access request explains`,
              reader: {
                consumer: 'dataproduct:default/readmission-risk',
                personalData: true,
                ...(covering ? { coveredBy: covering } : {}),
              },
            },
          ],
          issues: [],
          lines: [],
          steps: [],
          destructive: [],
          queries: 3,
        },
      };
    };
    const { access } = renderAccess({
      entity: patientEncounters,
      element: <DataProductAccessContent />,
      requests: [pending, active, ownRequest, productReads],
      routes: { [INFRA]: () => jsonResponse(infra()) },
      ...OWNER,
    });
    registry = access.requests;
    const finding = await screen.findByTestId('infra-access-unmanaged');
    expect(
      within(finding).getByTestId('infra-access-reader'),
    ).toHaveTextContent(
      /readmission-risk reads it \(personal data in clear\) outside any request/i,
    );
    await userEvent.click(
      within(finding).getByRole('button', {
        name: 'Record as agreed access…',
      }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    // who reads, whether in clear and where it came from: filled in
    await waitFor(() =>
      expect(dialog.getByLabelText('Consumer')).toHaveValue(READMISSION_RISK),
    );
    expect(
      dialog.getByRole('checkbox', { name: /Personal-data columns in clear/ }),
    ).toBeChecked();
    expect(dialog.getByLabelText('Where it was agreed (optional)')).toHaveValue(
      `granted by hand in the warehouse: ${handMade.member} held ${handMade.role}`,
    );
    await userEvent.type(dialog.getByLabelText(/^Purpose/), 'Risk scoring');
    await userEvent.click(
      dialog.getByRole('button', { name: 'Record access' }),
    );
    await screen.findByTestId('access-recorded');
    const recorded = access.requests.at(-1)!;
    expect(recorded).toMatchObject({
      consumer: 'dataproduct:default/readmission-risk',
      pii: true,
      purpose: 'Risk scoring',
      state: 'active',
    });
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    // checked again: the hand-made grant is now covered by the recorded request
    await waitFor(() =>
      expect(screen.getByTestId('infra-access-reader')).toHaveTextContent(
        `Also granted through access request ${recorded.id}: revoking this grant made by hand cuts no access.`,
      ),
    );
    expect(
      screen.queryByRole('button', { name: 'Record as agreed access…' }),
    ).not.toBeInTheDocument();
  });

  it('offers recording a grant made by hand to owners only', async () => {
    const INFRA = '/products/{namespace}/{name}/infrastructure';
    const membership = {
      role: 'clinical_encounters_consumer',
      member: 'team_population_health',
    };
    renderAccess({
      entity: patientEncounters,
      element: <DataProductAccessContent />,
      requests: [pending],
      routes: {
        // the scheduled check found it two days ago
        '/infrastructure/unexplained-grants': {
          watching: true,
          items: [
            {
              product: 'dataproduct:default/patient-encounters',
              ...membership,
              personalData: false,
              firstSeenAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
            },
          ],
        },
        [INFRA]: {
          entityRef: 'dataproduct:default/patient-encounters',
          access: {
            inSync: false,
            active: 0,
            missing: [],
            unmanaged: [
              {
                role: membership.member,
                membership,
                message: 'held by hand',
                reader: {
                  consumer: 'group:default/population-health',
                  personalData: false,
                },
              },
            ],
            issues: [],
            lines: [],
            steps: [],
            destructive: [],
            queries: 3,
          },
        },
      },
      ...ANALYST,
    });
    expect(await screen.findByTestId('infra-access-reader')).toHaveTextContent(
      /personal data masked/,
    );
    expect(await screen.findByTestId('infra-access-found')).toHaveTextContent(
      'Found by the scheduled check 2d ago.',
    );
    expect(
      screen.queryByRole('button', { name: 'Record as agreed access…' }),
    ).not.toBeInTheDocument();
  });

  it('shows a refusal naming a field on that field (the consumer holds it already)', async () => {
    render(OWNER);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Record existing access…' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    // any team: the owner is not a member of population health, whose
    // request for this port waits already
    await userEvent.type(dialog.getByLabelText('Consumer'), 'Population');
    await userEvent.click(
      await screen.findByRole('option', { name: 'Team: Population health' }),
    );
    await userEvent.type(dialog.getByLabelText(/^Purpose/), 'Ward reports');
    await userEvent.click(
      dialog.getByRole('button', { name: 'Record access' }),
    );
    expect(
      await dialog.findByText(/has already asked for port 'encounters_sql'/),
    ).toBeInTheDocument();
  });

  it('offers no decision to someone who does not own the product, and Extend to the requester', async () => {
    render(ANALYST);
    // only their own requests: the owner's is not theirs to see
    await screen.findByText('Access requests (2)');
    expect(
      screen.queryByRole('button', { name: /^(Approve|Reject|Revoke)/ }),
    ).not.toBeInTheDocument();
    const granted = await rowOf('Quarterly quality report');
    await userEvent.click(
      granted.getByRole('button', { name: 'Extend request 000000000000000b' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.clear(dialog.getByLabelText('More days'));
    await userEvent.type(dialog.getByLabelText('More days'), '14');
    await userEvent.click(
      dialog.getByRole('button', { name: 'Ask to extend' }),
    );
    expect(
      await screen.findByText('Extension to', { exact: false }),
    ).toBeInTheDocument();
    // asked once: no second Extend while one is pending
    expect(
      screen.queryByRole('button', { name: /^Extend/ }),
    ).not.toBeInTheDocument();
    // nor recording access agreed elsewhere: the owners vouch for it
    expect(
      screen.queryByRole('button', { name: 'Record existing access…' }),
    ).not.toBeInTheDocument();
  });

  it("offers Extend to the requester's teammates, for the team and for the team's product", async () => {
    const forProduct = accessRequest({
      id: '000000000000000e',
      requester: 'user:default/bob',
      consumer: 'dataproduct:default/readmission-risk',
      state: 'active',
      purpose: 'Risk features',
      expiresAt: '2026-06-30T10:00:00.000Z',
    });
    renderAccess({
      entity: patientEncounters,
      element: <DataProductAccessContent />,
      requests: [pending, active, ownRequest, forProduct],
      // ann's teammate
      user: 'user:default/bea',
      groups: ['group:default/population-health'],
    });
    await screen.findByText('Access requests (3)');
    const product = await rowOf('Risk features');
    expect(
      await product.findByRole('button', {
        name: 'Extend request 000000000000000e',
      }),
    ).toBeInTheDocument();
    const granted = await rowOf('Quarterly quality report');
    await userEvent.click(
      granted.getByRole('button', { name: 'Extend request 000000000000000b' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(
      dialog.getByRole('button', { name: 'Ask to extend' }),
    );
    expect(
      await screen.findByText('Extension to', { exact: false }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /^(Approve|Reject|Revoke)/ }),
    ).not.toBeInTheDocument();
  });

  it('offers no decision on an extension to the owner who asked for it', async () => {
    const extension = {
      expiresAt: '2026-07-31T10:00:00.000Z',
      requestedAt: '2026-05-01T10:00:00.000Z',
      comment: 'audit season',
    };
    const askedByMe = accessRequest({
      id: '000000000000000f',
      requester: 'user:default/oscar',
      consumer: 'group:default/clinical-data-team',
      state: 'active',
      purpose: 'Audit',
      expiresAt: '2026-06-30T10:00:00.000Z',
      extension: { ...extension, requestedBy: 'user:default/olga' },
    });
    const askedByOther = accessRequest({
      ...active,
      extension: { ...extension, requestedBy: 'user:default/ann' },
    });
    renderAccess({
      entity: patientEncounters,
      element: <DataProductAccessContent />,
      requests: [askedByMe, askedByOther],
      ...OWNER,
    });
    const mine = await rowOf('Audit');
    expect(mine.getByText(/Extension to .* asked: audit season/)).toBeTruthy();
    expect(mine.queryByRole('button', { name: /extension/ })).toBeNull();
    expect(
      await mine.findByRole('button', {
        name: 'Revoke request 000000000000000f',
      }),
    ).toBeInTheDocument();
    const other = await rowOf('Quarterly quality report');
    await userEvent.click(
      other.getByRole('button', {
        name: 'Approve extension request 000000000000000b',
      }),
    );
    // the decision names who asked for the extension, and why
    expect(
      within(await screen.findByRole('dialog')).getByTestId(
        'access-action-extension',
      ),
    ).toHaveTextContent(
      'Extension to 31 Jul 2026 asked by user:default/ann: audit season',
    );
  });

  it('says so on a page of another kind', async () => {
    renderAccess({
      entity: component,
      element: <DataProductAccessContent />,
      ...OWNER,
    });
    expect(
      await screen.findByText(/shows DataProduct entities only/),
    ).toBeInTheDocument();
  });

  it("offers Approve and Reject to the approvers a port's ODCS roles name, on that port only", async () => {
    const [sql, ...others] = patientEncounters.spec.outputPorts!;
    const withApprovers = {
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
                  firstLevelApprovers:
                    'group:default/quality-stewards, Clinical data lead',
                },
              ],
            },
          },
          ...others,
        ],
      },
    };
    const otherPort = accessRequest({
      id: '000000000000000d',
      outputPort: others[0].name,
      purpose: 'Daily counts dashboard',
    });
    renderAccess({
      entity: withApprovers,
      element: <DataProductAccessContent />,
      products: [withApprovers, patients, readmissionRisk],
      // the backend lists the approved port's requests to its approvers
      routes: { '/access-requests': { items: [pending, otherPort] } },
      user: 'user:default/sam',
      groups: ['group:default/quality-stewards'],
    });
    expect(
      await screen.findByTestId('access-approver-ports'),
    ).toHaveTextContent('You approve requests for encounters_sql');
    const approvable = await rowOf('Readmission model training');
    expect(
      approvable.getByRole('button', {
        name: 'Approve request 000000000000000a',
      }),
    ).toBeInTheDocument();
    expect(
      approvable.getByRole('button', { name: /^Reject/ }),
    ).toBeInTheDocument();
    // not an owner: no revoke anywhere, no decision on the other port
    const other = await rowOf('Daily counts dashboard');
    expect(other.queryByRole('button', { name: /^Approve/ })).toBeNull();
    expect(other.queryByRole('button', { name: /^Reject/ })).toBeNull();
  });
});
