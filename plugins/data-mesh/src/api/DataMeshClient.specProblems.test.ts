import { ResponseError } from '@backstage/errors';
import {
  errorResponse,
  fakeDataMeshBackend,
  jsonResponse,
} from '../__testUtils__/fakeBackend';
import {
  badDimension,
  missingOwner,
  passingCheck,
  specProblemsByOwner,
} from '../__testUtils__/specProblemFixtures';

describe('DataMeshClient spec problems', () => {
  const groups = ['group:default/clinical-data-team'];

  it('lists every failing spec file without parameters', async () => {
    const backend = fakeDataMeshBackend({
      '/spec-problems': specProblemsByOwner(
        [missingOwner, badDimension],
        groups,
      ),
    });
    const res = await backend.api.listSpecProblems();
    expect(res.items.map(p => p.file)).toEqual([
      missingOwner.file,
      badDimension.file,
    ]);
    expect(backend.requests[0].search).toBe('');
  });

  it('sends mine and owner as query parameters', async () => {
    const backend = fakeDataMeshBackend({
      '/spec-problems': specProblemsByOwner(
        [missingOwner, badDimension],
        groups,
      ),
    });
    const mine = await backend.api.listSpecProblems({ mine: true });
    expect(mine.items.map(p => p.file)).toEqual([badDimension.file]);
    expect(mine.total).toBe(2);
    await backend.api.listSpecProblems({ owner: 'group:default/x' });
    expect(backend.requests[0].searchParams.get('mine')).toBe('true');
    expect(backend.requests[1].searchParams.get('owner')).toBe(
      'group:default/x',
    );
  });

  it('posts the spec to check as JSON and returns the result', async () => {
    let posted: any;
    const backend = fakeDataMeshBackend({
      '/specs/check': (_url: URL, req: { method: string; body: any }) => {
        posted = { method: req.method, body: req.body };
        return jsonResponse(passingCheck);
      },
    });
    const res = await backend.api.checkSpec({ yaml: 'kind: DataProduct\n' });
    expect(posted).toEqual({
      method: 'POST',
      body: { yaml: 'kind: DataProduct\n' },
    });
    expect(res.plan?.lines).toEqual(passingCheck.plan!.lines);
  });

  it("surfaces the backend's refusal of a bad request", async () => {
    const backend = fakeDataMeshBackend({
      '/specs/check': () =>
        errorResponse(400, 'InputError', 'give either yaml or url'),
    });
    const err = await backend.api.checkSpec({}).catch(e => e);
    expect(err).toBeInstanceOf(ResponseError);
    expect(err.response.status).toBe(400);
    expect(err.body.error.message).toBe('give either yaml or url');
  });
});
