/*
 * Reader for the OAM-style `data_product_spec.yml` of the Thoughtworks
 * "streamlined developer experience in data mesh" articles: a list of typed
 * components (domain, data-product, data-set, output-port, input-port,
 * service-level-asset, service-level-indicator, data-sharing-agreement),
 * each with properties written plainly or wrapped as `{ value: ... }`.
 *
 * Authors write display names ("JDBC-Port of DP patients"); the reader
 * derives identifiers from them and keeps the display name as the title.
 * Every problem is reported at the author's own path and line.
 */
import type { SourceDocument } from '../../issues';
import type { DataProductEntityV1alpha1 } from '../../model';
import { findComponents, isRecord, parseComponents } from './components';
import { OamContext } from './context';
import { readProduct } from './product';

export {
  OAM_COMPONENT_TYPES,
  OAM_DEFAULT_LIFECYCLE,
  type OamComponentType,
} from './components';

/**
 * Read an OAM-style data product spec into the canonical model. Problems are
 * recorded on `source`; the entity is returned whenever a data-product
 * component exists, so that later checks can add what they find.
 * @public
 */
export function readOam(
  source: SourceDocument,
): DataProductEntityV1alpha1 | undefined {
  if (!source.parsed) return undefined;
  const doc = source.value;
  if (
    isRecord(doc) &&
    doc.kind !== undefined &&
    !['DataProduct', 'Application'].includes(String(doc.kind))
  ) {
    source.report(
      ['kind'],
      `kind '${String(
        doc.kind,
      )}' is not a data product spec; write kind: DataProduct`,
    );
    return undefined;
  }
  const found = findComponents(source);
  if (!found) return undefined;
  if (!Array.isArray(found.list)) {
    source.report(
      found.path,
      'components must be a list; start each component with "- name:"',
    );
    return undefined;
  }
  const components = parseComponents(source, found.list, found.path);
  return readProduct(new OamContext(source, components, found.path));
}

/**
 * The seed article writes the components as a top-level list right after
 * `apiVersion` and `kind`, which is not valid YAML. When the text has that
 * shape, return it with `components:` written on the blank or comment line
 * just above the list, so that every line keeps its number; otherwise
 * undefined.
 * @public
 */
export function repairOamText(text: string): string | undefined {
  const lines = text.split('\n');
  const first = lines.findIndex(l => /^-(\s|$)/.test(l));
  if (first <= 0) return undefined;
  const header = lines.slice(0, first);
  if (!header.some(l => /^(apiVersion|kind)\s*:/.test(l))) return undefined;
  if (header.some(l => /^(components|spec)\s*:/.test(l))) return undefined;
  let k = first - 1;
  while (k >= 0 && /^\s*(#.*)?\r?$/.test(lines[k])) k--;
  const slot = k + 1;
  if (slot >= first) return undefined;
  const comment = lines[slot].trim();
  lines[slot] = `components:${comment ? ` ${comment}` : ''}`;
  return lines.join('\n');
}
