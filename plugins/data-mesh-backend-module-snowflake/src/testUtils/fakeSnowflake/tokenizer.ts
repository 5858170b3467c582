/*
 * A small SQL tokenizer for the fake Snowflake server.
 *
 * It follows Snowflake's lexical rules only as far as the statements our
 * adapter (and the tests) send: unquoted identifiers fold to upper case,
 * "quoted identifiers" keep their case and double their embedded quotes,
 * 'string literals' double their embedded single quotes, `?` and `:N` are
 * bind markers. Anything else is a syntax error with Snowflake's wording.
 */
import { SnowflakeSqlError, syntaxError } from './errors';

/** @internal */
export type Token =
  /** Unquoted word: keyword or identifier. `value` is upper-cased. */
  | { kind: 'word'; value: string; raw: string; pos: number; line: number }
  /** "Quoted identifier", with the quotes removed and `""` undone. */
  | { kind: 'quoted'; value: string; raw: string; pos: number; line: number }
  | { kind: 'string'; value: string; raw: string; pos: number; line: number }
  | { kind: 'number'; value: string; raw: string; pos: number; line: number }
  | { kind: 'punct'; value: string; raw: string; pos: number; line: number }
  /** `?` (value '') or `:N` (value 'N'). */
  | { kind: 'bind'; value: string; raw: string; pos: number; line: number }
  | { kind: 'eof'; value: ''; raw: '<EOF>'; pos: number; line: number };

const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_$]/;
const DIGIT = /[0-9]/;
// `->` starts a masking policy body, `=>` names a table function argument
const PUNCT2 = ['<>', '!=', '<=', '>=', '||', '::', '->', '=>'];
const PUNCT1 = '.,;()=*<>+-/%';

/** Splits SQL text into tokens; throws a Snowflake-style syntax error. @internal */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = (p: number) => ({ pos: p - lineStart, line });
  while (i < sql.length) {
    const c = sql[i];
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) {
        throw syntaxError(line, i - lineStart, '<EOF>');
      }
      for (let j = i; j < end; j++) {
        if (sql[j] === '\n') {
          line++;
          lineStart = j + 1;
        }
      }
      i = end + 2;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= sql.length) {
          throw new SnowflakeSqlError(
            '001003',
            '42000',
            `SQL compilation error:\nsyntax error line ${line} at position ${
              start - lineStart
            } unexpected '<EOF>'.`,
          );
        }
        if (sql[i] === c) {
          if (sql[i + 1] === c) {
            value += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        // Snowflake string literals accept backslash escapes; identifiers do not.
        if (c === "'" && sql[i] === '\\' && i + 1 < sql.length) {
          const n = sql[i + 1];
          value += ({ n: '\n', t: '\t' } as Record<string, string>)[n] ?? n;
          i += 2;
          continue;
        }
        value += sql[i];
        i++;
      }
      if (c === '"' && value.length === 0) {
        throw syntaxError(line, start - lineStart, '""');
      }
      tokens.push({
        kind: c === '"' ? 'quoted' : 'string',
        value,
        raw: sql.slice(start, i),
        ...at(start),
      });
      continue;
    }
    if (WORD_START.test(c)) {
      while (i < sql.length && WORD_PART.test(sql[i])) i++;
      const raw = sql.slice(start, i);
      tokens.push({
        kind: 'word',
        value: raw.toUpperCase(),
        raw,
        ...at(start),
      });
      continue;
    }
    if (DIGIT.test(c)) {
      while (i < sql.length && /[0-9.]/.test(sql[i])) i++;
      const raw = sql.slice(start, i);
      tokens.push({ kind: 'number', value: raw, raw, ...at(start) });
      continue;
    }
    if (c === '?') {
      i++;
      tokens.push({ kind: 'bind', value: '', raw: '?', ...at(start) });
      continue;
    }
    if (c === ':' && DIGIT.test(sql[i + 1] ?? '')) {
      i++;
      while (i < sql.length && DIGIT.test(sql[i])) i++;
      const raw = sql.slice(start, i);
      tokens.push({ kind: 'bind', value: raw.slice(1), raw, ...at(start) });
      continue;
    }
    const two = sql.slice(i, i + 2);
    if (PUNCT2.includes(two)) {
      i += 2;
      tokens.push({ kind: 'punct', value: two, raw: two, ...at(start) });
      continue;
    }
    if (PUNCT1.includes(c)) {
      i++;
      tokens.push({ kind: 'punct', value: c, raw: c, ...at(start) });
      continue;
    }
    throw syntaxError(line, start - lineStart, c);
  }
  tokens.push({ kind: 'eof', value: '', raw: '<EOF>', ...at(i) });
  return tokens;
}
