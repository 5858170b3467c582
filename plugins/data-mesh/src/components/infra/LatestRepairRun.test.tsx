import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type { InfrastructureRepairRun } from '@datamesh/plugin-data-mesh-common';
import {
  errorResponse,
  fakeDataMeshBackend,
} from '../../__testUtils__/fakeBackend';
import { fakeRepairRuns } from '../../__testUtils__/fakeRepairRuns';
import { LatestRepairRun } from './LatestRepairRun';

const HOUR = 3_600_000;

/** The answer has come and been drawn (the test below shows an error is drawn by then). */
const settled = () => new Promise(resolve => setTimeout(resolve, 200));

function finishedRun(agoMs: number): InfrastructureRepairRun {
  const at = new Date(Date.now() - agoMs).toISOString();
  return {
    id: '00000000000000aa',
    requestedBy: 'user:default/aisha.khan',
    requestedAt: at,
    allowDestructive: false,
    done: true,
    finishedAt: at,
    counts: {
      applied: 1,
      failed: 0,
      refused: 1,
      stopped: 0,
      queued: 0,
      running: 0,
    },
    items: [
      {
        entityRef: 'dataproduct:default/encounters',
        state: 'applied',
        applied: 3,
        skipped: 0,
        finishedAt: at,
      },
      {
        entityRef: 'dataproduct:default/lab-results',
        state: 'refused',
        applied: 0,
        skipped: 0,
        error: 'not theirs',
        finishedAt: at,
      },
    ],
  };
}

async function render(routes: Record<string, unknown>) {
  const backend = fakeDataMeshBackend(routes);
  await renderInTestApp(<LatestRepairRun onFinished={() => {}} />, {
    apis: [backend.apiEntry],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
  return backend;
}

describe('the latest repair run on the drift page', () => {
  it('says what a run of the last day came to', async () => {
    await render(fakeRepairRuns({ runs: [finishedRun(2 * HOUR)] }).routes);
    expect(await screen.findByTestId('latest-repair-run')).toHaveTextContent(
      'The last repair run, by aisha.khan, finished 2h ago: 1 applied, 1 not theirs to apply.',
    );
  });

  it('says nothing of a run finished over a day ago', async () => {
    const old = await render(
      fakeRepairRuns({ runs: [finishedRun(25 * HOUR)] }).routes,
    );
    await settled();
    // the latest only: a run may hold 1,000 products
    expect(old.requests.map(u => `${u.pathname}${u.search}`)).toEqual([
      '/api/data-mesh/infrastructure/repairs?limit=1',
    ]);
    expect(screen.queryByTestId('latest-repair-run')).toBeNull();
  });

  it('says nothing when the backend keeps no runs', async () => {
    const none = await render({
      '/infrastructure/repairs': () =>
        errorResponse(409, 'ConflictError', 'repair runs are not kept here'),
    });
    await settled();
    expect(none.requests).toHaveLength(1);
    expect(screen.queryByText(/Repair runs could not be read/)).toBeNull();
    expect(screen.queryByTestId('latest-repair-run')).toBeNull();
  });

  it('says why the runs could not be read', async () => {
    await render({
      '/infrastructure/repairs': () =>
        errorResponse(500, 'Error', 'database is locked'),
    });
    expect(
      await screen.findByText(
        /^Repair runs could not be read: .*database is locked/,
      ),
    ).toBeInTheDocument();
  });
});
