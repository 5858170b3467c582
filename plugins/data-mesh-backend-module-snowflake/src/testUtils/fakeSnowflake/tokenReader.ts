/*
 * Token-level reading shared by the statement parsers: words, punctuation,
 * identifiers, literals and binds, `KEY = value` properties, LIMIT and the
 * end of the statement.
 */
import { SnowflakeSqlError, syntaxError } from './errors';
import type { Bindings, NameRef, Value } from './statements';
import type { Token } from './tokenizer';

/** @internal */
export abstract class TokenReader {
  protected i = 0;
  protected bindIndex = 0;

  constructor(
    protected readonly tokens: Token[],
    private readonly bindings: Bindings | undefined,
  ) {}

  protected get t(): Token {
    return this.tokens[this.i];
  }

  protected fail(): never {
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

  protected ifExists(): boolean {
    if (this.acceptWord('IF')) {
      this.expectWord('EXISTS');
      return true;
    }
    return false;
  }
}
