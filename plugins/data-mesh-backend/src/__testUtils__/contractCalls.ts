import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createDataMeshApiValidator,
  dataMeshApiOperations,
} from '@datamesh/plugin-data-mesh-common';
import request from 'supertest';

/** The document's path template a request path is, e.g. `/products/{namespace}/{name}/slos`. */
function templateOf(path: string): string {
  const bare = path.replace(/\?.*$/, '');
  const found = [...new Set(dataMeshApiOperations().map(o => o.path))].find(
    template =>
      new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`).test(bare),
  );
  if (!found) throw new Error(`${bare} is not a path of the OpenAPI document`);
  return found;
}

/** Calls as `PIPELINE` are a service's (a CI token): `service:external:test-service`. */
export const PIPELINE = 'service';

/**
 * Calls of the data-mesh REST API as a signed-in example user (or a
 * service, as {@link PIPELINE}), each answer
 * (success or error) checked against the OpenAPI document, and the
 * product's audit trail as its owner `auditor` reads it.
 */
export function contractCalls(server: () => any, auditor: string) {
  const validator = createDataMeshApiValidator();
  const call = async (
    method: 'get' | 'post' | 'put' | 'delete',
    path: string,
    user: string,
    body?: object,
  ) => {
    const r = request(server())
      [method](`/api/data-mesh${path}`)
      .set(
        'Authorization',
        user === PIPELINE
          ? mockCredentials.service.header()
          : mockCredentials.user.header(`user:default/${user}`),
      );
    const res = await (body ? r.send(body) : r);
    expect(
      validator.response(
        { method, path: templateOf(path) as any },
        res.status,
        res.body,
      ),
    ).toEqual([]);
    return res;
  };
  /** The audit entries of a product (`default/<name>`) with this action. */
  const audited = async (name: string, action: string) => {
    const res = await call('get', `/lifecycle/default/${name}`, auditor);
    expect(res.status).toBe(200);
    return (res.body.audit as any[]).filter(a => a.action === action);
  };
  return { call, audited };
}
