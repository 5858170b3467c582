import type { SpecFormat } from '@datamesh/plugin-data-mesh-common';
import { type Io, EXIT_FAILED, EXIT_OK, hasErrors, reportIssues } from '../io';
import { loadSpecFile } from '../specs';

/**
 * `datamesh validate <spec-file>...`: every problem of every file, one
 * located line each on stderr, and `ok <file>` on stdout for each valid one.
 */
export async function validateCommand(
  files: string[],
  options: { format?: SpecFormat },
  io: Io,
): Promise<number> {
  let failed = false;
  for (const file of files) {
    const result = loadSpecFile(file, options);
    reportIssues(io, result.issues);
    if (hasErrors(result.issues) || !result.entity) {
      failed = true;
      continue;
    }
    const contracts = result.contractFiles.length
      ? ` (with ${result.contractFiles.length} contract${
          result.contractFiles.length === 1 ? '' : 's'
        })`
      : '';
    io.out(`ok ${file}${contracts}`);
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}
