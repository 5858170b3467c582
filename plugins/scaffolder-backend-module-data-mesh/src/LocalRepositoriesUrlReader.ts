/*
 * Lets the catalog (and any plugin's UrlReaderService) read `file://` URLs
 * inside the local repositories directory, so that the scaffolder's own
 * `catalog:register` — which always registers a `url` location — can
 * register a product published by `datamesh:publish:local`.
 *
 * Only that directory is served: anyone allowed to register a location
 * could otherwise make the backend read any file on its host. Symlinks are
 * resolved before the check, and nothing under `.git` is served.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type {
  UrlReaderService,
  UrlReaderServiceReadTreeOptions,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchOptions,
  UrlReaderServiceSearchResponse,
} from '@backstage/backend-plugin-api';
import {
  NotAllowedError,
  NotFoundError,
  NotModifiedError,
} from '@backstage/errors';
import type { ReaderFactory } from '@backstage/backend-defaults/urlReader';
import { isReallyWithin, isWithin } from './paths';
import { readLocalRepositoriesConfig } from './localRepositories';

type TreeResponseFactory = Parameters<ReaderFactory>[0]['treeResponseFactory'];

const GLOB = /[*?[{]/;

/** `**` any depth, `*` and `?` within one segment; braces and classes are not supported. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * A UrlReaderService for `file://` URLs inside the local repositories
 * directory (`dataMesh.scaffolder.localRepositories.directory`).
 * @public
 */
export class LocalRepositoriesUrlReader implements UrlReaderService {
  /** For `urlReaderFactoriesServiceRef`. */
  static factory: ReaderFactory = ({ config, treeResponseFactory }) => {
    const { directory } = readLocalRepositoriesConfig(config);
    const reader = new LocalRepositoriesUrlReader(
      directory,
      treeResponseFactory,
    );
    return [{ reader, predicate: url => reader.handles(url) }];
  };

  constructor(
    private readonly directory: string,
    private readonly treeResponseFactory?: TreeResponseFactory,
  ) {}

  /** A `file:` URL of a path inside the directory, not inside a `.git`. */
  handles(url: URL): boolean {
    if (url.protocol !== 'file:' || (url.host && url.host !== 'localhost'))
      return false;
    let file: string;
    try {
      file = fileURLToPath(url);
    } catch {
      return false;
    }
    return (
      isWithin(this.directory, file) &&
      !path.relative(this.directory, file).split(path.sep).includes('.git')
    );
  }

  private fileOf(url: string): string {
    const parsed = new URL(url);
    if (!this.handles(parsed)) {
      throw new NotAllowedError(
        `${url} is not inside the local repositories directory ${this.directory}`,
      );
    }
    return fileURLToPath(parsed);
  }

  /** The existing file's real path, refused when a symlink leads out of the directory. */
  private async realFile(file: string): Promise<string> {
    try {
      await fs.access(file);
    } catch {
      throw new NotFoundError(`${pathToFileURL(file).href} does not exist`);
    }
    if (!isReallyWithin(this.directory, file)) {
      throw new NotAllowedError(
        `${
          pathToFileURL(file).href
        } leads outside the local repositories directory`,
      );
    }
    return fs.realpath(file);
  }

  async readUrl(
    url: string,
    options?: UrlReaderServiceReadUrlOptions,
  ): Promise<UrlReaderServiceReadUrlResponse> {
    const file = await this.realFile(this.fileOf(url));
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new NotFoundError(`${url} is not a file`);
    const data = await fs.readFile(file);
    const etag = createHash('sha256').update(data).digest('hex');
    if (options?.etag && options.etag === etag) {
      throw new NotModifiedError();
    }
    if (
      options?.lastModifiedAfter &&
      stat.mtime.getTime() <= options.lastModifiedAfter.getTime()
    ) {
      throw new NotModifiedError();
    }
    return {
      buffer: async () => data,
      stream: () => Readable.from(data),
      etag,
      lastModifiedAt: stat.mtime,
    };
  }

  /** Files under `root` (relative posix paths), without `.git`, not following symlinks out. */
  private async list(root: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string) => {
      for (const d of await fs.readdir(dir, { withFileTypes: true })) {
        if (d.name === '.git') continue;
        const full = path.join(dir, d.name);
        if (d.isDirectory()) await walk(full);
        else if (
          (d.isFile() || d.isSymbolicLink()) &&
          isReallyWithin(this.directory, full)
        ) {
          out.push(path.relative(root, full).split(path.sep).join('/'));
        }
      }
    };
    await walk(root);
    return out.sort();
  }

  async readTree(
    url: string,
    options?: UrlReaderServiceReadTreeOptions,
  ): Promise<UrlReaderServiceReadTreeResponse> {
    if (!this.treeResponseFactory) {
      throw new NotAllowedError('readTree needs a tree response factory');
    }
    const root = await this.realFile(this.fileOf(url));
    const files = await this.list(root);
    const hash = createHash('sha256');
    const entries = [];
    for (const rel of files) {
      const full = path.join(root, rel);
      const stat = await fs.stat(full);
      if (options?.filter && !options.filter(rel, { size: stat.size }))
        continue;
      const data = await fs.readFile(full);
      hash.update(rel).update('\0').update(data);
      entries.push({ rel, data, lastModifiedAt: stat.mtime });
    }
    const etag = hash.digest('hex');
    if (options?.etag && options.etag === etag) throw new NotModifiedError();
    return this.treeResponseFactory.fromReadableArray(
      entries.map(e => ({
        path: e.rel,
        data: Readable.from(e.data),
        lastModifiedAt: e.lastModifiedAt,
      })),
    );
  }

  async search(
    url: string,
    options?: UrlReaderServiceSearchOptions,
  ): Promise<UrlReaderServiceSearchResponse> {
    const file = this.fileOf(url);
    if (!GLOB.test(file)) {
      try {
        const res = await this.readUrl(url, { etag: options?.etag });
        return {
          etag: res.etag ?? '',
          files: [
            { url, content: res.buffer, lastModifiedAt: res.lastModifiedAt },
          ],
        };
      } catch (e) {
        if ((e as Error).name === 'NotFoundError')
          return { etag: '', files: [] };
        throw e;
      }
    }
    // the directory part up to the first glob character is walked
    const segments = file.split(path.sep);
    const firstGlob = segments.findIndex(s => GLOB.test(s));
    const base = segments.slice(0, firstGlob).join(path.sep) || path.sep;
    const pattern = globToRegExp(segments.slice(firstGlob).join('/'));
    let candidates: string[];
    try {
      candidates = await this.list(await this.realFile(base));
    } catch (e) {
      if ((e as Error).name === 'NotFoundError') return { etag: '', files: [] };
      throw e;
    }
    const matches = candidates.filter(rel => pattern.test(rel));
    const hash = createHash('sha256');
    const files = [];
    for (const rel of matches) {
      const full = path.join(base, rel);
      const data = await fs.readFile(full);
      const stat = await fs.stat(full);
      hash.update(rel).update('\0').update(data);
      files.push({
        url: pathToFileURL(full).href,
        content: async () => data,
        lastModifiedAt: stat.mtime,
      });
    }
    const etag = hash.digest('hex');
    if (options?.etag && options.etag === etag) throw new NotModifiedError();
    return { etag, files };
  }

  toString() {
    return `local-repositories{directory=${this.directory}}`;
  }
}
