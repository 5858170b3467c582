/*
 * Usage for PostgreSQL and PGlite: table-level scan counters, ONE statement
 * per database and call.
 *
 * Why not reads per role: PostgreSQL keeps no per-role access record.
 * `pg_stat_statements` has the user and the query text but not the tables a
 * statement read, so tying its rows to a product would mean guessing from
 * SQL text (views, search_path and aliases defeat it), and it needs
 * `shared_preload_libraries`, which neither PGlite nor a default server has.
 * What the cumulative statistics do tell honestly is how often each table
 * was scanned: `pg_stat_get_numscans` of the table (sequential scans) plus
 * that of each of its indexes (index scans), with this backend's own
 * unpublished counts added (`pg_stat_get_xact_numscans`, as stats.ts does
 * for the change counters). The answer is cumulative since the statistics
 * were last reset, with no role and no day: the caller books differences.
 *
 * A scan is not a query: a join may scan a table once per outer row, and
 * the platform's own SLO count(*) scans a table that changed. A view has no
 * counter (its query scans the tables below), so only tables, materialized
 * views and partitions' parents (summed over their leaves) are answered.
 */
import type {
  TableRef,
  TableUsage,
  UsageReading,
} from '@datamesh/plugin-data-mesh-node';
import type { PostgresConnection } from './connection';
import { type PostgresDialect, quotePgIdentifier } from './dialect';

/** $1 schemas, $2 tables (physical). One row per table that exists and has counters. */
const USAGE_QUERY = `
with wanted as (
  select w.i, w.s, w.r
  from unnest($1::text[], $2::text[]) with ordinality as w(s, r, i)
),
found as (
  select w.i, c.oid, c.relkind
  from wanted w
  join pg_namespace n on n.nspname = w.s
  join pg_class c on c.relnamespace = n.oid and c.relname = w.r and c.relkind in ('r', 'p', 'm')
  where current_setting('track_counts')::boolean
),
leaves as (
  select f.i, f.oid as relid from found f where f.relkind <> 'p'
  union all
  select f.i, p.relid from found f, pg_partition_tree(f.oid) p where f.relkind = 'p' and p.isleaf
),
scanned as (
  -- the relation itself (sequential scans) and each of its indexes (index scans)
  select l.i, l.relid as scanned from leaves l
  union all
  select l.i, x.indexrelid from leaves l join pg_index x on x.indrelid = l.relid
)
select f.i, coalesce(sum(pg_stat_get_numscans(s.scanned) + pg_stat_get_xact_numscans(s.scanned)), 0)::text as scans
from found f
left join scanned s on s.i = f.i
group by f.i`;

/** Notes every table-level answer carries, for the UI to say what the numbers are. */
export const TABLE_LEVEL_USAGE_NOTES = [
  'PostgreSQL keeps no per-role access record: these are table scans (sequential and index), not reads per consumer role',
  'a scan is not a query: a join may scan a table several times, and the platform’s own SLO checks scan tables that changed',
];

/** @internal */
export async function readPostgresUsage(
  connection: PostgresConnection,
  dialect: PostgresDialect,
  database: string,
  tables: TableRef[],
): Promise<UsageReading> {
  const reading: UsageReading = {
    source: 'table-level',
    rows: [],
    notes: TABLE_LEVEL_USAGE_NOTES,
  };
  if (tables.length === 0) return reading;
  const db = dialect.physicalDatabase(database);
  if (db !== undefined) quotePgIdentifier(db);
  // validate every name before anything is sent
  const physical = tables.map(t => {
    const schema = dialect.physicalSchema({ database, schema: t.schema });
    quotePgIdentifier(schema);
    quotePgIdentifier(t.table);
    return { schema, table: t.table };
  });
  const rows = await connection.query<{ i: number | string; scans: string }>(
    USAGE_QUERY,
    [physical.map(p => p.schema), physical.map(p => p.table)],
    db,
  );
  reading.rows = rows.map(
    (r): TableUsage => ({
      ...tables[Number(r.i) - 1],
      reads: Number(r.scans),
    }),
  );
  return reading;
}
