/*
 * What usage is read for: the tables a product's consumers read, named as
 * the SLO monitors name them (a dataset's `table` when the spec spells it,
 * else the provisioned output schema and the dataset's name), plus the
 * masked view of each in the masked schema, which plain consumers read
 * where PII is masked by views.
 */
import {
  type DataProductEntityV1alpha1,
  toSqlName,
} from '@datamesh/plugin-data-mesh-common';
import {
  type MaskingStyle,
  type PlatformConfig,
  type TableRef,
  computeDesiredState,
} from '@datamesh/plugin-data-mesh-node';
import { parseTableName } from '../slo/monitors';

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
  const datasets = Array.isArray(entity.spec?.datasets)
    ? entity.spec.datasets
    : [];
  if (datasets.length === 0) return [];
  const product = computeDesiredState([entity], platform, { masking }).desired
    ?.products[0];
  const tables = new Map<string, ProductTable>();
  const add = (t: ProductTable) => tables.set(usageTableKey(t), t);
  for (const dataset of datasets) {
    const parsed = dataset.table
      ? parseTableName(dataset.table)
      : { parts: [toSqlName(dataset.name)] };
    if ('problem' in parsed) continue;
    const parts = parsed.parts;
    if (parts.length === 3) {
      add({ database: parts[0], schema: parts[1], table: parts[2] });
      continue;
    }
    if (!product) continue;
    const table = parts[parts.length - 1];
    const schema = parts.length === 2 ? parts[0] : product.outputSchema;
    add({ database: product.database, schema, table });
    if (product.maskedSchema && schema === product.outputSchema) {
      add({ database: product.database, schema: product.maskedSchema, table });
    }
  }
  return [...tables.values()];
}
