/*
 * Writers from the canonical entity to the three spec formats (the ODPS and
 * OAM writers live beside their readers, in formats/odps and formats/oam).
 *
 * Each writer produces what its reader reads back into the same entity:
 * - toOdps: ODPS v1.1.0 + one ODCS v3.1.0 contract per dataset; what the
 *   standards have no field for travels in `customProperties` under the
 *   names readOdps understands (ODPS_CUSTOM_PROPERTIES);
 * - toOamSpec: the seed article's OAM data_product_spec.yml;
 * - toEntityDocument: the native entity, without what the catalog adds.
 *
 * The writers are pure and never fail: the entity is assumed valid (it came
 * from a reader or the catalog).
 */
import { ANNOTATION_SPEC_FORMAT } from './entity';
import type { DataProductEntityV1alpha1 } from './model';
import { type Obj, clone } from './formats/writing';

export { toOdps, type OdpsExport } from './formats/odps/export';
export { toOamSpec } from './formats/oam/export';

// Fields the catalog adds to a stored entity; none belongs in a spec file.
const CATALOG_METADATA = ['uid', 'etag', 'generation', 'resourceVersion'];
const CATALOG_ANNOTATION =
  /^backstage\.io\/(managed-by-location|managed-by-origin-location|view-url|edit-url|source-location|orphan)$/;

/**
 * The native entity YAML document for an entity as the catalog returns it:
 * without relations, status, the catalog's bookkeeping metadata and
 * annotations, or the annotation naming the format it was read from.
 * @public
 */
export function toEntityDocument(
  entity: DataProductEntityV1alpha1,
): DataProductEntityV1alpha1 {
  const metadata = clone(entity.metadata) as Obj;
  for (const key of CATALOG_METADATA) delete metadata[key];
  const annotations = metadata.annotations as
    | Record<string, string>
    | undefined;
  if (annotations) {
    for (const key of Object.keys(annotations)) {
      if (CATALOG_ANNOTATION.test(key) || key === ANNOTATION_SPEC_FORMAT) {
        delete annotations[key];
      }
    }
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
  }
  return {
    apiVersion: entity.apiVersion,
    kind: entity.kind,
    metadata: metadata as DataProductEntityV1alpha1['metadata'],
    spec: clone(entity.spec),
  };
}
