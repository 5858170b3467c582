import { screen } from '@testing-library/react';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import plugin, { dataProductInfrastructureCard } from '../../alpha';
import { component, patientEncounters } from '../../__testUtils__/fixtures';
import { fakeDataMeshBackend } from '../../__testUtils__/fakeBackend';
import { inSyncInfrastructure } from '../../__testUtils__/infraFixtures';
import { EntityDataProductInfrastructureCard } from '../../index';

const PATH = '/products/default/patient-encounters/infrastructure';
const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

describe('Infrastructure card as an extension', () => {
  it('is part of the plugin, enabled on the overview of a DataProduct', async () => {
    expect(
      plugin.getExtension('entity-card:data-mesh/infrastructure'),
    ).toBeDefined();
    const backend = fakeDataMeshBackend({ [PATH]: inSyncInfrastructure() });
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: patientEncounters }),
        dataProductInfrastructureCard,
      ],
      apis: [backend.apiEntry],
      mountedRoutes,
    });
    expect(await screen.findByText('Infrastructure')).toBeInTheDocument();
    expect(
      await screen.findByTestId('infra-status-in-sync'),
    ).toBeInTheDocument();
  });

  it('stays off the pages of other kinds', async () => {
    const backend = fakeDataMeshBackend({});
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: component }),
        dataProductInfrastructureCard,
      ],
      apis: [backend.apiEntry],
      mountedRoutes,
    });
    expect(await screen.findByTestId('empty-entity-page')).toBeInTheDocument();
    expect(backend.requests).toHaveLength(0);
  });

  it('has a legacy component extension', () => {
    expect(EntityDataProductInfrastructureCard).toBeDefined();
    expect(
      (EntityDataProductInfrastructureCard as any).displayName ??
        (EntityDataProductInfrastructureCard as any).name,
    ).toMatch(/EntityDataProductInfrastructureCard/);
  });
});
