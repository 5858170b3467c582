/*
 * What usage is read for: the tables a product's consumers read, named as
 * the SLO monitors name them (a dataset's `table` when the spec spells it,
 * else the provisioned output schema and the dataset's name), plus the
 * masked view of each in the masked schema, which plain consumers read
 * where PII is masked by views.
 */
import type { DataProductEntityV1alpha1 } from '@datamesh/plugin-data-mesh-common';
import {
  type MaskingStyle,
  type PlatformConfig,
  type TableRef,
  datasetTables,
} from '@datamesh/plugin-data-mesh-node';

/** One table of a product, in logical (lower-case) names. */
export interface ProductTable extends TableRef {
  database: string;
}

/** `database.schema.table`, the key usage rows are matched on (case-insensitive, as unquoted names are). */
export const usageTableKey = (t: {
  database: string;
  schema: string;
  table: string;
}) => `${t.database}.${t.schema}.${t.table}`.toLowerCase();

/** The tables of one product; none when its names cannot be derived (the SLO monitors report why). */
export function productTables(
  entity: DataProductEntityV1alpha1,
  platform: PlatformConfig,
  masking?: MaskingStyle,
): ProductTable[] {
  const found = datasetTables(entity, platform, { masking });
  const tables = new Map<string, ProductTable>();
  const add = (t: ProductTable) => tables.set(usageTableKey(t), t);
  for (const t of found.tables.values()) {
    if ('problem' in t) continue;
    add(t);
    // plain consumers read the masked view of an output table
    const product = found.provisioned();
    if (
      !('problem' in product) &&
      product.maskedSchema &&
      t.database === product.database &&
      t.schema === product.outputSchema
    ) {
      add({ ...t, schema: product.maskedSchema });
    }
  }
  return [...tables.values()];
}
