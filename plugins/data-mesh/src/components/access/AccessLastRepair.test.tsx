import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  AccessRepairAuditDetail,
  InfrastructureAccessDrift,
  LifecycleAuditEntry,
} from '@datamesh/plugin-data-mesh-common';
import { AccessDriftPanel } from './AccessDriftPanel';
import { patientEncounters } from '../../__testUtils__/fixtures';
import { OWNER, ANALYST, renderAccess } from '../../__testUtils__/accessRender';
import { errorResponse, jsonResponse } from '../../__testUtils__/fakeBackend';

const INFRA = '/products/{namespace}/{name}/infrastructure';
const REPAIR = '/products/{namespace}/{name}/access-drift/repair';
const LIFECYCLE = '/lifecycle/{namespace}/{name}';
const REF = 'dataproduct:default/patient-encounters';
const REVOKE = 'REVOKE "clinical_encounters_consumer" FROM "stranger"';

const stranger = {
  role: 'stranger',
  membership: { role: 'clinical_encounters_consumer', member: 'stranger' },
  message:
    'stranger holds clinical_encounters_consumer, which no active access request explains',
};
const drifted: InfrastructureAccessDrift = {
  inSync: false,
  active: 1,
  missing: [],
  unmanaged: [stranger],
  issues: [],
  lines: ['- revoke role "clinical_encounters_consumer" from "stranger"'],
  steps: [],
  destructive: [
    {
      kind: 'revoke',
      action: 'revoke-role',
      line: '- revoke role "clinical_encounters_consumer" from "stranger"',
      destructive: true,
      sql: [REVOKE],
      change: { action: 'revoke-role', membership: stranger.membership },
    },
  ],
  queries: 3,
};
const clean = {
  ...drifted,
  inSync: true,
  unmanaged: [],
  lines: [],
  destructive: [],
};

function repairEntry(
  at: string,
  detail: Partial<AccessRepairAuditDetail>,
): LifecycleAuditEntry {
  return {
    at,
    actor: 'user:default/olga',
    action: 'access-repair',
    detail: {
      revokeUnmanaged: true,
      revoked: [],
      requests: [],
      statements: [],
      ...detail,
    },
  };
}

function render(options: {
  audit: LifecycleAuditEntry[];
  access?: InfrastructureAccessDrift;
  who?: typeof OWNER;
  lifecycle?: () => Response;
}) {
  const audit = [...options.audit];
  const rendered = renderAccess({
    entity: patientEncounters,
    element: (
      <AccessDriftPanel
        namespace="default"
        name="patient-encounters"
        entityRef={REF}
      />
    ),
    routes: {
      [INFRA]: { entityRef: REF, access: options.access ?? drifted },
      [LIFECYCLE]:
        options.lifecycle ??
        (() => jsonResponse({ product: REF, state: 'live', audit })),
      [REPAIR]: () => {
        // the backend keeps the repair in the audit trail, then answers
        audit.push(
          repairEntry('2026-03-02T11:00:00.000Z', {
            revoked: [{ ...stranger, statements: [REVOKE] }],
            statements: [REVOKE],
          }),
        );
        return jsonResponse({
          entityRef: REF,
          applied: drifted.destructive,
          skipped: [],
          requests: [],
          access: clean,
        });
      },
    },
    ...(options.who ?? OWNER),
  });
  return rendered;
}

describe('Last repair on the Access drift panel', () => {
  it("shows everyone who last repaired, when, and the unexplained grants it revoked, from the product's audit trail", async () => {
    render({
      who: ANALYST,
      audit: [
        {
          at: '2026-02-01T09:00:00.000Z',
          actor: 'user:default/olga',
          action: 'deprecate',
        },
        repairEntry('2026-02-10T09:00:00.000Z', {
          revokeUnmanaged: false,
          statements: ['GRANT "a" TO "b"'],
        }),
        repairEntry('2026-02-20T09:30:00.000Z', {
          revoked: [{ ...stranger, statements: [REVOKE] }],
          statements: [REVOKE],
        }),
      ],
    });
    const last = await screen.findByTestId('access-drift-last-repair');
    // the newest repair entry, not the deprecation after it in time order
    expect(last).toHaveTextContent(/^Last repair 20 Feb, 09:30 UTC by olga:/);
    expect(last).toHaveTextContent(
      '1 statement sent, 1 grant no request explained revoked',
    );
    expect(
      within(last).getByText(
        'stranger no longer holds clinical_encounters_consumer',
      ),
    ).toBeInTheDocument();
    expect(within(last).getByRole('link')).toHaveTextContent('olga');
  });

  it('says nothing when the product was never repaired', async () => {
    const { backend } = render({
      audit: [
        {
          at: '2026-02-01T09:00:00.000Z',
          actor: 'user:default/olga',
          action: 'deprecate',
        },
      ],
    });
    await screen.findByTestId('access-drift-panel');
    await waitFor(() =>
      expect(
        backend.requests.some(u =>
          u.pathname.endsWith('/lifecycle/default/patient-encounters'),
        ),
      ).toBe(true),
    );
    expect(
      screen.queryByTestId('access-drift-last-repair'),
    ).not.toBeInTheDocument();
  });

  it('reads the trail again after a repair made here', async () => {
    render({ audit: [] });
    await userEvent.click(
      await screen.findByRole('checkbox', { name: 'revoke unmanaged grants' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Repair access' }),
    );
    const last = await screen.findByTestId('access-drift-last-repair');
    expect(last).toHaveTextContent(/^Last repair 2 Mar, 11:00 UTC by olga:/);
    expect(
      within(last).getByText(
        'stranger no longer holds clinical_encounters_consumer',
      ),
    ).toBeInTheDocument();
  });

  it('says when the trail could not be read', async () => {
    render({
      audit: [],
      lifecycle: () => errorResponse(500, 'Error', 'database unavailable'),
    });
    expect(
      await screen.findByTestId('access-drift-last-repair-error'),
    ).toHaveTextContent(
      'The last repair could not be read: database unavailable',
    );
  });
});
