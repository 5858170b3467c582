/*
 * The catalog form of a DataProduct: how the catalog module stores the
 * canonical entity, and how readers of catalog entities get the columns back.
 *
 * Why a second form at all: the catalog writes one row into its filter table
 * (`search`) for every distinct leaf value of a stored entity, and on SQLite
 * rewrites all of an entity's rows on every stitch. Dataset columns were ~30 of
 * a product's ~95 rows and nobody filters the catalog by a column's
 * description, so the catalog module stores each dataset's columns as one JSON
 * text (`columnsJson`), which the catalog indexes as a single row. Everything
 * else keeps its canonical shape, so catalog filters on datasets, ports, SLOs,
 * owner and domain work as before. Columns are found from the search bar
 * through the DataProduct search collator instead
 * (@datamesh/plugin-search-backend-module-data-mesh).
 */
import type {
  DataProductEntityV1alpha1,
  Dataset,
  DatasetColumn,
} from './model';

/** A dataset as the catalog stores it: columns as JSON text. @public */
export type CatalogFormDataset = Omit<Dataset, 'columns'> & {
  /** `JSON.stringify` of the canonical `columns` array. */
  columnsJson: string;
};

/** A DataProduct entity as the catalog stores it. @public */
export type CatalogFormDataProductEntity = Omit<
  DataProductEntityV1alpha1,
  'spec'
> & {
  spec: Omit<DataProductEntityV1alpha1['spec'], 'datasets'> & {
    datasets?: CatalogFormDataset[];
  };
};

/**
 * The catalog form of a canonical entity (used by the catalog module when it
 * stores a product). Datasets without a columns array are left as they are.
 * @public
 */
export function toCatalogForm(
  entity: DataProductEntityV1alpha1,
): CatalogFormDataProductEntity {
  const datasets = entity.spec.datasets;
  if (!datasets) {
    return entity as CatalogFormDataProductEntity;
  }
  return {
    ...entity,
    spec: {
      ...entity.spec,
      datasets: datasets.map(dataset => {
        if (!Array.isArray(dataset.columns)) {
          return dataset as unknown as CatalogFormDataset;
        }
        const { columns, ...rest } = dataset;
        return { ...rest, columnsJson: JSON.stringify(columns) };
      }),
    },
  };
}

/**
 * The columns of a dataset, from a canonical entity (spec files, CLI,
 * scaffolder) or from one served by the catalog (catalog form). Every reader
 * of catalog entities that needs columns goes through this.
 * @public
 */
export function datasetColumns(
  dataset: Dataset | CatalogFormDataset,
): DatasetColumn[] {
  if ('columns' in dataset && Array.isArray(dataset.columns)) {
    return dataset.columns;
  }
  const text = (dataset as Partial<CatalogFormDataset>).columnsJson;
  if (typeof text !== 'string') {
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Only the catalog module writes this field; text that does not parse
    // was edited by hand, and a page should still render the rest.
    return [];
  }
  return Array.isArray(parsed) ? parsed.filter(isColumn) : [];
}

function isColumn(value: unknown): value is DatasetColumn {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as DatasetColumn).name === 'string'
  );
}
