import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type UrlReaderService,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { LocalRepositoriesUrlReader } from './LocalRepositoriesUrlReader';
import { localRepositoriesUrlReaderFactory } from './module';
import { tempDir } from './testing';

const url = (p: string) => pathToFileURL(p).href;

describe('LocalRepositoriesUrlReader', () => {
  let root: string;
  let directory: string;
  let reader: LocalRepositoriesUrlReader;
  beforeEach(() => {
    root = tempDir('reader');
    directory = path.join(root, 'repos');
    const repo = path.join(directory, 'orders');
    fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
    fs.mkdirSync(path.join(repo, 'contracts'));
    fs.writeFileSync(path.join(repo, 'catalog-info.yaml'), 'kind: Location\n');
    fs.writeFileSync(path.join(repo, 'contracts', 'a.odcs.yaml'), 'a\n');
    fs.writeFileSync(path.join(repo, 'contracts', 'b.odcs.yaml'), 'b\n');
    fs.writeFileSync(path.join(repo, 'contracts', 'c.txt'), 'c\n');
    fs.writeFileSync(path.join(repo, '.git', 'config'), '[core]\n');
    fs.writeFileSync(path.join(root, 'secret.txt'), 'secret\n');
    // a committed symlink that points out of the directory
    fs.symlinkSync(path.join(root, 'secret.txt'), path.join(repo, 'leak.txt'));
    reader = new LocalRepositoriesUrlReader(directory);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('claims file URLs inside the directory only', () => {
    const inside = path.join(directory, 'orders', 'catalog-info.yaml');
    expect(reader.handles(new URL(url(inside)))).toBe(true);
    expect(reader.handles(new URL(url(path.join(root, 'secret.txt'))))).toBe(
      false,
    );
    expect(reader.handles(new URL(`${url(directory)}/../secret.txt`))).toBe(
      false,
    );
    expect(
      reader.handles(
        new URL(url(path.join(directory, 'orders', '.git', 'config'))),
      ),
    ).toBe(false);
    expect(reader.handles(new URL('file://evil.example.com/etc/passwd'))).toBe(
      false,
    );
    expect(reader.handles(new URL('https://example.com/repos/orders'))).toBe(
      false,
    );
  });

  it('reads a file, with an ETag that says when it has not changed', async () => {
    const target = url(path.join(directory, 'orders', 'catalog-info.yaml'));
    const res = await reader.readUrl(target);
    expect((await res.buffer()).toString()).toBe('kind: Location\n');
    await expect(
      reader.readUrl(target, { etag: res.etag }),
    ).rejects.toMatchObject({
      name: 'NotModifiedError',
    });
    fs.writeFileSync(
      path.join(directory, 'orders', 'catalog-info.yaml'),
      'changed\n',
    );
    expect(
      (
        await (await reader.readUrl(target, { etag: res.etag })).buffer()
      ).toString(),
    ).toBe('changed\n');
  });

  it('refuses what is outside, under .git, or behind a symlink that leads out', async () => {
    await expect(
      reader.readUrl(url(path.join(root, 'secret.txt'))),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
    await expect(
      reader.readUrl(url(path.join(directory, 'orders', '.git', 'config'))),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(
      reader.readUrl(url(path.join(directory, 'orders', 'leak.txt'))),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(
      reader.readUrl(url(path.join(directory, 'orders', 'missing.yaml'))),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('searches one file or a glob, never listing what it would refuse to read', async () => {
    const exact = await reader.search(
      url(path.join(directory, 'orders', 'catalog-info.yaml')),
    );
    expect(exact.files.map(f => f.url)).toEqual([
      url(path.join(directory, 'orders', 'catalog-info.yaml')),
    ]);
    const glob = await reader.search(
      `${url(path.join(directory, 'orders', 'contracts'))}/*.odcs.yaml`,
    );
    expect(glob.files.map(f => path.basename(new URL(f.url).pathname))).toEqual(
      ['a.odcs.yaml', 'b.odcs.yaml'],
    );
    expect((await glob.files[1].content()).toString()).toBe('b\n');
    const all = await reader.search(
      `${url(path.join(directory, 'orders'))}/**`,
    );
    expect(
      all.files
        .map(f => path.relative(directory, new URL(f.url).pathname))
        .sort(),
    ).toEqual([
      'orders/catalog-info.yaml',
      'orders/contracts/a.odcs.yaml',
      'orders/contracts/b.odcs.yaml',
      'orders/contracts/c.txt',
    ]);
    const none = await reader.search(
      url(path.join(directory, 'orders', 'nope.yaml')),
    );
    expect(none.files).toEqual([]);
  });

  it("serves every plugin's UrlReaderService once the service factory is installed", async () => {
    let urlReader: UrlReaderService | undefined;
    const probe = createBackendPlugin({
      pluginId: 'probe',
      register(reg) {
        reg.registerInit({
          deps: { urlReader: coreServices.urlReader },
          async init(deps) {
            urlReader = deps.urlReader;
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        probe,
        localRepositoriesUrlReaderFactory,
        mockServices.rootConfig.factory({
          data: {
            dataMesh: { scaffolder: { localRepositories: { directory } } },
          },
        }),
      ],
    });
    try {
      const res = await urlReader!.readUrl(
        url(path.join(directory, 'orders', 'catalog-info.yaml')),
      );
      expect((await res.buffer()).toString()).toBe('kind: Location\n');
      const tree = await urlReader!.readTree(
        url(path.join(directory, 'orders')),
      );
      const files = await tree.files();
      expect(files.map(f => f.path).sort()).toEqual([
        'catalog-info.yaml',
        'contracts/a.odcs.yaml',
        'contracts/b.odcs.yaml',
        'contracts/c.txt',
      ]);
      // other file URLs stay unreadable
      await expect(
        urlReader!.readUrl(url(path.join(root, 'secret.txt'))),
      ).rejects.toThrow(/not allowed/i);
    } finally {
      await backend.stop();
    }
  });
});
