/*
 * Snowflake spelling of the neutral changes. Pure functions only: the plan's
 * statements can be rendered, reviewed and unit-tested without a connection.
 *
 * Naming: the engine's logical names are lowercase identifiers
 * (`acme_sales_dev`). Snowflake folds unquoted identifiers to upper case, so
 * the physical name is the upper-cased logical name (`"ACME_SALES_DEV"`):
 * people and tools can then write the names unquoted, in any case, and reach
 * the same objects. Names are always emitted double-quoted, and only plain
 * identifiers are accepted, so a name can never end its quotes.
 */
import { SNOWFLAKE_MAX_IDENTIFIER_LENGTH } from '@datamesh/plugin-data-mesh-common';
import {
  type Change,
  type MaskingPolicy,
  type Privilege,
  type PrivilegeTarget,
  type RoleMembership,
  type SchemaRef,
  type QualitySqlSpelling,
  type Statement,
  type WarehouseDialect,
  InvalidIdentifierError,
  PUBLIC_GRANTEE,
  SAFE_IDENTIFIER,
} from '@datamesh/plugin-data-mesh-node';

import { knownMaskingKind, snowflakeMaskingPolicyType } from './masking';

export { InvalidIdentifierError };

function hasControlCharacters(text: string): boolean {
  return [...text].some(
    c => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f,
  );
}

/**
 * Quotes a physical Snowflake identifier exactly as given: double quotes
 * around it, embedded double quotes doubled. Used for names read back from
 * Snowflake; names from the engine go through {@link physicalName} first.
 * @public
 */
export function quoteSnowflakeIdentifier(physical: string): string {
  if (typeof physical !== 'string' || physical.length === 0) {
    throw new InvalidIdentifierError('refusing an empty identifier');
  }
  if (physical.length > SNOWFLAKE_MAX_IDENTIFIER_LENGTH) {
    throw new InvalidIdentifierError(
      `refusing identifier of ${physical.length} characters: Snowflake allows ${SNOWFLAKE_MAX_IDENTIFIER_LENGTH}`,
    );
  }
  if (hasControlCharacters(physical)) {
    throw new InvalidIdentifierError(
      'refusing an identifier with control characters',
    );
  }
  return `"${physical.replace(/"/g, '""')}"`;
}

/**
 * The physical (upper-case) name of a logical name; throws for anything
 * that is not a plain identifier ({@link SAFE_IDENTIFIER}) of at most 255
 * characters. `PUBLIC` and `SYSADMIN` stay as they are.
 * @public
 */
export function physicalName(logical: string): string {
  if (typeof logical !== 'string' || !SAFE_IDENTIFIER.test(logical)) {
    throw new InvalidIdentifierError(
      `refusing identifier ${JSON.stringify(
        String(logical).slice(0, 80),
      )}: only letters, digits and _ are allowed, starting with a letter or _`,
    );
  }
  if (logical.length > SNOWFLAKE_MAX_IDENTIFIER_LENGTH) {
    throw new InvalidIdentifierError(
      `refusing identifier '${logical.slice(0, 40)}…': ${
        logical.length
      } characters, Snowflake allows ${SNOWFLAKE_MAX_IDENTIFIER_LENGTH}`,
    );
  }
  return logical.toUpperCase();
}

/**
 * The logical name of a physical name read from Snowflake, or `undefined`
 * when the physical name could not have been written by the engine (mixed
 * case or special characters: only reachable quoted, so lower-casing it
 * would name a different object).
 * @public
 */
export function logicalName(physical: string): string | undefined {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(physical)) return undefined;
  return physical === PUBLIC_GRANTEE ? PUBLIC_GRANTEE : physical.toLowerCase();
}

/** `"NAME"` for a logical name. @public */
export function quoteName(logical: string): string {
  return `"${physicalName(logical)}"`;
}

/**
 * A Snowflake string literal. Snowflake string literals honour backslash
 * escapes, so backslashes are doubled as well as single quotes.
 * @public
 */
export function quoteLiteral(text: string): string {
  if (
    typeof text !== 'string' ||
    hasControlCharacters(text.replace(/[\t\n\r]/g, ''))
  ) {
    throw new InvalidIdentifierError(
      `refusing literal ${JSON.stringify(
        String(text).slice(0, 80),
      )}: control characters`,
    );
  }
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The counting statement's spelling for data-quality checks. @public */
export const SNOWFLAKE_QUALITY_SPELLING: QualitySqlSpelling = {
  literal: quoteLiteral,
  countIf: condition => `COUNT_IF(${condition})`,
  // COUNT(DISTINCT a, b) leaves out the rows with a null in any of them
  countDistinctRows: columns => `COUNT(DISTINCT ${columns.join(', ')})`,
  // REGEXP_LIKE anchors the pattern at both ends; REGEXP_COUNT searches,
  // as ECMAScript's test does
  notMatching: (value, pattern) => `REGEXP_COUNT(${value}, ${pattern}) = 0`,
};

/** Warehouse sizes Snowflake accepts for `WAREHOUSE_SIZE`. */
const WAREHOUSE_SIZES = new Set([
  'XSMALL', 'X-SMALL', 'SMALL', 'MEDIUM', 'LARGE', 'XLARGE', 'X-LARGE', 'XXLARGE', 'X2LARGE',
  '2X-LARGE', 'XXXLARGE', 'X3LARGE', '3X-LARGE', 'X4LARGE', '4X-LARGE', 'X5LARGE', '5X-LARGE',
  'X6LARGE', '6X-LARGE',
]); // prettier-ignore

/** @public */
export function warehouseSizeLiteral(size: string): string {
  const upper = String(size).toUpperCase();
  if (!WAREHOUSE_SIZES.has(upper)) {
    throw new InvalidIdentifierError(
      `refusing warehouse size '${String(size).slice(
        0,
        20,
      )}': not a Snowflake warehouse size`,
    );
  }
  return quoteLiteral(upper);
}

/** `"DB"."SCHEMA"`. @public */
export function qualifiedSchemaName(ref: SchemaRef): string {
  return `${quoteName(ref.database)}.${quoteName(ref.schema)}`;
}

/** `ROLE "NAME"`, or `ROLE PUBLIC` for the pseudo-role every role holds. */
/** The member of a role grant: `USER "BOB"` for a user, else as {@link roleClause}. */
function memberClause(m: RoleMembership): string {
  return m.memberKind === 'user'
    ? `USER ${quoteName(m.member)}`
    : roleClause(m.member);
}

function roleClause(grantee: string): string {
  return grantee === PUBLIC_GRANTEE
    ? 'ROLE PUBLIC'
    : `ROLE ${quoteName(grantee)}`;
}

/**
 * Snowflake privileges for one neutral privilege on one kind of target,
 * split by the object class they apply to. A neutral privilege on tables
 * also covers views where Snowflake has the privilege for views (SELECT):
 * dbt models are often views, and consumers must read them too.
 * @public
 */
export function snowflakePrivileges(
  target: PrivilegeTarget['type'],
  privilege: Privilege,
): { tables: string[]; views: string[]; object: string[] } {
  const none = {
    tables: [] as string[],
    views: [] as string[],
    object: [] as string[],
  };
  switch (target) {
    case 'compute':
      if (privilege === 'usage') return { ...none, object: ['USAGE'] };
      break;
    case 'database':
      if (privilege === 'usage') return { ...none, object: ['USAGE'] };
      if (privilege === 'create') return { ...none, object: ['CREATE SCHEMA'] };
      break;
    case 'schema':
      if (privilege === 'usage') return { ...none, object: ['USAGE'] };
      if (privilege === 'create')
        return { ...none, object: ['CREATE TABLE', 'CREATE VIEW'] };
      break;
    case 'tables':
    case 'future-tables':
      if (privilege === 'select')
        return { ...none, tables: ['SELECT'], views: ['SELECT'] };
      if (['insert', 'update', 'delete', 'truncate'].includes(privilege)) {
        return { ...none, tables: [privilege.toUpperCase()] };
      }
      break;
    default:
      break;
  }
  throw new InvalidIdentifierError(
    `privilege '${String(privilege)}' does not apply to ${String(
      target,
    )} in Snowflake`,
  );
}

function grantStatements(
  verb: 'GRANT' | 'REVOKE',
  target: PrivilegeTarget,
  privileges: Privilege[],
  grantee: string,
): Statement[] {
  const toFrom = verb === 'GRANT' ? 'TO' : 'FROM';
  const who = roleClause(grantee);
  const collect = (part: 'tables' | 'views' | 'object') => {
    const out: string[] = [];
    for (const p of privileges) {
      for (const sp of snowflakePrivileges(target.type, p)[part])
        if (!out.includes(sp)) out.push(sp);
    }
    return out.join(', ');
  };
  const stmt = (privs: string, on: string): Statement[] =>
    privs ? [{ sql: `${verb} ${privs} ON ${on} ${toFrom} ${who}` }] : [];
  switch (target.type) {
    case 'compute':
      return stmt(collect('object'), `WAREHOUSE ${quoteName(target.name)}`);
    case 'database':
      return stmt(collect('object'), `DATABASE ${quoteName(target.name)}`);
    case 'schema':
      return stmt(collect('object'), `SCHEMA ${qualifiedSchemaName(target)}`);
    case 'tables':
      return [
        ...stmt(
          collect('tables'),
          `ALL TABLES IN SCHEMA ${qualifiedSchemaName(target)}`,
        ),
        ...stmt(
          collect('views'),
          `ALL VIEWS IN SCHEMA ${qualifiedSchemaName(target)}`,
        ),
      ];
    case 'future-tables':
      // Snowflake future grants are per schema, whoever creates the table.
      return [
        ...stmt(
          collect('tables'),
          `FUTURE TABLES IN SCHEMA ${qualifiedSchemaName(target)}`,
        ),
        ...stmt(
          collect('views'),
          `FUTURE VIEWS IN SCHEMA ${qualifiedSchemaName(target)}`,
        ),
      ];
    default:
      throw new InvalidIdentifierError(
        `unknown privilege target ${JSON.stringify(target)}`,
      );
  }
}

const comment = (text: string | undefined) =>
  text ? ` COMMENT = ${quoteLiteral(text)}` : '';

/**
 * The statements for one change, in order. Creation statements use
 * `IF NOT EXISTS` and grants are idempotent in Snowflake, so a step that is
 * retried after a partial failure does not fail on what it already did.
 * @public
 */
export function snowflakeStatements(change: Change): Statement[] {
  switch (change.action) {
    case 'create-compute': {
      const c = change.compute;
      const size = c.size
        ? ` WAREHOUSE_SIZE = ${warehouseSizeLiteral(c.size)}`
        : '';
      const autoSuspend =
        c.autoSuspendSeconds !== undefined
          ? ` AUTO_SUSPEND = ${nonNegativeInteger(
              c.autoSuspendSeconds,
              'autoSuspendSeconds',
            )}`
          : '';
      // Created suspended: no credits are spent until the first query resumes it.
      return [
        {
          sql: `CREATE WAREHOUSE IF NOT EXISTS ${quoteName(
            c.name,
          )} WITH${size}${autoSuspend} AUTO_RESUME = TRUE INITIALLY_SUSPENDED = TRUE${comment(
            c.comment,
          )}`,
        },
      ];
    }
    case 'create-database':
      return [
        {
          sql: `CREATE DATABASE IF NOT EXISTS ${quoteName(
            change.database.name,
          )}${comment(change.database.comment)}`,
        },
      ];
    case 'create-role':
      return [
        {
          sql: `CREATE ROLE IF NOT EXISTS ${quoteName(
            change.role.name,
          )}${comment(change.role.comment)}`,
        },
      ];
    case 'create-schema': {
      const s = change.schema;
      const out: Statement[] = [
        {
          sql: `CREATE SCHEMA IF NOT EXISTS ${qualifiedSchemaName(s)}${comment(
            s.comment,
          )}`,
          database: s.database,
        },
      ];
      if (s.owner) out.push(...ownership(s, s.owner));
      return out;
    }
    case 'set-schema-owner':
      return ownership(change.schema, change.owner);
    case 'set-comment': {
      const o = change.object;
      const text = quoteLiteral(change.comment);
      switch (o.kind) {
        case 'role':
          return [
            { sql: `ALTER ROLE ${quoteName(o.name)} SET COMMENT = ${text}` },
          ];
        case 'database':
          return [
            {
              sql: `ALTER DATABASE ${quoteName(o.name)} SET COMMENT = ${text}`,
            },
          ];
        case 'compute':
          return [
            {
              sql: `ALTER WAREHOUSE ${quoteName(o.name)} SET COMMENT = ${text}`,
            },
          ];
        default:
          return [
            {
              sql: `ALTER SCHEMA ${qualifiedSchemaName(
                o,
              )} SET COMMENT = ${text}`,
              database: o.database,
            },
          ];
      }
    }
    case 'grant-role':
      return [
        {
          sql: `GRANT ROLE ${quoteName(
            change.membership.role,
          )} TO ${memberClause(change.membership)}`,
        },
      ];
    case 'revoke-role':
      return [
        {
          sql: `REVOKE ROLE ${quoteName(
            change.membership.role,
          )} FROM ${memberClause(change.membership)}`,
        },
      ];
    case 'grant':
      return grantStatements(
        'GRANT',
        change.target,
        change.privileges,
        change.grantee,
      );
    case 'revoke':
      return grantStatements(
        'REVOKE',
        change.target,
        change.privileges,
        change.grantee,
      );
    case 'drop-schema':
      return [
        {
          sql: `DROP SCHEMA IF EXISTS ${qualifiedSchemaName(
            change.schema,
          )} CASCADE`,
          database: change.schema.database,
        },
      ];
    case 'drop-role':
      // Objects a dropped role owned pass to the role that drops it (Snowflake's rule); nothing else to do.
      return [{ sql: `DROP ROLE IF EXISTS ${quoteName(change.role)}` }];
    case 'drop-database':
      return [
        {
          sql: `DROP DATABASE IF EXISTS ${quoteName(change.database)} CASCADE`,
        },
      ];
    case 'drop-compute':
      return [{ sql: `DROP WAREHOUSE IF EXISTS ${quoteName(change.compute)}` }];
    case 'create-masking-policy':
      return [maskingPolicy(change.policy)];
    case 'set-masking-policy': {
      const t = change.table;
      // no FORCE: a column masked by another policy is the plan's to report, not to overwrite
      return [
        {
          sql: `ALTER TABLE ${qualifiedSchemaName(t)}.${quoteName(
            t.table,
          )} MODIFY COLUMN ${quoteName(
            change.column,
          )} SET MASKING POLICY ${qualifiedSchemaName(
            change.policy,
          )}.${quoteName(change.policy.name)}`,
          database: t.database,
        },
      ];
    }
    default:
      throw new InvalidIdentifierError(
        `unknown change ${JSON.stringify(change)}`,
      );
  }
}

/**
 * One policy per product and type family: the value for sessions whose
 * active roles include the PII consumer role (IS_ROLE_IN_SESSION is true
 * for that role and every role above it, so service and owner read clear
 * too), the type's mask for everyone else. The role goes in as a string
 * literal, so it is validated as an identifier first and written in the
 * stored (upper) case that IS_ROLE_IN_SESSION compares with.
 */
function maskingPolicy(p: MaskingPolicy): Statement {
  const kind = knownMaskingKind(p.type, p.mask);
  if (!kind) {
    throw new InvalidIdentifierError(
      `refusing masking policy ${JSON.stringify(
        String(p.name).slice(0, 80),
      )}: type ${JSON.stringify(
        String(p.type).slice(0, 40),
      )} with mask ${JSON.stringify(
        String(p.mask).slice(0, 40),
      )} is not one the Snowflake dialect writes`,
    );
  }
  const role = quoteLiteral(physicalName(p.clearRole));
  return {
    sql: `CREATE MASKING POLICY IF NOT EXISTS ${qualifiedSchemaName(
      p,
    )}.${quoteName(p.name)} AS (val ${kind.type}) RETURNS ${
      kind.type
    } -> CASE WHEN IS_ROLE_IN_SESSION(${role}) THEN val ELSE ${
      kind.mask
    } END${comment(p.comment)}`,
    database: p.database,
  };
}

/** COPY CURRENT GRANTS: handing a schema over must not drop the grants already on it. */
function ownership(schema: SchemaRef, owner: string): Statement[] {
  return [
    {
      sql: `GRANT OWNERSHIP ON SCHEMA ${qualifiedSchemaName(
        schema,
      )} TO ROLE ${quoteName(owner)} COPY CURRENT GRANTS`,
      database: schema.database,
    },
  ];
}

function nonNegativeInteger(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0) {
    throw new InvalidIdentifierError(
      `${what} must be a non-negative integer, got ${String(n)}`,
    );
  }
  return n;
}

/** Snowflake's {@link WarehouseDialect}. @public */
export const snowflakeDialect: WarehouseDialect = {
  id: 'snowflake',
  displayName: 'Snowflake',
  maxIdentifierLength: SNOWFLAKE_MAX_IDENTIFIER_LENGTH,
  quoteIdentifier: quoteName,
  qualifiedSchema: qualifiedSchemaName,
  qualifiedTable: (ref, table) =>
    `${qualifiedSchemaName(ref)}.${quoteName(table)}`,
  statements: snowflakeStatements,
  // qualified names carry the database; a query needs a running warehouse
  readerSession: ({ role, compute }) => ({
    statements: [
      `USE ROLE ${quoteName(role)}`,
      ...(compute ? [`USE WAREHOUSE ${quoteName(compute)}`] : []),
    ],
  }),
  maskingPolicyType: snowflakeMaskingPolicyType,
};
