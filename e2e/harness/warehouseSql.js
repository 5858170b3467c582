'use strict';

/*
 * Reading the embedded warehouse as its roles do, for the scenarios that
 * prove a grant (or its absence) by a query that runs or is refused.
 */

const { pgIdent } = require('./util');

/** `sql` as `role`, in a transaction: `{ rows }`, or `{ refused }` with the warehouse's refusal. */
async function selectAs(db, role, sql) {
  try {
    const rows = await db.transaction(async tx => {
      await tx.query(`SET LOCAL ROLE ${pgIdent(role)}`);
      return (await tx.query(sql)).rows;
    });
    return { rows };
  } catch (error) {
    // insufficient_privilege; anything else is the scenario's own mistake
    if (error.code !== '42501') throw error;
    return { refused: error };
  }
}

/** The rows of `table` as `role` reads them: a read that must succeed (its refusal is thrown). */
async function countAs(db, role, table) {
  const read = await selectAs(
    db,
    role,
    `SELECT count(*)::int AS n FROM ${table}`,
  );
  if (read.refused) {
    throw new Error(`${role} cannot read ${table}: ${read.refused.message}`);
  }
  return read.rows[0].n;
}

/** The tables and views `role` may select from, qualified and quoted, in order. */
async function readableTables(db, role) {
  const { rows } = await db.query(
    `select format('%I.%I', n.nspname, c.relname) as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'v', 'p')
        and n.nspname not in ('pg_catalog', 'information_schema')
        and has_table_privilege($1, c.oid, 'SELECT')
      order by 1`,
    [role],
  );
  return rows.map(r => r.name);
}

/** Whether `member` holds `role` directly (not through another role). */
async function holds(db, role, member) {
  const { rows } = await db.query(
    `select 1 from pg_auth_members m
       join pg_roles r on r.oid = m.roleid
       join pg_roles g on g.oid = m.member
      where r.rolname = $1 and g.rolname = $2`,
    [role, member],
  );
  return rows.length > 0;
}

module.exports = { selectAs, countAs, readableTables, holds };
