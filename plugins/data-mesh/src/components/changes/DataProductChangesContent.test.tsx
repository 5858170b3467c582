import { screen, within } from '@testing-library/react';
import type { ProductChangesResponse } from '@datamesh/plugin-data-mesh-common';
import { DataProductChangesContent } from './DataProductChangesContent';
import { patientEncounters } from '../../__testUtils__/fixtures';
import {
  errorResponse,
  fakeDataMeshBackend,
} from '../../__testUtils__/fakeBackend';
import { renderForEntity } from '../../__testUtils__/render';

const REF = 'dataproduct:default/patient-encounters';

const timeline: ProductChangesResponse = {
  product: REF,
  items: [
    {
      revision: 3,
      version: '2.1.0',
      previousVersion: '2.0.0',
      ingestedAt: '2026-03-03T10:00:00.000Z',
      initial: false,
      breaking: true,
      versionCheck: {
        ok: false,
        message:
          '1 breaking change need a major version bump: 2.0.0 → 2.1.0 keeps major version 2; write 3.0.0',
      },
      changes: [
        {
          kind: 'breaking',
          code: 'column-removed',
          path: 'datasets.encounters.columns.ward',
          message: "column 'ward' removed: consumers that read it break",
          location: { file: 'data_product_spec.yml', line: 42 },
        },
      ],
    },
    {
      revision: 2,
      version: '2.0.0',
      previousVersion: '1.0.0',
      ingestedAt: '2026-03-02T10:00:00.000Z',
      initial: false,
      breaking: true,
      versionCheck: {
        ok: true,
        message: '1 breaking change with a major version bump (1.0.0 → 2.0.0)',
      },
      changes: [
        {
          kind: 'breaking',
          code: 'column-removed',
          path: 'datasets.encounters.columns.beds',
          message: "column 'beds' removed",
        },
        {
          kind: 'non-breaking',
          code: 'column-added',
          path: 'datasets.encounters.columns.admitted_at',
          message: "column 'admitted_at' added",
        },
        {
          kind: 'info',
          code: 'description-changed',
          path: 'description',
          message: 'the description changed',
        },
      ],
      notified: { at: '2026-03-02T10:01:00.000Z', recipients: 2 },
    },
    {
      revision: 1,
      version: '1.0.0',
      ingestedAt: '2026-03-01T10:00:00.000Z',
      initial: true,
      breaking: false,
      versionCheck: { ok: true, message: 'the first revision seen' },
      changes: [],
    },
  ],
};

function render(route: unknown) {
  const backend = fakeDataMeshBackend({ '/changes': route });
  renderForEntity(patientEncounters, <DataProductChangesContent />, {
    apis: [backend.apiEntry],
  });
  return backend;
}

describe('DataProductChangesContent (Changes tab)', () => {
  it('asks for the product and shows each version newest first with its classified changes', async () => {
    const backend = render(timeline);
    const newest = await screen.findByTestId('revision-3');
    expect(backend.requests[0].searchParams.get('product')).toBe(REF);
    const entries = screen.getAllByRole('listitem', { name: /^Revision/ });
    expect(entries.map(e => e.getAttribute('aria-label'))).toEqual([
      'Revision 3',
      'Revision 2',
      'Revision 1',
    ]);

    const n = within(newest);
    expect(n.getByText('Version 2.1.0 (from 2.0.0)')).toBeInTheDocument();
    expect(n.getByTestId('revision-breaking')).toHaveTextContent('Breaking');
    // a breaking change without a major bump is called out, with the fix
    expect(n.getByTestId('revision-version-warning')).toHaveTextContent(
      'write 3.0.0',
    );
    expect(
      n.getByText("column 'ward' removed: consumers that read it break"),
    ).toBeInTheDocument();
    expect(n.getByText(/\(data_product_spec\.yml:42\)/)).toBeInTheDocument();

    const middle = within(screen.getByTestId('revision-2'));
    expect(middle.queryByTestId('revision-version-warning')).toBeNull();
    expect(
      middle.getAllByTestId('change-item').map(i => i.textContent),
    ).toEqual([
      "Breakingcolumn 'beds' removed datasets.encounters.columns.beds",
      "Non-breakingcolumn 'admitted_at' added datasets.encounters.columns.admitted_at",
      'Infothe description changed description',
    ]);
    expect(
      middle.getByText(/1 breaking, 1 non-breaking, 1 info/),
    ).toBeInTheDocument();
    expect(
      middle.getByText(/2 consumers with active access notified/),
    ).toBeInTheDocument();

    const first = within(screen.getByTestId('revision-1'));
    expect(first.getByText('Version 1.0.0 — first seen')).toBeInTheDocument();
    expect(first.queryByTestId('revision-breaking')).toBeNull();
    expect(first.queryAllByTestId('change-item')).toEqual([]);
  });

  it('says when no version was recorded yet', async () => {
    render({ product: REF, items: [] });
    expect(
      await screen.findByText(/No version recorded yet/),
    ).toBeInTheDocument();
  });

  it("shows the backend's error", async () => {
    render(() => errorResponse(404, 'NotFoundError', `no data product ${REF}`));
    const alert = await screen.findByTestId('changes-load-error');
    expect(alert).toHaveTextContent('Changes could not be loaded');
    expect(alert).toHaveTextContent(`no data product ${REF}`);
  });
});
