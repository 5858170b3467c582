/*
 * PostgreSQL's sandbox of a schema: a copy, since it has no zero-copy
 * clone. Each table is re-created with `LIKE … INCLUDING ALL` and filled
 * with `INSERT … SELECT` of the columns that take a value, so that the copy
 * behaves like its source for the branch's pipeline without touching the
 * product: a generated column is computed again, an identity column keeps
 * its values (OVERRIDING SYSTEM VALUE) and goes on after them, and a column
 * numbered from a sequence — a `serial`, or a default `nextval` of a
 * sequence the schema's tables share — numbers from a sequence of the
 * copy's own, so the branch's inserts leave the product's numbering alone
 * (and need no USAGE on it).
 */
import type { SandboxCloneRequest } from '@datamesh/plugin-data-mesh-node';
import type { PostgresConnection } from './connection';
import { type PostgresDialect, quotePgIdentifier } from './dialect';

interface CopiedColumn {
  attname: string;
  /** An identity column: its values kept, its numbering going on after them. */
  identity: boolean;
  /** A serial column: an identity of the copy's own (the same behaviour). */
  serial: boolean;
  /**
   * The sequence in the source schema, owned by no column, that the
   * column's default (`nextval` alone) draws on: copied once per schema,
   * at the product's current value, as the copy's own.
   */
  sharedSequence: string | null;
}

/**
 * Copies the tables of `r.source` into `r.target` (made, owned by
 * `r.owner`; tables owned by `r.tableOwner`), in the source's database.
 * Views are not copied. Returns the number of tables.
 */
export async function copySchema(
  connection: PostgresConnection,
  dialect: PostgresDialect,
  r: SandboxCloneRequest,
): Promise<number> {
  const src = dialect.qualifiedSchema(r.source);
  const dst = dialect.qualifiedSchema(r.target);
  const db = dialect.physicalDatabase(r.source.database);
  const columns = await connection.query<{
    relname: string;
    attname: string | null;
    identity: boolean | null;
    serial: boolean | null;
    shared_sequence: string | null;
  }>(
    // the columns that take a value (not generated ones), and how each is numbered
    `select c.relname, a.attname, a.attidentity <> '' as identity,
       a.attidentity = '' and pg_get_serial_sequence(
         format('%I.%I', n.nspname, c.relname), a.attname) is not null as serial,
       (select s.relname from pg_attrdef d
          join pg_depend dep on dep.classid = 'pg_attrdef'::regclass
            and dep.objid = d.oid and dep.refclassid = 'pg_class'::regclass
          join pg_class s on s.oid = dep.refobjid and s.relkind = 'S'
            and s.relnamespace = n.oid
        where d.adrelid = a.attrelid and d.adnum = a.attnum
          and pg_get_expr(d.adbin, d.adrelid) ~ '^nextval\\(''[^'']*''::regclass\\)$'
          and not exists (select 1 from pg_depend o
            where o.classid = 'pg_class'::regclass and o.objid = s.oid
              and o.deptype in ('a', 'i'))
        limit 1) as shared_sequence
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     left join pg_attribute a on a.attrelid = c.oid
       and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
     where n.nspname = $1 and c.relkind in ('r', 'p')
     order by c.relname, a.attnum`,
    [dialect.physicalSchema(r.source)],
    db,
  );
  const tables = new Map<string, CopiedColumn[]>();
  for (const c of columns) {
    const cols = tables.get(c.relname) ?? [];
    if (c.attname !== null) {
      cols.push({
        attname: c.attname,
        identity: c.identity === true,
        serial: c.serial === true,
        sharedSequence: c.shared_sequence,
      });
    }
    tables.set(c.relname, cols);
  }
  const run = (sql: string, params: unknown[] = []) =>
    connection.query(sql, params, db);

  await run(
    `CREATE SCHEMA IF NOT EXISTS ${dst}${
      r.owner ? ` AUTHORIZATION ${quotePgIdentifier(r.owner)}` : ''
    }`,
  );
  const tableOwner = r.tableOwner ?? r.owner;
  // the shared sequences, copied before the tables that draw on them
  const sequences = new Set(
    [...tables.values()].flatMap(cols =>
      cols.flatMap(c => (c.sharedSequence ? [c.sharedSequence] : [])),
    ),
  );
  for (const name of sequences) {
    const sequence = quotePgIdentifier(name);
    await run(`CREATE SEQUENCE ${dst}.${sequence}`);
    await run(
      `SELECT setval($1, last_value, is_called) FROM ${src}.${sequence}`,
      [`${dst}.${sequence}`],
    );
    if (tableOwner) {
      await run(
        `ALTER SEQUENCE ${dst}.${sequence} OWNER TO ${quotePgIdentifier(
          tableOwner,
        )}`,
      );
    }
  }
  for (const [relname, cols] of tables) {
    const t = quotePgIdentifier(relname);
    await run(`CREATE TABLE ${dst}.${t} (LIKE ${src}.${t} INCLUDING ALL)`);
    for (const c of cols) {
      const column = quotePgIdentifier(c.attname);
      if (c.serial) {
        await run(
          `ALTER TABLE ${dst}.${t} ALTER COLUMN ${column} DROP DEFAULT, ALTER COLUMN ${column} ADD GENERATED BY DEFAULT AS IDENTITY`,
        );
      } else if (c.sharedSequence) {
        // quoted identifiers only (no ' possible): a safe literal
        await run(
          `ALTER TABLE ${dst}.${t} ALTER COLUMN ${column} SET DEFAULT nextval('${dst}.${quotePgIdentifier(
            c.sharedSequence,
          )}')`,
        );
      }
    }
    const list = cols.map(c => quotePgIdentifier(c.attname)).join(', ');
    if (list) {
      await run(
        `INSERT INTO ${dst}.${t} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM ${src}.${t}`,
      );
    }
    // the copy's identity goes on after the copied values, not from 1
    for (const c of cols.filter(col => col.identity || col.serial)) {
      const column = quotePgIdentifier(c.attname);
      await run(
        `SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(${column}), 0) + 1, false) FROM ${dst}.${t}`,
        [`${dst}.${t}`, c.attname],
      );
    }
    // a new table carries no grants of the source's: only its owner's
    if (tableOwner) {
      await run(
        `ALTER TABLE ${dst}.${t} OWNER TO ${quotePgIdentifier(tableOwner)}`,
      );
    }
  }
  return tables.size;
}
