/*
 * Table statistics and sandbox clones: SQL builders and row readers.
 */
import type {
  SchemaRef,
  TableRef,
  TableStats,
} from '@datamesh/plugin-data-mesh-node';
import {
  physicalName,
  qualifiedSchemaName,
  quoteLiteral,
  quoteName,
} from './dialect';
import type { Row } from './introspection';

/** The load-timestamp column, and the requested tables known to carry it. @public */
export interface LoadTimestampQuery {
  column: string;
  /** Tables an earlier answer listed as having the column (see {@link loadTimestampCarriers}). */
  carriers: TableRef[];
}

/**
 * One statement for every requested table of a database, rows told apart by
 * `KIND`:
 * - `table`: INFORMATION_SCHEMA.TABLES — row count, size and LAST_ALTERED
 *   are metadata, so this reads no data. LAST_ALTERED is "last altered by a
 *   DML, DDL, or background metadata operation" (Snowflake's documentation):
 *   a comment, a new column or reclustering moves it with no new data;
 * - `column`: INFORMATION_SCHEMA.COLUMNS — which tables have the
 *   load-timestamp column, for the next cycle;
 * - `loaded`: `max(<column>)` of each table already known to have it — the
 *   time of the newest load. A MAX over a column is answered from
 *   micro-partition metadata where Snowflake can.
 * A table has to be known from an earlier answer because SQL cannot name a
 * column a table may lack; its first cycle falls back to LAST_ALTERED.
 * @public
 */
export function tableStatsSql(
  database: string,
  tables: TableRef[],
  loadedAt?: LoadTimestampQuery,
): string {
  const schemas = [...new Set(tables.map(t => physicalName(t.schema)))];
  // names were validated by physicalName; the literal quoting is belt and braces
  const list = schemas.map(quoteLiteral).join(', ');
  const db = quoteName(database);
  const parts = [
    `SELECT 'table' AS KIND, TABLE_SCHEMA, TABLE_NAME, ROW_COUNT, BYTES, LAST_ALTERED, NULL AS LOADED_AT FROM ${db}.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA IN (${list})`,
  ];
  if (loadedAt) {
    const column = physicalName(loadedAt.column);
    parts.push(
      `SELECT 'column' AS KIND, TABLE_SCHEMA, TABLE_NAME, NULL AS ROW_COUNT, NULL AS BYTES, NULL AS LAST_ALTERED, NULL AS LOADED_AT FROM ${db}.INFORMATION_SCHEMA.COLUMNS WHERE COLUMN_NAME = ${quoteLiteral(
        column,
      )} AND TABLE_SCHEMA IN (${list})`,
    );
    for (const t of loadedAt.carriers) {
      const schema = physicalName(t.schema);
      const table = physicalName(t.table);
      parts.push(
        `SELECT 'loaded' AS KIND, ${quoteLiteral(
          schema,
        )} AS TABLE_SCHEMA, ${quoteLiteral(
          table,
        )} AS TABLE_NAME, NULL AS ROW_COUNT, NULL AS BYTES, NULL AS LAST_ALTERED, MAX(${quoteName(
          loadedAt.column,
        )}) AS LOADED_AT FROM ${db}.${quoteName(t.schema)}.${quoteName(
          t.table,
        )}`,
      );
    }
  }
  return parts.join(' UNION ALL ');
}

const tableKey = (schema: unknown, table: unknown) =>
  `${String(schema)}.${String(table)}`;

/** Physical `SCHEMA.TABLE` of every table the answer lists with the load-timestamp column. @public */
export function loadTimestampCarriers(rows: Row[]): Set<string> {
  return new Set(
    rows
      .filter(r => r.KIND === 'column')
      .map(r => tableKey(r.TABLE_SCHEMA, r.TABLE_NAME)),
  );
}

const toIso = (v: unknown): string | undefined => {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string' && v) return new Date(v).toISOString();
  return undefined;
};

const toNumber = (v: unknown): number | undefined =>
  v === null || v === undefined || v === '' ? undefined : Number(v);

/**
 * Matches the rows to the requested tables, in request order. Freshness is
 * the newest load timestamp where the statement asked for it (`loaded_at`,
 * absent for a table with no rows), else LAST_ALTERED (`last_altered`).
 * @public
 */
export function readTableStats(tables: TableRef[], rows: Row[]): TableStats[] {
  const of = (kind: string) =>
    new Map(
      rows
        .filter(r => (r.KIND ?? 'table') === kind)
        .map(r => [tableKey(r.TABLE_SCHEMA, r.TABLE_NAME), r]),
    );
  const byName = of('table');
  const loaded = of('loaded');
  return tables.map(t => {
    const key = tableKey(physicalName(t.schema), physicalName(t.table));
    const row = byName.get(key);
    if (!row) return { schema: t.schema, table: t.table, exists: false };
    const load = loaded.get(key);
    const lastAltered = toIso(load ? load.LOADED_AT : row.LAST_ALTERED);
    return {
      schema: t.schema,
      table: t.table,
      exists: true,
      rowCount: toNumber(row.ROW_COUNT),
      bytes: toNumber(row.BYTES),
      ...(lastAltered ? { lastAltered } : {}),
      freshnessSource: load ? 'loaded_at' : 'last_altered',
    };
  });
}

/** `CREATE SCHEMA IF NOT EXISTS target CLONE source`: zero-copy, so instant and free until data diverges. @public */
export function cloneSchemaSql(source: SchemaRef, target: SchemaRef): string {
  return `CREATE SCHEMA IF NOT EXISTS ${qualifiedSchemaName(
    target,
  )} CLONE ${qualifiedSchemaName(source)}`;
}

/** @public */
export function showTablesSql(schema: SchemaRef): string {
  return `SHOW TABLES IN SCHEMA ${qualifiedSchemaName(schema)}`;
}
