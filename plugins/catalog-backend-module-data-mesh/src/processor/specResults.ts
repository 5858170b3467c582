import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  type CatalogProcessorResult,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_SPEC_FORMAT,
  SPEC_PROBLEM_ERROR_FIELD,
  type SpecFileIO,
  type SpecIssue,
  type SpecProblemErrorData,
  formatIssue,
  readSpecFiles,
} from '@datamesh/plugin-data-mesh-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { handOver } from './handOver';

/** Local files for readSpecFiles (file locations). */
export const localFiles: SpecFileIO = {
  readText: file => fs.readFile(file, 'utf8'),
  listSiblings: async file => {
    const dir = path.dirname(file);
    return (await fs.readdir(dir)).map(name => path.join(dir, name));
  },
};

/**
 * A located problem as a catalog processing error: the message as before,
 * and the issue itself (with the owner the broken spec names) as a field of
 * the error, which the catalog serialises into its refresh state, so that
 * the portal lists file, path, line and owner without parsing the message.
 */
function problemResult(
  location: LocationSpec,
  issue: SpecIssue,
  owner: unknown,
): CatalogProcessorResult {
  const error = new InputError(formatIssue(issue));
  const data: SpecProblemErrorData = {
    specFile: location.target,
    issue,
    ...(typeof owner === 'string' && owner ? { owner } : {}),
  };
  Object.assign(error, { [SPEC_PROBLEM_ERROR_FIELD]: data });
  return { type: 'error', location, error };
}

/**
 * What the catalog gets from one spec file: the DataProduct entity, or one
 * located input error per problem (file, path, line) and no entity. Shared
 * by the spec reader (files named as specs) and the entity data parser
 * (files recognised by their content), so both read a spec the same way.
 */
export async function specResults(
  file: string,
  location: LocationSpec,
  io: SpecFileIO,
  logger: LoggerService,
): Promise<CatalogProcessorResult[]> {
  // the spec with the ODCS contracts beside an ODPS product, found by the
  // same rule as everywhere else
  const result = await readSpecFiles(file, io);
  const errors: CatalogProcessorResult[] = [];
  const owner = result.draft?.spec?.owner;
  for (const issue of result.issues) {
    if (issue.severity === 'error') {
      errors.push(problemResult(location, issue, owner));
    } else {
      logger.debug(formatIssue(issue));
    }
  }
  if (errors.length > 0) return errors;
  if (!result.entity) {
    return [
      problemResult(
        location,
        {
          severity: 'error',
          file,
          path: '(document)',
          message: 'no data product could be read from this file',
        },
        undefined,
      ),
    ];
  }
  const entity = result.entity;
  // Handed to the catalog with its nested parts deflated (handOver.ts says
  // why); DataProductEntitiesProcessor takes it back before it validates.
  return [
    processingResult.entity(
      location,
      handOver({
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: {
            ...(result.format
              ? { [ANNOTATION_SPEC_FORMAT]: result.format }
              : {}),
            ...entity.metadata.annotations,
          },
        },
      }),
    ),
  ];
}
