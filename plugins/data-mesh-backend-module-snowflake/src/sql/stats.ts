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

/**
 * One query for every requested table of a database: Snowflake keeps row
 * count, size and last-altered time as metadata, so this reads no data.
 * @public
 */
export function tableStatsSql(database: string, tables: TableRef[]): string {
  const schemas = [...new Set(tables.map(t => physicalName(t.schema)))];
  // names were validated by physicalName; the literal quoting is belt and braces
  const list = schemas.map(quoteLiteral).join(', ');
  return `SELECT TABLE_SCHEMA, TABLE_NAME, ROW_COUNT, BYTES, LAST_ALTERED FROM ${quoteName(
    database,
  )}.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA IN (${list})`;
}

const toIso = (v: unknown): string | undefined => {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string' && v) return new Date(v).toISOString();
  return undefined;
};

const toNumber = (v: unknown): number | undefined =>
  v === null || v === undefined || v === '' ? undefined : Number(v);

/** Matches the rows to the requested tables, in request order. @public */
export function readTableStats(tables: TableRef[], rows: Row[]): TableStats[] {
  const byName = new Map(
    rows.map(r => [`${String(r.TABLE_SCHEMA)}.${String(r.TABLE_NAME)}`, r]),
  );
  return tables.map(t => {
    const row = byName.get(
      `${physicalName(t.schema)}.${physicalName(t.table)}`,
    );
    if (!row) return { schema: t.schema, table: t.table, exists: false };
    return {
      schema: t.schema,
      table: t.table,
      exists: true,
      rowCount: toNumber(row.ROW_COUNT),
      bytes: toNumber(row.BYTES),
      lastAltered: toIso(row.LAST_ALTERED),
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
