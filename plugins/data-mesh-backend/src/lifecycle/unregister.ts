import type { Entity } from '@backstage/catalog-model';

/**
 * What unregistering a retired product can remove from the catalog, given
 * the entities registered through the same location as the product (its
 * `backstage.io/managed-by-origin-location`), the product included.
 *
 * A repository made by the "New data product" template registers its
 * `catalog-info.yaml`, which is a `Location` pointing at the spec file: the
 * registered location holds the product and that Location entity. Removing
 * only the product's entity would not last — the Location entity brings it
 * back at its next processing — so the location goes, unless it also holds
 * other entities (a repository with several products or components), where
 * only the product's entity can go and it returns while its spec file is
 * still listed there.
 */
export function unregisterTarget(
  productUid: string,
  sameOrigin: Pick<Entity, 'kind' | 'metadata'>[],
): 'location' | 'entity' {
  const others = sameOrigin.filter(
    e =>
      e.metadata.uid !== productUid &&
      e.kind.toLocaleLowerCase('en-US') !== 'location',
  );
  return others.length === 0 ? 'location' : 'entity';
}
