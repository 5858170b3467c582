/*
 * A recursive-descent parser for the statement shapes the fake understands.
 *
 * Deliberately narrow: it accepts what the Snowflake adapter generates, what
 * the tests run to act as a consumer or to change things out of band, and
 * nothing else. An unknown statement is a Snowflake-style compilation error
 * (001003 / 42000), never a silent success.
 */
import { SnowflakeSqlError, syntaxError, unsupported } from './errors';
import { Token, tokenize } from './tokenizer';

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
  | 'ROLE'
  | 'USER';

/** What a GRANT or REVOKE applies to. @internal */
export type GrantTarget =
  | { kind: 'account' }
  | {
      kind: 'object';
      type: 'WAREHOUSE' | 'DATABASE' | 'SCHEMA' | 'TABLE';
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
  | { kind: 'count'; alias?: string }
  | { kind: 'column'; name: string; alias?: string }
  | { kind: 'value'; value: Value; text: string; alias?: string }
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
    };

/** Bind values as the driver sends them: `{"1": {type, value}}`. @internal */
export type Bindings = Record<string, { type: string; value: unknown }>;

const CONTEXT_FUNCTIONS = [
  'CURRENT_ROLE',
  'CURRENT_USER',
  'CURRENT_WAREHOUSE',
  'CURRENT_DATABASE',
  'CURRENT_SCHEMA',
  'CURRENT_ACCOUNT',
  'CURRENT_VERSION',
  'CURRENT_SESSION',
  'CURRENT_TIMESTAMP',
];

class Parser {
  private i = 0;
  private bindIndex = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly bindings: Bindings | undefined,
  ) {}

  private get t(): Token {
    return this.tokens[this.i];
  }

  private fail(): never {
    const t = this.t;
    throw syntaxError(t.line, t.pos, t.raw);
  }

  isWord(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) {
      const t = this.tokens[this.i + k];
      if (!t || t.kind !== 'word' || t.value !== words[k]) return false;
    }
    return true;
  }

  acceptWord(...words: string[]): boolean {
    if (!this.isWord(...words)) return false;
    this.i += words.length;
    return true;
  }

  expectWord(...words: string[]): void {
    for (const w of words) {
      if (!this.acceptWord(w)) this.fail();
    }
  }

  isPunct(p: string): boolean {
    return this.t.kind === 'punct' && this.t.value === p;
  }

  acceptPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.i++;
    return true;
  }

  expectPunct(p: string): void {
    if (!this.acceptPunct(p)) this.fail();
  }

  /** One identifier part: unquoted words fold to upper case. */
  ident(): string {
    const t = this.t;
    if (t.kind === 'word' || t.kind === 'quoted') {
      this.i++;
      return t.value;
    }
    return this.fail();
  }

  name(): NameRef {
    const parts = [this.ident()];
    while (this.isPunct('.')) {
      this.i++;
      parts.push(this.ident());
    }
    if (parts.length > 3) this.fail();
    return parts;
  }

  string(): string {
    const t = this.t;
    if (t.kind === 'string') {
      this.i++;
      return t.value;
    }
    if (t.kind === 'bind') {
      const v = this.value();
      if (typeof v === 'string') return v;
    }
    return this.fail();
  }

  value(): Value {
    const t = this.t;
    if (t.kind === 'string') {
      this.i++;
      return t.value;
    }
    if (t.kind === 'number') {
      this.i++;
      return Number(t.value);
    }
    if (
      t.kind === 'punct' &&
      t.value === '-' &&
      this.tokens[this.i + 1]?.kind === 'number'
    ) {
      this.i += 2;
      return -Number(this.tokens[this.i - 1].value);
    }
    if (t.kind === 'bind') {
      this.i++;
      const key = t.value === '' ? String(++this.bindIndex) : t.value;
      const b = this.bindings?.[key];
      if (!b) {
        throw new SnowflakeSqlError(
          '002049',
          '42601',
          `SQL compilation error: error line ${t.line} at position ${t.pos}\nBind variable ${t.raw} not set.`,
        );
      }
      if (b.value === null || b.value === undefined) return null;
      if (b.type === 'FIXED' || b.type === 'REAL') return Number(b.value);
      if (b.type === 'BOOLEAN') return String(b.value).toLowerCase() === 'true';
      return String(b.value);
    }
    if (t.kind === 'word') {
      if (t.value === 'NULL') {
        this.i++;
        return null;
      }
      if (t.value === 'TRUE' || t.value === 'FALSE') {
        this.i++;
        return t.value === 'TRUE';
      }
    }
    return this.fail();
  }

  /** `KEY = value` pairs as in CREATE WAREHOUSE; values may be bare words. */
  props(stopWords: string[] = []): Record<string, Value> {
    const props: Record<string, Value> = {};
    while (this.t.kind === 'word' && !stopWords.includes(this.t.value)) {
      const key = this.t.value;
      this.i++;
      this.expectPunct('=');
      if (
        this.t.kind === 'word' &&
        !['NULL', 'TRUE', 'FALSE'].includes(this.t.value)
      ) {
        props[key] = this.t.value;
        this.i++;
      } else {
        props[key] = this.value();
      }
    }
    return props;
  }

  limit(): number | undefined {
    if (!this.acceptWord('LIMIT')) return undefined;
    const v = this.value();
    if (typeof v !== 'number') this.fail();
    return v;
  }

  end(): void {
    const hadSemicolon = this.acceptPunct(';');
    while (this.acceptPunct(';'));
    if (this.t.kind === 'eof') return;
    if (hadSemicolon) {
      // The driver sends one statement per request unless MULTI_STATEMENT_COUNT says otherwise.
      throw new SnowflakeSqlError(
        '000008',
        '0A000',
        'Actual statement count 2 did not match the desired statement count 1.',
        'EXECUTION',
      );
    }
    this.fail();
  }

  statement(): Statement {
    let stmt: Statement;
    if (this.acceptWord('CREATE')) stmt = this.create();
    else if (this.acceptWord('ALTER')) stmt = this.alter();
    else if (this.acceptWord('DROP')) stmt = this.drop();
    else if (this.acceptWord('GRANT')) stmt = this.grant();
    else if (this.acceptWord('REVOKE')) stmt = this.revoke();
    else if (this.acceptWord('USE')) stmt = this.use();
    else if (this.acceptWord('SHOW')) stmt = this.show();
    else if (this.acceptWord('INSERT')) stmt = this.insert();
    else if (this.acceptWord('DELETE')) stmt = this.delete();
    else if (this.acceptWord('TRUNCATE')) stmt = this.truncate();
    else if (this.acceptWord('SELECT')) stmt = this.select();
    else return this.fail();
    this.end();
    return stmt;
  }

  private ifNotExists(): boolean {
    if (this.acceptWord('IF')) {
      this.expectWord('NOT', 'EXISTS');
      return true;
    }
    return false;
  }

  private ifExists(): boolean {
    if (this.acceptWord('IF')) {
      this.expectWord('EXISTS');
      return true;
    }
    return false;
  }

  private comment(): string | undefined {
    if (this.acceptWord('COMMENT')) {
      this.expectPunct('=');
      return this.string();
    }
    return undefined;
  }

  private create(): Statement {
    const orReplace = this.acceptWord('OR', 'REPLACE');
    if (this.acceptWord('WAREHOUSE')) {
      const ifNotExists = this.ifNotExists();
      const name = this.name();
      this.acceptWord('WITH');
      const props = this.props();
      return { kind: 'createWarehouse', orReplace, ifNotExists, name, props };
    }
    if (this.isWord('DATABASE') || this.isWord('SCHEMA')) {
      const type = this.t.value as 'DATABASE' | 'SCHEMA';
      this.i++;
      const ifNotExists = this.ifNotExists();
      const name = this.name();
      const clone = this.acceptWord('CLONE') ? this.name() : undefined;
      if (type === 'SCHEMA') this.acceptWord('WITH', 'MANAGED', 'ACCESS');
      const comment = this.comment();
      return {
        kind: 'createContainer',
        type,
        orReplace,
        ifNotExists,
        name,
        clone,
        comment,
      };
    }
    if (this.acceptWord('ROLE')) {
      const ifNotExists = this.ifNotExists();
      const name = this.name();
      const comment = this.comment();
      return { kind: 'createRole', orReplace, ifNotExists, name, comment };
    }
    if (this.acceptWord('USER')) {
      const ifNotExists = this.ifNotExists();
      const name = this.name();
      const props = this.props();
      return { kind: 'createUser', orReplace, ifNotExists, name, props };
    }
    if (this.acceptWord('TABLE')) {
      const ifNotExists = this.ifNotExists();
      const name = this.name();
      if (this.acceptWord('CLONE')) {
        const clone = this.name();
        const copyGrants = this.acceptWord('COPY', 'GRANTS');
        return {
          kind: 'createTable',
          orReplace,
          ifNotExists,
          name,
          columns: [],
          clone,
          copyGrants,
        };
      }
      this.expectPunct('(');
      const columns: { name: string; type: string }[] = [];
      do {
        const colName = this.ident();
        columns.push({ name: colName, type: this.dataType() });
        // Column constraints we accept and ignore.
        for (;;) {
          if (this.acceptWord('NOT', 'NULL') || this.acceptWord('NULL'))
            continue;
          if (this.acceptWord('PRIMARY', 'KEY')) continue;
          if (this.acceptWord('COMMENT')) {
            this.string();
            continue;
          }
          break;
        }
      } while (this.acceptPunct(','));
      this.expectPunct(')');
      this.comment();
      return {
        kind: 'createTable',
        orReplace,
        ifNotExists,
        name,
        columns,
        copyGrants: false,
      };
    }
    return this.fail();
  }

  private dataType(): string {
    const t = this.t;
    if (t.kind !== 'word') this.fail();
    this.i++;
    let type = t.value;
    if (this.acceptPunct('(')) {
      const args: string[] = [];
      do {
        const n = this.t;
        if (n.kind !== 'number') this.fail();
        args.push(n.value);
        this.i++;
      } while (this.acceptPunct(','));
      this.expectPunct(')');
      type += `(${args.join(',')})`;
    }
    return type;
  }

  private alter(): Statement {
    for (const type of ['ROLE', 'SCHEMA', 'DATABASE'] as const) {
      if (!this.acceptWord(type)) continue;
      const ifExists = this.ifExists();
      const name = this.name();
      if (this.acceptWord('SET')) {
        this.expectWord('COMMENT');
        this.expectPunct('=');
        return {
          kind: 'alterComment',
          type,
          ifExists,
          name,
          comment: this.string(),
        };
      }
      this.expectWord('UNSET', 'COMMENT');
      return { kind: 'alterComment', type, ifExists, name, comment: null };
    }
    if (this.acceptWord('WAREHOUSE')) {
      const ifExists = this.ifExists();
      const name = this.name();
      if (this.acceptWord('SET')) {
        return {
          kind: 'alterWarehouse',
          ifExists,
          name,
          action: 'set',
          props: this.props(),
        };
      }
      if (this.acceptWord('SUSPEND')) {
        return {
          kind: 'alterWarehouse',
          ifExists,
          name,
          action: 'suspend',
          props: {},
        };
      }
      if (this.acceptWord('RESUME')) {
        this.acceptWord('IF', 'SUSPENDED');
        return {
          kind: 'alterWarehouse',
          ifExists,
          name,
          action: 'resume',
          props: {},
        };
      }
    }
    return this.fail();
  }

  private objectKind(): ObjectKind {
    const kinds: ObjectKind[] = [
      'WAREHOUSE',
      'DATABASE',
      'SCHEMA',
      'TABLE',
      'ROLE',
      'USER',
    ];
    const t = this.t;
    if (t.kind === 'word' && (kinds as string[]).includes(t.value)) {
      this.i++;
      return t.value as ObjectKind;
    }
    return this.fail();
  }

  private drop(): Statement {
    const type = this.objectKind();
    const ifExists = this.ifExists();
    const name = this.name();
    if (!this.acceptWord('CASCADE')) this.acceptWord('RESTRICT');
    return { kind: 'drop', type, ifExists, name };
  }

  private privileges(): string[] {
    const privileges: string[] = [];
    do {
      const words: string[] = [];
      while (this.t.kind === 'word' && this.t.value !== 'ON') {
        words.push(this.t.value);
        this.i++;
      }
      if (words.length === 0) this.fail();
      const p = words.join(' ');
      privileges.push(p === 'ALL PRIVILEGES' ? 'ALL' : p);
    } while (this.acceptPunct(','));
    return privileges;
  }

  private target(): GrantTarget {
    if (this.acceptWord('ACCOUNT')) return { kind: 'account' };
    if (this.isWord('ALL') || this.isWord('FUTURE')) {
      const kind: 'all' | 'future' = this.t.value === 'ALL' ? 'all' : 'future';
      this.i++;
      let objectType: 'TABLE' | 'VIEW' | 'SCHEMA';
      if (this.acceptWord('TABLES')) objectType = 'TABLE';
      else if (this.acceptWord('VIEWS')) objectType = 'VIEW';
      else if (this.acceptWord('SCHEMAS')) objectType = 'SCHEMA';
      else return this.fail();
      this.expectWord('IN');
      let inType: 'SCHEMA' | 'DATABASE';
      if (this.acceptWord('SCHEMA')) inType = 'SCHEMA';
      else if (this.acceptWord('DATABASE')) inType = 'DATABASE';
      else return this.fail();
      if (objectType === 'SCHEMA' && inType !== 'DATABASE') this.fail();
      const inName = this.name();
      return kind === 'all'
        ? { kind, objectType, inType, in: inName }
        : { kind, objectType, inType, in: inName };
    }
    for (const type of ['WAREHOUSE', 'DATABASE', 'SCHEMA', 'TABLE'] as const) {
      if (this.acceptWord(type))
        return { kind: 'object', type, name: this.name() };
    }
    // `ON name` without a keyword means a table, as in Snowflake.
    return { kind: 'object', type: 'TABLE', name: this.name() };
  }

  private granteeType(): 'ROLE' | 'USER' {
    if (this.acceptWord('USER')) return 'USER';
    this.expectWord('ROLE');
    return 'ROLE';
  }

  private grant(): Statement {
    if (this.acceptWord('ROLE')) {
      const role = this.name();
      this.expectWord('TO');
      return {
        kind: 'grantRole',
        role,
        granteeType: this.granteeType(),
        grantee: this.name(),
      };
    }
    if (this.isWord('OWNERSHIP', 'ON')) {
      this.i += 2;
      const target = this.target();
      this.expectWord('TO', 'ROLE');
      const role = this.name();
      let currentGrants: 'COPY' | 'REVOKE' | undefined;
      if (this.acceptWord('COPY', 'CURRENT', 'GRANTS')) currentGrants = 'COPY';
      else if (this.acceptWord('REVOKE', 'CURRENT', 'GRANTS'))
        currentGrants = 'REVOKE';
      return { kind: 'grantOwnership', target, role, currentGrants };
    }
    const privileges = this.privileges();
    this.expectWord('ON');
    const target = this.target();
    this.expectWord('TO', 'ROLE');
    const role = this.name();
    const grantOption = this.acceptWord('WITH', 'GRANT', 'OPTION');
    return { kind: 'grantPrivileges', privileges, target, role, grantOption };
  }

  private revoke(): Statement {
    if (this.acceptWord('ROLE')) {
      const role = this.name();
      this.expectWord('FROM');
      return {
        kind: 'revokeRole',
        role,
        granteeType: this.granteeType(),
        grantee: this.name(),
      };
    }
    const grantOption = this.acceptWord('GRANT', 'OPTION', 'FOR');
    const privileges = this.privileges();
    this.expectWord('ON');
    const target = this.target();
    this.expectWord('FROM', 'ROLE');
    const role = this.name();
    if (!this.acceptWord('CASCADE')) this.acceptWord('RESTRICT');
    return { kind: 'revokePrivileges', privileges, target, role, grantOption };
  }

  private use(): Statement {
    for (const type of ['ROLE', 'WAREHOUSE', 'DATABASE', 'SCHEMA'] as const) {
      if (this.acceptWord(type))
        return { kind: 'use', type, name: this.name() };
    }
    const name = this.name();
    return { kind: 'use', type: name.length > 1 ? 'SCHEMA' : 'DATABASE', name };
  }

  private like(): string | undefined {
    return this.acceptWord('LIKE') ? this.string() : undefined;
  }

  private show(): Statement {
    this.acceptWord('TERSE');
    if (this.acceptWord('FUTURE', 'GRANTS')) {
      let variant: 'inSchema' | 'inDatabase' | 'toRole';
      if (this.acceptWord('IN', 'SCHEMA')) variant = 'inSchema';
      else if (this.acceptWord('IN', 'DATABASE')) variant = 'inDatabase';
      else if (this.acceptWord('TO', 'ROLE')) variant = 'toRole';
      else return this.fail();
      const name = this.name();
      return { kind: 'showFutureGrants', variant, name, limit: this.limit() };
    }
    if (this.acceptWord('GRANTS')) {
      if (this.acceptWord('TO', 'ROLE')) {
        const name = this.name();
        return {
          kind: 'showGrants',
          variant: 'toRole',
          name,
          limit: this.limit(),
        };
      }
      if (this.acceptWord('TO', 'USER')) {
        const name = this.name();
        return {
          kind: 'showGrants',
          variant: 'toUser',
          name,
          limit: this.limit(),
        };
      }
      if (this.acceptWord('OF', 'ROLE')) {
        const name = this.name();
        return {
          kind: 'showGrants',
          variant: 'ofRole',
          name,
          limit: this.limit(),
        };
      }
      if (this.acceptWord('ON')) {
        if (this.acceptWord('ACCOUNT')) {
          return {
            kind: 'showGrants',
            variant: 'on',
            onType: 'ACCOUNT',
            limit: this.limit(),
          };
        }
        for (const onType of [
          'WAREHOUSE',
          'DATABASE',
          'SCHEMA',
          'TABLE',
          'ROLE',
        ] as const) {
          if (this.acceptWord(onType)) {
            const name = this.name();
            return {
              kind: 'showGrants',
              variant: 'on',
              onType,
              name,
              limit: this.limit(),
            };
          }
        }
      }
      return this.fail();
    }
    for (const what of [
      'WAREHOUSES',
      'DATABASES',
      'ROLES',
      'USERS',
      'SCHEMAS',
      'TABLES',
    ] as const) {
      if (!this.acceptWord(what)) continue;
      const like = this.like();
      let inClause:
        | { type: 'ACCOUNT' | 'DATABASE' | 'SCHEMA'; name?: NameRef }
        | undefined;
      if ((what === 'SCHEMAS' || what === 'TABLES') && this.acceptWord('IN')) {
        if (this.acceptWord('ACCOUNT')) inClause = { type: 'ACCOUNT' };
        else if (this.acceptWord('DATABASE'))
          inClause = { type: 'DATABASE', name: this.name() };
        else if (what === 'TABLES' && this.acceptWord('SCHEMA')) {
          inClause = { type: 'SCHEMA', name: this.name() };
        } else {
          const name = this.name();
          inClause = { type: name.length > 1 ? 'SCHEMA' : 'DATABASE', name };
        }
      }
      return { kind: 'show', what, like, in: inClause, limit: this.limit() };
    }
    return this.fail();
  }

  private insert(): Statement {
    this.expectWord('INTO');
    const table = this.name();
    let columns: string[] | undefined;
    if (this.acceptPunct('(')) {
      columns = [];
      do columns.push(this.ident());
      while (this.acceptPunct(','));
      this.expectPunct(')');
    }
    this.expectWord('VALUES');
    const rows: Value[][] = [];
    do {
      this.expectPunct('(');
      const row: Value[] = [];
      do row.push(this.value());
      while (this.acceptPunct(','));
      this.expectPunct(')');
      rows.push(row);
    } while (this.acceptPunct(','));
    return { kind: 'insert', table, columns, rows };
  }

  private delete(): Statement {
    this.expectWord('FROM');
    const table = this.name();
    return { kind: 'delete', table, where: this.where() };
  }

  private truncate(): Statement {
    this.acceptWord('TABLE');
    const ifExists = this.ifExists();
    return { kind: 'truncate', table: this.name(), ifExists };
  }

  private where(): Condition[] {
    const conditions: Condition[] = [];
    if (!this.acceptWord('WHERE')) return conditions;
    do {
      const column = this.ident();
      if (this.acceptWord('IS')) {
        const not = this.acceptWord('NOT');
        this.expectWord('NULL');
        conditions.push({ kind: 'null', column, not });
        continue;
      }
      const not = this.acceptWord('NOT');
      if (this.acceptWord('IN')) {
        this.expectPunct('(');
        const values: Value[] = [];
        do values.push(this.value());
        while (this.acceptPunct(','));
        this.expectPunct(')');
        conditions.push({ kind: 'in', column, not, values });
        continue;
      }
      if (not) this.fail();
      const t = this.t;
      const ops = ['=', '<>', '!=', '<', '>', '<=', '>='];
      if (t.kind !== 'punct' || !ops.includes(t.value)) this.fail();
      this.i++;
      const op = (t.value === '!=' ? '<>' : t.value) as
        | '='
        | '<>'
        | '<'
        | '>'
        | '<='
        | '>=';
      conditions.push({ kind: 'cmp', column, op, value: this.value() });
    } while (this.acceptWord('AND'));
    return conditions;
  }

  private alias(): string | undefined {
    if (this.acceptWord('AS')) return this.ident();
    if (this.t.kind === 'quoted') return this.ident();
    return undefined;
  }

  private select(): Statement {
    const items: SelectItem[] = [];
    do {
      const t = this.t;
      if (this.acceptPunct('*')) {
        items.push({ kind: 'star' });
      } else if (
        this.isWord('COUNT') &&
        this.tokens[this.i + 1]?.value === '('
      ) {
        this.i += 2;
        if (!this.acceptPunct('*')) this.value();
        this.expectPunct(')');
        items.push({ kind: 'count', alias: this.alias() });
      } else if (
        t.kind === 'word' &&
        CONTEXT_FUNCTIONS.includes(t.value) &&
        this.tokens[this.i + 1]?.value === '('
      ) {
        this.i += 2;
        this.expectPunct(')');
        items.push({ kind: 'function', name: t.value, alias: this.alias() });
      } else if (t.kind === 'word' || t.kind === 'quoted') {
        const isValueWord =
          t.kind === 'word' && ['NULL', 'TRUE', 'FALSE'].includes(t.value);
        if (isValueWord) {
          items.push({
            kind: 'value',
            value: this.value(),
            text: t.value,
            alias: this.alias(),
          });
        } else {
          items.push({
            kind: 'column',
            name: this.ident(),
            alias: this.alias(),
          });
        }
      } else {
        const text = t.raw;
        items.push({
          kind: 'value',
          value: this.value(),
          text,
          alias: this.alias(),
        });
      }
    } while (this.acceptPunct(','));
    if (!this.acceptWord('FROM')) {
      return { kind: 'select', items, where: [], orderBy: [] };
    }
    const from = this.name();
    const where = this.where();
    const orderBy: { column: string; desc: boolean }[] = [];
    if (this.acceptWord('ORDER', 'BY')) {
      do {
        const column = this.ident();
        const desc = this.acceptWord('DESC');
        if (!desc) this.acceptWord('ASC');
        orderBy.push({ column, desc });
      } while (this.acceptPunct(','));
    }
    return { kind: 'select', items, from, where, orderBy, limit: this.limit() };
  }
}

/**
 * Parses exactly one statement. Throws {@link SnowflakeSqlError} with
 * Snowflake's syntax-error wording for anything outside the supported shapes.
 * @internal
 */
export function parseStatement(sql: string, bindings?: Bindings): Statement {
  const tokens = tokenize(sql);
  if (tokens.length === 1 || (tokens.length === 2 && tokens[0].value === ';')) {
    throw new SnowflakeSqlError('000900', '42000', 'Empty SQL statement.');
  }
  return new Parser(tokens, bindings).statement();
}

/** Parses an identifier as Snowflake does in a connect string (roleName etc.). @internal */
export function parseIdentifier(text: string): string {
  const tokens = tokenize(text);
  const t = tokens[0];
  if (tokens.length !== 2 || (t.kind !== 'word' && t.kind !== 'quoted')) {
    throw unsupported(`Identifier ${text}`);
  }
  return t.value;
}
