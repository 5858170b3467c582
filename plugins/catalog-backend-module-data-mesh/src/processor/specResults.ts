import type { LoggerService } from '@backstage/backend-plugin-api';
import type { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  type CatalogProcessorResult,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_SPEC_FORMAT,
  type SpecFileIO,
  formatIssue,
  readSpecFiles,
} from '@datamesh/plugin-data-mesh-common';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Local files for readSpecFiles (file locations). */
export const localFiles: SpecFileIO = {
  readText: file => fs.readFile(file, 'utf8'),
  listSiblings: async file => {
    const dir = path.dirname(file);
    return (await fs.readdir(dir)).map(name => path.join(dir, name));
  },
};

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
  for (const issue of result.issues) {
    if (issue.severity === 'error') {
      errors.push(processingResult.inputError(location, formatIssue(issue)));
    } else {
      logger.debug(formatIssue(issue));
    }
  }
  if (errors.length > 0) return errors;
  if (!result.entity) {
    return [
      processingResult.inputError(
        location,
        `${file}: no data product could be read from this file`,
      ),
    ];
  }
  const entity = result.entity;
  return [
    processingResult.entity(location, {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...(result.format ? { [ANNOTATION_SPEC_FORMAT]: result.format } : {}),
          ...entity.metadata.annotations,
        },
      },
    }),
  ];
}
