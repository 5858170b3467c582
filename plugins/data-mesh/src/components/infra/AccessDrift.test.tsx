import { screen, within } from '@testing-library/react';
import type { InfrastructureAccessDrift } from '@datamesh/plugin-data-mesh-common';
import { createDataMeshApiValidator } from '@datamesh/plugin-data-mesh-common';
import { inSyncInfrastructure } from '../../__testUtils__/infraFixtures';
import { renderInfrastructureCard as render } from '../../__testUtils__/infraRender';

const CONSUMER = 'clinical_care_patient_encounters_consumer';

function access(
  patch: Partial<InfrastructureAccessDrift> = {},
): InfrastructureAccessDrift {
  return {
    inSync: true,
    active: 2,
    missing: [],
    unmanaged: [],
    issues: [],
    lines: [],
    steps: [],
    destructive: [],
    queries: 1,
    ...patch,
  };
}

const drifted = access({
  inSync: false,
  missing: [
    {
      requestId: 'r1',
      role: 'access_r1',
      membership: { role: 'access_r1', member: 'team_analysts' },
      message: 'access request r1: team_analysts no longer holds access_r1',
    },
  ],
  unmanaged: [
    {
      role: 'handmade',
      membership: { role: CONSUMER, member: 'handmade' },
      message: `handmade holds ${CONSUMER}, which no active access request explains`,
    },
  ],
  lines: [
    '+ grant role "access_r1" to "team_analysts"',
    `- revoke role "${CONSUMER}" from "handmade"`,
  ],
  steps: [
    {
      kind: 'grant',
      action: 'grant-role',
      line: '+ grant role "access_r1" to "team_analysts"',
      destructive: false,
      sql: ['GRANT "access_r1" TO "team_analysts"'],
      change: { action: 'grant-role' },
    },
  ],
  destructive: [
    {
      kind: 'revoke',
      action: 'revoke-role',
      line: `- revoke role "${CONSUMER}" from "handmade"`,
      destructive: true,
      sql: [`REVOKE "${CONSUMER}" FROM "handmade"`],
      change: { action: 'revoke-role' },
    },
  ],
});

describe('InfrastructureCard access grants', () => {
  it('says the active requests are granted as approved when they are', async () => {
    render({ ...inSyncInfrastructure(), access: access() });
    expect(await screen.findByTestId('infra-access')).toHaveTextContent(
      'The warehouse grants the 2 active access requests as approved, and nothing else.',
    );
    expect(screen.getByTestId('infra-status-in-sync')).toBeInTheDocument();
  });

  it('lists a missing grant and an unmanaged membership with their repair', async () => {
    render({
      ...inSyncInfrastructure(),
      status: 'drift',
      inSync: false,
      access: drifted,
    });
    const section = within(await screen.findByTestId('infra-access'));
    expect(
      section.getByText('1 missing, 1 unmanaged, of 2 active requests'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('infra-access-missing')).getByText(
        'access request r1: team_analysts no longer holds access_r1',
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('infra-access-unmanaged')).getByText(
        `handmade holds ${CONSUMER}, which no active access request explains`,
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('infra-access-lines')).toHaveTextContent(
      `- revoke role "${CONSUMER}" from "handmade"`,
    );
    // the chip counts the access repair too
    expect(screen.getByTestId('infra-status-drift')).toHaveTextContent(
      'Drift: 2 changes',
    );
  });

  it('lists a few findings of many and says how many more there are', async () => {
    const many = Array.from({ length: 11 }, (_, i) => ({
      requestId: `r${i}`,
      role: `access_r${i}`,
      message: `access request r${i}: its role access_r${i} is gone`,
    }));
    render({
      ...inSyncInfrastructure(),
      status: 'drift',
      inSync: false,
      access: access({ inSync: false, active: 11, missing: many }),
    });
    await screen.findByTestId('infra-access');
    expect(screen.getAllByTestId('infra-access-missing')).toHaveLength(8);
    expect(
      screen.getByText('and 3 more (see the repair below)'),
    ).toBeInTheDocument();
  });

  it('rejects an access part the contract does not describe', () => {
    const validator = createDataMeshApiValidator();
    const errors = validator.response(
      { method: 'get', path: '/products/{namespace}/{name}/infrastructure' },
      200,
      { ...inSyncInfrastructure(), access: { ...access(), missing: 'none' } },
    );
    expect(errors.length).toBeGreaterThan(0);
  });
});
