/*
 * A data product at successive versions, and the catalog serving it as the
 * real one does, for the Changes tests.
 */
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_SPEC_VERSION,
  type DataProductEntityV1alpha1,
  toCatalogForm,
} from '@datamesh/plugin-data-mesh-common';

export const T0 = Date.UTC(2026, 2, 1);
export const REF = 'dataproduct:default/visits';

/** A product as its spec file declares it, at `version`. */
export function visits(
  version: string,
  columns = ['visit_id', 'ward', 'beds'],
): DataProductEntityV1alpha1 {
  return {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: {
      name: 'visits',
      namespace: 'default',
      title: 'Visits',
      annotations: { [ANNOTATION_SPEC_VERSION]: version },
    },
    spec: {
      type: 'source-aligned',
      lifecycle: 'production',
      owner: 'group:default/ward-team',
      domain: 'domain:default/care',
      certified: false,
      datasets: [
        {
          name: 'visits',
          columns: columns.map(name => ({ name, type: 'varchar' })),
        },
      ],
      outputPorts: [{ name: 'sql', type: 'sql', dataset: 'visits' }],
    },
  };
}

/**
 * The catalog as the reconcile sees it: entities in the catalog's form, with
 * the bookkeeping the catalog adds (uid, etag, location annotations).
 */
export function fakeCatalog() {
  let served: Entity[] = [];
  let etag = 0;
  // user ref → entity refs the catalog's permission policy hides from them
  const hidden = new Map<string, Set<string>>();
  const catalog = {
    /** The catalog refuses `user` the read of these products. */
    hide(user: string, ...refs: string[]) {
      hidden.set(user, new Set(refs));
    },
    set(...entities: DataProductEntityV1alpha1[]) {
      served = entities.map(e => {
        const stored = toCatalogForm(e) as unknown as Entity;
        return {
          ...stored,
          metadata: {
            ...stored.metadata,
            uid: `uid-${stored.metadata.name}`,
            etag: `etag-${++etag}`,
            annotations: {
              ...stored.metadata.annotations,
              'backstage.io/managed-by-location': `file:/repos/${stored.metadata.name}/spec.yml#${etag}`,
            },
          },
          relations: [],
        };
      });
    },
    streamEntities: (request: any) =>
      new InMemoryCatalogClient({ entities: served }).streamEntities(request),
    getEntityByRef: (ref: string) =>
      new InMemoryCatalogClient({ entities: served }).getEntityByRef(ref),
    async getEntitiesByRefs(
      request: { entityRefs: string[]; fields?: string[] },
      options: { credentials: any },
    ) {
      const refused =
        hidden.get(options.credentials.principal?.userEntityRef) ?? new Set();
      const { items } = await new InMemoryCatalogClient({
        entities: served,
      }).getEntitiesByRefs(request);
      return {
        items: items.map(e =>
          e && refused.has(stringifyEntityRef(e)) ? undefined : e,
        ),
      };
    },
  };
  return catalog as typeof catalog & CatalogService;
}
