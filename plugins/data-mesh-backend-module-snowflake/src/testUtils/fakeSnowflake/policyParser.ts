/*
 * Masking-policy statements: CREATE MASKING POLICY with the one body shape
 * the fake evaluates, setting and unsetting a policy on a column, and SHOW
 * MASKING POLICIES. Anything else in a policy body is a syntax error: the
 * fake never stores a policy it could not evaluate.
 */
import { QueryParser } from './queryParser';
import type { NameRef, Statement } from './statements';

/** @internal */
export abstract class PolicyParser extends QueryParser {
  /** After `CREATE [OR REPLACE] MASKING POLICY`. */
  protected createMaskingPolicy(orReplace: boolean): Statement {
    let ifNotExists = false;
    if (this.acceptWord('IF')) {
      this.expectWord('NOT', 'EXISTS');
      ifNotExists = true;
    }
    const name = this.name();
    this.expectWord('AS');
    this.expectPunct('(');
    const arg = this.ident();
    const argType = this.policyType();
    this.expectPunct(')');
    this.expectWord('RETURNS');
    const returnType = this.policyType();
    this.expectPunct('->');
    this.expectWord('CASE', 'WHEN', 'IS_ROLE_IN_SESSION');
    this.expectPunct('(');
    const clearRole = this.string();
    this.expectPunct(')');
    this.expectWord('THEN');
    const then = this.ident();
    this.expectWord('ELSE');
    const mask = this.value();
    this.expectWord('END');
    let comment: string | undefined;
    if (this.acceptWord('COMMENT')) {
      this.expectPunct('=');
      comment = this.string();
    }
    return {
      kind: 'createMaskingPolicy',
      orReplace,
      ifNotExists,
      name,
      arg,
      argType,
      returnType,
      body: { clearRole, then, mask },
      comment,
    };
  }

  /** A type word with optional `(n[, m])`, e.g. `VARCHAR`, `NUMBER(38,0)`. */
  private policyType(): string {
    const t = this.t;
    if (t.kind !== 'word') this.fail();
    this.i++;
    if (!this.acceptPunct('(')) return t.value;
    const args: string[] = [];
    do {
      const n = this.t;
      if (n.kind !== 'number') this.fail();
      args.push(n.value);
      this.i++;
    } while (this.acceptPunct(','));
    this.expectPunct(')');
    return `${t.value}(${args.join(',')})`;
  }

  /**
   * After `ALTER TABLE [IF EXISTS] name`, when `{ALTER | MODIFY} [COLUMN]`
   * follows: `c SET MASKING POLICY p [FORCE]` or `c UNSET MASKING POLICY`.
   */
  protected columnPolicy(ifExists: boolean, name: NameRef): Statement {
    this.acceptWord('COLUMN');
    const column = this.ident();
    let policy: NameRef | null = null;
    let force = false;
    if (this.acceptWord('SET', 'MASKING', 'POLICY')) {
      policy = this.name();
      force = this.acceptWord('FORCE');
    } else this.expectWord('UNSET', 'MASKING', 'POLICY');
    return {
      kind: 'alterTable',
      ifExists,
      name,
      change: { kind: 'maskingPolicy', column, policy, force },
    };
  }

  /** After `SHOW MASKING POLICIES`. */
  protected showMaskingPolicies(): Statement {
    const like = this.acceptWord('LIKE') ? this.string() : undefined;
    if (!this.acceptWord('IN')) return { kind: 'showMaskingPolicies', like };
    if (this.acceptWord('ACCOUNT'))
      return { kind: 'showMaskingPolicies', like, in: { type: 'ACCOUNT' } };
    const type = this.acceptWord('DATABASE') ? 'DATABASE' : 'SCHEMA';
    if (type === 'SCHEMA') this.acceptWord('SCHEMA');
    return {
      kind: 'showMaskingPolicies',
      like,
      in: { type, name: this.name() },
    };
  }
}
