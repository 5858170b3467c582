/*
 * What masking needs to know of a database (the scope's `columns`
 * schemas: output schemas of products with PII), in at most three
 * statements per database, whatever the number of tables:
 *
 *   1. the columns and the tables/views of the schemas — one statement,
 *      INFORMATION_SCHEMA.COLUMNS and .TABLES joined by UNION ALL, rows
 *      told apart by KIND (a view cannot take ALTER TABLE, so the plan
 *      must know which is which);
 *   2. SHOW MASKING POLICIES IN DATABASE — the policies that exist;
 *   3. which columns each of the scope's policies is set on — one
 *      statement of UNION ALL branches, one per policy, over the
 *      INFORMATION_SCHEMA.POLICY_REFERENCES table function. Only sent when
 *      a scope schema holds a policy.
 *
 * Why per policy in (3): INFORMATION_SCHEMA.COLUMNS has no policy column,
 * and POLICY_REFERENCES takes either one policy (`POLICY_NAME =>`) or one
 * object (`REF_ENTITY_NAME =>`, `REF_ENTITY_DOMAIN =>`); there is no
 * per-database form. The ACCOUNT_USAGE.POLICY_REFERENCES view is account
 * wide but lags by up to two hours, so it could not confirm an apply.
 * Asking per policy keeps the branch count at products × type families
 * (a product gets one policy per type family of its PII columns), never
 * tables, and the branches share one round trip. The price: a column
 * masked by a policy outside the scope schemas (or one the session role may
 * not see) reads as unmasked; setting ours then fails with Snowflake's
 * "already attached" error, which the apply reports rather than overwrite.
 */
import type {
  ActualColumn,
  ActualMaskingPolicy,
  ActualTable,
  SchemaRef,
} from '@datamesh/plugin-data-mesh-node';
import { logicalName, physicalName, quoteLiteral, quoteName } from './dialect';
import type { Row } from './introspection';

/** @public */
export const maskingIntrospectionSql = {
  /** Columns (KIND `column`) and tables and views (KIND `table`) of some schemas of a database. */
  columns: (database: string, schemas: string[]) => {
    const db = quoteName(database);
    const list = schemas.map(s => quoteLiteral(physicalName(s))).join(', ');
    return [
      `SELECT 'column' AS KIND, TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, ORDINAL_POSITION, NULL AS TABLE_TYPE, NULL AS COMMENT FROM ${db}.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA IN (${list})`,
      `SELECT 'table' AS KIND, TABLE_SCHEMA, TABLE_NAME, NULL AS COLUMN_NAME, NULL AS DATA_TYPE, NULL AS ORDINAL_POSITION, TABLE_TYPE, COMMENT FROM ${db}.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA IN (${list})`,
    ].join(' UNION ALL ');
  },
  policies: (database: string) =>
    `SHOW MASKING POLICIES IN DATABASE ${quoteName(database)}`,
  /** Where each policy is set; `policies` are physical `[schema, name]` of existing policies of the database. */
  references: (database: string, policies: [string, string][]) => {
    const db = quoteName(database);
    return policies
      .map(
        ([schema, name]) =>
          `SELECT POLICY_DB, POLICY_SCHEMA, POLICY_NAME, REF_DATABASE_NAME, REF_SCHEMA_NAME, REF_ENTITY_NAME, REF_ENTITY_DOMAIN, REF_COLUMN_NAME FROM TABLE(${db}.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => ${quoteLiteral(
            // a plain name: validated, so it needs no inner double quotes
            [database, schema, name].map(physicalName).join('.'),
          )}))`,
      )
      .join(' UNION ALL ');
  },
};

/** The rows of the masking queries of one database. @public */
export interface MaskingRows {
  columns: Row[];
  policies: Row[];
  references: Row[];
}

const str = (v: unknown): string =>
  v === null || v === undefined ? '' : String(v);

/**
 * The policies of a database's SHOW MASKING POLICIES answer that lie in the
 * given schemas, as physical `[schema, name]`: what the references query
 * must ask about.
 * @public
 */
export function scopePolicies(
  policies: Row[],
  schemas: string[],
): [string, string][] {
  const wanted = new Set(schemas.map(physicalName));
  return policies
    .filter(p => wanted.has(str(p.schema_name)) && logicalName(str(p.name)))
    .map(p => [str(p.schema_name), str(p.name)]);
}

/**
 * Tables with their columns (each with the policy set on it, as a logical
 * `database.schema.policy`) and the masking policies of a database's scope
 * schemas. Names the engine could not have written (quoted mixed case) are
 * left out: the engine can neither mask nor name them.
 * @public
 */
export function readMaskingState(
  database: string,
  schemas: string[],
  rows: MaskingRows,
): { tables: ActualTable[]; maskingPolicies: ActualMaskingPolicy[] } {
  const db = physicalName(database);
  const inScope = new Set(schemas.map(physicalName));
  const ref = (schema: string): SchemaRef | undefined => {
    const logical = logicalName(schema);
    return inScope.has(schema) && logical
      ? { database, schema: logical }
      : undefined;
  };
  const attached = new Map<string, string>();
  for (const r of rows.references) {
    if (str(r.REF_DATABASE_NAME) !== db || str(r.REF_COLUMN_NAME) === '')
      continue;
    // only policies scopePolicies could name were asked about
    const names = [r.POLICY_DB, r.POLICY_SCHEMA, r.POLICY_NAME].map(p =>
      logicalName(str(p)),
    );
    if (!names.every(Boolean)) continue;
    attached.set(
      JSON.stringify([
        str(r.REF_SCHEMA_NAME),
        str(r.REF_ENTITY_NAME),
        str(r.REF_COLUMN_NAME),
      ]),
      names.join('.'),
    );
  }
  const tables = new Map<string, ActualTable>();
  const tableOf = (schema: string, name: string) => {
    const at = ref(schema);
    const logical = logicalName(name);
    if (!at || !logical) return undefined;
    const k = `${schema}.${name}`;
    if (!tables.has(k))
      tables.set(k, { ...at, name: logical, kind: 'table', columns: [] });
    return tables.get(k)!;
  };
  const ordered: {
    table: ActualTable;
    position: number;
    column: ActualColumn;
  }[] = [];
  for (const r of rows.columns) {
    const schema = str(r.TABLE_SCHEMA);
    const name = str(r.TABLE_NAME);
    const table = tableOf(schema, name);
    if (!table) continue;
    if (str(r.KIND) === 'table') {
      if (str(r.TABLE_TYPE) === 'VIEW') table.kind = 'view';
      if (str(r.COMMENT)) table.comment = str(r.COMMENT);
      continue;
    }
    const column = str(r.COLUMN_NAME);
    const logical = logicalName(column);
    if (!logical) continue;
    const policy = attached.get(JSON.stringify([schema, name, column]));
    ordered.push({
      table,
      position: Number(r.ORDINAL_POSITION),
      column: {
        name: logical,
        type: str(r.DATA_TYPE),
        ...(policy ? { maskingPolicy: policy } : {}),
      },
    });
  }
  ordered
    .sort((a, b) => a.position - b.position)
    .forEach(o => o.table.columns.push(o.column));
  const maskingPolicies: ActualMaskingPolicy[] = [];
  for (const p of rows.policies) {
    const at = ref(str(p.schema_name));
    const name = logicalName(str(p.name));
    if (!at || !name || str(p.database_name) !== db) continue;
    maskingPolicies.push({
      ...at,
      name,
      ...(str(p.comment) ? { comment: str(p.comment) } : {}),
    });
  }
  return { tables: [...tables.values()], maskingPolicies };
}
