import { fakeDataMeshBackend } from '../__testUtils__/fakeBackend';
import { inSyncInfrastructure } from '../__testUtils__/infraFixtures';

// The infrastructure methods of the shared client (the Infrastructure card's).
describe('DataMeshClient infrastructure', () => {
  const PATH = '/products/default/patient-encounters/infrastructure';

  it('asks for one product by entity ref string, kind and namespace optional', async () => {
    const backend = fakeDataMeshBackend({
      [PATH]: inSyncInfrastructure(),
      '/products/team-x/orders/infrastructure': inSyncInfrastructure(),
    });
    await expect(
      backend.api.getInfrastructure('dataproduct:default/patient-encounters'),
    ).resolves.toEqual(inSyncInfrastructure());
    await backend.api.getInfrastructure('patient-encounters');
    await backend.api.getInfrastructure({
      namespace: 'team-x',
      name: 'orders',
    });
    expect(backend.requests.map(u => u.pathname)).toEqual([
      `/api/data-mesh${PATH}`,
      `/api/data-mesh${PATH}`,
      '/api/data-mesh/products/team-x/orders/infrastructure',
    ]);
  });

  it('escapes names in the path', async () => {
    const backend = fakeDataMeshBackend({});
    await expect(
      backend.api.getInfrastructure({ namespace: 'a/b', name: 'x?y' }),
    ).rejects.toThrow();
    expect(backend.requests[0].pathname).toBe(
      '/api/data-mesh/products/a%2Fb/x%3Fy/infrastructure',
    );
  });

  it('fetches the drift summary', async () => {
    const summary = {
      warehouse: inSyncInfrastructure().warehouse,
      checkedAt: '2026-03-02T10:15:00.000Z',
      queries: 2,
      total: 0,
      counts: {
        conflict: 0,
        drift: 0,
        'not-provisioned': 0,
        invalid: 0,
        'in-sync': 0,
      },
      items: [],
    };
    const backend = fakeDataMeshBackend({ '/infrastructure/drift': summary });
    await expect(backend.api.getInfrastructureDrift()).resolves.toEqual(
      summary,
    );
  });
});
