/*
 * "Register existing component" with a spec URL: the catalog-import page
 * asks the catalog for a dry run (`POST /locations?dryRun=true`) before it
 * registers anything, and shows what that returns. Here the real catalog
 * backend with this module reads spec files from a loopback HTTP server
 * through the real fetch reader: a broken spec answers with the reader's
 * located error, a valid one with the DataProduct entity, and neither is
 * registered.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { catalogModuleDataMesh } from './module';

jest.setTimeout(60_000);

const FIXTURES = path.resolve(__dirname, '__fixtures__/mesh');

let server: http.Server;
let backend: Awaited<ReturnType<typeof startTestBackend>>;
let specs: string;
let catalog: string;

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    const file = path.join(
      FIXTURES,
      path.normalize(
        decodeURIComponent(new URL(req.url!, 'http://x').pathname),
      ),
    );
    try {
      const data = await fs.readFile(file);
      res.writeHead(200, { 'content-type': 'text/yaml' }).end(data);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  specs = `http://${host}`;

  backend = await startTestBackend({
    features: [
      import('@backstage/plugin-catalog-backend'),
      catalogModuleDataMesh,
      mockServices.rootConfig.factory({
        data: {
          backend: { reading: { allow: [{ host }] } },
          catalog: {
            rules: [{ allow: ['Location', 'DataProduct'] }],
          },
        },
      }),
    ],
  });
  catalog = `http://localhost:${backend.server.port()}/api/catalog`;
});

afterAll(async () => {
  await backend?.stop();
  await new Promise(resolve => server?.close(resolve));
});

/** The dry run the Register existing component page sends for a file URL. */
function dryRun(target: string) {
  return fetch(`${catalog}/locations?dryRun=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'url', target }),
  });
}

/** Nothing was registered: no location, no entity. */
async function expectNothingRegistered() {
  const locations = (await (await fetch(`${catalog}/locations`)).json()) as {
    data: { target: string };
  }[];
  expect(locations.map(l => l.data.target)).toEqual([]);
  const { items } = (await (
    await fetch(`${catalog}/entities/by-query?filter=kind=dataproduct`)
  ).json()) as { items: Entity[] };
  expect(items).toEqual([]);
}

describe('Register existing component: the dry run of a spec URL', () => {
  it('shows the located error of a broken spec', async () => {
    const url = `${specs}/broken/data_product_spec.yml`;
    const lines = (
      await fs.readFile(
        path.join(FIXTURES, 'broken/data_product_spec.yml'),
        'utf8',
      )
    ).split('\n');
    const line = lines.findIndex(l => l.includes('Vibes')) + 1;
    expect(line).toBeGreaterThan(0);

    const res = await dryRun(url);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toBe(
      `InputError: ${url}: components[5].properties.dimension: 'Vibes' is not one of availability, completeness, freshness (line ${line}, column 9)`,
    );
    await expectNothingRegistered();
  });

  it('returns the DataProduct entity of a valid spec', async () => {
    const url = `${specs}/patients/data_product_spec.yml`;
    const res = await dryRun(url);
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      exists: boolean;
      location: { type: string; target: string };
      entities: Entity[];
    };
    expect(body.exists).toBe(false);
    expect(body.location).toMatchObject({ type: 'url', target: url });
    expect(body.entities.map(e => `${e.kind}:${e.metadata.name}`)).toEqual([
      expect.stringMatching(/^Location:generated-/),
      'DataProduct:patients',
    ]);
    const product = body.entities[1];
    expect(product.apiVersion).toBe('datamesh.dev/v1alpha1');
    expect(product.metadata.annotations).toMatchObject({
      'datamesh.dev/spec-format': 'oam',
      'backstage.io/managed-by-location': `url:${url}`,
    });
    expect(product.spec).toMatchObject({
      owner: 'group:default/clinical-data',
      domain: 'domain:default/clinical',
    });
    await expectNothingRegistered();
  });
});
