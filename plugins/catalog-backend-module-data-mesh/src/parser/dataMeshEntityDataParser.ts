import type {
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import type { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  type CatalogProcessorParser,
  parseEntityYaml,
} from '@backstage/plugin-catalog-node';
import {
  type SpecFileIO,
  SourceDocument,
  detectSpecFormat,
} from '@datamesh/plugin-data-mesh-common';
import fs from 'node:fs/promises';
import { localFiles, specResults } from '../processor/specResults';

/**
 * A first line of defence that costs next to nothing on plain entity files:
 * an `apiVersion` that is OAM's (`core.oam.dev/…`) or a bare version tag as
 * ODPS writes it (`v1.0.0`). Only a file that passes is parsed a second time.
 */
const MAYBE_SPEC =
  /(?:^|[\n{,])\s*["']?apiVersion["']?\s*:\s*["']?(?:core\.oam\.dev\/|v?\d+\.\d+(?:\.\d+)?["']?\s*(?:[,}\n]|$))/;

/**
 * Whether a file's first document is a data product spec by its content:
 * an OAM DataProduct (`apiVersion: core.oam.dev/*`, `kind: DataProduct`) or
 * an ODPS product. Native `datamesh.dev` entities and every other entity
 * stay with the catalog's own YAML reader.
 */
export function isDataProductSpecContent(text: string): boolean {
  if (!MAYBE_SPEC.test(text)) return false;
  // the first document of a stream (an OAM product may carry its ODCS
  // contracts as further documents)
  const firstText = text.split(/^---[ \t]*$/m).find(part => part.trim());
  const first = firstText ? new SourceDocument(firstText).value : undefined;
  const format = detectSpecFormat(first);
  if (format === 'odps') return true;
  return (
    format === 'oam' &&
    (first as { kind?: unknown } | undefined)?.kind === 'DataProduct'
  );
}

/** Files beside a spec read through the URL reader; the spec itself is already read. */
function urlFiles(
  reader: UrlReaderService,
  target: string,
  text: string,
): SpecFileIO {
  const texts = new Map<string, () => Promise<string>>([
    [target, async () => text],
  ]);
  return {
    readText: async url => {
      const read =
        texts.get(url) ??
        (async () => (await (await reader.readUrl(url)).buffer()).toString());
      return read();
    },
    listSiblings: async () => {
      try {
        const response = await reader.search(
          `${new URL('./', target).toString()}*`,
        );
        for (const f of response.files) {
          texts.set(f.url, async () => (await f.content()).toString('utf8'));
        }
        return response.files.map(f => f.url);
      } catch {
        // a reader that cannot list (plain fetch): the product without contracts
        return [];
      }
    },
  };
}

function ioFor(
  reader: UrlReaderService,
  location: LocationSpec,
  text: string,
): SpecFileIO {
  if (location.type === 'url') return urlFiles(reader, location.target, text);
  return {
    ...localFiles,
    readText: async file =>
      file === location.target ? text : fs.readFile(file, 'utf8'),
  };
}

/**
 * The catalog's entity data parser, extended: a registered `.yaml`, `.yml`
 * or `.json` file whose content is an OAM DataProduct or an ODPS product is
 * read by the data mesh reader, whatever the file is called (the catalog's
 * YAML reader would reject it as a malformed envelope); everything else is
 * parsed exactly as the catalog does by default.
 * @public
 */
export function createDataMeshEntityDataParser(options: {
  reader: UrlReaderService;
  logger: LoggerService;
}): CatalogProcessorParser {
  return async function* dataMeshEntityDataParser({ data, location }) {
    const text = data.toString('utf8');
    if (!isDataProductSpecContent(text)) {
      yield* parseEntityYaml(data, location);
      return;
    }
    const io = ioFor(options.reader, location, text);
    yield* await specResults(location.target, location, io, options.logger);
  };
}
