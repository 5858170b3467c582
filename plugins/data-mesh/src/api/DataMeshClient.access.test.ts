import { ResponseError } from '@backstage/errors';
import { DataMeshClient } from './DataMeshClient';
import {
  accessRequest,
  fakeAccessRoutes,
} from '../__testUtils__/fakeAccessBackend';
import { fakeDataMeshBackend } from '../__testUtils__/fakeBackend';
import { patientEncounters } from '../__testUtils__/fixtures';

// The access-request methods of the shared client, against the fake routes.
describe('DataMeshClient access requests', () => {
  function setup(
    user = 'user:default/ann',
    groups = ['group:default/population-health'],
  ) {
    const access = fakeAccessRoutes({
      user,
      groups,
      products: [patientEncounters],
      requests: [accessRequest({ id: '00000000000000aa' })],
    });
    const backend = fakeDataMeshBackend(access.routes);
    return { ...backend, access };
  }

  it('lists with each filter as a query parameter, mine only when asked', async () => {
    const { api, requests } = setup();
    await api.listAccessRequests();
    await api.listAccessRequests({
      product: 'dataproduct:default/patient-encounters',
      consumer: 'group:default/population-health',
      state: 'pending',
      mine: true,
    });
    await api.listAccessRequests({ mine: false });
    await api.listAccessRequests({ ours: true });
    expect(requests.map(u => u.pathname)).toEqual([
      '/api/data-mesh/access-requests',
      '/api/data-mesh/access-requests',
      '/api/data-mesh/access-requests',
      '/api/data-mesh/access-requests',
    ]);
    expect(requests[3].search).toBe('?ours=true');
    expect(requests[0].search).toBe('');
    expect(Object.fromEntries(requests[1].searchParams)).toEqual({
      product: 'dataproduct:default/patient-encounters',
      consumer: 'group:default/population-health',
      state: 'pending',
      mine: 'true',
    });
    expect(requests[2].search).toBe('');
  });

  it('creates with a JSON POST and returns the request as created', async () => {
    const fetch = jest.fn(
      async (_url: RequestInfo | URL, _init?: RequestInit) =>
        new Response(
          JSON.stringify(accessRequest({ id: '00000000000000bb' })),
          {
            status: 201,
            headers: { 'content-type': 'application/json' },
          },
        ),
    );
    const client = new DataMeshClient({
      discoveryApi: { getBaseUrl: async () => 'http://b.test/api/data-mesh' },
      fetchApi: { fetch },
    });
    const body = {
      product: 'dataproduct:default/patient-encounters',
      outputPort: 'encounters_sql',
      consumer: 'group:default/population-health',
      purpose: 'Readmission model',
      pii: false,
      duration: '30d',
    };
    const created = await client.createAccessRequest(body);
    expect(created.id).toBe('00000000000000bb');
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://b.test/api/data-mesh/access-requests');
    expect(init?.method).toBe('POST');
    expect(new Headers(init?.headers).get('content-type')).toBe(
      'application/json',
    );
    expect(JSON.parse(String(init?.body))).toEqual(body);
  });

  it('posts each action to its own path with the comment and duration', async () => {
    const owner = setup('user:default/olga', [
      'group:default/clinical-data-team',
    ]);
    const approved = await owner.api.actOnAccessRequest(
      '00000000000000aa',
      'approve',
      { comment: 'fine' },
    );
    expect(approved.state).toBe('approved');
    expect(approved.history.at(-1)).toMatchObject({
      by: 'user:default/olga',
      action: 'approve',
      comment: 'fine',
    });
    await owner.api.actOnAccessRequest('00000000000000aa', 'revoke');
    expect(owner.requests.map(u => u.pathname)).toEqual([
      '/api/data-mesh/access-requests/00000000000000aa/approve',
      '/api/data-mesh/access-requests/00000000000000aa/revoke',
    ]);
  });

  it('escapes the id in the path', async () => {
    const { api, requests } = setup();
    await expect(api.actOnAccessRequest('a/b', 'reject')).rejects.toThrow();
    expect(requests[0].pathname).toBe(
      '/api/data-mesh/access-requests/a%2Fb/reject',
    );
  });

  it("turns a refusal into a ResponseError carrying the backend's message", async () => {
    const { api } = setup();
    const error = await api
      .createAccessRequest({
        product: 'dataproduct:default/patient-encounters',
        outputPort: 'encounters_sql',
        consumer: 'group:default/population-health',
        purpose: ' ',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.cause.message).toBe(
      'Invalid access request: purpose: a purpose is required',
    );
  });
});
