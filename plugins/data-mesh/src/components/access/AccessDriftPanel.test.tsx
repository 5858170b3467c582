import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  AccessDriftRepairResponse,
  InfrastructureAccessDrift,
  InfrastructurePlanStep,
} from '@datamesh/plugin-data-mesh-common';
import { AccessDriftPanel } from './AccessDriftPanel';
import { DataProductAccessContent } from './DataProductAccessContent';
import { patientEncounters } from '../../__testUtils__/fixtures';
import { OWNER, ANALYST, renderAccess } from '../../__testUtils__/accessRender';
import {
  type FakeRequest,
  errorResponse,
  jsonResponse,
} from '../../__testUtils__/fakeBackend';

const INFRA = '/products/{namespace}/{name}/infrastructure';
const REPAIR = '/products/{namespace}/{name}/access-drift/repair';
const REF = 'dataproduct:default/patient-encounters';

const regrant: InfrastructurePlanStep = {
  kind: 'grant',
  action: 'grant-role',
  line: '+ grant role "acme_access_000000000000000b" to "team_population_health"',
  destructive: false,
  sql: ['GRANT "acme_access_000000000000000b" TO "team_population_health"'],
  change: {
    action: 'grant-role',
    membership: {
      role: 'acme_access_000000000000000b',
      member: 'team_population_health',
    },
  },
};
const revoke: InfrastructurePlanStep = {
  kind: 'revoke',
  action: 'revoke-role',
  line: '- revoke role "clinical_encounters_consumer" from "stranger"',
  destructive: true,
  sql: ['REVOKE "clinical_encounters_consumer" FROM "stranger"'],
  change: {
    action: 'revoke-role',
    membership: { role: 'clinical_encounters_consumer', member: 'stranger' },
  },
};
const drifted: InfrastructureAccessDrift = {
  inSync: false,
  active: 2,
  missing: [
    {
      requestId: '000000000000000b',
      role: 'acme_access_000000000000000b',
      membership: {
        role: 'acme_access_000000000000000b',
        member: 'team_population_health',
      },
      message:
        'access request 000000000000000b: team_population_health no longer holds acme_access_000000000000000b',
    },
  ],
  unmanaged: [
    {
      role: 'stranger',
      membership: { role: 'clinical_encounters_consumer', member: 'stranger' },
      message:
        'stranger holds clinical_encounters_consumer, which no active access request explains',
    },
  ],
  issues: [],
  lines: [regrant.line, revoke.line],
  steps: [regrant],
  destructive: [revoke],
  queries: 3,
};
const clean: InfrastructureAccessDrift = {
  ...drifted,
  inSync: true,
  missing: [],
  unmanaged: [],
  lines: [],
  steps: [],
  destructive: [],
};

function render(
  access: InfrastructureAccessDrift,
  who: typeof OWNER,
  onRepair?: (req: FakeRequest) => Response,
) {
  const onRepaired = jest.fn();
  const rendered = renderAccess({
    entity: patientEncounters,
    element: (
      <AccessDriftPanel
        namespace="default"
        name="patient-encounters"
        entityRef={REF}
        onRepaired={onRepaired}
      />
    ),
    routes: {
      [INFRA]: { entityRef: REF, access },
      ...(onRepair
        ? { [REPAIR]: (_: URL, r: FakeRequest) => onRepair(r) }
        : {}),
    },
    ...who,
  });
  return { ...rendered, onRepaired };
}

describe('AccessDriftPanel (Access tab)', () => {
  it('lists missing and unmanaged grants, and owners repair the missing ones', async () => {
    const bodies: unknown[] = [];
    const result: AccessDriftRepairResponse = {
      entityRef: REF,
      applied: [regrant],
      skipped: [revoke],
      requests: ['000000000000000b'],
      access: { ...drifted, missing: [], steps: [], lines: [revoke.line] },
    };
    const { onRepaired } = render(drifted, OWNER, r => {
      bodies.push(r.body);
      return jsonResponse(result);
    });
    expect(await screen.findByTestId('access-drift-panel')).toHaveTextContent(
      '1 missing, 1 unmanaged, of 2 active requests',
    );
    expect(screen.getByText(drifted.missing[0].message)).toBeInTheDocument();
    expect(screen.getByText(drifted.unmanaged[0].message)).toBeInTheDocument();

    await userEvent.click(
      await screen.findByRole('button', { name: 'Repair access' }),
    );
    expect(bodies).toEqual([{ revokeUnmanaged: false }]);
    expect(
      await screen.findByTestId('access-drift-repaired'),
    ).toHaveTextContent(`Sent 1 statement: ${regrant.sql[0]}`);
    // the panel shows the drift afterwards: only the unmanaged grant is left
    expect(screen.getByTestId('access-drift-panel')).toHaveTextContent(
      '0 missing, 1 unmanaged',
    );
    expect(onRepaired).toHaveBeenCalledTimes(1);
  });

  it('revokes what no request explains only when the owner ticks it', async () => {
    const bodies: unknown[] = [];
    const onlyRevoke = { ...drifted, missing: [], steps: [] };
    render(onlyRevoke, OWNER, r => {
      bodies.push(r.body);
      return jsonResponse({
        entityRef: REF,
        applied: [revoke],
        skipped: [],
        requests: [],
        access: clean,
      });
    });
    const button = await screen.findByRole('button', { name: 'Repair access' });
    // nothing missing: without the revoke there is nothing to send
    expect(button).toBeDisabled();
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'revoke unmanaged grants' }),
    );
    expect(button).toBeEnabled();
    await userEvent.click(button);
    expect(bodies).toEqual([{ revokeUnmanaged: true }]);
    await waitFor(() =>
      expect(screen.getByTestId('infra-access')).toHaveTextContent(
        'The warehouse grants the 2 active access requests as approved, and nothing else.',
      ),
    );
    expect(
      screen.queryByRole('button', { name: 'Repair access' }),
    ).not.toBeInTheDocument();
  });

  it('shows the refusal or failure of a repair', async () => {
    render(drifted, OWNER, () =>
      errorResponse(502, 'WarehouseUnavailableError', 'warehouse is down'),
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Repair access' }),
    );
    expect(
      await screen.findByTestId('access-drift-repair-error'),
    ).toHaveTextContent('warehouse is down');
  });

  it('offers no repair to others: they see the drift and who may repair it', async () => {
    render(drifted, ANALYST);
    expect(
      await screen.findByTestId('access-drift-owners-only'),
    ).toHaveTextContent("The product's owners can repair it.");
    expect(
      screen.queryByRole('button', { name: 'Repair access' }),
    ).not.toBeInTheDocument();
  });

  it('keeps what the repair sent on the Access tab while the requests reload', async () => {
    // as slow as a real backend: an instant answer would let React batch
    // the reload's loading state away
    const slowList = () =>
      new Promise<Response>(resolve =>
        setTimeout(() => resolve(jsonResponse({ items: [] })), 300),
      );
    const { backend } = renderAccess({
      entity: patientEncounters,
      element: <DataProductAccessContent />,
      routes: {
        '/access-requests': slowList,
        [INFRA]: { entityRef: REF, access: drifted },
        [REPAIR]: () =>
          jsonResponse({
            entityRef: REF,
            applied: [regrant],
            skipped: [revoke],
            requests: ['000000000000000b'],
            access: { ...drifted, missing: [], steps: [], lines: [] },
          }),
        '/products/{namespace}/{name}/usage': () =>
          errorResponse(502, 'WarehouseUnavailableError', 'no usage here'),
      },
      ...OWNER,
    });
    const calls = (suffix: string) =>
      backend.requests.filter(u => u.pathname.endsWith(suffix)).length;
    const repair = await screen.findByRole('button', { name: 'Repair access' });
    await userEvent.click(repair);
    // the repair reloads the requests (their history has a repair entry)
    await waitFor(() => expect(calls('/access-requests')).toBe(2));
    await new Promise(resolve => setTimeout(resolve, 600));
    expect(screen.getByTestId('access-drift-repaired')).toHaveTextContent(
      `Sent 1 statement: ${regrant.sql[0]}`,
    );
    expect(screen.getByTestId('access-drift-panel')).toHaveTextContent(
      '0 missing, 1 unmanaged',
    );
    // the panel was not loaded afresh, which would forget the repair
    expect(calls('/infrastructure')).toBe(1);
  });

  it('is on the Access tab, below the requests', async () => {
    renderAccess({
      entity: patientEncounters,
      element: <DataProductAccessContent />,
      routes: {
        [INFRA]: { entityRef: REF, access: clean },
        '/products/{namespace}/{name}/usage': () =>
          errorResponse(502, 'WarehouseUnavailableError', 'no usage here'),
      },
      ...OWNER,
    });
    await screen.findByTestId('access-drift-panel');
    expect(screen.getByText('Access drift')).toBeInTheDocument();
    expect(screen.getByTestId('infra-access')).toHaveTextContent(
      'The warehouse grants the 2 active access requests',
    );
  });
});
