/*
 * SNOWFLAKE.ACCOUNT_USAGE.ACCESS_HISTORY and QUERY_HISTORY, as far as the
 * usage reader needs them. Every successful SELECT the fake runs is
 * recorded — query id, start time (the fake's clock), user, the role it ran
 * as, and the object it read — so a test reads tables through the real
 * driver as a consumer role and then finds those reads here.
 *
 * Only the usage statement (sql/usage.ts) is answered, and only in exactly
 * that shape: the join on QUERY_ID, FLATTEN over BASE_OBJECTS_ACCESSED, the
 * window on both start times, the IN list of object names and the grouping
 * by role, object and UTC day. Anything else naming ACCOUNT_USAGE fails as
 * unsupported rather than answering something Snowflake would not. The
 * fake records the object named in FROM as the base object (real Snowflake
 * lists the tables under a view; the usage reader asks for tables).
 * Access needs ACCOUNTADMIN, as for the SNOWFLAKE database until IMPORTED
 * PRIVILEGES are granted; the modelled lag is none.
 */
import type { FakeAccount } from './account';
import { doesNotExist, unsupported } from './errors';
import { type ResultSet, type SessionContext, STMT_SELECT } from './model';
import { type Bindings, parseStatement } from './parser';
import type { Statement } from './statements';

interface Access {
  queryId: string;
  start: Date;
  user: string;
  role: string;
  object: string;
}

const USAGE = new RegExp(
  [
    `^SELECT q\\.ROLE_NAME AS ROLE_NAME, f\\.value:"objectName"::STRING AS OBJECT_NAME,`,
    `TO_CHAR\\(CONVERT_TIMEZONE\\('UTC', a\\.QUERY_START_TIME\\), 'YYYY-MM-DD'\\) AS DAY,`,
    `COUNT\\(DISTINCT a\\.QUERY_ID\\) AS READS,`,
    `DATE_PART\\(EPOCH_MILLISECOND, MAX\\(a\\.QUERY_START_TIME\\)\\) AS LAST_READ`,
    `FROM SNOWFLAKE\\.ACCOUNT_USAGE\\.ACCESS_HISTORY a,`,
    `LATERAL FLATTEN\\(input => a\\.BASE_OBJECTS_ACCESSED\\) f,`,
    `SNOWFLAKE\\.ACCOUNT_USAGE\\.QUERY_HISTORY q`,
    `WHERE q\\.QUERY_ID = a\\.QUERY_ID`,
    `AND a\\.QUERY_START_TIME >= '([^']+)'::TIMESTAMP_LTZ AND q\\.START_TIME >= '([^']+)'::TIMESTAMP_LTZ`,
    `AND f\\.value:"objectName"::STRING IN \\(('[^']+'(?:, '[^']+')*)\\)`,
    `GROUP BY 1, 2, 3;?$`,
  ].join(' '),
);

/** @internal */
export class FakeAccessHistory {
  private readonly accesses: Access[] = [];

  /** Run one statement: the usage statement from the history, anything else by the account (a SELECT is then recorded). */
  execute(
    account: FakeAccount,
    q: {
      sqlText: string;
      bindings?: Bindings;
      context: SessionContext;
      queryId: string;
      start: Date;
    },
  ): ResultSet {
    const roles = account.effectiveRoles(q.context.role);
    const usage = this.answer(q.sqlText, roles);
    if (usage) return usage;
    const stmt = parseStatement(q.sqlText, q.bindings);
    const result = account.execute(stmt, q.context);
    this.record(q.queryId, q.start, stmt, q.context);
    return result;
  }

  /** Record a successful SELECT of a user object. */
  record(
    queryId: string,
    start: Date,
    stmt: Statement,
    s: SessionContext,
  ): void {
    if (stmt.kind !== 'select' || !stmt.from) return;
    const ref = stmt.from;
    // qualified from the session's current database and schema, as Snowflake does
    const context = [s.database ?? '', s.schema ?? ''];
    const path = [...context.slice(0, 3 - ref.length), ...ref];
    if (path[1] === 'INFORMATION_SCHEMA') return;
    // a UNION ALL reads each branch's object
    if (stmt.unionAll) this.record(queryId, start, stmt.unionAll, s);
    this.accesses.push({
      queryId,
      start,
      user: s.user,
      role: s.role,
      object: path.join('.'),
    });
  }

  /** The answer to the usage statement, or undefined when the text does not name ACCOUNT_USAGE. */
  answer(sqlText: string, roles: Set<string>): ResultSet | undefined {
    const text = sqlText.replace(/\s+/g, ' ').trim();
    if (!/SNOWFLAKE\.ACCOUNT_USAGE\./i.test(text)) return undefined;
    if (!roles.has('ACCOUNTADMIN')) throw doesNotExist('Database', 'SNOWFLAKE');
    const m = USAGE.exec(text);
    if (!m)
      throw unsupported(
        'This ACCOUNT_USAGE query (only the usage reader’s is modelled)',
      );
    const since = Date.parse(m[1]);
    const sinceQ = Date.parse(m[2]);
    const names = new Set(m[3].split(', ').map(x => x.slice(1, -1)));
    const groups = new Map<
      string,
      {
        role: string;
        object: string;
        day: string;
        ids: Set<string>;
        last: number;
      }
    >();
    for (const a of this.accesses) {
      const t = a.start.getTime();
      if (t < since || t < sinceQ || !names.has(a.object)) continue;
      const day = a.start.toISOString().slice(0, 10);
      const key = `${a.role}\u0000${a.object}\u0000${day}`;
      const g = groups.get(key) ?? {
        role: a.role,
        object: a.object,
        day,
        ids: new Set<string>(),
        last: t,
      };
      g.ids.add(a.queryId);
      g.last = Math.max(g.last, t);
      groups.set(key, g);
    }
    return {
      columns: [
        { name: 'ROLE_NAME', type: 'text' },
        { name: 'OBJECT_NAME', type: 'text' },
        { name: 'DAY', type: 'text' },
        { name: 'READS', type: 'fixed' },
        { name: 'LAST_READ', type: 'fixed' },
      ],
      rows: [...groups.values()].map(g => [
        g.role,
        g.object,
        g.day,
        g.ids.size,
        g.last,
      ]),
      statementTypeId: STMT_SELECT,
    };
  }
}
