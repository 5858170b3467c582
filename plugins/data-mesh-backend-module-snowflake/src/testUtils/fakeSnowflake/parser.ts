/*
 * A recursive-descent parser for the statement shapes the fake understands.
 *
 * Deliberately narrow: it accepts what the Snowflake adapter generates, what
 * the tests run to act as a consumer or to change things out of band, and
 * nothing else. An unknown statement is a Snowflake-style compilation error
 * (001003 / 42000), never a silent success.
 */
import { SnowflakeSqlError, unsupported } from './errors';
import { PolicyParser } from './policyParser';
import type {
  Bindings,
  GrantTarget,
  NameRef,
  ObjectKind,
  Statement,
} from './statements';
import { tokenize } from './tokenizer';

export type {
  Bindings,
  Condition,
  GrantTarget,
  NameRef,
  ObjectKind,
  SelectItem,
  Statement,
  Value,
} from './statements';

class Parser extends PolicyParser {
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

  protected ifNotExists(): boolean {
    if (this.acceptWord('IF')) {
      this.expectWord('NOT', 'EXISTS');
      return true;
    }
    return false;
  }

  protected comment(): string | undefined {
    if (this.acceptWord('COMMENT')) {
      this.expectPunct('=');
      return this.string();
    }
    return undefined;
  }

  protected create(): Statement {
    const orReplace = this.acceptWord('OR', 'REPLACE');
    if (this.acceptWord('MASKING', 'POLICY'))
      return this.createMaskingPolicy(orReplace);
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
      const managedAccess =
        type === 'SCHEMA' && this.acceptWord('WITH', 'MANAGED', 'ACCESS');
      const comment = this.comment();
      return {
        kind: 'createContainer',
        type,
        orReplace,
        ifNotExists,
        name,
        clone,
        comment,
        managedAccess,
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
    this.acceptWord('SECURE');
    if (this.acceptWord('VIEW')) {
      const ifNotExists = this.ifNotExists();
      const name = this.name();
      const comment = this.comment();
      this.expectWord('AS', 'SELECT');
      const query = this.select() as Extract<Statement, { kind: 'select' }>;
      return {
        kind: 'createView',
        orReplace,
        ifNotExists,
        name,
        comment,
        query,
      };
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

  protected dataType(): string {
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

  protected alter(): Statement {
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
    if (this.acceptWord('TABLE')) {
      const ifExists = this.ifExists();
      const name = this.name();
      if (this.acceptWord('ALTER') || this.acceptWord('MODIFY'))
        return this.columnPolicy(ifExists, name);
      if (this.acceptWord('ADD')) {
        this.acceptWord('COLUMN');
        const column = { name: this.ident(), type: this.dataType() };
        return {
          kind: 'alterTable',
          ifExists,
          name,
          change: { kind: 'addColumn', column },
        };
      }
      let comment: string | null = null;
      if (this.acceptWord('SET', 'COMMENT')) {
        this.expectPunct('=');
        comment = this.string();
      } else this.expectWord('UNSET', 'COMMENT');
      return {
        kind: 'alterTable',
        ifExists,
        name,
        change: { kind: 'comment', comment },
      };
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

  protected objectKind(): ObjectKind {
    const kinds: ObjectKind[] = [
      'WAREHOUSE',
      'DATABASE',
      'SCHEMA',
      'TABLE',
      'VIEW',
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

  protected drop(): Statement {
    const type = this.objectKind();
    const ifExists = this.ifExists();
    const name = this.name();
    if (!this.acceptWord('CASCADE')) this.acceptWord('RESTRICT');
    return { kind: 'drop', type, ifExists, name };
  }

  protected privileges(): string[] {
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

  protected target(): GrantTarget {
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
    for (const type of [
      'WAREHOUSE',
      'DATABASE',
      'SCHEMA',
      'TABLE',
      'VIEW',
    ] as const) {
      if (this.acceptWord(type))
        return { kind: 'object', type, name: this.name() };
    }
    // `ON name` without a keyword means a table, as in Snowflake.
    return { kind: 'object', type: 'TABLE', name: this.name() };
  }

  protected granteeType(): 'ROLE' | 'USER' {
    if (this.acceptWord('USER')) return 'USER';
    this.expectWord('ROLE');
    return 'ROLE';
  }

  protected grant(): Statement {
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

  protected revoke(): Statement {
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

  protected use(): Statement {
    for (const type of ['ROLE', 'WAREHOUSE', 'DATABASE', 'SCHEMA'] as const) {
      if (this.acceptWord(type))
        return { kind: 'use', type, name: this.name() };
    }
    const name = this.name();
    return { kind: 'use', type: name.length > 1 ? 'SCHEMA' : 'DATABASE', name };
  }

  protected like(): string | undefined {
    return this.acceptWord('LIKE') ? this.string() : undefined;
  }

  protected show(): Statement {
    this.acceptWord('TERSE');
    if (this.acceptWord('MASKING', 'POLICIES'))
      return this.showMaskingPolicies();
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
