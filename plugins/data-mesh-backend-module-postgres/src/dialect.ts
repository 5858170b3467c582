/*
 * PostgreSQL spelling of the neutral changes. Pure: no connection here.
 *
 * Two layouts of the database level:
 * - `database`: each logical database is a real PostgreSQL database (a real
 *   server); statements name the database they must run in.
 * - `schema-prefix`: everything lives in one database, and the logical
 *   database becomes a prefix of the schema name, `<database>__<schema>`.
 *   PGlite needs this: one PGlite instance serves exactly one database (its
 *   `database` option), and a second instance cannot safely open the same
 *   data directory, so `CREATE DATABASE` would make a database nobody can
 *   connect to.
 */
import {
  type Change,
  type DesiredState,
  type MaskedView,
  type Privilege,
  type PrivilegeTarget,
  type SchemaRef,
  type Statement,
  type QualitySqlSpelling,
  type WarehouseDialect,
  InvalidIdentifierError,
  PUBLIC_GRANTEE,
  SAFE_IDENTIFIER,
} from '@datamesh/plugin-data-mesh-node';

/** PostgreSQL truncates longer identifiers silently; we refuse them instead. */
const MAX_IDENTIFIER = 63;

export { InvalidIdentifierError };

/** @public */
export type DatabaseLayout = 'database' | 'schema-prefix';

/** Separator between database and schema in the `schema-prefix` layout. */
export const SCHEMA_PREFIX_SEPARATOR = '__';

const TABLE_PRIVILEGES: Privilege[] = [
  'select',
  'insert',
  'update',
  'delete',
  'truncate',
];

/**
 * Quote a PostgreSQL identifier. Only plain identifiers pass: with no `"`
 * possible inside, the quoting cannot be escaped, and quoting keeps the
 * exact spelling (no case folding, reserved words harmless).
 * @public
 */
export function quotePgIdentifier(name: string): string {
  if (typeof name !== 'string' || !SAFE_IDENTIFIER.test(name)) {
    throw new InvalidIdentifierError(
      `refusing identifier ${JSON.stringify(
        String(name).slice(0, 80),
      )}: only letters, digits and _ are allowed, starting with a letter or _`,
    );
  }
  if (Buffer.byteLength(name) > MAX_IDENTIFIER) {
    throw new InvalidIdentifierError(
      `refusing identifier '${name}': ${name.length} characters, PostgreSQL allows ${MAX_IDENTIFIER}`,
    );
  }
  return `"${name}"`;
}

/**
 * The counting statement's spelling for data-quality checks. Values listed
 * by a spec author become escape-string literals (`E'…'`), whose meaning
 * does not depend on `standard_conforming_strings`; control characters are
 * refused (the spec reader refuses them first).
 * @public
 */
export const POSTGRES_QUALITY_SPELLING: QualitySqlSpelling = {
  literal(text: string) {
    if (
      [...text].some(ch => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)
    ) {
      throw new InvalidIdentifierError(
        `refusing value ${JSON.stringify(
          text,
        )}: control characters are not allowed`,
      );
    }
    return `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  },
  countIf: condition => `COUNT(*) FILTER (WHERE ${condition})`,
  // a row value counts even with a null field: the nulls are filtered out
  countDistinctRows: columns =>
    `COUNT(DISTINCT (${columns.join(', ')})) FILTER (WHERE ${columns
      .map(c => `${c} IS NOT NULL`)
      .join(' AND ')})`,
  // an ARE searched, as ECMAScript's test does
  notMatching: (value, pattern) => `${value} !~ ${pattern}`,
};

/** A string literal for COMMENT ON; comments are ours, but still checked. */
function literal(text: string): string {
  const unsafe = [...text].some(
    ch => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f || ch === '\\',
  );
  if (unsafe) {
    throw new InvalidIdentifierError(
      `refusing comment ${JSON.stringify(
        text,
      )}: control characters and backslashes are not allowed`,
    );
  }
  return `'${text.replace(/'/g, "''")}'`;
}

/** @public */
export interface PostgresDialectOptions {
  layout: DatabaseLayout;
  /** `postgresql` or `pglite`; plans are only applied by an adapter of the same id. */
  id: string;
  displayName: string;
}

/** @public */
export class PostgresDialect implements WarehouseDialect {
  readonly id: string;
  readonly displayName: string;
  readonly maxIdentifierLength = MAX_IDENTIFIER;
  readonly layout: DatabaseLayout;

  constructor(options: PostgresDialectOptions) {
    this.id = options.id;
    this.displayName = options.displayName;
    this.layout = options.layout;
  }

  quoteIdentifier(name: string): string {
    return quotePgIdentifier(name);
  }

  /** The schema's name inside the PostgreSQL database that holds it. */
  physicalSchema(ref: SchemaRef): string {
    if (this.layout === 'database') return ref.schema;
    // validate the parts first so the error names the part at fault
    quotePgIdentifier(ref.database);
    quotePgIdentifier(ref.schema);
    return `${ref.database}${SCHEMA_PREFIX_SEPARATOR}${ref.schema}`;
  }

  /** The PostgreSQL database a logical database lives in (undefined: the connection's own). */
  physicalDatabase(database: string): string | undefined {
    return this.layout === 'database' ? database : undefined;
  }

  qualifiedSchema(ref: SchemaRef): string {
    return quotePgIdentifier(this.physicalSchema(ref));
  }

  qualifiedTable(ref: SchemaRef, table: string): string {
    return `${this.qualifiedSchema(ref)}.${quotePgIdentifier(table)}`;
  }

  // no compute here; a client switches role with SET ROLE, which needs the
  // session's user to be a member of the role (the team's role, say)
  readerSession(options: { role: string; database: string }) {
    const database = this.physicalDatabase(options.database);
    if (database) quotePgIdentifier(database);
    return {
      ...(database ? { database } : {}),
      statements: [`SET ROLE ${quotePgIdentifier(options.role)}`],
    };
  }

  notes(desired: DesiredState): string[] {
    if (this.layout === 'database') return [];
    const databases = [...new Set(desired.schemas.map(s => s.database))];
    return databases.map(
      d =>
        `${
          this.displayName
        } serves a single database: database ${quotePgIdentifier(
          d,
        )} is not created; its schemas are named with the prefix "${d}${SCHEMA_PREFIX_SEPARATOR}" instead, and database-level grants are skipped`,
    );
  }

  statements(change: Change): Statement[] {
    const q = quotePgIdentifier;
    const grantee = (r: string) => (r === PUBLIC_GRANTEE ? 'PUBLIC' : q(r));
    const inDb = (database: string, sql: string): Statement => {
      const physical = this.physicalDatabase(database);
      return physical ? { sql, database } : { sql };
    };
    switch (change.action) {
      case 'create-compute':
      case 'drop-compute':
        // no compute objects in PostgreSQL; the plan carries a note
        return [];
      case 'create-database': {
        if (this.layout !== 'database') return [];
        const d = change.database;
        const out: Statement[] = [{ sql: `CREATE DATABASE ${q(d.name)}` }];
        if (d.comment)
          out.push({
            sql: `COMMENT ON DATABASE ${q(d.name)} IS ${literal(d.comment)}`,
          });
        return out;
      }
      case 'drop-database':
        if (this.layout !== 'database') return [];
        // WITH (FORCE): our own idle pool connections must not block the drop
        return [
          { sql: `DROP DATABASE IF EXISTS ${q(change.database)} WITH (FORCE)` },
        ];
      case 'create-role': {
        // NOLOGIN: product roles are granted to users and service accounts, never logged into
        const out: Statement[] = [
          { sql: `CREATE ROLE ${q(change.role.name)} NOLOGIN` },
        ];
        if (change.role.comment) {
          out.push({
            sql: `COMMENT ON ROLE ${q(change.role.name)} IS ${literal(
              change.role.comment,
            )}`,
          });
        }
        return out;
      }
      case 'drop-role': {
        // DROP ROLE fails while the role owns objects or holds privileges;
        // DROP OWNED is per database, so it runs in each one in scope.
        const dbs = this.layout === 'database' ? change.databases : [undefined];
        const inEach = (sql: string) =>
          dbs.map(d => (d ? { sql, database: d } : { sql }));
        return [
          // kept: what it owns passes to the platform's role first, so that
          // DROP OWNED only revokes its privileges
          ...(change.keepOwned
            ? inEach(`REASSIGN OWNED BY ${q(change.role)} TO CURRENT_USER`)
            : []),
          ...inEach(`DROP OWNED BY ${q(change.role)}`),
          { sql: `DROP ROLE IF EXISTS ${q(change.role)}` },
        ];
      }
      case 'create-schema': {
        const s = change.schema;
        const name = this.qualifiedSchema(s);
        const out = [
          inDb(
            s.database,
            `CREATE SCHEMA IF NOT EXISTS ${name}${
              s.owner ? ` AUTHORIZATION ${q(s.owner)}` : ''
            }`,
          ),
        ];
        if (s.comment)
          out.push(
            inDb(
              s.database,
              `COMMENT ON SCHEMA ${name} IS ${literal(s.comment)}`,
            ),
          );
        return out;
      }
      case 'drop-schema':
        return [
          inDb(
            change.schema.database,
            `DROP SCHEMA IF EXISTS ${this.qualifiedSchema(
              change.schema,
            )} CASCADE`,
          ),
        ];
      case 'set-schema-owner':
        return [
          inDb(
            change.schema.database,
            `ALTER SCHEMA ${this.qualifiedSchema(change.schema)} OWNER TO ${q(
              change.owner,
            )}`,
          ),
        ];
      case 'set-comment': {
        const o = change.object;
        switch (o.kind) {
          case 'schema':
            return [
              inDb(
                o.database,
                `COMMENT ON SCHEMA ${this.qualifiedSchema(o)} IS ${literal(
                  change.comment,
                )}`,
              ),
            ];
          case 'role':
            return [
              {
                sql: `COMMENT ON ROLE ${q(o.name)} IS ${literal(
                  change.comment,
                )}`,
              },
            ];
          case 'database':
            return this.layout === 'database'
              ? [
                  {
                    sql: `COMMENT ON DATABASE ${q(o.name)} IS ${literal(
                      change.comment,
                    )}`,
                  },
                ]
              : [];
          default:
            return [];
        }
      }
      case 'grant-role':
        return [
          {
            sql: `GRANT ${q(change.membership.role)} TO ${q(
              change.membership.member,
            )}`,
          },
        ];
      case 'revoke-role':
        return [
          {
            sql: `REVOKE ${q(change.membership.role)} FROM ${q(
              change.membership.member,
            )}`,
          },
        ];
      case 'create-masked-view':
        return this.maskedView(change.view);
      case 'create-masking-policy':
      case 'set-masking-policy':
        // PostgreSQL has no masking policies: its adapter masks with views
        throw new Error(
          `${this.displayName} has no masking policies; plan with masking 'masked-views'`,
        );
      case 'grant':
      case 'revoke': {
        const grant = change.action === 'grant';
        const stmt = this.privilegeStatement(
          change.target,
          change.privileges,
          grantee(change.grantee),
          grant,
        );
        return stmt ? [stmt] : [];
      }
      default:
        throw new Error(`unknown change ${JSON.stringify(change)}`);
    }
  }

  private privilegeStatement(
    target: PrivilegeTarget,
    privileges: Privilege[],
    grantee: string,
    grant: boolean,
  ): Statement | undefined {
    const q = quotePgIdentifier;
    const verb = grant ? 'GRANT' : 'REVOKE';
    const prep = grant ? 'TO' : 'FROM';
    const spell = (
      allowed: Privilege[],
      map: Partial<Record<Privilege, string>> = {},
    ) =>
      privileges
        .map(p => {
          if (!allowed.includes(p)) {
            throw new Error(`privilege ${p} does not apply to ${target.type}`);
          }
          return map[p] ?? p.toUpperCase();
        })
        .join(', ');
    switch (target.type) {
      case 'compute':
        return undefined;
      case 'database':
        if (this.layout !== 'database') return undefined;
        return {
          sql: `${verb} ${spell(['usage', 'create'], {
            usage: 'CONNECT',
          })} ON DATABASE ${q(target.name)} ${prep} ${grantee}`,
        };
      case 'schema':
        return this.inDatabase(
          target.database,
          `${verb} ${spell([
            'usage',
            'create',
          ])} ON SCHEMA ${this.qualifiedSchema(target)} ${prep} ${grantee}`,
        );
      case 'tables':
        return this.inDatabase(
          target.database,
          `${verb} ${spell(
            TABLE_PRIVILEGES,
          )} ON ALL TABLES IN SCHEMA ${this.qualifiedSchema(
            target,
          )} ${prep} ${grantee}`,
        );
      case 'future-tables':
        // Default privileges belong to the role that creates the tables;
        // without FOR ROLE they would only cover tables this admin creates.
        return this.inDatabase(
          target.database,
          `ALTER DEFAULT PRIVILEGES${
            target.creator ? ` FOR ROLE ${q(target.creator)}` : ''
          } IN SCHEMA ${this.qualifiedSchema(target)} ${verb} ${spell(
            TABLE_PRIVILEGES,
          )} ON TABLES ${prep} ${grantee}`,
        );
      default:
        throw new Error(`unknown privilege target ${JSON.stringify(target)}`);
    }
  }

  /**
   * Dropped and made again rather than CREATE OR REPLACE, which cannot drop
   * or retype a column. Masked columns keep their own type without spelling
   * it: `CASE WHEN false THEN col END` is a NULL of the column's type, and
   * text columns show '***' so a reader sees the value is hidden, not absent.
   * The view belongs to the product's owner role: a view reads its source
   * with its owner's privileges, and the owner role reads the output layer.
   */
  private maskedView(view: MaskedView): Statement[] {
    const q = quotePgIdentifier;
    const masked = new Set(view.masked);
    const select = view.columns.map(c => {
      if (!masked.has(c.name)) return q(c.name);
      const text = /^(text|character varying|character|varchar|char)\b/i.test(
        c.type,
      );
      return `CASE WHEN false THEN ${q(c.name)}${
        text ? ` ELSE '***'` : ''
      } END AS ${q(c.name)}`;
    });
    const name = this.qualifiedTable(view.target, view.target.view);
    const source = this.qualifiedTable(view.source, view.source.table);
    return [
      `DROP VIEW IF EXISTS ${name}`,
      `CREATE VIEW ${name} AS SELECT ${select.join(', ')} FROM ${source}`,
      `ALTER VIEW ${name} OWNER TO ${q(view.owner)}`,
      `COMMENT ON VIEW ${name} IS ${literal(view.comment)}`,
    ].map(sql => this.inDatabase(view.target.database, sql));
  }

  private inDatabase(database: string, sql: string): Statement {
    return this.layout === 'database' ? { sql, database } : { sql };
  }
}
