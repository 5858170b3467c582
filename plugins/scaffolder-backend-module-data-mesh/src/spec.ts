/*
 * Reading the product's spec file from the task workspace, shared by the
 * actions: each reads the file itself rather than trusting an entity passed
 * between steps, so a step retried after an edit sees the file as it is.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import {
  type DataProductEntityV1alpha1,
  type ReadResult,
  type SpecFileIO,
  type SpecFormat,
  type SpecIssue,
  formatIssue,
  readSpecFiles,
  validateIdentifier,
} from '@datamesh/plugin-data-mesh-common';
import { printable, resolveInside } from './paths';

/** Default spec path in the workspace: the OAM spec of the skeleton. */
export const DEFAULT_SPEC_PATH = 'data_product_spec.yml';

/**
 * The workspace as readSpecFiles sees it: paths relative to the workspace
 * (so issues name them as the template wrote them), each checked to stay
 * inside it before it is read.
 */
function workspaceFiles(workspacePath: string): SpecFileIO {
  return {
    readText: relative =>
      fs.readFile(resolveInside(workspacePath, relative, 'path'), 'utf8'),
    listSiblings: async relative => {
      const dir = path.posix.dirname(relative);
      const names = await fs.readdir(resolveInside(workspacePath, dir, 'path'));
      return names.map(name => path.posix.join(dir, name));
    },
  };
}

/** The spec file at `specPath` in the workspace, read into the canonical entity. */
export async function readWorkspaceSpec(
  workspacePath: string,
  specPath: string = DEFAULT_SPEC_PATH,
  format?: SpecFormat,
): Promise<ReadResult> {
  // a path that leaves the workspace is refused as such, before any read
  resolveInside(workspacePath, specPath, 'path');
  try {
    return await readSpecFiles(specPath, workspaceFiles(workspacePath), {
      format,
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT'
        ? `spec file ${specPath} does not exist in the workspace; did the template render it?`
        : `cannot read spec file ${specPath}: ${(e as Error).message}`,
    );
  }
}

/** Issues as log lines: `file: path: message (line l, column c)`. */
export function issueLines(issues: SpecIssue[]): string[] {
  return issues.map(i => `${i.severity}: ${formatIssue(i)}`);
}

/**
 * The product entity, or an InputError listing every located error. Warnings
 * go to the log. `stage` overrides `spec.infrastructure.stage` (the OAM
 * spec has no place for it), validated like every name that reaches SQL.
 */
export async function loadProduct(
  workspacePath: string,
  specPath: string | undefined,
  logger: { warn(m: string): void; error(m: string): void },
  stage?: string,
): Promise<DataProductEntityV1alpha1> {
  const result = await readWorkspaceSpec(workspacePath, specPath);
  for (const i of result.issues) {
    if (i.severity === 'warning') logger.warn(`warning: ${formatIssue(i)}`);
  }
  const errors = result.issues.filter(i => i.severity === 'error');
  if (!result.entity || errors.length > 0) {
    for (const i of errors) logger.error(`error: ${formatIssue(i)}`);
    throw new InputError(
      `${
        specPath ?? DEFAULT_SPEC_PATH
      } is not a valid data product spec:\n${errors
        .map(i => `  ${formatIssue(i)}`)
        .join('\n')}`,
    );
  }
  const entity = result.entity;
  if (stage !== undefined && stage !== '') {
    const problem = validateIdentifier(stage, 'stage');
    if (problem)
      throw new InputError(`stage '${printable(stage)}': ${problem}`);
    entity.spec = {
      ...entity.spec,
      infrastructure: { ...entity.spec.infrastructure, stage },
    };
  }
  return entity;
}
