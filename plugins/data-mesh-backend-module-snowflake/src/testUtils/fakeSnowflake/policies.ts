/*
 * Masking policies as Snowflake documents them, as far as the adapter uses
 * them:
 *
 * - CREATE MASKING POLICY needs the CREATE MASKING POLICY privilege on the
 *   schema (its owner has it); the creating role owns the policy. The
 *   signature's type is the return type, and THEN must return the argument.
 * - Setting or unsetting a policy on a column needs APPLY MASKING POLICY on
 *   the account, or APPLY on the policy (its owner holds it) together with
 *   OWNERSHIP of the table. The policy's type must fit the column's, and a
 *   column with a policy takes another one only with FORCE.
 * - SHOW MASKING POLICIES and POLICY_REFERENCES(POLICY_NAME => …) list what
 *   the role may apply: policies it owns, or any with APPLY MASKING POLICY.
 * - SELECT evaluates a column's policy for every row with the querying
 *   session's roles: IS_ROLE_IN_SESSION('R') is true when R is the current
 *   role or any role it inherits, also inside a view (which otherwise reads
 *   with its owner's privileges).
 *
 * Error wording for type mismatches and already-attached columns follows
 * Snowflake's messages as far as they are documented; the codes are the
 * nearest documented compilation-error family.
 */
import {
  doesNotExist,
  insufficientPrivileges,
  SnowflakeSqlError,
} from './errors';
import {
  Cell,
  displayName,
  displayPart,
  FakeMaskingPolicy,
  FakeTable,
  likeToRegExp,
  ResultColumn,
  ResultSet,
  SessionContext,
  statusResult,
  STMT_DDL,
} from './model';
import type { NameRef, Statement, Value } from './statements';
import { AccountShow } from './show';

/** The type family a column or policy type belongs to, for matching one to the other. */
function typeFamily(type: string): string {
  const base = type.toUpperCase().replace(/\s*\(.*$/, '');
  const families: Record<string, string[]> = {
    TEXT: ['TEXT', 'VARCHAR', 'STRING', 'CHAR', 'CHARACTER', 'NCHAR', 'NVARCHAR'],
    NUMBER: ['NUMBER', 'DECIMAL', 'NUMERIC', 'INT', 'INTEGER', 'BIGINT', 'SMALLINT', 'TINYINT', 'BYTEINT'],
    FLOAT: ['FLOAT', 'FLOAT4', 'FLOAT8', 'DOUBLE', 'REAL'],
    TIMESTAMP_NTZ: ['TIMESTAMP_NTZ', 'TIMESTAMP', 'DATETIME'],
  }; // prettier-ignore
  for (const [family, members] of Object.entries(families))
    if (members.includes(base)) return family;
  return base;
}

/** INFORMATION_SCHEMA.COLUMNS' DATA_TYPE for a declared column type. @internal */
export function informationSchemaType(type: string): string {
  return typeFamily(type);
}

/** Masking-policy DDL, listings and evaluation. @public */
export abstract class AccountPolicies extends AccountShow {
  /** A policy by full path, if it exists (no visibility check). */
  protected policyAt(path: string[]): FakeMaskingPolicy | undefined {
    return this.databases
      .get(path[0])
      ?.schemas.get(path[1])
      ?.policies.get(path[2]);
  }

  /** Whether the roles may apply (and so see) a policy: its owner, or APPLY MASKING POLICY. */
  protected canApply(roles: Set<string>, policy: FakeMaskingPolicy): boolean {
    return (
      roles.has(policy.owner) || this.hasAccount(roles, 'APPLY MASKING POLICY')
    );
  }

  protected createMaskingPolicy(
    stmt: Extract<Statement, { kind: 'createMaskingPolicy' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const path = this.qualifyTable(stmt.name, s, 'CREATE MASKING POLICY');
    const schema = this.schema([path[0], path[1]], roles);
    if (!this.has(roles, 'SCHEMA', [path[0], path[1]], 'CREATE MASKING POLICY'))
      throw insufficientPrivileges('schema', path[1]);
    if (typeFamily(stmt.argType) !== typeFamily(stmt.returnType)) {
      throw new SnowflakeSqlError(
        '002029',
        '42601',
        `SQL compilation error:\nMasking policy return type '${stmt.returnType}' does not match the type '${stmt.argType}' of its argument`,
      );
    }
    if (stmt.body.then.toUpperCase() !== stmt.arg.toUpperCase())
      throw new SnowflakeSqlError(
        '000904',
        '42000',
        `SQL compilation error: error line 1 at position 0\ninvalid identifier '${displayPart(
          stmt.body.then,
        )}'`,
      );
    const existing = schema.policies.get(path[2]);
    if (existing && stmt.ifNotExists)
      return statusResult(
        `${displayPart(path[2])} already exists, statement succeeded.`,
      );
    if (existing && !stmt.orReplace)
      throw new SnowflakeSqlError(
        '002002',
        '42710',
        `SQL compilation error:\nObject '${displayName(path)}' already exists.`,
      );
    schema.policies.set(path[2], {
      name: path[2],
      owner: s.role,
      createdOn: this.now(),
      comment: stmt.comment,
      type: stmt.argType,
      body: stmt.body,
    });
    return statusResult(
      `Masking policy ${displayPart(path[2])} successfully created.`,
    );
  }

  /** `ALTER TABLE … {ALTER | MODIFY} COLUMN c {SET | UNSET} MASKING POLICY`. */
  protected setColumnPolicy(
    stmt: Extract<Statement, { kind: 'alterTable' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const change = stmt.change;
    if (change.kind !== 'maskingPolicy') throw new Error('not a policy change');
    const path = this.qualifyTable(stmt.name, s, 'ALTER TABLE');
    const exists = this.databases
      .get(path[0])
      ?.schemas.get(path[1])
      ?.tables.has(path[2]);
    if (!exists && stmt.ifExists)
      return statusResult('Statement executed successfully.');
    const table = this.table(path, roles);
    const column = table.columns.find(c => c.name === change.column);
    if (!column)
      throw new SnowflakeSqlError(
        '000904',
        '42000',
        `SQL compilation error: error line 1 at position 0\ninvalid identifier '${displayPart(
          change.column,
        )}'`,
      );
    const accountWide = this.hasAccount(roles, 'APPLY MASKING POLICY');
    const ownsTable = this.canOwn(roles, 'TABLE', path);
    const current = column.maskingPolicy
      ? this.policyAt(column.maskingPolicy)
      : undefined;
    if (!change.policy) {
      if (
        !accountWide &&
        !(ownsTable && current && this.canApply(roles, current))
      )
        throw insufficientPrivileges('table', path[2]);
      delete column.maskingPolicy;
      return statusResult('Statement executed successfully.');
    }
    const policyPath = this.qualifyTable(change.policy, s, 'ALTER TABLE');
    const policy = this.visiblePolicy(policyPath, roles);
    if (!accountWide && !(ownsTable && this.canApply(roles, policy)))
      throw insufficientPrivileges('table', path[2]);
    if (typeFamily(policy.type) !== typeFamily(column.type))
      throw new SnowflakeSqlError(
        '002029',
        '42601',
        `SQL compilation error:\nMasking policy '${displayName(
          policyPath,
        )}' of type ${policy.type} cannot be set on column '${displayPart(
          column.name,
        )}' of type ${column.type}`,
      );
    if (
      current &&
      !change.force &&
      column.maskingPolicy!.join('.') !== policyPath.join('.')
    )
      throw new SnowflakeSqlError(
        '002030',
        '42601',
        'SQL compilation error:\nSpecified column already attached to another masking policy. A column cannot be attached to multiple masking policies. Please drop the current association in order to attach a new masking policy.',
      );
    column.maskingPolicy = policyPath;
    table.lastDdl = this.now();
    return statusResult('Statement executed successfully.');
  }

  private visiblePolicy(
    path: [string, string, string],
    roles: Set<string>,
  ): FakeMaskingPolicy {
    this.schema([path[0], path[1]], roles);
    const policy = this.policyAt(path);
    if (!policy || !this.canApply(roles, policy))
      throw doesNotExist('Object', displayName(path));
    return policy;
  }

  /** SHOW MASKING POLICIES [LIKE …] [IN ACCOUNT | DATABASE d | SCHEMA d.s], with Snowflake's columns. */
  protected showMaskingPolicies(
    stmt: Extract<Statement, { kind: 'showMaskingPolicies' }>,
    s: SessionContext,
    roles: Set<string>,
  ): ResultSet {
    const like = stmt.like === undefined ? undefined : likeToRegExp(stmt.like);
    let where: (db: string, schema: string) => boolean = () => true;
    if (stmt.in?.type === 'DATABASE') {
      const db = this.database(this.single(stmt.in.name!, 'Database'), roles);
      where = d => d === db.name;
    } else if (stmt.in?.type === 'SCHEMA') {
      const path = this.qualifySchema(stmt.in.name!, s, 'SHOW');
      this.schema(path, roles);
      where = (d, sc) => d === path[0] && sc === path[1];
    }
    const columns: ResultColumn[] = [
      { name: 'created_on', type: 'timestamp_ltz' },
      ...[
        'name',
        'database_name',
        'schema_name',
        'kind',
        'owner',
        'comment',
        'owner_role_type',
        'options',
      ].map(name => ({ name, type: 'text' as const })),
    ];
    const rows: Cell[][] = [];
    for (const db of this.databases.values()) {
      for (const schema of db.schemas.values()) {
        if (!where(db.name, schema.name)) continue;
        for (const p of schema.policies.values()) {
          if (!this.canApply(roles, p) || (like && !like.test(p.name)))
            continue;
          rows.push([
            p.createdOn,
            p.name,
            db.name,
            schema.name,
            'MASKING_POLICY',
            p.owner,
            p.comment ?? '',
            'ROLE',
            '',
          ]);
        }
      }
    }
    return { columns, rows, statementTypeId: STMT_DDL };
  }

  /**
   * `<db>.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => '…')`: a row
   * per column the policy is set on. The name is read as an identifier
   * path (unquoted parts upper-cased), relative to the function's database.
   */
  protected policyReferences(
    fn: { name: NameRef; args: Record<string, Value> },
    s: SessionContext,
    roles: Set<string>,
  ): { columns: ResultColumn[]; rows: Cell[][] } {
    const fnPath = this.qualifyTable(fn.name, s, 'SELECT');
    if (fnPath[1] !== 'INFORMATION_SCHEMA' || fnPath[2] !== 'POLICY_REFERENCES')
      throw doesNotExist('Object', displayName(fnPath));
    this.database(fnPath[0], roles);
    this.compute(s, roles);
    const arg = fn.args.POLICY_NAME;
    if (typeof arg !== 'string')
      throw new SnowflakeSqlError(
        '002141',
        '42601',
        'SQL compilation error:\nPOLICY_REFERENCES needs POLICY_NAME, or REF_ENTITY_NAME with REF_ENTITY_DOMAIN (only POLICY_NAME is supported by the fake)',
      );
    const parts = arg
      .split('.')
      .map(p => (/^".*"$/.test(p) ? p.slice(1, -1) : p.toUpperCase()));
    const policyPath: [string, string, string] =
      parts.length === 3
        ? [parts[0], parts[1], parts[2]]
        : this.qualifyTable(parts, { ...s, database: fnPath[0] }, 'SELECT');
    this.visiblePolicy(policyPath, roles);
    const columns: ResultColumn[] = [
      'POLICY_DB',
      'POLICY_SCHEMA',
      'POLICY_NAME',
      'POLICY_KIND',
      'REF_DATABASE_NAME',
      'REF_SCHEMA_NAME',
      'REF_ENTITY_NAME',
      'REF_ENTITY_DOMAIN',
      'REF_COLUMN_NAME',
      'POLICY_STATUS',
    ].map(name => ({ name, type: 'text' as const }));
    const rows: Cell[][] = [];
    for (const db of this.databases.values()) {
      for (const schema of db.schemas.values()) {
        for (const t of schema.tables.values()) {
          for (const c of t.columns) {
            if (c.maskingPolicy?.join('.') !== policyPath.join('.')) continue;
            rows.push([
              ...policyPath,
              'MASKING_POLICY',
              db.name,
              schema.name,
              t.name,
              'TABLE',
              c.name,
              'ACTIVE',
            ]);
          }
        }
      }
    }
    return { columns, rows };
  }

  /**
   * A table's rows as the session reads them: each column with a policy
   * replaced by the policy's answer for the session's roles.
   */
  protected maskedRows(table: FakeTable, s: SessionContext): Cell[][] {
    const sessionRoles = this.effectiveRoles(s.invokerRole ?? s.role);
    const masks = table.columns.map(c => {
      const policy = c.maskingPolicy && this.policyAt(c.maskingPolicy);
      if (!policy) return undefined;
      return sessionRoles.has(policy.body.clearRole)
        ? undefined
        : (policy.body.mask as Cell);
    });
    return table.rows.map(r =>
      r.map((v, i) => (masks[i] === undefined ? (v as Cell) : masks[i]!)),
    );
  }
}
