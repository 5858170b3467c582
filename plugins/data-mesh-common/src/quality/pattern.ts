/*
 * ODCS `invalidValues` by `pattern`: a value that does not match the
 * pattern is invalid. ODCS patterns are ECMAScript regular expressions; the
 * warehouses speak others (PostgreSQL's ARE through `!~`, Snowflake's POSIX
 * ERE with Perl's \d \w \s through REGEXP_COUNT). The portal measures a
 * pattern only when it lies in the part the three read alike, searched
 * (not anchored) as ECMAScript does:
 *
 *   literals; `.`; `^` and `$`; `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`;
 *   `|`; groups `( … )`; bracket expressions `[a-z0-9_]`, `[^…]` without
 *   backslashes inside; `\d \D \w \W \s \S` and an escaped punctuation
 *   character (`\.`, `\-`, `\(` …).
 *
 * Anything else (lazy quantifiers, `(?…)` groups, back-references, `\b`,
 * which PostgreSQL reads as a backspace, escapes inside brackets, which
 * POSIX reads literally, `\n`, `\u…`) is refused where the spec is read,
 * so a check never means one thing in the spec and another in the
 * warehouse.
 */

/** Longest pattern the portal measures. @public */
export const MAX_QUALITY_PATTERN = 500;

const CLASS_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S']);
const PUNCTUATION = /^[.\\\-/()[\]{}*+?|^$]$/;

/**
 * What keeps the portal from measuring a pattern, if anything: see the
 * header for the part of ECMAScript regular expressions it reads.
 * @public
 */
export function qualityPatternProblem(pattern: string): string | undefined {
  if (pattern.length === 0 || pattern.length > MAX_QUALITY_PATTERN) {
    return `a pattern has 1 to ${MAX_QUALITY_PATTERN} characters`;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(pattern)) {
    return 'a pattern is one line without control characters';
  }
  try {
    // it must be a regular expression in the first place
    new RegExp(pattern); // eslint-disable-line no-new
  } catch (e) {
    return `not a regular expression: ${(e as Error).message}`;
  }
  const unlike = (what: string) =>
    `${what} is read differently by the warehouses; the portal measures literals, ., ^, $, *, +, ?, {n,m}, |, ( ), [ ] without backslashes, \\d \\w \\s and escaped punctuation`;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!CLASS_ESCAPES.has(next) && !PUNCTUATION.test(next)) {
        return unlike(`\\${next}`);
      }
      i++;
    } else if (c === '[') {
      const start = i + (pattern[i + 1] === '^' ? 2 : 1);
      // ECMAScript's [] matches nothing, POSIX's []…] a ]
      if (pattern[start] === ']') return unlike('[] and [^]');
      const close = pattern.indexOf(']', start);
      const inside = pattern.slice(start, close);
      if (close < 0 || inside.includes('\\')) {
        return unlike('a backslash inside [ ]');
      }
      if (/\[[:=.]/.test(inside)) return unlike('[: :], [= =] and [. .]');
      i = close;
    } else if (c === '{' && !/^\{\d+(,\d*)?\}/.test(pattern.slice(i))) {
      // ECMAScript reads a { that is not a count as itself, PostgreSQL refuses it
      return unlike('a { that is not a count');
    } else if (c === '(' && pattern[i + 1] === '?') {
      return unlike('(?');
    } else if (
      (c === '*' || c === '+' || c === '?' || c === '}') &&
      (pattern[i + 1] === '?' || pattern[i + 1] === '+')
    ) {
      return unlike(`a lazy or possessive quantifier (${c}${pattern[i + 1]})`);
    }
  }
  return undefined;
}
