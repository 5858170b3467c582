import { screen } from '@testing-library/react';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  catalogGraphApiRef,
  catalogGraphRouteRef,
  DefaultCatalogGraphApi,
} from '@backstage/plugin-catalog-graph';
import {
  dataMeshApiRef,
  DataMeshClient,
  dataMeshPlugin,
  EntityDataProductGovernanceCard,
  EntityDataProductOverview,
  EntityDataProductSlosContent,
  isDataProductEntity,
} from './index';
import {
  BASE_URL,
  fakeDataMeshBackend,
  jsonResponse,
} from './__testUtils__/fakeBackend';
import { patientEncountersSlos } from './__testUtils__/sloFixtures';
import {
  patientEncounters,
  patients,
  readmissionRisk,
} from './__testUtils__/fixtures';

// The legacy (createApp) face of the plugin, rendered with the legacy test
// utilities so it is exercised the way an EntityLayout.Route would.
describe('legacy plugin', () => {
  beforeAll(() => {
    (SVGElement.prototype as any).getBBox ??= () => ({
      x: 0,
      y: 0,
      width: 120,
      height: 20,
    });
  });

  it('is the data-mesh plugin and re-exports the DataProduct guard', () => {
    expect(dataMeshPlugin.getId()).toBe('data-mesh');
    expect(isDataProductEntity(patientEncounters)).toBe(true);
  });

  it('renders the composed overview with every card', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            catalogApiRef,
            catalogApiMock({
              entities: [patientEncounters, patients, readmissionRisk],
            }),
          ],
          [catalogGraphApiRef, new DefaultCatalogGraphApi()],
          fakeDataMeshBackend({
            '/products/default/patient-encounters/slos':
              patientEncountersSlos(),
            '/products/default/patient-encounters/quality': {
              enabled: true,
              checks: [],
            },
          }).apiEntry,
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={patientEncounters}>
          <EntityDataProductOverview />
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: {
          '/catalog/:namespace/:kind/:name': entityRouteRef,
          '/catalog-graph': catalogGraphRouteRef,
        },
      },
    );

    for (const title of [
      'About this data product',
      'Lineage',
      'Output ports',
      'Input ports',
      'Datasets',
      'Data-sharing agreement',
      'SLO health',
      'Data quality',
    ]) {
      expect(await screen.findByText(title)).toBeInTheDocument();
    }
    expect(await screen.findByText('Readmission risk')).toBeInTheDocument();
    expect(screen.getAllByTestId('pii-chip')).toHaveLength(2);
  });

  it('registers DataMeshClient for the data mesh API', () => {
    const factory = [...dataMeshPlugin.getApis()].find(
      f => f.api.id === dataMeshApiRef.id,
    );
    expect(factory).toBeDefined();
    expect(
      factory!.factory({
        discoveryApi: { getBaseUrl: async () => 'http://b.test' },
        fetchApi: { fetch: jest.fn() },
      }),
    ).toBeInstanceOf(DataMeshClient);
  });

  it('renders the SLO tab content', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          fakeDataMeshBackend({
            '/products/default/patient-encounters/slos':
              patientEncountersSlos(),
          }).apiEntry,
        ]}
      >
        <EntityProvider entity={patientEncounters}>
          <EntityDataProductSlosContent />
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByRole('table', { name: 'Service level objectives' }),
    ).toBeInTheDocument();
    expect(screen.getAllByTestId('slo-history-summary')).toHaveLength(3);
  });

  it('renders the Governance card from the governance endpoint', async () => {
    const requests: string[] = [];
    const routes: Record<string, unknown> = {
      '/governance?product=dataproduct%3Adefault%2Fpatient-encounters': {
        entityRef: 'dataproduct:default/patient-encounters',
        stage: 'prod',
        ok: false,
        counts: { pass: 0, warn: 0, fail: 1, 'not-evaluated': 0 },
        evaluatedAt: '2026-01-01T00:00:00.000Z',
        ruleProblems: [],
        results: [
          {
            ruleId: 'pii-classified',
            status: 'fail',
            level: 'error',
            message: 'PII columns must be confidential or restricted',
            source: { kind: 'builtin', location: 'builtin' },
          },
        ],
      },
    };
    const apis = [
      [discoveryApiRef, { getBaseUrl: async () => BASE_URL }],
      [
        fetchApiRef,
        {
          fetch: async (input: RequestInfo | URL) => {
            const path = String(input).slice(BASE_URL.length);
            requests.push(path);
            return path in routes
              ? jsonResponse(routes[path])
              : jsonResponse({ error: { message: `no route ${path}` } }, 404);
          },
        },
      ],
    ] as const;
    await renderInTestApp(
      <TestApiProvider apis={apis as any}>
        <EntityProvider entity={patientEncounters}>
          <EntityDataProductGovernanceCard />
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByText('PII columns must be confidential or restricted'),
    ).toBeInTheDocument();
    expect(requests).toContain(
      '/governance?product=dataproduct%3Adefault%2Fpatient-encounters',
    );
  });
});
