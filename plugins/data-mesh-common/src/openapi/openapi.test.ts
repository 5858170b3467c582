import {
  createDataMeshApiValidator,
  dataMeshApiOperations,
  dataMeshApiUrl,
  dataMeshOpenApiSpec,
} from '.';

describe('the OpenAPI document of the data-mesh backend', () => {
  it('resolves every reference and compiles every schema', () => {
    const refs: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref') refs.push(value as string);
          else walk(value);
        }
      }
    };
    walk(dataMeshOpenApiSpec);
    expect(refs.length).toBeGreaterThan(40);
    for (const ref of refs) {
      const target = ref
        .slice(2)
        .split('/')
        .reduce((node: any, key) => node?.[key], dataMeshOpenApiSpec);
      expect([ref, target !== undefined]).toEqual([ref, true]);
    }
    const validator = createDataMeshApiValidator();
    for (const operation of dataMeshApiOperations()) {
      const responses = (dataMeshOpenApiSpec.paths as any)[operation.path][
        operation.method
      ].responses;
      for (const status of Object.keys(responses)) {
        // compiling happens on first use; a broken schema throws here
        expect(
          Array.isArray(validator.response(operation, Number(status), {})),
        ).toBe(true);
      }
    }
  });

  it('lists every operation once, with an operation id', () => {
    const operations = dataMeshApiOperations();
    expect(operations.map(o => `${o.method} ${o.path}`).sort()).toEqual([
      'delete /products/{namespace}/{name}/leftovers/keep',
      'delete /products/{namespace}/{name}/sandbox-claims/{id}',
      'delete /products/{namespace}/{name}/sandboxes/{branch}',
      'get /access-requests',
      'get /access-requests/{id}/connection',
      'get /access/readers',
      'get /changes',
      'get /changes/latest',
      'get /governance',
      'get /governance/summary',
      'get /health',
      'get /infrastructure/drift',
      'get /infrastructure/leftovers',
      'get /infrastructure/leftovers/seen',
      'get /infrastructure/repairs',
      'get /infrastructure/repairs/{id}',
      'get /infrastructure/unexplained-grants',
      'get /lifecycle/{namespace}/{name}',
      'get /lifecycle/{namespace}/{name}/retirement',
      'get /products/{namespace}/{name}/infrastructure',
      'get /products/{namespace}/{name}/quality',
      'get /products/{namespace}/{name}/slos',
      'get /products/{namespace}/{name}/usage',
      'get /quality/failing',
      'get /quality/products',
      'get /slos',
      'get /spec-problems',
      'post /access-requests',
      'post /access-requests/record',
      'post /access-requests/{id}/approve',
      'post /access-requests/{id}/cancel',
      'post /access-requests/{id}/extend',
      'post /access-requests/{id}/reject',
      'post /access-requests/{id}/revoke',
      'post /infrastructure/repairs',
      'post /infrastructure/repairs/{id}/stop',
      'post /lifecycle/{namespace}/{name}/deprecation',
      'post /lifecycle/{namespace}/{name}/retirement',
      'post /products/{namespace}/{name}/access-drift/repair',
      'post /products/{namespace}/{name}/infrastructure/apply',
      'post /products/{namespace}/{name}/infrastructure/reports',
      'post /products/{namespace}/{name}/leftovers/drop',
      'post /products/{namespace}/{name}/observations',
      'post /products/{namespace}/{name}/quality/reports',
      'post /products/{namespace}/{name}/quality/run',
      'post /products/{namespace}/{name}/sandbox-claims',
      'post /products/{namespace}/{name}/sandboxes',
      'post /products/{namespace}/{name}/sandboxes/{branch}/keep',
      'post /specs/check',
      'put /products/{namespace}/{name}/leftovers/keep',
      'put /products/{namespace}/{name}/sandbox-claims/{id}',
    ]);
    const ids = operations.map(
      o => (dataMeshOpenApiSpec.paths as any)[o.path][o.method].operationId,
    );
    expect(new Set(ids).size).toBe(operations.length);
  });

  it('validates bodies: accepts a valid one, names what is wrong in another', () => {
    const validator = createDataMeshApiValidator();
    const fleet = { method: 'get', path: '/slos' } as const;
    const body = {
      total: 1,
      counts: { ok: 1, breaching: 0, noData: 0 },
      items: [
        {
          entityRef: 'dataproduct:default/orders',
          namespace: 'default',
          name: 'orders',
          status: 'ok',
          minErrorBudget: null,
          objectives: 1,
          breaching: 0,
          noData: 0,
          evaluatedAt: '2026-01-01T00:00:00.000Z',
        },
      ],
    };
    expect(validator.response(fleet, 200, body)).toEqual([]);
    const wrong = { ...body, items: [{ ...body.items[0], status: 'fine' }] };
    expect(validator.response(fleet, 200, wrong).join('\n')).toContain(
      '/items/0/status must be equal to one of the allowed values',
    );
    expect(validator.response(fleet, 418, body)).toEqual([
      'status 418 is not described',
    ]);
    const unauthorized = {
      error: { name: 'AuthenticationError', message: 'no token' },
      request: { method: 'GET', url: '/api/data-mesh/slos' },
      response: { statusCode: 401 },
    };
    expect(validator.response(fleet, 401, unauthorized)).toEqual([]);
    // an answer described without a body has none
    const end = {
      method: 'delete',
      path: '/products/{namespace}/{name}/sandbox-claims/{id}',
    } as const;
    expect(validator.response(end, 204, {})).toEqual([]);
    expect(validator.response(end, 204, { id: 'x' })).toEqual([
      'status 204 has no body',
    ]);
    const push = {
      method: 'post',
      path: '/products/{namespace}/{name}/observations',
    } as const;
    expect(validator.requestBody(push, { slo: 'fresh', passed: true })).toEqual(
      [],
    );
    expect(validator.requestBody(push, [])).not.toEqual([]);
  });

  it('fills and escapes path parameters', () => {
    expect(
      dataMeshApiUrl('/products/{namespace}/{name}/slos', {
        namespace: 'a/b',
        name: 'x?y',
      }),
    ).toBe('/products/a%2Fb/x%3Fy/slos');
    expect(dataMeshApiUrl('/slos', {})).toBe('/slos');
  });
});
