import { screen, within } from '@testing-library/react';
import {
  ApiBlueprint,
  coreExtensionData,
} from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  catalogApiMock,
  createTestEntityPage,
} from '@backstage/plugin-catalog-react/testUtils';
import {
  catalogGraphApiRef,
  catalogGraphRouteRef,
  DefaultCatalogGraphApi,
} from '@backstage/plugin-catalog-graph';
import { mockApis } from '@backstage/frontend-test-utils';
import plugin, {
  dataMeshApi,
  dataProductSloHealthCard,
  dataProductSlosContent,
  myDataProductsPage,
  dataProductAboutCard,
  dataProductAgreementCard,
  dataProductDatasetsCard,
  dataProductDatasetsContent,
  dataProductInputPortsCard,
  dataProductLineageCard,
  dataProductOutputPortsCard,
  dataProductsPage,
} from '../alpha';
import {
  component,
  patientEncounters,
  patients,
  readmissionRisk,
} from '../__testUtils__/fixtures';
import {
  fakeDataMeshBackend,
  fleetByOwner,
} from '../__testUtils__/fakeBackend';
import {
  fleetItems,
  patientEncountersSlos,
} from '../__testUtils__/sloFixtures';
import { dataMeshApiRef, DataMeshClient } from '../api';

const entities = [patientEncounters, patients, readmissionRisk, component];
const sloBackend = fakeDataMeshBackend({
  '/products/default/patient-encounters/slos': patientEncountersSlos(),
  '/slos': fleetByOwner(fleetItems),
});
const apis = [
  [catalogApiRef, catalogApiMock({ entities })],
  [catalogGraphApiRef, new DefaultCatalogGraphApi()],
  sloBackend.apiEntry,
] as const;
const mountedRoutes = {
  '/catalog/:namespace/:kind/:name': entityRouteRef,
  '/catalog-graph': catalogGraphRouteRef,
};

describe('data-mesh frontend plugin (new frontend system)', () => {
  beforeAll(() => {
    (SVGElement.prototype as any).getBBox ??= () => ({
      x: 0,
      y: 0,
      width: 120,
      height: 20,
    });
  });

  it('is the data-mesh plugin with cards, contents and a page', () => {
    expect(plugin.id).toBe('data-mesh');
    for (const id of [
      'page:data-mesh',
      'entity-card:data-mesh/about',
      'entity-card:data-mesh/lineage',
      'entity-card:data-mesh/output-ports',
      'entity-card:data-mesh/input-ports',
      'entity-card:data-mesh/datasets',
      'entity-card:data-mesh/data-sharing-agreement',
      'entity-card:data-mesh/quality',
      'entity-content:data-mesh/datasets',
      'entity-content:data-mesh/overview',
      'entity-content:data-mesh/slos',
      'entity-content:data-mesh/changes',
      'entity-card:data-mesh/slo-health',
      'page:data-mesh/mine',
      'api:data-mesh',
    ]) {
      expect(plugin.getExtension(id as any)).toBeDefined();
    }
  });

  it('puts the cards on a DataProduct overview', async () => {
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: patientEncounters }),
        dataProductAboutCard,
        dataProductLineageCard,
        dataProductOutputPortsCard,
        dataProductInputPortsCard,
        dataProductAgreementCard,
      ],
      apis,
      mountedRoutes,
    });

    expect(
      await screen.findByText('About this data product'),
    ).toBeInTheDocument();
    expect(await screen.findByText('Lineage')).toBeInTheDocument();
    expect(await screen.findByText('Output ports')).toBeInTheDocument();
    expect(
      await screen.findByRole('button', {
        name: 'Copy connection details of encounters_sql',
      }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Input ports')).toBeInTheDocument();
    expect(
      await screen.findByText('Data-sharing agreement'),
    ).toBeInTheDocument();
    // Only the lineage graph names the downstream product.
    expect(await screen.findByText('Readmission risk')).toBeInTheDocument();
  });

  it('keeps every card and tab off pages of other kinds', async () => {
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: component }),
        dataProductAboutCard,
        dataProductLineageCard,
        dataProductOutputPortsCard,
        dataProductInputPortsCard,
        dataProductAgreementCard,
        dataProductDatasetsContent,
      ],
      apis,
      mountedRoutes,
    });
    expect(await screen.findByTestId('empty-entity-page')).toBeInTheDocument();
  });

  it('serves the schema on the overview and as a Datasets tab', async () => {
    const tester = createExtensionTester(dataProductDatasetsContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('/datasets');

    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: patientEncounters }),
        dataProductDatasetsCard,
      ],
      apis,
      mountedRoutes,
    });
    // The card is enabled by default, so the overview shows the schema.
    expect(
      await screen.findByTestId('dataset-patient_encounters'),
    ).toBeInTheDocument();
    expect(screen.getAllByTestId('dataset-patient_encounters')).toHaveLength(1);
    expect(screen.getAllByTestId('pii-chip')).toHaveLength(2);
  });

  it('offers a Data products page with a nav title and icon', async () => {
    const tester = createExtensionTester(dataProductsPage, { apis });
    expect(tester.get(coreExtensionData.routePath)).toBe('/data-products');
    expect(tester.get(coreExtensionData.title)).toBe('Data products');
    expect(tester.get(coreExtensionData.icon)).toBeDefined();

    renderInTestApp(tester.reactElement(), { apis, mountedRoutes });
    expect(await screen.findByText('Data products (3)')).toBeInTheDocument();
    const row = screen.getByText('Readmission risk').closest('tr')!;
    expect(within(row).getByText('Consumer-aligned')).toBeInTheDocument();
  });

  it('provides DataMeshClient as the data mesh API', () => {
    const tester = createExtensionTester(dataMeshApi);
    const factory = tester.get(ApiBlueprint.dataRefs.factory);
    expect(factory.api.id).toBe(dataMeshApiRef.id);
    const client = factory.factory({
      discoveryApi: { getBaseUrl: async () => 'http://b.test' },
      fetchApi: { fetch: jest.fn() },
    });
    expect(client).toBeInstanceOf(DataMeshClient);
  });

  it('adds an SLOs tab to DataProduct pages only', async () => {
    const tester = createExtensionTester(dataProductSlosContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('/slos');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('SLOs');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter!(patientEncounters)).toBe(true);
    expect(filter!(component as any)).toBe(false);

    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: patientEncounters }),
        dataProductSlosContent,
      ],
      apis,
      mountedRoutes,
    });
    expect(
      await screen.findByRole('table', { name: 'Service level objectives' }),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('slo-row-nightly-refresh')).getByTestId(
        'slo-status-breaching',
      ),
    ).toBeInTheDocument();
  });

  it('puts the SLO health chip on the overview', async () => {
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: patientEncounters }),
        dataProductSloHealthCard,
      ],
      apis,
      mountedRoutes,
    });
    expect(await screen.findByText('SLO health')).toBeInTheDocument();
    expect(await screen.findByTestId('slo-status-breaching')).toHaveTextContent(
      'SLOs: 1 of 3 breaching',
    );
  });

  it('offers a My data products page with a nav title and icon', async () => {
    const tester = createExtensionTester(myDataProductsPage, { apis });
    expect(tester.get(coreExtensionData.routePath)).toBe('/data-products/mine');
    expect(tester.get(coreExtensionData.title)).toBe('My data products');
    expect(tester.get(coreExtensionData.icon)).toBeDefined();

    renderInTestApp(tester.reactElement(), {
      apis: [
        ...apis,
        mockApis.identity({
          userEntityRef: 'user:default/jane',
          ownershipEntityRefs: ['group:default/clinical-data-team'],
        }),
      ],
      mountedRoutes,
    });
    expect(await screen.findByText('My data products (1)')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Patient encounters' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patient-encounters/slos',
    );
  });
});
