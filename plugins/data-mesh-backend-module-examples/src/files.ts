/*
 * The example products read from their files, as the catalog reads them,
 * for the backfill command (which runs while the portal, and so the
 * catalog, is stopped) and for tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  type DataProductEntityV1alpha1,
  SourceDocument,
  type SpecFileSyncIO,
  type SpecIssue,
  readSpecFiles,
} from '@datamesh/plugin-data-mesh-common';

const localFiles: SpecFileSyncIO = {
  readText: file => fs.readFileSync(file, 'utf8'),
  listSiblings: file => {
    const dir = path.dirname(file);
    return fs.readdirSync(dir).map(name => path.join(dir, name));
  },
};

/**
 * Every DataProduct a catalog `Location` file lists: OAM, ODPS (with its
 * ODCS contracts, found by readSpecFiles as the catalog finds them) and
 * native entity files.
 * @public
 */
export function readDataProductsOfLocation(locationFile: string): {
  entities: DataProductEntityV1alpha1[];
  issues: SpecIssue[];
} {
  const doc = new SourceDocument(
    fs.readFileSync(locationFile, 'utf8'),
    locationFile,
  );
  const issues: SpecIssue[] = [...doc.issues];
  const entities: DataProductEntityV1alpha1[] = [];
  const value = doc.value as { spec?: { targets?: unknown } } | undefined;
  const targets = value?.spec?.targets;
  if (!Array.isArray(targets)) {
    issues.push(doc.issue(['spec', 'targets'], 'a list of files is expected'));
    return { entities, issues };
  }
  targets.forEach((target, i) => {
    if (typeof target !== 'string') {
      issues.push(doc.issue(['spec', 'targets', i], 'a file path is expected'));
      return;
    }
    const file = path.resolve(path.dirname(locationFile), target);
    let result;
    try {
      result = readSpecFiles(file, localFiles);
    } catch (e) {
      issues.push(
        doc.issue(['spec', 'targets', i], `cannot read ${file}: ${e}`),
      );
      return;
    }
    issues.push(...result.issues);
    if (result.entity) entities.push(result.entity);
  });
  return { entities, issues };
}
