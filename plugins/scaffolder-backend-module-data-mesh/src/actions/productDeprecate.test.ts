/*
 * datamesh:product:deprecate against a node:http server standing in for the
 * data-mesh backend: the action calls the documented route on behalf of
 * the template's user (their token, so the permission policy decides) and
 * reports the backend's refusals with its message.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { type SeenRequest, startStandInBackend } from '../testing';
import { createProductDeprecateAction } from './productDeprecate';

describe('datamesh:product:deprecate', () => {
  let backend: Awaited<ReturnType<typeof startStandInBackend>>;
  let base: string;
  let seen: SeenRequest[];
  let reply: { status: number; body: unknown } = { status: 200, body: {} };

  beforeAll(async () => {
    backend = await startStandInBackend(() => reply);
    ({ base, seen } = backend);
  });
  afterAll(() => backend.close());

  const action = () =>
    createProductDeprecateAction({
      auth: mockServices.auth(),
      discovery: mockServices.discovery.mock({ getBaseUrl: async () => base }),
    });

  it('posts the deprecation on behalf of the user and outputs the record', async () => {
    reply = {
      status: 200,
      body: {
        product: 'dataproduct:default/visits',
        state: 'deprecated',
        retireAt: '2027-03-31T00:00:00.000Z',
        successor: 'dataproduct:default/visits-v2',
        audit: [],
      },
    };
    const ctx = createMockActionContext({
      input: {
        product: 'dataproduct:default/visits',
        retireAt: '2027-03-31',
        successor: 'dataproduct:default/visits-v2',
        acceptNewRequests: false,
      },
    });
    await action().handler(ctx as any);
    const last = seen[seen.length - 1];
    expect(`${last.method} ${last.url}`).toBe(
      'POST /api/data-mesh/lifecycle/default/visits/deprecation',
    );
    expect(last.auth).toMatch(/^Bearer .+/);
    expect(last.body).toEqual({
      retireAt: '2027-03-31',
      successor: 'dataproduct:default/visits-v2',
      acceptNewRequests: false,
    });
    expect(ctx.output).toHaveBeenCalledWith('state', 'deprecated');
    expect(ctx.output).toHaveBeenCalledWith(
      'successor',
      'dataproduct:default/visits-v2',
    );
  });

  it("fails with the backend's message when the user is not an owner", async () => {
    reply = {
      status: 403,
      body: {
        error: {
          name: 'NotAllowedError',
          message:
            'user:default/sofia may not deprecate or retire dataproduct:default/visits',
        },
      },
    };
    const ctx = createMockActionContext({
      input: { product: 'visits', retireAt: '2027-03-31' },
    });
    await expect(action().handler(ctx as any)).rejects.toThrow(
      'deprecation refused (403): user:default/sofia may not deprecate or retire dataproduct:default/visits',
    );
  });

  it('refuses an entity that is not a data product before any call', async () => {
    const before = seen.length;
    const ctx = createMockActionContext({
      input: { product: 'component:default/web', retireAt: '2027-03-31' },
    });
    await expect(action().handler(ctx as any)).rejects.toThrow(
      'product: component:default/web is not a DataProduct',
    );
    expect(seen.length).toBe(before);
  });
});
