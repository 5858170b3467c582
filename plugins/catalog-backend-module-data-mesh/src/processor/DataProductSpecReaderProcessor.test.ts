import { mockServices } from '@backstage/backend-test-utils';
import type { UrlReaderService } from '@backstage/backend-plugin-api';
import { NotFoundError, NotModifiedError } from '@backstage/errors';
import type { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  CatalogProcessorCache,
  CatalogProcessorParser,
  CatalogProcessorResult,
} from '@backstage/plugin-catalog-node';
import { JsonValue } from '@backstage/types';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import { hasMagic } from 'glob';
import {
  DataProductSpecReaderProcessor,
  isGlob,
} from './DataProductSpecReaderProcessor';
import { isSealedHandOver, takeOver } from './handOver';

const FIXTURES = path.resolve(__dirname, '../__fixtures__/mesh');
const fixture = (name: string) =>
  fs.readFile(path.join(FIXTURES, name), 'utf8');

/** The catalog's cache semantics: reads see the last round, a round that sets anything replaces it. */
class RoundCache implements CatalogProcessorCache {
  private previous: Record<string, JsonValue> = {};
  private next?: Record<string, JsonValue>;
  async get<T extends JsonValue>(key: string) {
    return this.previous[key] as T | undefined;
  }
  async set<T extends JsonValue>(key: string, value: T) {
    this.next = { ...this.next, [key]: value };
  }
  endRound() {
    if (this.next) this.previous = this.next;
    this.next = undefined;
  }
}

/** A URL reader over an in-memory site with etags, as the SCM readers behave. */
class SiteReader implements UrlReaderService {
  reads: string[] = [];
  searches: string[] = [];
  constructor(
    private readonly files: Record<string, string>,
    private readonly canSearch = true,
  ) {}
  private etag(urls: string[]) {
    return `etag-${urls.map(u => this.files[u]?.length).join('-')}`;
  }
  async readUrl(url: string, options?: { etag?: string }) {
    this.reads.push(`${url} ${options?.etag ?? '(no etag)'}`);
    const text = this.files[url];
    if (text === undefined) throw new NotFoundError(`${url} not found`);
    const etag = this.etag([url]);
    if (options?.etag === etag) throw new NotModifiedError();
    return { buffer: async () => Buffer.from(text), etag };
  }
  async readTree(): Promise<never> {
    throw new Error('not used');
  }
  async search(pattern: string, options?: { etag?: string }) {
    this.searches.push(`${pattern} ${options?.etag ?? '(no etag)'}`);
    if (!this.canSearch) throw new Error('Unsupported search pattern URL');
    const re = new RegExp(
      `^${pattern
        .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')}$`,
    );
    const urls = Object.keys(this.files)
      .filter(u => re.test(u))
      .sort();
    const etag = this.etag(urls);
    if (options?.etag === etag) throw new NotModifiedError();
    return {
      etag,
      files: urls.map(url => ({
        url,
        content: async () => Buffer.from(this.files[url]),
      })),
    };
  }
}

const noParser: CatalogProcessorParser = async function* parse() {
  throw new Error('the entity YAML parser must not be used for spec files');
};

async function read(
  processor: DataProductSpecReaderProcessor,
  location: LocationSpec,
  options: {
    optional?: boolean;
    cache?: RoundCache;
    parser?: CatalogProcessorParser;
  } = {},
) {
  const results: CatalogProcessorResult[] = [];
  const cache = options.cache ?? new RoundCache();
  const handled = await processor.readLocation(
    location,
    options.optional ?? false,
    r => results.push(r),
    options.parser ?? noParser,
    cache,
  );
  cache.endRound();
  return {
    handled,
    entities: results.flatMap(r =>
      r.type === 'entity'
        ? [
            {
              name: r.entity.metadata.name,
              location: r.location,
              entity: r.entity,
            },
          ]
        : [],
    ),
    errors: results.flatMap(r =>
      r.type === 'error' ? [`${r.error.name}: ${r.error.message}`] : [],
    ),
    refresh: results.flatMap(r => (r.type === 'refresh' ? [r.key] : [])),
  };
}

describe('DataProductSpecReaderProcessor', () => {
  let tmp: string;
  const logger = mockServices.logger.mock();

  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'datamesh-reader-'));
    await fs.cp(FIXTURES, tmp, { recursive: true });
  });
  afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

  it('runs before the built-in readers and leaves other locations to them', async () => {
    const processor = new DataProductSpecReaderProcessor({
      reader: new SiteReader({}),
      logger,
    });
    expect(processor.getPriority()).toBeLessThan(20);
    for (const location of [
      { type: 'file', target: path.join(tmp, 'component.yaml') },
      { type: 'file', target: path.join(tmp, '**/*.yaml') },
      {
        type: 'url',
        target: 'https://git.example.test/org/repo/blob/main/catalog-info.yaml',
      },
      {
        type: 'github-discovery',
        target: 'https://github.com/org/*/blob/main/data_product_spec.yml',
      },
    ]) {
      expect(await read(processor, location)).toMatchObject({
        handled: false,
        entities: [],
        errors: [],
      });
    }
  });

  it('reads every spec file a file glob matches, each under its own location', async () => {
    const processor = new DataProductSpecReaderProcessor({
      reader: new SiteReader({}),
      logger,
    });
    const result = await read(processor, {
      type: 'file',
      target: path.join(tmp, '*/*.odps.yaml'),
    });
    expect(result.handled).toBe(true);
    expect(result.entities.map(e => [e.name, e.location])).toEqual([
      [
        'admissions',
        {
          type: 'file',
          target: path.join(tmp, 'admissions/admissions.odps.yaml'),
        },
      ],
    ]);
    expect(result.errors).toEqual([
      expect.stringMatching(
        /^InputError: .*hostile\.odps\.yaml: customProperties\[1\]\.value: product name/,
      ),
      expect.stringMatching(
        /^InputError: .*hostile\.odps\.yaml: outputPorts\[0\]\.name: port name/,
      ),
    ]);
    expect(result.refresh).toEqual([
      `file:${path.join(tmp, 'admissions/admissions.odps.yaml')}`,
      `file:${path.join(tmp, 'hostile/hostile.odps.yaml')}`,
    ]);
  });

  it('reports a missing file unless the location is optional', async () => {
    const processor = new DataProductSpecReaderProcessor({
      reader: new SiteReader({}),
      logger,
    });
    const target = path.join(tmp, 'nowhere/data_product_spec.yml');
    expect((await read(processor, { type: 'file', target })).errors).toEqual([
      `NotFoundError: file ${target} does not exist`,
    ]);
    expect(
      await read(processor, { type: 'file', target }, { optional: true }),
    ).toMatchObject({
      handled: true,
      entities: [],
      errors: [],
    });
  });

  it('reads a target without glob characters as that one file, as glob would', async () => {
    const processor = new DataProductSpecReaderProcessor({
      reader: new SiteReader({}),
      logger,
    });
    const target = path.join(tmp, 'admissions/admissions.odps.yaml');
    const result = await read(processor, { type: 'file', target });
    expect(result.entities.map(e => [e.name, e.location])).toEqual([
      ['admissions', { type: 'file', target }],
    ]);
    expect(result.errors).toEqual([]);
    expect(result.refresh).toEqual([`file:${target}`]);

    // a directory with a spec file's name, and a path below a file, match
    // no file (glob's nodir), so they are missing rather than unreadable
    const dir = path.join(tmp, 'folder.odps.yaml');
    await fs.mkdir(dir);
    const belowFile = path.join(target, 'data_product_spec.yml');
    for (const missing of [dir, belowFile]) {
      expect(
        (await read(processor, { type: 'file', target: missing })).errors,
      ).toEqual([`NotFoundError: file ${missing} does not exist`]);
    }
  });

  it('tells a pattern from a path as glob does, without asking glob about plain paths', () => {
    const options = { windowsPathsNoEscape: true, nodir: true };
    const cases = [
      'specs/data_product_spec.yml',
      'C:\\mesh\\a.odps.yaml',
      'a/*.odps.yaml',
      'a/**/data_product_spec.yml',
      'a/?.odps.yaml',
      'a/[ab].odps.yaml',
      'a/{x,y}/data_product_spec.yml',
      'a/{x}/data_product_spec.yml',
      'a/{1..3}/data_product_spec.yml',
      'a/+(x|y)/data_product_spec.yml',
      'a/@(x)/data_product_spec.yml',
      'a/!(x)/data_product_spec.yml',
      'a/(x)/data_product_spec.yml',
      'a/]/b.odps.yaml',
      'a/[/b.odps.yaml',
    ];
    // and random paths of the characters that matter
    const alphabet = 'ab/.\\*?[]{},()!+@|-';
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 5000; i++) {
      let text = '';
      const length = 1 + Math.floor(random() * 12);
      for (let j = 0; j < length; j++) {
        text += alphabet[Math.floor(random() * alphabet.length)];
      }
      cases.push(text);
    }
    const disagree = cases.filter(c => isGlob(c) !== hasMagic(c, options));
    expect(disagree).toEqual([]);
    expect(cases.filter(c => hasMagic(c, options)).length).toBeGreaterThan(
      1000,
    );
  });

  it('reads a url with its contracts and reuses both while their etags are unchanged', async () => {
    const base = 'https://git.example.test/mesh/admissions/';
    const reader = new SiteReader({
      [`${base}admissions.odps.yaml`]: await fixture(
        'admissions/admissions.odps.yaml',
      ),
      [`${base}admissions.odcs.yaml`]: await fixture(
        'admissions/admissions.odcs.yaml',
      ),
      [`${base}README.md`]: '# not a contract',
    });
    const processor = new DataProductSpecReaderProcessor({ reader, logger });
    const cache = new RoundCache();
    const location = { type: 'url', target: `${base}admissions.odps.yaml` };

    const first = await read(processor, location, { cache });
    expect(first.errors).toEqual([]);
    expect(first.entities).toHaveLength(1);
    expect(first.entities[0].location).toEqual(location);
    // handed over with the nested parts deflated, sealed as checked
    // (handOver.ts)
    expect(Object.keys(first.entities[0].entity.spec!)).toEqual([
      'type',
      'lifecycle',
      'owner',
      'domain',
      'certified',
      'deflated',
      'sealed',
    ]);
    expect(isSealedHandOver(first.entities[0].entity)).toBe(true);
    expect(
      (takeOver(first.entities[0].entity) as DataProductEntityV1alpha1).spec
        .datasets?.[0].columns,
    ).toHaveLength(3);
    expect(reader.reads).toEqual([`${base}admissions.odps.yaml (no etag)`]);
    // the directory is listed; readSpecFiles picks the contracts from it
    expect(reader.searches).toEqual([`${base}* (no etag)`]);

    // Unchanged: both reads answer "not modified" and the cache supplies the texts.
    const second = await read(processor, location, { cache });
    expect(second.entities.map(e => e.entity)).toEqual(
      first.entities.map(e => e.entity),
    );
    expect(reader.reads[1]).toMatch(/admissions\.odps\.yaml etag-\d+$/);
    expect(reader.searches[1]).toMatch(/admissions\/\* etag-[\d-]+$/);

    // A third round still has the cache: the second round wrote it back.
    const third = await read(processor, location, { cache });
    expect(third.entities.map(e => e.entity)).toEqual(
      first.entities.map(e => e.entity),
    );
  });

  it('finds contracts at a url whatever the case of their names, as on disk', async () => {
    const base = 'https://git.example.test/mesh/admissions/';
    const reader = new SiteReader({
      [`${base}admissions.odps.yaml`]: await fixture(
        'admissions/admissions.odps.yaml',
      ),
      [`${base}ADMISSIONS.ODCS.YAML`]: await fixture(
        'admissions/admissions.odcs.yaml',
      ),
    });
    const processor = new DataProductSpecReaderProcessor({ reader, logger });
    const result = await read(processor, {
      type: 'url',
      target: `${base}admissions.odps.yaml`,
    });
    expect(result.errors).toEqual([]);
    expect(
      (takeOver(result.entities[0].entity) as DataProductEntityV1alpha1).spec
        .datasets?.[0].columns,
    ).toHaveLength(3);
  });

  it('reads a url product without contracts when its reader cannot search, warning once', async () => {
    const url = 'http://files.example.test/admissions/admissions.odps.yaml';
    const reader = new SiteReader(
      { [url]: await fixture('admissions/admissions.odps.yaml') },
      false,
    );
    const warn = mockServices.logger.mock();
    const processor = new DataProductSpecReaderProcessor({
      reader,
      logger: warn,
    });
    for (let round = 0; round < 2; round++) {
      const result = await read(processor, { type: 'url', target: url });
      expect(result.errors).toEqual([]);
      expect(
        takeOver(result.entities[0].entity).spec?.datasets,
      ).toBeUndefined();
    }
    expect(warn.warn).toHaveBeenCalledTimes(1);
    expect(warn.warn).toHaveBeenCalledWith(
      expect.stringContaining('http://files.example.test/admissions/'),
    );
  });

  it('reports an unreadable url as an error of the location and never throws', async () => {
    const reader = new SiteReader({});
    const processor = new DataProductSpecReaderProcessor({ reader, logger });
    const target = 'https://git.example.test/mesh/gone/data_product_spec.yml';
    expect((await read(processor, { type: 'url', target })).errors).toEqual([
      `NotFoundError: Unable to read url, NotFoundError: ${target} not found`,
    ]);
    expect(
      (await read(processor, { type: 'url', target }, { optional: true }))
        .errors,
    ).toEqual([]);

    class BrokenReader extends SiteReader {
      async readUrl(): Promise<never> {
        throw new Error('socket hang up');
      }
    }
    const broken = new BrokenReader({});
    const result = await read(
      new DataProductSpecReaderProcessor({ reader: broken, logger }),
      { type: 'url', target },
    );
    expect(result).toMatchObject({
      handled: true,
      errors: ['Error: Unable to read url, Error: socket hang up'],
    });
  });
});
