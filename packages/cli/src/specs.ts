/*
 * Reading spec files from disk into the canonical model.
 *
 * Everything that can go wrong (a missing file, bad YAML, a wrong spec) comes
 * back as located issues, so one broken file never stops the others.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parseDocument } from 'yaml';
import {
  type ReadResult,
  type SpecFormat,
  type SpecIssue,
  detectSpecFormat,
  readDataProductSpec,
} from '@datamesh/plugin-data-mesh-common';

/** The ODCS contract files that accompany an ODPS product in its directory. */
export const CONTRACT_FILE = /\.odcs\.(ya?ml|json)$/i;

/** A spec file read from disk: the reader's result, plus the contracts used. */
export interface LoadedSpec extends ReadResult {
  file: string;
  /** Contract files read with an ODPS product (paths as shown in messages). */
  contractFiles: string[];
}

function fileIssue(file: string, message: string): SpecIssue {
  return { severity: 'error', file, path: '(document)', message };
}

/**
 * The text of document `index` of a YAML stream, with everything before it
 * blanked out character by character, so that lines and columns in issues
 * are those of the whole file.
 */
function documentText(text: string, start: number, end: number): string {
  return text.slice(0, start).replace(/[^\n]/g, ' ') + text.slice(start, end);
}

/**
 * Contracts written next to the product: `*.odcs.yaml|yml|json` in the same
 * directory, as the catalog module reads them.
 */
function contractsBeside(file: string): { text: string; file: string }[] {
  const dir = path.dirname(file);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter(name => CONTRACT_FILE.test(name))
    .sort()
    .map(name => {
      const contractFile = path.join(dir, name);
      return {
        text: fs.readFileSync(contractFile, 'utf8'),
        file: contractFile,
      };
    });
}

/**
 * Read one spec file: OAM `data_product_spec.yml`, an ODPS product (with the
 * ODCS contracts beside it, or following it in the same YAML stream as
 * `datamesh convert --to odps` writes them), or a native entity.
 */
export function loadSpecFile(
  file: string,
  options: { format?: SpecFormat } = {},
): LoadedSpec {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reasons: Record<string, string> = {
      ENOENT: 'no such file',
      EISDIR: 'is a directory, not a spec file',
    };
    const reason = reasons[err.code ?? ''] ?? err.message;
    return { file, contractFiles: [], issues: [fileIssue(file, reason)] };
  }

  // A YAML stream whose first document is an ODPS product carries its
  // contracts in the documents after it.
  const documents = parseAllDocuments(text);
  const docs = Array.isArray(documents) ? documents : [];
  if (docs.length > 1 && docs.every(d => d.errors.length === 0)) {
    const first = docs[0];
    const format =
      options.format ?? detectSpecFormat(first.toJS(), file) ?? undefined;
    if (format === 'odps') {
      const productText = documentText(text, first.range[0], first.range[2]);
      const contracts = docs.slice(1).map(d => ({
        text: documentText(text, d.range[0], d.range[2]),
        file,
      }));
      return {
        file,
        contractFiles: [],
        ...readDataProductSpec(productText, { file, format, contracts }),
      };
    }
  }

  let format = options.format;
  if (!format) {
    const doc = parseDocument(text);
    format =
      doc.errors.length === 0
        ? detectSpecFormat(doc.toJS(), file)
        : detectSpecFormat(undefined, file);
  }
  const contracts = format === 'odps' ? contractsBeside(file) : [];
  return {
    file,
    contractFiles: contracts.map(c => c.file),
    ...readDataProductSpec(text, {
      file,
      // leave detection (and its "not a data product spec" message) to the reader
      ...(options.format ? { format: options.format } : {}),
      contracts,
    }),
  };
}
