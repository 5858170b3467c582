import { ReactNode } from 'react';
import { renderHook, waitFor } from '@testing-library/react';
import { TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { toCatalogForm } from '@datamesh/plugin-data-mesh-common';
import {
  bareProduct,
  patientEncounters,
  patients,
  readmissionRisk,
} from '../__testUtils__/fixtures';
import {
  fakeDataMeshBackend,
  FakeRoutes,
  fleetByOwner,
} from '../__testUtils__/fakeBackend';
import { fleetItems, fleetResponse } from '../__testUtils__/sloFixtures';
import { joinFleet } from './joinFleet';
import {
  DataProductFleetQuery,
  useDataProductFleet,
} from './useDataProductFleet';
import { useFleetHealth } from './useFleetHealth';

const entities = [patientEncounters, patients, readmissionRisk, bareProduct];
const fleetItem = (name: string) => fleetItems.find(i => i.name === name)!;

function withApis(
  routes: FakeRoutes,
  catalogApi: any = catalogApiMock({ entities }),
) {
  const backend = fakeDataMeshBackend(routes);
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[backend.apiEntry, [catalogApiRef, catalogApi]]}>
      {children}
    </TestApiProvider>
  );
  return { backend, wrapper };
}

describe('joinFleet', () => {
  it('joins on the entity ref whatever its case, and derives each status', () => {
    const shouting = {
      ...fleetItem('patient-encounters'),
      entityRef: 'DataProduct:Default/patient-encounters',
    };
    const { products, uncatalogued } = joinFleet(
      [patientEncounters, patients, bareProduct],
      [shouting, fleetItem('readmission-risk')],
    );
    expect(
      products.map(p => [p.key, p.declaresSlos, p.slo?.name, p.status]),
    ).toEqual([
      [
        'dataproduct:default/patient-encounters',
        true,
        'patient-encounters',
        'breaching',
      ],
      // declares nothing, and the engine has no row: no status at all
      ['dataproduct:default/patients', false, undefined, undefined],
      // declares nothing either (bare): a status only comes from the fleet
      ['dataproduct:default/bed-occupancy', false, undefined, undefined],
    ]);
    expect(uncatalogued.map(i => i.name)).toEqual(['readmission-risk']);
  });

  it('calls a declared product without monitors no-data, but claims nothing while the fleet is unknown', () => {
    const known = joinFleet([patientEncounters], []).products[0];
    expect(known).toMatchObject({ declaresSlos: true, status: 'no-data' });
    expect(known.slo).toBeUndefined();
    const unknown = joinFleet([patientEncounters], undefined);
    expect(unknown.products[0].status).toBeUndefined();
    expect(unknown.uncatalogued).toEqual([]);
  });

  it('reads products as the catalog serves them (the catalog form)', () => {
    const none = { ...patients, spec: { ...patients.spec, slos: [] } };
    const canonical = [patientEncounters, none, bareProduct];
    const served = canonical.map(e =>
      JSON.parse(JSON.stringify(toCatalogForm(e))),
    );
    expect(typeof served[1].spec.slos).toBe('string');
    const view = (list: Entity[]) =>
      joinFleet(list, []).products.map(p => [p.key, p.declaresSlos, p.status]);
    expect(view(served)).toEqual(view(canonical));
    expect(view(served).map(([, declares]) => declares)).toEqual([
      true,
      false,
      false,
    ]);
  });
});

describe('useDataProductFleet', () => {
  it('asks the catalog and the fleet once each for every product and joins them', async () => {
    const catalogApi = catalogApiMock.mock({
      getEntities: jest.fn().mockResolvedValue({ items: entities }),
    });
    const { backend, wrapper } = withApis(
      { '/slos': fleetResponse() },
      catalogApi,
    );
    const { result } = renderHook(
      () => useDataProductFleet({ fields: ['metadata.title'] }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.value).toBeDefined());
    const fleet = result.current.value!;
    expect(fleet.products.map(p => [p.entity.metadata.name, p.status])).toEqual(
      [
        ['patient-encounters', 'breaching'],
        ['patients', 'ok'],
        ['readmission-risk', 'ok'],
        ['bed-occupancy', 'no-data'],
      ],
    );
    expect(fleet.uncatalogued).toEqual([]);
    expect(fleet.catalogError).toBeUndefined();
    expect(fleet.fleetError).toBeUndefined();

    expect(catalogApi.getEntities).toHaveBeenCalledTimes(1);
    expect(catalogApi.getEntities).toHaveBeenCalledWith({
      filter: { kind: 'DataProduct' },
      fields: [
        'metadata.title',
        'kind',
        'metadata.namespace',
        'metadata.name',
        'spec.slos',
      ],
    });
    expect(backend.requests.map(u => `${u.pathname}${u.search}`)).toEqual([
      '/api/data-mesh/slos',
    ]);
  });

  it('narrows both sides to the owners and keeps fleet rows the catalog did not return', async () => {
    const owners = ['group:default/ehr-team', 'group:default/capacity-team'];
    const { backend, wrapper } = withApis(
      { '/slos': fleetByOwner(fleetItems) },
      // the catalog lags behind: it does not know bed-occupancy yet
      catalogApiMock({ entities: [patients, patientEncounters] }),
    );
    const { result } = renderHook(
      () => useDataProductFleet({ owners, fields: [] }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.value).toBeDefined());
    expect(
      result.current.value!.products.map(p => p.entity.metadata.name),
    ).toEqual(['patients']);
    expect(result.current.value!.uncatalogued.map(i => i.name)).toEqual([
      'bed-occupancy',
    ]);
    expect(backend.requests).toHaveLength(1);
    expect(backend.requests[0].searchParams.getAll('owner')).toEqual(owners);
  });

  it('asks nobody for an empty owner list', async () => {
    const catalogApi = catalogApiMock.mock({ getEntities: jest.fn() });
    const { backend, wrapper } = withApis(
      { '/slos': fleetResponse() },
      catalogApi,
    );
    const { result } = renderHook(
      () => useDataProductFleet({ owners: [], fields: [] }),
      { wrapper },
    );
    await waitFor(() =>
      expect(result.current.value).toEqual({ products: [], uncatalogued: [] }),
    );
    expect(backend.requests).toHaveLength(0);
    expect(catalogApi.getEntities).not.toHaveBeenCalled();
  });

  it('reports a fleet outage beside the catalog products, without statuses', async () => {
    const { wrapper } = withApis({ '/slos': new TypeError('Failed to fetch') });
    const { result } = renderHook(() => useDataProductFleet({ fields: [] }), {
      wrapper,
    });
    await waitFor(() => expect(result.current.value).toBeDefined());
    const fleet = result.current.value!;
    expect(fleet.fleetError?.name).toBe('DataMeshUnreachableError');
    expect(fleet.catalogError).toBeUndefined();
    expect(fleet.products).toHaveLength(4);
    expect(fleet.products.map(p => p.status)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('reports a catalog outage beside the fleet rows', async () => {
    const { wrapper } = withApis(
      { '/slos': fleetResponse([fleetItem('patients')]) },
      catalogApiMock.mock({
        getEntities: jest.fn().mockRejectedValue(new Error('catalog is down')),
      }),
    );
    const { result } = renderHook(() => useDataProductFleet({ fields: [] }), {
      wrapper,
    });
    await waitFor(() => expect(result.current.value).toBeDefined());
    expect(result.current.error).toBeUndefined();
    expect(result.current.value!.catalogError?.message).toBe('catalog is down');
    expect(result.current.value!.products).toEqual([]);
    expect(result.current.value!.uncatalogued.map(i => i.name)).toEqual([
      'patients',
    ]);
  });

  it('does not ask again when a render passes an equal query', async () => {
    const { backend, wrapper } = withApis({ '/slos': fleetResponse() });
    const { result, rerender } = renderHook(
      (query: DataProductFleetQuery) => useDataProductFleet(query),
      {
        wrapper,
        initialProps: { owners: ['group:default/ehr-team'], fields: [] },
      },
    );
    await waitFor(() => expect(result.current.value).toBeDefined());
    rerender({ owners: ['group:default/ehr-team'], fields: [] });
    rerender({ owners: ['group:default/ehr-team'], fields: [] });
    expect(backend.requests).toHaveLength(1);

    rerender({ owners: ['group:default/capacity-team'], fields: [] });
    await waitFor(() => expect(backend.requests).toHaveLength(2));
  });
});

describe('useFleetHealth', () => {
  it('gives every row its health from one shared fleet request', async () => {
    const { backend, wrapper } = withApis({ '/slos': fleetResponse() });
    const { result } = renderHook(
      () => [
        useFleetHealth(patientEncounters),
        useFleetHealth(patients),
        useFleetHealth(bareProduct),
      ],
      { wrapper },
    );
    // whether a product declares SLOs is known before the fleet arrives
    expect(result.current.map(r => r.health.declaresSlos)).toEqual([
      true,
      false,
      false,
    ]);
    await waitFor(() => expect(result.current[0].loading).toBe(false));
    expect(result.current.map(r => r.health.status)).toEqual([
      'breaching',
      'ok',
      'no-data',
    ]);
    expect(backend.requests).toHaveLength(1);
  });

  it('does not remember a failed request', async () => {
    let calls = 0;
    const { backend, wrapper } = withApis({
      '/slos': () => {
        calls += 1;
        return calls === 1
          ? new Response('{}', { status: 503 })
          : new Response(JSON.stringify(fleetResponse()), {
              headers: { 'content-type': 'application/json' },
            });
      },
    });
    const first = renderHook(() => useFleetHealth(patientEncounters), {
      wrapper,
    });
    await waitFor(() => expect(first.result.current.error).toBeDefined());
    first.unmount();

    const second = renderHook(() => useFleetHealth(patientEncounters), {
      wrapper,
    });
    await waitFor(() =>
      expect(second.result.current.health.status).toBe('breaching'),
    );
    expect(backend.requests).toHaveLength(2);
  });
});
