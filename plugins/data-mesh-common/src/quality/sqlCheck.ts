/*
 * ODCS `sql` quality checks: a query the spec author writes, whose one
 * number is compared (`mustBe: 0`, …). The query names the check's table
 * and column through placeholders (ODCS: `SELECT COUNT(*) FROM ${table}
 * WHERE ${column} IS NULL`), which the runner fills with the quoted names
 * of the stage (or sandbox) it measures.
 *
 * The portal never runs them: its warehouse connection has the platform's
 * privileges, and a spec author is not to be trusted with those. The
 * product's own pipeline runs them (`datamesh quality --sql`) with its own
 * credentials, which can already run any SQL its dbt models hold, and
 * reports the number. So the rules here are about mistakes, not defence:
 * one SELECT (or WITH … SELECT) statement, known placeholders.
 */

/** Placeholders a query may hold, and what each is replaced by. @public */
export const QUALITY_QUERY_PLACEHOLDERS = {
  /** The check's table, qualified and quoted as the warehouse needs. */
  table: 'table',
  /** ODCS v3.1's word for the table. */
  object: 'table',
  /** The check's column, quoted (column checks only). */
  column: 'column',
  /** ODCS v3.1's word for the column. */
  property: 'column',
} as const;

const PLACEHOLDER = /\$\{\s*([^}]*?)\s*\}/g;

/**
 * Where a statement ends: the index of each `;` outside string literals,
 * quoted identifiers and comments.
 */
function statementEnds(sql: string): number[] {
  const ends: number[] = [];
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      // '' and "" inside are escapes: the scan just reopens
      const close = sql.indexOf(c, i + 1);
      if (close < 0) return ends;
      i = close;
    } else if (c === '-' && sql[i + 1] === '-') {
      const eol = sql.indexOf('\n', i);
      if (eol < 0) return ends;
      i = eol;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) return ends;
      i = close + 1;
    } else if (c === ';') ends.push(i);
  }
  return ends;
}

/** The query without comments before it and a `;` ending it. */
function trimmed(query: string): string {
  let q = query.trim();
  for (;;) {
    if (q.startsWith('--')) {
      const eol = q.indexOf('\n');
      q = eol < 0 ? '' : q.slice(eol + 1).trim();
    } else if (q.startsWith('/*')) {
      const close = q.indexOf('*/');
      q = close < 0 ? '' : q.slice(close + 2).trim();
    } else break;
  }
  return q.replace(/;\s*$/, '');
}

/**
 * What is wrong with a `sql` check's query, if anything: it must be one
 * SELECT statement (WITH … SELECT too) and use only the placeholders its
 * level has (`${column}` on a column's check only).
 * @public
 */
export function qualityQueryProblem(
  query: string,
  level: 'dataset' | 'column',
): string | undefined {
  const q = trimmed(query);
  if (!/^\(*\s*(select|with)\b/i.test(q)) {
    return 'a sql check runs one SELECT statement (or WITH … SELECT) that returns one number';
  }
  if (statementEnds(q).length) {
    return 'a sql check runs one statement: remove the ; between statements';
  }
  for (const [, name] of q.matchAll(PLACEHOLDER)) {
    const means =
      QUALITY_QUERY_PLACEHOLDERS[
        name as keyof typeof QUALITY_QUERY_PLACEHOLDERS
      ];
    if (!means) {
      return `\${${name}} is not a placeholder the query may hold: \${table} and \${column} (or \${object} and \${property})`;
    }
    if (means === 'column' && level === 'dataset') {
      return `\${${name}} names the check's column, and this check is a dataset's: name the column in the query, or write the check under it`;
    }
  }
  return undefined;
}

/**
 * The statement to run for a check: its query with the placeholders
 * replaced by `names` (already quoted by the warehouse's dialect) and
 * without a final `;`. Throws when the query breaks the rules of
 * {@link qualityQueryProblem}, so a check read elsewhere is held to them
 * too.
 * @public
 */
export function qualityQueryStatement(
  query: string,
  names: { table: string; column?: string },
): string {
  const problem = qualityQueryProblem(
    query,
    names.column === undefined ? 'dataset' : 'column',
  );
  if (problem) throw new Error(problem);
  return trimmed(query).replace(
    PLACEHOLDER,
    (_, name: keyof typeof QUALITY_QUERY_PLACEHOLDERS) =>
      names[QUALITY_QUERY_PLACEHOLDERS[name]]!,
  );
}
