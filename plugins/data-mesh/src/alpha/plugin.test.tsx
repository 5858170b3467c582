import { screen, within } from '@testing-library/react';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  catalogApiMock,
  createTestEntityPage,
} from '@backstage/plugin-catalog-react/testUtils';
import {
  catalogGraphApiRef,
  catalogGraphRouteRef,
  DefaultCatalogGraphApi,
} from '@backstage/plugin-catalog-graph';
import plugin, {
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

const entities = [patientEncounters, patients, readmissionRisk, component];
const apis = [
  [catalogApiRef, catalogApiMock({ entities })],
  [catalogGraphApiRef, new DefaultCatalogGraphApi()],
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
      'entity-content:data-mesh/datasets',
      'entity-content:data-mesh/overview',
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
});
