import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApis } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  type ProductQualityCheckView,
  type ProductQualityResponse,
  createDataMeshApiValidator,
  dataMeshQualityRunPermission,
} from '@datamesh/plugin-data-mesh-common';
import { SWRConfig } from 'swr';
import {
  type FakeRequest,
  errorResponse,
  fakeDataMeshBackend,
  jsonResponse,
} from '../../__testUtils__/fakeBackend';
import { patientEncounters } from '../../__testUtils__/fixtures';
import { renderForEntity } from '../../__testUtils__/render';
import { DataQualityCard } from './DataQualityCard';

const REF = 'dataproduct:default/patient-encounters';
const validator = createDataMeshApiValidator();

const check = (
  key: string,
  more: Partial<ProductQualityCheckView>,
): ProductQualityCheckView => ({
  key,
  dataset: 'encounters',
  check: { metric: 'rowCount', mustBeGreaterThan: 0 },
  description: 'rows must be more than 0',
  severity: 'error',
  blocking: true,
  status: 'passed',
  history: [],
  ...more,
});

const MEASURED: ProductQualityResponse = {
  enabled: true,
  lastCheckedAt: '2026-12-07T06:00:00.000Z',
  checks: [
    check('encounters:rowCount', {
      value: 1200,
      rows: 1200,
      reason: '1,200 rows; rows must be more than 0',
      checkedAt: '2026-12-07T06:00:00.000Z',
      history: [
        {
          checkedAt: '2026-12-06T06:00:00.000Z',
          status: 'passed',
          value: 1100,
        },
        {
          checkedAt: '2026-12-07T06:00:00.000Z',
          status: 'passed',
          value: 1200,
        },
      ],
    }),
    check('encounters.ward:nullValues', {
      column: 'ward',
      check: {
        metric: 'nullValues',
        mustBeLessThan: 5,
        unit: 'percent',
        severity: 'warning',
      },
      description: 'null values (percent of rows) must be less than 5 %',
      severity: 'warning',
      blocking: false,
      status: 'failed',
      value: 8,
      reason:
        '96 null values (8 % of 1,200 rows); null values (percent of rows) must be less than 5 %',
      checkedAt: '2026-12-07T06:00:00.000Z',
    }),
    check('encounters.encounter_id:unique', {
      column: 'encounter_id',
      check: {
        name: 'unique',
        metric: 'duplicateValues',
        mustBe: 0,
        schedule: '0 20 * * *',
      },
      description: 'duplicate values must be 0',
      status: 'failed',
      value: 3,
      reason:
        '3 duplicate values (0.25 % of 1,200 rows); duplicate values must be 0',
      checkedAt: '2026-12-07T06:00:00.000Z',
      // counted by the product's pipeline right after it built the table
      measuredBy: {
        source: 'cli',
        actor: 'service:external:ci',
        reference: 'https://ci.example.com/runs/9',
      },
      history: [
        { checkedAt: '2026-12-06T06:00:00.000Z', status: 'passed', value: 0 },
        { checkedAt: '2026-12-07T06:00:00.000Z', status: 'failed', value: 3 },
      ],
    }),
    check('encounters.encounter_id:text', {
      column: 'encounter_id',
      check: { type: 'text', description: 'Ids come from the EHR' },
      description: 'Ids come from the EHR',
      status: 'not-run',
      reason: 'a text check is not measured by the portal',
    }),
  ],
};

async function renderCard(options: {
  mayRun?: boolean;
  answer?: ProductQualityResponse;
  run?: (request: FakeRequest) => Response;
}) {
  const answer = options.answer ?? MEASURED;
  // the test draws only what the backend may send
  expect(
    validator.response(
      { method: 'get', path: '/products/{namespace}/{name}/quality' },
      200,
      answer,
    ),
  ).toEqual([]);
  const runs: FakeRequest[] = [];
  const backend = fakeDataMeshBackend({
    '/products/{namespace}/{name}/quality': answer,
    '/products/{namespace}/{name}/quality/run': (
      _: URL,
      request: FakeRequest,
    ) => {
      runs.push(request);
      return options.run?.(request) ?? jsonResponse(answer);
    },
  });
  await renderForEntity(
    patientEncounters,
    <SWRConfig value={{ provider: () => new Map() }}>
      <DataQualityCard />
    </SWRConfig>,
    {
      apis: [
        backend.apiEntry,
        mockApis.permission({
          authorize: request =>
            'resourceRef' in request &&
            request.permission.name === dataMeshQualityRunPermission.name &&
            request.resourceRef === REF &&
            options.mayRun
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        }),
      ],
    },
  );
  return runs;
}

const rows = () =>
  within(screen.getByRole('table', { name: 'Data-quality checks' }))
    .getAllByRole('row')
    .slice(1);

describe('DataQualityCard', () => {
  it('lists the checks, blocking failures first, with the latest result and recent runs', async () => {
    await renderCard({});
    expect(
      await screen.findByText(/^4 checks: 2 failing, 1 passing · measured /),
    ).toBeInTheDocument();
    expect(rows().map(r => r.textContent)).toEqual([
      expect.stringMatching(
        /^Failingencounters\.encounter_idduplicate values must be 0measured after 0 20 \* \* \* \(cron, UTC\)3 duplicate values/,
      ),
      expect.stringMatching(
        /^Failing \(warning\)encounters\.wardnull values \(percent of rows\) must be less than 5 %severity warning96 null values/,
      ),
      expect.stringMatching(
        /^Passingencountersrows must be more than 01,200 rows/,
      ),
      expect.stringMatching(
        /^Not runencounters\.encounter_idIds come from the EHRa text check is not measured by the portal$/,
      ),
    ]);
    expect(
      screen.getByRole('img', { name: 'Last 2 runs: passing, failing' }),
    ).toBeInTheDocument();
    // a result the pipeline reported says so and links its run
    const [unique, ward] = rows();
    expect(within(unique).getByTestId('measured-by')).toHaveTextContent(
      /^· by the pipeline \(CI run/,
    );
    expect(within(unique).getByTestId('measured-by')).toHaveAttribute(
      'title',
      'Reported by service:external:ci',
    );
    expect(
      within(unique).getByRole('link', { name: /^CI run/ }),
    ).toHaveAttribute('href', 'https://ci.example.com/runs/9');
    expect(within(ward).queryByTestId('measured-by')).not.toBeInTheDocument();
    // a check on its own schedule says so
    expect(within(unique).getByTestId('quality-schedule')).toHaveTextContent(
      'measured after 0 20 * * * (cron, UTC)',
    );
    expect(
      within(ward).queryByTestId('quality-schedule'),
    ).not.toBeInTheDocument();
    // only owners measure now
    expect(
      screen.queryByRole('button', { name: 'Measure now' }),
    ).not.toBeInTheDocument();
  });

  it("shows a sql check's own words and query, measured by the pipeline or waiting for it", async () => {
    const query =
      'SELECT COUNT(*) FROM ${table} WHERE discharged_at < admitted_at';
    const sql = (
      key: string,
      more: Partial<ProductQualityCheckView>,
    ): ProductQualityCheckView =>
      check(key, {
        check: {
          name: key.split(':')[1],
          type: 'sql',
          query,
          description: 'No stay ends before it starts',
          mustBe: 0,
        },
        description: "the query's result must be 0",
        ...more,
      });
    await renderCard({
      mayRun: true,
      answer: {
        enabled: true,
        lastCheckedAt: '2026-12-07T06:00:00.000Z',
        checks: [
          sql('encounters:stays', {
            status: 'failed',
            value: 2,
            reason: "the query returned 2; the query's result must be 0",
            checkedAt: '2026-12-07T06:00:00.000Z',
            measuredBy: { source: 'cli', actor: 'service:external:ci' },
          }),
          sql('encounters:stays-again', {
            status: 'not-run',
            reason:
              "run by the product's pipeline (datamesh quality --sql), which reports it: the portal does not run a spec's SQL with the platform's privileges",
          }),
        ],
      },
    });
    expect(
      await screen.findByText(/^2 checks: 1 failing, 0 passing · measured /),
    ).toBeInTheDocument();
    const [failed, waiting] = rows();
    expect(failed).toHaveTextContent(
      /^Failingencountersthe query's result must be 0No stay ends before it starts.*WHERE discharged_at < admitted_atthe query returned 2/,
    );
    expect(within(failed).getByTestId('measured-by')).toHaveTextContent(
      /^· by the pipeline/,
    );
    expect(
      within(waiting).getByTestId('quality-query').querySelector('code'),
    ).toHaveAttribute('title', query);
    expect(waiting).toHaveTextContent(
      /^Not run.*run by the product's pipeline/,
    );
    // nothing the portal measures: no Measure now, even for owners
    expect(
      screen.queryByRole('button', { name: 'Measure now' }),
    ).not.toBeInTheDocument();
  });

  it('lets the owners measure now and shows the new results, or why not', async () => {
    const fixed: ProductQualityResponse = {
      ...MEASURED,
      lastCheckedAt: '2026-12-07T09:00:00.000Z',
      checks: MEASURED.checks.map(c =>
        c.status === 'failed' ? { ...c, status: 'passed', value: 0 } : c,
      ),
    };
    let refuse = true;
    const runs = await renderCard({
      mayRun: true,
      run: () =>
        refuse
          ? errorResponse(503, 'ServiceUnavailableError', 'warehouse is down')
          : jsonResponse(fixed),
    });
    const button = await screen.findByRole('button', { name: 'Measure now' });
    await userEvent.click(button);
    expect(
      await screen.findByText('Not measured: warehouse is down'),
    ).toBeInTheDocument();
    refuse = false;
    await userEvent.click(button);
    expect(
      await screen.findByText(/^4 checks: 0 failing, 3 passing · measured /),
    ).toBeInTheDocument();
    expect(runs.map(r => r.method)).toEqual(['POST', 'POST']);
  });

  it('tells how to declare checks when the spec has none', async () => {
    await renderCard({ answer: { enabled: true, checks: [] } });
    expect(
      await screen.findByText(/The spec declares no data-quality checks/),
    ).toBeInTheDocument();
  });
});
