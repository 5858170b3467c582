import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  type LifecycleAuditEntry,
  type ProductLifecycle,
  createDataMeshApiValidator,
} from '@datamesh/plugin-data-mesh-common';
import { DataProductChangesContent } from './DataProductChangesContent';
import { patientEncounters } from '../../__testUtils__/fixtures';
import {
  errorResponse,
  fakeDataMeshBackend,
} from '../../__testUtils__/fakeBackend';
import { renderForEntity } from '../../__testUtils__/render';

const REF = 'dataproduct:default/patient-encounters';
const LIFECYCLE = '/lifecycle/default/patient-encounters';
const AISHA = 'user:default/aisha.khan';

/** Oldest first, as the API lists them. */
const trail: LifecycleAuditEntry[] = [
  {
    at: '2026-03-01T09:00:00.000Z',
    actor: AISHA,
    action: 'infrastructure-apply',
    detail: {
      allowDestructive: false,
      statements: ['CREATE SCHEMA "pe_raw"', 'CREATE ROLE "pe_consumer"'],
    },
  },
  {
    at: '2026-03-02T09:00:00.000Z',
    actor: AISHA,
    action: 'sandbox-create',
    detail: {
      branch: 'feat_late_returns',
      schemas: ['"pe_raw_sbx_feat_late_returns"'],
      method: 'copy',
    },
  },
  {
    at: '2026-03-03T09:00:00.000Z',
    actor: AISHA,
    action: 'access-repair',
    detail: {
      revokeUnmanaged: true,
      revoked: [],
      requests: ['r1'],
      statements: ['GRANT "pe_consumer" TO "team_pophealth"'],
      error: 'permission denied to grant role "pe_consumer"',
    },
  },
  {
    at: '2026-03-04T09:00:00.000Z',
    actor: AISHA,
    action: 'deprecate',
    detail: {
      retireAt: '2026-06-30T00:00:00.000Z',
      successor: 'dataproduct:default/encounters-v2',
      reason: 'replaced by v2',
      acceptNewRequests: false,
    },
  },
  {
    at: '2026-03-05T09:00:00.000Z',
    actor: 'system',
    action: 'step:revoke-access',
    detail: { lines: ['revoke request r1'] },
  },
  {
    at: '2026-03-06T09:00:00.000Z',
    actor: 'service:plugin:scaffolder',
    action: 'a-future-action',
    detail: { what: 'something new' },
  },
];

function lifecycle(audit: LifecycleAuditEntry[]): ProductLifecycle {
  const body: ProductLifecycle = { product: REF, state: 'live', audit };
  expect(
    createDataMeshApiValidator().response(
      { method: 'get', path: '/lifecycle/{namespace}/{name}' },
      200,
      body,
    ),
  ).toEqual([]);
  return body;
}

function render(route: unknown) {
  const backend = fakeDataMeshBackend({
    '/changes': { product: REF, items: [] },
    [LIFECYCLE]: route,
  });
  renderForEntity(patientEncounters, <DataProductChangesContent />, {
    apis: [backend.apiEntry],
  });
  return backend;
}

describe('the audit trail on the Changes tab', () => {
  it('says what was done to the product, by whom, newest first, with failures and the statements sent', async () => {
    render(lifecycle(trail));
    await screen.findByText('Audit trail');
    const entries = await screen.findAllByTestId('audit-entry');
    expect(
      entries.map(e => e.querySelector('p')?.textContent ?? e.textContent),
    ).toEqual([
      'a-future-action',
      'Retirement step done: Revoke the access requests',
      'Deprecated: retires on 2026-06-30, succeeded by dataproduct:default/encounters-v2: "replaced by v2"',
      expect.stringContaining(
        'Repairing access drift failed: 1 statement; recorded on 1 access request',
      ),
      'Made the sandbox of branch feat_late_returns (tables copied)',
      'Applied the warehouse plan: 2 statements',
    ]);

    // the failed repair: marked, with the warehouse's words
    const repair = within(entries[3]);
    expect(repair.getByText('Failed')).toBeInTheDocument();
    expect(repair.getByTestId('audit-entry-error')).toHaveTextContent(
      'permission denied to grant role "pe_consumer"',
    );

    // who: a person as a link, the scheduler as "system"
    expect(
      within(entries[5]).getByRole('link', { name: /aisha\.khan/i }),
    ).toBeInTheDocument();
    expect(entries[1]).toHaveTextContent('system');
    // a backend plugin: named, not linked
    expect(entries[0]).toHaveTextContent('service:plugin:scaffolder');
    expect(within(entries[0]).queryByRole('link')).toBeNull();

    // the statements, on request
    const apply = within(entries[5]);
    expect(apply.queryByTestId('audit-entry-lines')).toBeNull();
    await userEvent.click(apply.getByRole('button', { name: 'Show 2 lines' }));
    expect(apply.getByTestId('audit-entry-lines').textContent).toBe(
      'CREATE SCHEMA "pe_raw"\nCREATE ROLE "pe_consumer"',
    );
    await userEvent.click(apply.getByRole('button', { name: 'Hide 2 lines' }));
    expect(apply.queryByTestId('audit-entry-lines')).toBeNull();

    // an action this portal does not know: shown as written
    await userEvent.click(
      within(entries[0]).getByRole('button', { name: 'Show 1 line' }),
    );
    expect(
      within(entries[0]).getByTestId('audit-entry-lines'),
    ).toHaveTextContent('{"what":"something new"}');
  });

  it('says where an apply reported by a pipeline or a template ran', async () => {
    render(
      lifecycle([
        {
          at: '2026-03-01T09:00:00.000Z',
          actor: AISHA,
          action: 'infrastructure-apply',
          detail: {
            allowDestructive: false,
            statements: ['CREATE ROLE "pe_consumer"'],
            stage: 'dev',
            source: 'template',
            reference: 'task-0b6c',
            declaredOwner: 'group:default/care-team',
          },
        },
        {
          at: '2026-03-02T09:00:00.000Z',
          actor: 'service:external:product-ci',
          action: 'infrastructure-apply',
          detail: {
            allowDestructive: false,
            statements: ['GRANT USAGE ON SCHEMA "pe_output" TO "pe_consumer"'],
            stage: 'prod',
            source: 'cli',
            reference: 'https://github.example.com/acme/pe/actions/runs/42',
          },
        },
      ]),
    );
    const [pipeline, template] = await screen.findAllByTestId('audit-entry');
    expect(pipeline).toHaveTextContent(
      'Applied the warehouse plan (stage prod): 1 statement',
    );
    expect(pipeline).toHaveTextContent(
      /service:external:product-ci · by the datamesh CLI \(CI run(, Opens in a new window)?\)/,
    );
    expect(
      within(pipeline).getByRole('link', { name: /CI run/ }),
    ).toHaveAttribute(
      'href',
      'https://github.example.com/acme/pe/actions/runs/42',
    );
    expect(template).toHaveTextContent(
      'by a template (task task-0b6c), before the catalog had the product (declared owner group:default/care-team)',
    );
    // an app without the scaffolder: the person is the only link of the template's entry
    expect(
      within(template)
        .getAllByRole('link')
        .map(l => l.textContent),
    ).toEqual([expect.stringMatching(/aisha\.khan/i)]);
  });

  it('shows the latest 20, then all on request', async () => {
    const many = Array.from({ length: 23 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
      actor: AISHA,
      action: 'sandbox-delete',
      detail: { branch: `b${i}`, dropped: ['"s"'] },
    }));
    render(lifecycle(many));
    expect(await screen.findAllByTestId('audit-entry')).toHaveLength(20);
    expect(screen.getAllByTestId('audit-entry')[0]).toHaveTextContent(
      'Deleted the sandbox of branch b22: 1 schema dropped',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Show all 23' }));
    expect(screen.getAllByTestId('audit-entry')).toHaveLength(23);
  });

  it('says when nothing was recorded', async () => {
    render(lifecycle([]));
    expect(await screen.findByText(/Nothing recorded yet/)).toBeInTheDocument();
  });

  it("shows the backend's error", async () => {
    render(() =>
      errorResponse(503, 'ServiceUnavailableError', 'database down'),
    );
    expect(await screen.findByTestId('audit-load-error')).toHaveTextContent(
      'The audit trail could not be loaded: database down',
    );
  });
});
