/*
 * Where each dataset of a product lives in the warehouse: the dataset's
 * `table` when the spec spells it (a missing database or schema part taken
 * from the provisioned names), otherwise the provisioning engine's naming —
 * the product's output schema in its domain database, the dataset's name
 * as table. One answer for the SLO monitors, usage, and quality checks.
 */
import {
  type DataProductEntityV1alpha1,
  toSqlName,
} from '@datamesh/plugin-data-mesh-common';
import { computeDesiredState } from './desiredState';
import { type PlatformConfig, SAFE_IDENTIFIER } from './platform';
import type { MaskingStyle } from './masking';
import type { ProvisionedProduct } from './types';

/** A dataset's table, in logical (lower-case) names. @public */
export interface DatasetTable {
  database: string;
  schema: string;
  table: string;
}

/**
 * `db.schema.table`, `schema.table` or `table`, as written in a dataset's
 * `table`; unquoted identifiers only (compared case-insensitively, as
 * Snowflake and PostgreSQL do for unquoted names).
 * @public
 */
export function parseTableName(
  text: string,
): { parts: string[] } | { problem: string } {
  const parts = text.split('.');
  if (parts.length > 3) {
    return {
      problem: `table '${text}' has more than three parts (database.schema.table)`,
    };
  }
  for (const part of parts) {
    if (!SAFE_IDENTIFIER.test(part)) {
      return {
        problem: `table '${text}': '${part}' is not a plain identifier (letters, digits and _; quoted names are not supported)`,
      };
    }
  }
  return { parts: parts.map(p => p.toLowerCase()) };
}

/**
 * The tables of a product's datasets, by dataset name (or why one cannot be
 * told). The provisioned names are computed once, and only when a dataset
 * does not spell out its full table name; `provisioned()` gives them to
 * callers that need more (the masked schema).
 * @public
 */
export function datasetTables(
  entity: DataProductEntityV1alpha1,
  platform: PlatformConfig,
  options: { masking?: MaskingStyle } = {},
): {
  tables: Map<string, DatasetTable | { problem: string }>;
  provisioned(): ProvisionedProduct | { problem: string };
} {
  let provisioned: ProvisionedProduct | { problem: string } | undefined;
  const provisionedNames = () => {
    if (!provisioned) {
      const result = computeDesiredState([entity], platform, options);
      provisioned = result.desired?.products[0] ?? {
        problem: `the provisioned table names cannot be derived: ${
          result.issues.map(i => i.message).join('; ') || 'unknown reason'
        }`,
      };
    }
    return provisioned;
  };
  const tables = new Map<string, DatasetTable | { problem: string }>();
  const datasets = Array.isArray(entity.spec?.datasets)
    ? entity.spec.datasets
    : [];
  for (const dataset of datasets) {
    const parsed = dataset.table
      ? parseTableName(dataset.table)
      : { parts: [toSqlName(dataset.name)] };
    if ('problem' in parsed) {
      tables.set(dataset.name, parsed);
    } else if (parsed.parts.length === 3) {
      const [database, schema, table] = parsed.parts;
      tables.set(dataset.name, { database, schema, table });
    } else {
      const names = provisionedNames();
      if ('problem' in names) {
        tables.set(dataset.name, names);
      } else {
        tables.set(dataset.name, {
          database: names.database,
          schema:
            parsed.parts.length === 2 ? parsed.parts[0] : names.outputSchema,
          table: parsed.parts[parsed.parts.length - 1],
        });
      }
    }
  }
  return { tables, provisioned: provisionedNames };
}
