import { createDataMeshApiValidator } from '@datamesh/plugin-data-mesh-common';
import { claimSandboxesInPortal } from './portalClaims';

const CLAIMS = {
  method: 'post',
  path: '/products/{namespace}/{name}/sandbox-claims',
} as const;
const product = { namespace: 'default', name: 'orders' };
const json = (body: unknown, status = 200) =>
  new Response(status === 204 ? null : JSON.stringify(body), { status });
const claimOf = (id: string, branch: string) => ({
  id,
  entityRef: 'dataproduct:default/orders',
  branch,
  change: 'create',
  by: 'service:external:ci',
  since: '2026-12-06T10:00:00.000Z',
  refreshWithinSeconds: 30,
});

/** A portal answering from `answer`, every call recorded. */
function portal(answer: (method: string) => Response) {
  const calls: Array<{
    method: string;
    url: string;
    auth: string;
    body?: any;
  }> = [];
  const target = {
    baseUrl: 'https://portal.example.com/api/data-mesh/',
    token: 'tok',
    fetch: (async (url: string, init: RequestInit) => {
      const method = init.method ?? 'GET';
      calls.push({
        method,
        url,
        auth: (init.headers as any).authorization,
        ...(init.body ? { body: JSON.parse(init.body as string) } : {}),
      });
      return answer(method);
    }) as unknown as typeof fetch,
  };
  return { target, calls };
}

describe('claims of sandboxes in the portal', () => {
  afterEach(() => jest.useRealTimers());

  it('claims each branch, names those another holds, keeps the claims fresh and ends them', async () => {
    jest.useFakeTimers();
    const busy =
      'the sandbox of feat_y of dataproduct:default/orders is being made (asked by user:default/aisha at 2026-12-06T09:59:00.000Z): run again once it is done';
    const { target, calls } = portal(method => {
      if (method === 'POST') {
        return calls.length === 1
          ? json(claimOf('c-1', 'feat_x'), 201)
          : json({ error: { name: 'ConflictError', message: busy } }, 409);
      }
      return method === 'PUT'
        ? json(claimOf('c-1', 'feat_x'))
        : json(undefined, 204);
    });
    const warned: string[] = [];
    const claims = await claimSandboxesInPortal(
      target,
      product,
      {
        branches: ['feat/x', 'feat_y'],
        change: 'delete',
        source: 'cli',
        reference: `https://ci.example.com/${'r'.repeat(600)}`,
      },
      line => warned.push(line),
    );
    expect(claims.busy).toEqual([{ branch: 'feat_y', message: busy }]);
    expect(claims.unclaimed).toBeUndefined();
    expect(calls.map(c => [c.method, c.url, c.auth])).toEqual([
      [
        'POST',
        'https://portal.example.com/api/data-mesh/products/default/orders/sandbox-claims',
        'Bearer tok',
      ],
      [
        'POST',
        'https://portal.example.com/api/data-mesh/products/default/orders/sandbox-claims',
        'Bearer tok',
      ],
    ]);
    const validator = createDataMeshApiValidator();
    for (const c of calls) {
      expect(validator.requestBody(CLAIMS, c.body)).toEqual([]);
    }
    expect(calls[0].body).toMatchObject({ branch: 'feat/x', change: 'delete' });

    // every 30 s while the change goes on, the claim held (only) is kept
    await jest.advanceTimersByTimeAsync(61_000);
    expect(calls.slice(2).map(c => [c.method, c.url])).toEqual([
      [
        'PUT',
        'https://portal.example.com/api/data-mesh/products/default/orders/sandbox-claims/c-1',
      ],
      [
        'PUT',
        'https://portal.example.com/api/data-mesh/products/default/orders/sandbox-claims/c-1',
      ],
    ]);
    await claims.end();
    expect(calls.slice(4).map(c => c.method)).toEqual(['DELETE']);
    // ended: no more refreshes
    await jest.advanceTimersByTimeAsync(120_000);
    expect(calls).toHaveLength(5);
    expect(warned).toEqual([]);
  });

  it('warns once of a claim the portal no longer holds', async () => {
    jest.useFakeTimers();
    const { target, calls } = portal(method =>
      method === 'POST'
        ? json(claimOf('c-2', 'feat_x'), 201)
        : json(
            {
              error: {
                name: 'NotFoundError',
                message:
                  'no sandbox claim c-2: it was ended, or went stale and was taken',
              },
            },
            404,
          ),
    );
    const warned: string[] = [];
    const claims = await claimSandboxesInPortal(
      target,
      product,
      { branches: ['feat_x'], change: 'create', source: 'template' },
      line => warned.push(line),
    );
    await jest.advanceTimersByTimeAsync(95_000);
    expect(warned).toEqual([
      'the portal no longer holds the sandbox of feat_x for this run: no sandbox claim c-2: it was ended, or went stale and was taken',
    ]);
    // not asked again
    expect(calls.map(c => c.method)).toEqual(['POST', 'PUT']);
    await claims.end();
  });

  it('goes on unclaimed, saying why, when the portal refuses the caller or cannot answer', async () => {
    const refused = portal(() =>
      json(
        {
          error: {
            name: 'NotAllowedError',
            message:
              'service:external:ci may not make sandboxes of dataproduct:default/orders: only its owners or an admin may',
          },
        },
        403,
      ),
    );
    const claims = await claimSandboxesInPortal(refused.target, product, {
      branches: ['feat_x', 'feat_y'],
      change: 'create',
      source: 'cli',
    });
    expect([claims.busy, claims.unclaimed]).toEqual([
      [],
      'the portal did not claim the sandbox (403): service:external:ci may not make sandboxes of dataproduct:default/orders: only its owners or an admin may',
    ]);
    // asked once, not once per branch
    expect(refused.calls).toHaveLength(1);
    await claims.end();
    expect(refused.calls).toHaveLength(1);

    const down = await claimSandboxesInPortal(
      {
        baseUrl: 'https://portal.example.com/api/data-mesh',
        token: 'tok',
        fetch: (async () => {
          throw new Error('connect ECONNREFUSED');
        }) as unknown as typeof fetch,
      },
      product,
      { branches: ['feat_x'], change: 'delete', source: 'cli' },
    );
    expect(down.unclaimed).toBe(
      'the portal could not be asked to claim the sandbox: connect ECONNREFUSED',
    );
  });

  it('waits, when asked, for a branch another holds, and gives up at the deadline', async () => {
    jest.useFakeTimers();
    const busy =
      'the sandbox of feat_x of dataproduct:default/orders is being made (asked by user:default/aisha at 2026-12-06T09:59:00.000Z): run again once it is done';
    let freeAfter = 3;
    const { target, calls } = portal(method => {
      if (method !== 'POST') return json(undefined, 204);
      return calls.length >= freeAfter
        ? json(claimOf('c-3', 'feat_x'), 201)
        : json({ error: { name: 'ConflictError', message: busy } }, 409);
    });
    const warned: string[] = [];
    const asking = claimSandboxesInPortal(
      target,
      product,
      { branches: ['feat_x'], change: 'delete', source: 'cli' },
      line => warned.push(line),
      { waitMs: 25_000, retryMs: 10_000 },
    );
    await jest.advanceTimersByTimeAsync(20_000);
    const claims = await asking;
    // asked three times, 10 s apart; the third was given
    expect([claims.busy, calls.map(c => c.method)]).toEqual([
      [],
      ['POST', 'POST', 'POST'],
    ]);
    expect(warned).toEqual([`waiting: ${busy}`]);
    await claims.end();

    // still held at the deadline: busy, as without waiting
    freeAfter = Infinity;
    const before = calls.length;
    const late = claimSandboxesInPortal(
      target,
      product,
      { branches: ['feat_x'], change: 'delete', source: 'cli' },
      () => {},
      { waitMs: 15_000, retryMs: 10_000 },
    );
    await jest.advanceTimersByTimeAsync(20_000);
    expect((await late).busy).toEqual([{ branch: 'feat_x', message: busy }]);
    expect(calls.length - before).toBe(2);
  });
});
