/*
 * The module inside a real catalog backend: real files on disk, a real HTTP
 * server behind a `url` location, the catalog's own processing loop,
 * stitching and REST API. Nothing of the catalog or of this module is
 * mocked; the only stand-in is a tiny URL reader for a made-up git host,
 * because no reader that can list a directory (as GitHub's can) reaches the
 * network here.
 */
import { urlReaderFactoriesServiceRef } from '@backstage/backend-defaults/urlReader';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  SchedulerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import {
  type DataProductEntityV1alpha1,
  fromCatalogForm,
} from '@datamesh/plugin-data-mesh-common';
import { minimatch } from 'minimatch';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { catalogModuleDataMesh } from './module';
import { DataProductSpecDiscoveryProvider } from './provider/DataProductSpecDiscoveryProvider';

jest.setTimeout(60_000);

const FIXTURES = path.resolve(__dirname, '__fixtures__/mesh');
const GIT_HOST = 'git.example.test';

let scheduler: SchedulerService;

/** Errors the catalog reported, by the target of the failing Location or the failing entity's ref. */
const processingErrors = new Map<string, string[]>();

/**
 * Records what the catalog hands its processing-error hook (it does not alter
 * processing), and gets hold of the catalog's scheduler, which in a test
 * backend runs tasks only when triggered.
 */
const testProbe = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-probe',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        catalogScheduler: coreServices.scheduler,
      },
      async init({ catalog, catalogScheduler }) {
        scheduler = catalogScheduler;
        catalog.setOnProcessingErrorHandler(({ unprocessedEntity, errors }) => {
          const key =
            unprocessedEntity.kind === 'Location'
              ? String(unprocessedEntity.spec?.target)
              : stringifyEntityRef(unprocessedEntity);
          processingErrors.set(
            key,
            errors.map(e => e.message),
          );
        });
      },
    });
  },
});

/**
 * A git host that serves a directory and can answer glob searches, like the
 * GitHub/GitLab readers do (the plain fetch reader cannot search).
 */
function gitHostReaderFactory(root: string) {
  const toFile = (url: string) =>
    path.join(root, decodeURIComponent(new URL(url).pathname));
  const reader: UrlReaderService = {
    async readUrl(url) {
      const data = await fs.readFile(toFile(url)).catch(() => {
        throw new NotFoundError(`${url} not found`);
      });
      return { buffer: async () => data, etag: undefined };
    },
    async readTree() {
      throw new Error('not needed');
    },
    async search(url) {
      const pattern = toFile(url);
      const dir = pattern.slice(0, pattern.lastIndexOf('/'));
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      const files = names
        .filter(n => minimatch(path.join(dir, n), pattern))
        .map(n => ({
          url: new URL(
            path.relative(root, path.join(dir, n)),
            `https://${GIT_HOST}/`,
          ).toString(),
          content: () => fs.readFile(path.join(dir, n)),
        }));
      return { files, etag: '' };
    },
  };
  return createServiceFactory({
    service: urlReaderFactoriesServiceRef,
    deps: {},
    async factory() {
      return () => [
        { reader, predicate: (url: URL) => url.hostname === GIT_HOST },
      ];
    },
  });
}

let tmp: string;
let server: http.Server;
let backend: TestBackend;
let baseUrl: string;
let httpHost: string;
const file = (...parts: string[]) => path.join(tmp, ...parts);

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'datamesh-catalog-'));
  await fs.cp(FIXTURES, tmp, { recursive: true });

  // A second ODPS product, served from the git host, to read its contract
  // through a directory search.
  await fs.mkdir(file('git', 'mesh', 'discharges'), { recursive: true });
  for (const [from, to] of [
    ['admissions.odps.yaml', 'discharges.odps.yaml'],
    ['admissions.odcs.yaml', 'discharges.odcs.yaml'],
  ]) {
    const text = await fs.readFile(file('admissions', from), 'utf8');
    await fs.writeFile(
      file('git', 'mesh', 'discharges', to),
      text
        .replace(/admissions/g, 'discharges')
        .replace(/Admissions/g, 'Discharges')
        .replace(
          /5b0a4f36-1f0e-4d7e-9a51-5d2b3c6f0a11/,
          '0c9e7a52-33a8-4c2e-8f4e-7f3c2d1b0a99',
        ),
    );
  }

  // Spec files for discovery, and one under node_modules that it must skip.
  for (const dir of [
    'discovered/lab',
    'discovered/node_modules/some-package',
  ]) {
    await fs.mkdir(file(dir), { recursive: true });
    const text = await fs.readFile(
      file('patients', 'data_product_spec.yml'),
      'utf8',
    );
    const name = dir.endsWith('lab') ? 'Lab Results' : 'Not Discovered';
    await fs.writeFile(
      file(dir, 'data_product_spec.yml'),
      text
        .replace('name: Patients', `name: ${name}`)
        .replace(/- name: patients\n/, '- name: results\n'),
    );
  }

  // The OAM product is served over plain HTTP, read by the real fetch reader.
  server = http.createServer(async (req, res) => {
    try {
      const data = await fs.readFile(
        path.join(
          tmp,
          decodeURIComponent(new URL(req.url!, 'http://x').pathname),
        ),
      );
      res.writeHead(200, { 'content-type': 'text/yaml' }).end(data);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  httpHost = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  backend = await startTestBackend({
    features: [
      import('@backstage/plugin-catalog-backend'),
      catalogModuleDataMesh,
      testProbe,
      gitHostReaderFactory(file('git')),
      mockServices.rootConfig.factory({
        data: {
          backend: { reading: { allow: [{ host: httpHost }] } },
          catalog: {
            processingInterval: { seconds: 1 },
            rules: [
              {
                allow: [
                  'Component',
                  'Group',
                  'Domain',
                  'Location',
                  'DataProduct',
                ],
              },
            ],
            locations: [
              { type: 'file', target: file('org.yaml') },
              { type: 'file', target: file('component.yaml') },
              {
                type: 'url',
                target: `http://${httpHost}/patients/data_product_spec.yml`,
              },
              {
                type: 'file',
                target: file('admissions', 'admissions.odps.yaml'),
              },
              {
                type: 'url',
                target: `https://${GIT_HOST}/mesh/discharges/discharges.odps.yaml`,
              },
              {
                type: 'file',
                target: file('readmissions', 'catalog-info.yaml'),
              },
              { type: 'file', target: file('wrong-port.yaml') },
              { type: 'file', target: file('broken', 'data_product_spec.yml') },
              { type: 'file', target: file('hostile', 'hostile.odps.yaml') },
            ],
          },
          dataMesh: {
            catalog: {
              discovery: [`${file('discovered')}/**/data_product_spec.yml`],
            },
          },
        },
      }),
    ],
  });
  baseUrl = `http://localhost:${backend.server.port()}/api/catalog`;
});

afterAll(async () => {
  await backend?.stop();
  await new Promise(resolve => server?.close(resolve));
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

/** Polls until `probe` returns a value, or fails with what it was waiting for. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

async function getEntity(ref: string): Promise<Entity | undefined> {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  const res = await fetch(
    `${baseUrl}/entities/by-name/${kind}/${namespace}/${name}`,
  );
  if (res.status === 404) return undefined;
  expect(res.status).toBe(200);
  return res.json();
}

/** The datasets of a served product, read back from the catalog form. */
function datasetsOf(entity: Entity) {
  return fromCatalogForm(entity).spec?.datasets;
}

function relationsOf(entity: Entity): string[] {
  return (entity.relations ?? []).map(r => `${r.type} ${r.targetRef}`);
}

/** Waits until the entity exists and carries all the given relations (stitching is asynchronous). */
async function withRelations(
  ref: string,
  relations: string[],
): Promise<Entity> {
  return eventually(`${ref} with ${relations.join(', ')}`, async () => {
    const entity = await getEntity(ref);
    return entity && relations.every(r => relationsOf(entity).includes(r))
      ? entity
      : undefined;
  });
}

function errorsFor(key: string): Promise<string[]> {
  return eventually(`processing errors for ${key}`, async () =>
    processingErrors.get(key),
  );
}

/** 1-based line of the first line of a fixture containing `needle`. */
async function lineOf(fixture: string, needle: string): Promise<number> {
  const lines = (await fs.readFile(path.join(FIXTURES, fixture), 'utf8')).split(
    '\n',
  );
  const index = lines.findIndex(l => l.includes(needle));
  expect(index).toBeGreaterThanOrEqual(0);
  return index + 1;
}

describe('catalog module data-mesh in a real catalog backend', () => {
  it('reads all three formats into DataProduct entities', async () => {
    const oam = await withRelations('dataproduct:default/patients', []);
    expect(oam.apiVersion).toBe('datamesh.dev/v1alpha1');
    expect(oam.metadata.annotations).toMatchObject({
      'datamesh.dev/spec-format': 'oam',
      'backstage.io/view-url': expect.stringMatching(
        /^http:\/\/127\.0\.0\.1:\d+\/patients\/data_product_spec\.yml$/,
      ),
      'backstage.io/managed-by-location': expect.stringMatching(
        /^url:http:\/\/127\.0\.0\.1:\d+\/patients\/data_product_spec\.yml$/,
      ),
    });
    expect(oam.spec).toMatchObject({
      type: 'source-aligned',
      certified: true,
      outputPorts: [{ name: 'jdbc' }],
    });

    // ODPS from a file location: the columns come from the ODCS contract next to it.
    const odps = await withRelations('dataproduct:default/admissions', []);
    expect(odps.metadata.annotations).toMatchObject({
      'datamesh.dev/spec-format': 'odps',
      'backstage.io/managed-by-location': `file:${file(
        'admissions',
        'admissions.odps.yaml',
      )}`,
    });
    expect(datasetsOf(odps)).toEqual([
      expect.objectContaining({
        name: 'admissions',
        columns: [
          expect.objectContaining({
            name: 'admission_id',
            type: 'varchar(20)',
            primaryKey: true,
          }),
          expect.objectContaining({
            name: 'patient_key',
            classification: 'restricted',
            pii: true,
          }),
          expect.objectContaining({ name: 'admitted_at', type: 'timestamp' }),
        ],
      }),
    ]);

    // ODPS from a url location whose reader can search: the contract is found the same way.
    const fromGit = await withRelations('dataproduct:default/discharges', []);
    expect(fromGit.metadata.annotations?.['backstage.io/view-url']).toBe(
      `https://${GIT_HOST}/mesh/discharges/discharges.odps.yaml`,
    );
    expect(datasetsOf(fromGit)).toEqual([
      expect.objectContaining({
        name: 'discharges',
        columns: expect.arrayContaining([
          expect.objectContaining({ name: 'patient_key', pii: true }),
        ]),
      }),
    ]);

    // The native entity, read by the catalog's own YAML reader.
    const native = await withRelations('dataproduct:default/readmissions', []);
    expect(native.metadata.annotations?.['datamesh.dev/spec-format']).toBe(
      'entity',
    );
    expect(native.spec).toMatchObject({
      type: 'consumer-aligned',
      owner: 'analytics',
    });

    const res = await fetch(
      `${baseUrl}/entities?filter=kind=DataProduct&fields=metadata.name`,
    );
    const names = ((await res.json()) as Entity[]).map(e => e.metadata.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'patients',
        'admissions',
        'discharges',
        'readmissions',
      ]),
    );
    expect(names).not.toContain('broken-patients');
    expect(names).not.toContain('hostile');
  });

  it('stores the nested parts as JSON text, out of the catalog filter table, and keeps the filtered fields', async () => {
    const patients = await withRelations('dataproduct:default/patients', []);
    const stored = patients.spec as Record<string, unknown>;
    expect(typeof stored.slos).toBe('string');
    expect(stored.datasets).toEqual([
      { name: 'patients', json: expect.any(String) },
    ]);
    expect(stored.outputPorts).toEqual([
      { name: 'jdbc', json: expect.any(String) },
    ]);
    const canonical = fromCatalogForm(
      patients as DataProductEntityV1alpha1,
    ).spec;
    expect(canonical.slos).toEqual([
      expect.objectContaining({ dimension: 'freshness' }),
    ]);
    expect(canonical.datasets).toEqual([
      expect.objectContaining({ name: 'patients', columns: expect.any(Array) }),
    ]);
    expect(canonical.outputPorts![0]).toMatchObject({ name: 'jdbc' });

    const matching = async (filter: string) => {
      const res = await fetch(
        `${baseUrl}/entities?filter=${encodeURIComponent(
          filter,
        )}&fields=metadata.name`,
      );
      expect(res.status).toBe(200);
      return ((await res.json()) as Entity[]).map(e => e.metadata.name).sort();
    };
    // What the app and people filter on still filters: kind, type, owner,
    // lifecycle, certified, tags, dataset and output port names ...
    expect(
      await matching('kind=DataProduct,spec.datasets.name=admissions'),
    ).toEqual(['admissions']);
    expect(await matching('spec.outputPorts.name=readmissions-sql')).toEqual([
      'readmissions',
    ]);
    const consumerAligned = await matching(
      'kind=DataProduct,spec.type=consumer-aligned',
    );
    expect(consumerAligned).toContain('readmissions');
    expect(consumerAligned).not.toContain('patients');
    const ownedByAnalytics = await matching(
      'kind=DataProduct,spec.owner=analytics',
    );
    expect(ownedByAnalytics).toContain('readmissions');
    expect(ownedByAnalytics).not.toContain('patients');
    expect(
      await matching(
        `kind=DataProduct,spec.lifecycle=${canonical.lifecycle},spec.certified=${canonical.certified}`,
      ),
    ).toContain('patients');
    // ... the nested details no longer do (columns are found through the
    // DataProduct search collator instead).
    expect(await matching('spec.datasets.table=admissions')).toEqual([]);
    expect(await matching('spec.datasets.columns.name=admission_id')).toEqual(
      [],
    );
    expect(await matching('spec.datasets.columns.pii=true')).toEqual([]);
    expect(await matching('spec.slos.dimension=freshness')).toEqual([]);

    // A field selection of a part fetches the same part in either form.
    const res = await fetch(
      `${baseUrl}/entities?filter=kind=DataProduct,metadata.name=patients&fields=kind,metadata.name,spec.slos`,
    );
    const [selected] = (await res.json()) as Entity[];
    expect(fromCatalogForm(selected).spec).toEqual({ slos: canonical.slos });
  });

  it('emits ownership, domain and lineage relations in both directions', async () => {
    await withRelations('dataproduct:default/readmissions', [
      'ownedBy group:default/analytics',
      'partOf domain:default/population-health',
      'dependsOn dataproduct:default/admissions',
      'dependsOn dataproduct:default/patients',
    ]);
    await withRelations('dataproduct:default/admissions', [
      'ownedBy group:default/clinical-data',
      'partOf domain:default/clinical',
      'dependsOn dataproduct:default/patients',
      'dependencyOf dataproduct:default/readmissions',
    ]);
    await withRelations('dataproduct:default/patients', [
      'ownedBy group:default/clinical-data',
      'dependencyOf dataproduct:default/admissions',
      'dependencyOf dataproduct:default/readmissions',
    ]);
    await withRelations('group:default/clinical-data', [
      'ownerOf dataproduct:default/patients',
      'ownerOf dataproduct:default/admissions',
    ]);
    await withRelations('group:default/analytics', [
      'ownerOf dataproduct:default/readmissions',
    ]);
    await withRelations('domain:default/clinical', [
      'hasPart dataproduct:default/patients',
      'hasPart dataproduct:default/admissions',
    ]);
    await withRelations('domain:default/population-health', [
      'hasPart dataproduct:default/readmissions',
    ]);

    // The lineage graph is queryable in one round trip, as the frontend does.
    const res = await fetch(`${baseUrl}/entities/by-refs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        entityRefs: [
          'dataproduct:default/patients',
          'dataproduct:default/nonexistent',
        ],
        fields: ['metadata.name', 'relations'],
      }),
    });
    const { items } = (await res.json()) as { items: (Entity | null)[] };
    expect(items[1]).toBeNull();
    expect(relationsOf(items[0]!)).toContain(
      'dependencyOf dataproduct:default/readmissions',
    );
  });

  it('reports a broken spec as an error of its location, with file, path and line', async () => {
    const target = file('broken', 'data_product_spec.yml');
    const line = await lineOf('broken/data_product_spec.yml', 'Vibes');
    const expected = `${target}: components[5].properties.dimension: 'Vibes' is not one of availability, completeness, freshness (line ${line}, column 9)`;
    expect(await errorsFor(target)).toEqual([expected]);
    // the same file through Register existing component: registerDryRun.test.ts
  });

  it('rejects hostile names with located errors', async () => {
    const target = file('hostile', 'hostile.odps.yaml');
    const errors = await errorsFor(target);
    expect(errors).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${escape(
            target,
          )}: customProperties\\[1\\]\\.value: product name 'x"; DROP TABLE patients; --' .*\\(line ${await lineOf(
            'hostile/hostile.odps.yaml',
            'DROP TABLE',
          )}, column \\d+\\)$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^${escape(
            target,
          )}: outputPorts\\[0\\]\\.name: port name 'port'\\); DROP ROLE admin; --' .*\\(line ${await lineOf(
            'hostile/hostile.odps.yaml',
            'DROP ROLE',
          )}, column \\d+\\)$`,
        ),
      ),
    ]);
  });

  it('keeps ingesting everything else', async () => {
    const component = await withRelations('component:default/patient-portal', [
      'ownedBy group:default/clinical-data',
    ]);
    expect(component.spec?.type).toBe('website');
    // The broken and hostile files reported only their own problems.
    for (const [key, messages] of processingErrors) {
      if (
        key.includes('broken') ||
        key.includes('hostile') ||
        key === 'dataproduct:default/wrong-port'
      )
        continue;
      throw new Error(
        `unexpected processing errors for ${key}: ${messages.join('; ')}`,
      );
    }
  });

  it('reports an input port naming an output port the upstream product does not have', async () => {
    expect(await errorsFor('dataproduct:default/wrong-port')).toEqual([
      "spec.inputPorts[1].outputPort: dataproduct:default/patients has no output port 'jdbc2' (its ports: jdbc)",
    ]);
  });

  it('discovers spec files on disk and follows their removal', async () => {
    const taskId = DataProductSpecDiscoveryProvider.taskId;
    await eventually(
      'the discovery task',
      async () =>
        (await scheduler.getScheduledTasks()).some(t => t.id === taskId) ||
        undefined,
    );
    await scheduler.triggerTask(taskId);

    const lab = await withRelations('dataproduct:default/lab-results', [
      'ownedBy group:default/clinical-data',
    ]);
    expect(lab.metadata.annotations?.['backstage.io/managed-by-location']).toBe(
      `file:${file('discovered', 'lab', 'data_product_spec.yml')}`,
    );
    expect(
      await getEntity('dataproduct:default/not-discovered'),
    ).toBeUndefined();

    await fs.rm(file('discovered', 'lab'), { recursive: true });
    await scheduler.triggerTask(taskId);
    await eventually('lab-results to be removed', async () =>
      (await getEntity('dataproduct:default/lab-results')) ? undefined : true,
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
