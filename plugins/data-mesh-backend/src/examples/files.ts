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
  type SpecIssue,
  readDataProductSpec,
} from '@datamesh/plugin-data-mesh-common';

const CONTRACT_FILE = /\.odcs\.(ya?ml|json)$/;

/**
 * Every DataProduct a catalog `Location` file lists: OAM, ODPS (with the
 * ODCS contracts in the same directory) and native entity files.
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
    const dir = path.dirname(file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      issues.push(
        doc.issue(['spec', 'targets', i], `cannot read ${file}: ${e}`),
      );
      return;
    }
    const contracts = fs
      .readdirSync(dir)
      .filter(n => CONTRACT_FILE.test(n))
      .map(n => ({
        text: fs.readFileSync(path.join(dir, n), 'utf8'),
        file: path.join(dir, n),
      }));
    const result = readDataProductSpec(text, { file, contracts });
    issues.push(...result.issues);
    if (result.entity) entities.push(result.entity);
  });
  return { entities, issues };
}
