/*
 * The statements the fake's parser produces: one tagged union, plus the
 * pieces (names, values, grant targets, conditions, select items) they share.
 */

/** A possibly partial object name as written: 1 to 3 resolved parts. @internal */
export type NameRef = string[];

/** @internal */
export type Value = string | number | boolean | null;

/** @internal */
export type ObjectKind =
  | 'WAREHOUSE'
  | 'DATABASE'
  | 'SCHEMA'
  | 'TABLE'
  | 'VIEW'
  | 'ROLE'
  | 'USER';

/** What a GRANT or REVOKE applies to. @internal */
export type GrantTarget =
  | { kind: 'account' }
  | {
      kind: 'object';
      type: 'WAREHOUSE' | 'DATABASE' | 'SCHEMA' | 'TABLE' | 'VIEW';
      name: NameRef;
    }
  | {
      kind: 'all';
      objectType: 'TABLE' | 'VIEW' | 'SCHEMA';
      inType: 'SCHEMA' | 'DATABASE';
      in: NameRef;
    }
  | {
      kind: 'future';
      objectType: 'TABLE' | 'VIEW' | 'SCHEMA';
      inType: 'SCHEMA' | 'DATABASE';
      in: NameRef;
    };

/** @internal */
export type Condition =
  | {
      kind: 'cmp';
      column: string;
      op: '=' | '<>' | '<' | '>' | '<=' | '>=';
      value: Value;
    }
  | { kind: 'in'; column: string; not: boolean; values: Value[] }
  | { kind: 'null'; column: string; not: boolean };

/** @internal */
export type SelectItem =
  | { kind: 'star' }
  /** `COUNT(*)`, `COUNT(col)` (non-null values), `COUNT(DISTINCT col)`. */
  | {
      kind: 'count';
      column?: string;
      /** `COUNT(DISTINCT a, b)`: every column, the first as `column` too. */
      columns?: string[];
      distinct?: boolean;
      alias?: string;
    }
  /** `COUNT_IF(a IS NOT NULL AND b IS NOT NULL)`. */
  | { kind: 'countNotNull'; columns: string[]; alias?: string }
  /** `COUNT_IF(REGEXP_COUNT(CAST(col AS VARCHAR), '<pattern>') = 0)`. */
  | {
      kind: 'countNotMatching';
      column: string;
      pattern: string;
      alias?: string;
    }
  /** `COUNT_IF(CAST(col AS VARCHAR) [NOT] IN (…))` (`asText`) or `COUNT_IF(col [NOT] IN (…))`, the conditions the platform counts by. */
  | {
      kind: 'countIf';
      column: string;
      asText: boolean;
      not: boolean;
      values: Value[];
      alias?: string;
    }
  | { kind: 'max'; column: string; alias?: string }
  | { kind: 'column'; name: string; alias?: string }
  | {
      kind: 'value';
      value: Value;
      text: string;
      alias?: string;
      /** `CAST(NULL AS <type>)`: a NULL of a numeric type. */
      numeric?: boolean;
    }
  | { kind: 'function'; name: string; alias?: string };

/** @internal */
export type Statement =
  | {
      kind: 'createWarehouse';
      orReplace: boolean;
      ifNotExists: boolean;
      name: NameRef;
      props: Record<string, Value>;
    }
  | {
      kind: 'alterWarehouse';
      ifExists: boolean;
      name: NameRef;
      action: 'set' | 'suspend' | 'resume';
      props: Record<string, Value>;
    }
  | {
      kind: 'createView';
      orReplace: boolean;
      ifNotExists: boolean;
      name: NameRef;
      comment?: string;
      query: Extract<Statement, { kind: 'select' }>;
    }
  | {
      kind: 'alterTable';
      ifExists: boolean;
      name: NameRef;
      /**
       * `ADD [COLUMN] name type`, `SET COMMENT = '…'` / `UNSET COMMENT`, or
       * `{ALTER | MODIFY} [COLUMN] c SET MASKING POLICY p [FORCE]` /
       * `… UNSET MASKING POLICY` (policy null).
       */
      change:
        | { kind: 'addColumn'; column: { name: string; type: string } }
        | { kind: 'comment'; comment: string | null }
        | {
            kind: 'maskingPolicy';
            column: string;
            policy: NameRef | null;
            force: boolean;
          };
    }
  | {
      kind: 'createMaskingPolicy';
      orReplace: boolean;
      ifNotExists: boolean;
      name: NameRef;
      /** The signature `(arg type)` and `RETURNS type`. */
      arg: string;
      argType: string;
      returnType: string;
      body: PolicyBody;
      comment?: string;
    }
  | {
      kind: 'showMaskingPolicies';
      like?: string;
      in?: { type: 'ACCOUNT' | 'DATABASE' | 'SCHEMA'; name?: NameRef };
    }
  | {
      kind: 'alterComment';
      type: 'ROLE' | 'SCHEMA' | 'DATABASE';
      ifExists: boolean;
      name: NameRef;
      comment: string | null;
    }
  | {
      kind: 'createContainer';
      type: 'DATABASE' | 'SCHEMA';
      orReplace: boolean;
      ifNotExists: boolean;
      name: NameRef;
      clone?: NameRef;
      comment?: string;
      /** `WITH MANAGED ACCESS`: grant decisions belong to the schema owner (or MANAGE GRANTS). */
      managedAccess?: boolean;
    }
  | {
      kind: 'createRole';
      orReplace: boolean;
      ifNotExists: boolean;
      name: NameRef;
      comment?: string;
    }
  | {
      kind: 'createTable';
      orReplace: boolean;
      ifNotExists: boolean;
      name: NameRef;
      columns: { name: string; type: string }[];
      clone?: NameRef;
      copyGrants: boolean;
    }
  | {
      kind: 'createUser';
      orReplace: boolean;
      ifNotExists: boolean;
      name: NameRef;
      props: Record<string, Value>;
    }
  | { kind: 'drop'; type: ObjectKind; ifExists: boolean; name: NameRef }
  | {
      kind: 'grantRole' | 'revokeRole';
      role: NameRef;
      granteeType: 'ROLE' | 'USER';
      grantee: NameRef;
    }
  | {
      kind: 'grantPrivileges' | 'revokePrivileges';
      privileges: string[];
      target: GrantTarget;
      role: NameRef;
      grantOption: boolean;
    }
  | {
      kind: 'grantOwnership';
      target: GrantTarget;
      role: NameRef;
      currentGrants: 'COPY' | 'REVOKE' | undefined;
    }
  | {
      kind: 'use';
      type: 'ROLE' | 'WAREHOUSE' | 'DATABASE' | 'SCHEMA';
      name: NameRef;
    }
  | {
      kind: 'show';
      what:
        | 'WAREHOUSES'
        | 'DATABASES'
        | 'SCHEMAS'
        | 'ROLES'
        | 'TABLES'
        | 'USERS';
      like?: string;
      in?: { type: 'ACCOUNT' | 'DATABASE' | 'SCHEMA'; name?: NameRef };
      limit?: number;
    }
  | {
      kind: 'showGrants';
      variant: 'toRole' | 'toUser' | 'ofRole' | 'on';
      name?: NameRef;
      onType?:
        | 'ACCOUNT'
        | 'WAREHOUSE'
        | 'DATABASE'
        | 'SCHEMA'
        | 'TABLE'
        | 'ROLE';
      limit?: number;
    }
  | {
      kind: 'showFutureGrants';
      variant: 'inSchema' | 'inDatabase' | 'toRole';
      name: NameRef;
      limit?: number;
    }
  | {
      kind: 'insert';
      table: NameRef;
      columns?: string[];
      rows: Value[][];
    }
  | { kind: 'delete'; table: NameRef; where: Condition[] }
  | { kind: 'truncate'; table: NameRef; ifExists: boolean }
  | {
      kind: 'select';
      items: SelectItem[];
      from?: NameRef;
      where: Condition[];
      orderBy: { column: string; desc: boolean }[];
      limit?: number;
      /** `FROM TABLE(f(NAME => value, …))`: a table function instead of `from`. */
      fromFunction?: { name: NameRef; args: Record<string, Value> };
      /** `UNION ALL SELECT …`: rows appended, columns named by the first branch. */
      unionAll?: Extract<Statement, { kind: 'select' }>;
    };

/**
 * The one masking-policy body the fake evaluates:
 * `CASE WHEN IS_ROLE_IN_SESSION('<role>') THEN <arg> ELSE <mask> END`.
 * @internal
 */
export interface PolicyBody {
  /** The role literal exactly as written (IS_ROLE_IN_SESSION compares it with stored names). */
  clearRole: string;
  /** What THEN returns: must be the signature's argument. */
  then: string;
  mask: Value;
}

/** Bind values as the driver sends them: `{"1": {type, value}}`. @internal */
export type Bindings = Record<string, { type: string; value: unknown }>;
