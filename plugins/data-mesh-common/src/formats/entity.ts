/*
 * Reader for the native entity YAML: the canonical model written out, as it
 * would sit in a catalog-info.yaml. There is nothing to map, so the reader
 * only checks that the document is a DataProduct at all; the field-by-field
 * checks are validateDataProductEntity's, located by the same paths.
 */
import {
  DATA_PRODUCT_API_VERSION,
  DATA_PRODUCT_KIND,
  DataProductEntityV1alpha1,
} from '../model';
import { SourceDocument } from '../issues';

/**
 * Read a native DataProduct entity document. Problems are recorded on
 * `source`; undefined when the document is not a DataProduct entity.
 * @public
 */
export function readEntity(
  source: SourceDocument,
): DataProductEntityV1alpha1 | undefined {
  if (!source.parsed) return undefined;
  const doc = source.value;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    source.report(
      [],
      'a DataProduct entity must be a mapping with apiVersion, kind, metadata and spec',
    );
    return undefined;
  }
  const e = doc as Record<string, unknown>;
  let ok = true;
  if (e.apiVersion !== DATA_PRODUCT_API_VERSION) {
    source.report(
      e.apiVersion === undefined ? [] : ['apiVersion'],
      e.apiVersion === undefined
        ? `missing required field 'apiVersion'; write apiVersion: ${DATA_PRODUCT_API_VERSION}`
        : `apiVersion '${String(
            e.apiVersion,
          )}' is not ${DATA_PRODUCT_API_VERSION}`,
    );
    ok = false;
  }
  if (e.kind !== DATA_PRODUCT_KIND) {
    source.report(
      e.kind === undefined ? [] : ['kind'],
      e.kind === undefined
        ? `missing required field 'kind'; write kind: ${DATA_PRODUCT_KIND}`
        : `kind '${String(e.kind)}' is not ${DATA_PRODUCT_KIND}`,
    );
    ok = false;
  }
  // a copy, so annotations added by the caller never touch the parsed tree
  return ok
    ? (structuredClone(e) as unknown as DataProductEntityV1alpha1)
    : undefined;
}
