import { ResponseError } from '@backstage/errors';
import { DataMeshClient, DataMeshUnreachableError } from './DataMeshClient';
import {
  errorResponse,
  fakeDataMeshBackend,
  jsonResponse,
} from '../__testUtils__/fakeBackend';
import {
  fleetResponse,
  patientEncountersSlos,
} from '../__testUtils__/sloFixtures';

describe('DataMeshClient', () => {
  it('asks discovery for the data-mesh plugin and fetches one product', async () => {
    const body = patientEncountersSlos();
    const fetch = jest.fn(async () => jsonResponse(body));
    const getBaseUrl = jest.fn(async () => 'http://b.test/api/data-mesh');
    const client = new DataMeshClient({
      discoveryApi: { getBaseUrl },
      fetchApi: { fetch },
    });
    await expect(
      client.getProductSlos({
        namespace: 'default',
        name: 'patient-encounters',
      }),
    ).resolves.toEqual(body);
    expect(getBaseUrl).toHaveBeenCalledWith('data-mesh');
    expect(fetch).toHaveBeenCalledWith(
      'http://b.test/api/data-mesh/products/default/patient-encounters/slos',
    );
  });

  it('escapes names in the path', async () => {
    const backend = fakeDataMeshBackend({});
    await expect(
      backend.api.getProductSlos({ namespace: 'a/b', name: 'x?y' }),
    ).rejects.toThrow();
    expect(backend.requests[0].pathname).toBe(
      '/api/data-mesh/products/a%2Fb/x%3Fy/slos',
    );
  });

  it('sends each owner and domain as its own query parameter', async () => {
    const backend = fakeDataMeshBackend({ '/slos': fleetResponse() });
    const fleet = await backend.api.getSloFleet({
      owners: ['group:default/clinical-data-team', 'user:default/jane'],
      domains: ['domain:default/clinical-care'],
    });
    expect(fleet.items).toHaveLength(4);
    const url = backend.requests[0];
    expect(url.searchParams.getAll('owner')).toEqual([
      'group:default/clinical-data-team',
      'user:default/jane',
    ]);
    expect(url.searchParams.getAll('domain')).toEqual([
      'domain:default/clinical-care',
    ]);
  });

  it('asks for the whole fleet without a query string', async () => {
    const backend = fakeDataMeshBackend({ '/slos': fleetResponse() });
    await backend.api.getSloFleet();
    expect(backend.requests[0].search).toBe('');
  });

  it("turns an error answer into a ResponseError carrying the backend's message", async () => {
    const backend = fakeDataMeshBackend({
      '/slos': () =>
        errorResponse(400, 'InputError', 'Invalid query: owner: too long'),
    });
    const error = await backend.api.getSloFleet().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.cause.message).toBe('Invalid query: owner: too long');
  });

  it('reports a network failure as unreachable, naming the base URL', async () => {
    const backend = fakeDataMeshBackend({
      '/slos': new TypeError('Failed to fetch'),
    });
    const error = await backend.api.getSloFleet().catch(e => e);
    expect(error).toBeInstanceOf(DataMeshUnreachableError);
    expect(error.message).toBe(
      'The data mesh backend could not be reached at http://backend.test/api/data-mesh: Failed to fetch',
    );
  });

  it('rejects an HTML page answered with 200 (no backend plugin behind the path)', async () => {
    const backend = fakeDataMeshBackend({
      '/slos': () =>
        new Response('<!doctype html><html></html>', {
          status: 200,
          headers: { 'content-type': 'text/html' },
        }),
    });
    await expect(backend.api.getSloFleet()).rejects.toThrow(
      /answered with text\/html instead of JSON; is @datamesh\/plugin-data-mesh-backend installed/,
    );
  });
});
