/*
 * Locating a change in the author's file. A change names a path in the
 * entity; the entity was read from a document shaped differently (OAM
 * components, an ODPS product with ODCS contracts, or the entity itself),
 * so the path is mapped back through the origins the readers record, and
 * a dataset of an ODPS product to the contract that defines it.
 */
import { originOf } from '../entity';
import { type DocumentPath, SourceDocument } from '../issues';
import { fromCatalogForm } from '../catalogForm';
import type { DataProductEntityV1alpha1 } from '../model';
import { deriveIdentifier } from '../values';
import type { ChangeLocation, ProductVersion, SpecLocator } from './changeLog';

/** A spec document as the CLI or catalog has it: its text and file name. @public */
export interface SpecText {
  text: string;
  file?: string;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const CONTRACT_FIELD: Record<string, string[]> = {
  type: ['physicalType', 'logicalType'],
  pii: ['tags'],
  table: ['physicalName'],
};

/** Where a dataset (or a column of it) is defined in ODCS contracts. */
function inContracts(
  entity: DataProductEntityV1alpha1,
  contracts: SourceDocument[],
  path: DocumentPath,
): ChangeLocation | undefined {
  const [, , d, part, c, field] = path;
  const dataset = entity.spec.datasets?.[Number(d)];
  if (!dataset) return undefined;
  const matches = (s: Record<string, unknown>) =>
    [
      s.name,
      s.physicalName,
      String(s.physicalName ?? '')
        .split('.')
        .pop(),
    ]
      .filter((n): n is string => typeof n === 'string' && n !== '')
      .some(
        n =>
          n.toLowerCase() === dataset.name ||
          deriveIdentifier(n, 'dataset').identifier === dataset.name,
      );
  for (const contract of contracts) {
    const schema = isObj(contract.value) ? contract.value.schema : undefined;
    if (!Array.isArray(schema)) continue;
    const s = schema.findIndex(item => isObj(item) && matches(item));
    if (s < 0) continue;
    let at: DocumentPath = ['schema', s];
    if (part === 'columns' && c !== undefined) {
      const name = dataset.columns?.[Number(c)]?.name;
      const props = (schema[s] as Record<string, unknown>).properties;
      const k = Array.isArray(props)
        ? props.findIndex(p => isObj(p) && p.name === name)
        : -1;
      if (k >= 0) at = [...at, 'properties', k];
      if (k >= 0 && typeof field === 'string') {
        const item = (props as Record<string, unknown>[])[k];
        const key =
          (CONTRACT_FIELD[field] ?? [field]).find(f => f in item) ?? field;
        at = [...at, key];
      }
    } else if (typeof part === 'string') {
      at = [...at, ...(CONTRACT_FIELD[part] ?? [part]).slice(0, 1)];
    }
    const pos = contract.locate(at);
    return { file: contract.file, line: pos?.line, column: pos?.column };
  }
  return undefined;
}

/**
 * A locator for changes of `entity`, read from `spec` (and, for an ODPS
 * product, its ODCS `contracts`): file, line and column of an entity path
 * in the author's document. Paths the document does not have resolve to
 * the nearest part it has; a document that cannot be located (such as a
 * multi-document stream) still names its file.
 * @public
 */
export function specLocator(
  entity: ProductVersion,
  spec: SpecText,
  contracts: SpecText[] = [],
): SpecLocator {
  const source = new SourceDocument(spec.text, spec.file);
  const contractDocs = contracts.map(c => new SourceDocument(c.text, c.file));
  return (path: DocumentPath) => {
    if (path[1] === 'datasets' && contractDocs.length) {
      const found = inContracts(fromCatalogForm(entity), contractDocs, path);
      if (found) return found;
    }
    // the native entity YAML records no origins: its paths are the document's
    const at = originOf(entity, path) ?? path;
    const pos = source.locate(at);
    return { file: spec.file, line: pos?.line, column: pos?.column };
  };
}
