import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
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
  dataMeshPlugin,
  EntityDataProductOverview,
  isDataProductEntity,
} from './index';
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
    ]) {
      expect(await screen.findByText(title)).toBeInTheDocument();
    }
    expect(await screen.findByText('Readmission risk')).toBeInTheDocument();
    expect(screen.getAllByTestId('pii-chip')).toHaveLength(2);
  });
});
