/*
 * One search document per DataProduct: what the search bar finds a product
 * by (its name, title, description, tags, domain, type, owner, dataset names
 * and its columns' names and descriptions), and what a result item shows.
 */
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { IndexableDocument } from '@backstage/plugin-search-common';
import {
  fromCatalogForm,
  isDataProductEntity,
} from '@datamesh/plugin-data-mesh-common';

/** The collator's document type, e.g. for the search page's type filter. @public */
export const DATA_PRODUCT_DOCUMENT_TYPE = 'data-product';

/**
 * A DataProduct in the search index.
 *
 * `text` carries everything that should make the product match (description,
 * datasets, columns): engines rank `title` and `text` above other fields (the
 * PostgreSQL engine weighs them A and B, the rest C) and the default result
 * item shows `text`. The other fields are there to filter on and to show.
 * Every field is always present (empty when the product
 * has none): Lunr takes its schema from the first document it indexes.
 *
 * @public
 */
export interface DataProductDocument extends IndexableDocument {
  kind: 'DataProduct';
  namespace: string;
  name: string;
  /** Product type: `source-aligned`, `aggregate` or `consumer-aligned`. */
  type: string;
  /** Entity ref of the domain, e.g. `domain:default/clinical`. */
  domain: string;
  /** Entity ref of the owning group or user. */
  owner: string;
  lifecycle: string;
  /** Tags, space-separated. */
  tags: string;
  /** Dataset names, space-separated. */
  datasets: string;
  /** Column names as `dataset.column`, space-separated. */
  columns: string;
}

/** Catalog fields the documents are built from (the collator asks for only these). */
export const DOCUMENT_ENTITY_FIELDS = [
  'apiVersion',
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.description',
  'metadata.tags',
  'spec.type',
  'spec.lifecycle',
  'spec.owner',
  'spec.domain',
  'spec.datasets',
];

/**
 * The search document of a DataProduct entity as the catalog serves it (the
 * catalog form, see fromCatalogForm) or as a spec file reads (canonical);
 * undefined for other kinds. `location` is filled in by the collator.
 * @public
 */
export function toDataProductDocument(
  entity: Entity,
): Omit<DataProductDocument, 'location'> | undefined {
  if (!isDataProductEntity(entity)) {
    return undefined;
  }
  const { metadata, spec } = fromCatalogForm(entity);
  const datasets = spec.datasets ?? [];
  const tags = metadata.tags ?? [];

  const lines: string[] = [];
  if (metadata.description) lines.push(metadata.description);
  const columnRefs: string[] = [];
  for (const dataset of datasets) {
    const columns = dataset.columns ?? [];
    lines.push(
      [
        `Dataset ${dataset.title ?? dataset.name}`,
        dataset.title && dataset.title !== dataset.name
          ? ` (${dataset.name})`
          : '',
        dataset.description ? `: ${dataset.description}` : '',
      ].join(''),
    );
    for (const column of columns) {
      columnRefs.push(`${dataset.name}.${column.name}`);
      // in words, so a search for "personal data" finds the products that
      // hold some, and a result shows which column is
      const name = column.pii ? `${column.name} (personal data)` : column.name;
      lines.push(
        column.description
          ? `Column ${name}: ${column.description}`
          : `Column ${name}`,
      );
    }
  }
  if (tags.length > 0) lines.push(`Tags: ${tags.join(', ')}`);

  return {
    title: metadata.title ?? metadata.name,
    text: lines.join('\n'),
    kind: 'DataProduct',
    namespace: metadata.namespace ?? 'default',
    name: metadata.name,
    type: spec.type ?? '',
    domain: spec.domain ?? '',
    owner: spec.owner ?? '',
    lifecycle: spec.lifecycle ?? '',
    tags: tags.join(' '),
    datasets: datasets.map(d => d.name).join(' '),
    columns: columnRefs.join(' '),
    authorization: { resourceRef: stringifyEntityRef(entity) },
  };
}
