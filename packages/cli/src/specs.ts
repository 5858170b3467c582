/*
 * Reading spec files from disk into the canonical model.
 *
 * Everything that can go wrong (a missing file, bad YAML, a wrong spec) comes
 * back as located issues, so one broken file never stops the others.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  type SpecFileSyncIO,
  type SpecFilesResult,
  type SpecFormat,
  type SpecIssue,
  readSpecFiles,
} from '@datamesh/plugin-data-mesh-common';

/**
 * A spec file read from disk: the reader's result, plus the contract files
 * read beside an ODPS product (paths as shown in messages).
 */
export type LoadedSpec = SpecFilesResult;

function fileIssue(file: string, message: string): SpecIssue {
  return { severity: 'error', file, path: '(document)', message };
}

const localFiles: SpecFileSyncIO = {
  readText: file => fs.readFileSync(file, 'utf8'),
  listSiblings: file => {
    const dir = path.dirname(file);
    try {
      return fs.readdirSync(dir).map(name => path.join(dir, name));
    } catch {
      // the product was read from there; a directory that cannot be listed
      // just has no contracts to offer
      return [];
    }
  },
};

/**
 * Read one spec file: OAM `data_product_spec.yml`, an ODPS product (with the
 * ODCS contracts beside it, or following it in the same YAML stream as
 * `datamesh convert --to odps` writes them), or a native entity.
 */
export function loadSpecFile(
  file: string,
  options: { format?: SpecFormat } = {},
): LoadedSpec {
  try {
    return readSpecFiles(file, localFiles, options);
  } catch (e) {
    // only the spec file itself failing to read ends up here
    const err = e as NodeJS.ErrnoException;
    const reasons: Record<string, string> = {
      ENOENT: 'no such file',
      EISDIR: 'is a directory, not a spec file',
    };
    const reason = reasons[err.code ?? ''] ?? err.message;
    return { file, contractFiles: [], issues: [fileIssue(file, reason)] };
  }
}
