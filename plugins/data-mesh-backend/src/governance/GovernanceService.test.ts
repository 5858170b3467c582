import fs from 'node:fs';
import path from 'node:path';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  type DataProductEntityV1alpha1,
  SourceDocument,
  toCatalogForm,
} from '@datamesh/plugin-data-mesh-common';
import { readGovernanceSettings } from '@datamesh/plugin-data-mesh-node';
import { createTestDatabases } from '../__testUtils__/databases';
import { GovernanceService } from './GovernanceService';

const FIXTURES = path.resolve(
  __dirname,
  '../../../data-mesh-common/src/governance/__fixtures__',
);
const load = (file: string): any =>
  new SourceDocument(fs.readFileSync(path.join(FIXTURES, file), 'utf8')).value;

const databases = createTestDatabases();
jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())('GovernanceService on %p', id => {
  async function database() {
    const db = await databases.init(id);
    await db.migrate.latest({
      directory: path.resolve(__dirname, '../../migrations'),
    });
    return db;
  }

  function products() {
    const visits: DataProductEntityV1alpha1 = load('visits.entity.yaml');
    visits.spec.infrastructure = { stage: 'prod' };
    const clean: DataProductEntityV1alpha1 = load('visits.entity.yaml');
    clean.metadata.name = 'visits-clean';
    clean.metadata.description = 'Visits';
    clean.metadata.tags = ['clinical'];
    clean.spec.datasets![0].columns[1].classification = 'restricted';
    const other: DataProductEntityV1alpha1 = load('visits.entity.yaml');
    other.metadata.name = 'beds';
    other.spec.domain = 'wards';
    other.spec.certified = false;
    return [visits, clean, other];
  }

  async function setup(
    slo: Map<string, any>,
    options: {
      db?: Awaited<ReturnType<typeof database>>;
      entities?: DataProductEntityV1alpha1[];
      now?: () => number;
      maxAgeMs?: number;
    } = {},
  ) {
    const service = new GovernanceService({
      db: options.db ?? (await database()),
      // the catalog stores products in its compact form
      catalog: catalogServiceMock({
        entities: (options.entities ?? products()).map(e => toCatalogForm(e)),
      }),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      rules: () =>
        readGovernanceSettings(
          new ConfigReader(load('app-config.governance.yaml')),
          { baseDir: FIXTURES },
        ),
      sloStatus: async () => slo,
      now: options.now ?? (() => Date.UTC(2026, 0, 1)),
      maxAgeMs: options.maxAgeMs,
    });
    return service;
  }

  it('judges certified against the SLO status, and stores results for the per-domain summary', async () => {
    const service = await setup(
      new Map([
        [
          'dataproduct:default/visits',
          { met: false, breached: ['1 of 1 objectives'] },
        ],
        ['dataproduct:default/visits-clean', { met: true, breached: [] }],
      ]),
    );
    const product = await service.product(
      'dataproduct:default/visits',
      mockCredentials.user(),
    );
    expect(product.stage).toBe('prod');
    expect(product.evaluatedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(
      Object.fromEntries(product.results.map(r => [r.ruleId, r.status])),
    ).toMatchObject({
      'pii-classified': 'fail',
      'certified-slos-met': 'fail',
      'has-description': 'fail',
      'tags-later': 'warn',
      'broken-rule': 'fail',
    });
    expect(
      product.results.find(r => r.ruleId === 'certified-slos-met')?.detail,
    ).toBe('breached: 1 of 1 objectives');
    expect(product.ruleProblems).toEqual([
      expect.stringMatching(
        /^governance-rules\.yaml: rules\[1\]\.expression: rule 'broken-rule' does not compile: .*\(line 8, column 17\)$/,
      ),
    ]);

    const summary = await service.summary();
    expect(
      summary.domains.map(d => [d.domain, d.products, d.compliant]),
    ).toEqual([
      ['domain:default/care', 2, 0],
      ['domain:default/wards', 1, 0],
    ]);
    const care = summary.domains[0];
    expect(care.rules).toEqual(
      expect.arrayContaining([
        { ruleId: 'broken-rule', fail: 2, warn: 0 },
        { ruleId: 'pii-classified', fail: 1, warn: 0 },
      ]),
    );
    // not certified: the SLO rule passes without an SLO status
    expect(summary.domains[1].counts['not-evaluated']).toBe(0);
  });

  it('serves the stored results until they are stale, then drops the products gone from the catalog', async () => {
    const db = await database();
    const T = Date.UTC(2026, 0, 1);
    let now = T;
    const options = { db, now: () => now, maxAgeMs: 60_000 };
    const [visits, clean] = products();
    const first = await setup(new Map(), options);
    const stored = await first.summary();
    expect(stored.evaluatedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(stored.domains.map(d => [d.domain, d.products])).toEqual([
      ['domain:default/care', 2],
      ['domain:default/wards', 1],
    ]);
    // within the maximum age: the stored rows, as evaluated then
    now = T + 30_000;
    expect(await first.summary()).toEqual(stored);

    // beds left the catalog; another instance (a replica) reads the same table
    const second = await setup(new Map(), {
      ...options,
      entities: [visits, clean],
    });
    now = T + 90_000;
    const fresh = await second.summary();
    expect(fresh.evaluatedAt).toBe('2026-01-01T00:01:30.000Z');
    expect(fresh.domains.map(d => [d.domain, d.products])).toEqual([
      ['domain:default/care', 2],
    ]);
    // the first instance's next refresh finds beds again (its catalog still has it)
    now = T + 200_000;
    expect(
      (await first.summary()).domains.map(d => [d.domain, d.products]),
    ).toEqual([
      ['domain:default/care', 2],
      ['domain:default/wards', 1],
    ]);
  });

  it('answers 404 for a product that does not exist', async () => {
    const service = await setup(new Map());
    await expect(
      service.product('dataproduct:default/nope', mockCredentials.user()),
    ).rejects.toThrow('no data product dataproduct:default/nope');
  });
});
