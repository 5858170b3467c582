/*
 * Whether SourceDocument (issues.ts) must parse a text with `yaml` instead of
 * taking js-yaml's fast path. Conservative textual checks, true when the text
 * may use a feature the fast path does not reproduce exactly; a false
 * positive only costs speed.
 * - `&anchor` / `*alias`: `yaml` limits alias expansion (maxAliasCount).
 * - `!tag`: tag resolution differs between the libraries.
 * - `%` directives: `%YAML 1.1` switches `yaml` to the 1.1 schema.
 * - `? ` explicit keys, `[a]: ` / `{a}: ` collection keys: the libraries
 *   stringify non-scalar keys differently.
 * - a key that is empty or null: `yaml` makes it '', js-yaml 'null'.
 * - lines over 1024 characters: `yaml` rejects implicit keys that long.
 * - tabs: `yaml` rejects some tab indentation js-yaml accepts.
 *
 * As one regular expression of seven alternatives these took ~50 µs on a
 * 5 KB spec, a quarter of js-yaml's parse, because each alternative was
 * tried at every position; now ~10 µs. Each check runs only where its
 * indicator character occurs, and the costly ones walk the colons, question
 * marks and lines. needsFullParse.test.ts holds the function to the combined
 * expression.
 */
const ANCHOR_ALIAS_OR_TAG = /(?:^|[\s\[\]{},])(?:[&*]\S|!)/m;
const DIRECTIVE = /^%/m;
const COLLECTION_KEY = /[\]}]\s*:(?:\s|$)/m;
const SPACE = /\s/;
/** Keys `yaml` reads as null: the empty key and these words. */
const NULL_KEY_WORDS = ['~', 'null', 'Null', 'NULL', '""', "''"];
/** Their last characters: most colons follow none of these. */
const NULL_KEY_ENDINGS = new Set(NULL_KEY_WORDS.map(w => w[w.length - 1]));
const MAX_LINE = 1024;

export function needsFullParse(text: string): boolean {
  return (
    ((text.includes('&') || text.includes('*') || text.includes('!')) &&
      ANCHOR_ALIAS_OR_TAG.test(text)) ||
    (text.includes('%') && DIRECTIVE.test(text)) ||
    hasExplicitKey(text) ||
    ((text.includes(']') || text.includes('}')) && COLLECTION_KEY.test(text)) ||
    hasEmptyOrNullKey(text) ||
    hasLongLine(text) ||
    text.includes('\t')
  );
}

/** `\s` for one character; the common ones without the expression. */
function isSpace(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (code === 32 || code === 10) return true;
  if (code > 32 && code < 127) return false;
  return SPACE.test(c);
}
/** A key may start here: at the start of a line, or after space, `[`, `{` or `,`. */
const keyMayStartAt = (text: string, i: number) =>
  i === 0 || isSpace(text[i - 1]) || '[{,'.includes(text[i - 1]);

/**
 * `(?:^|[\s\[{,])(?:~|null|Null|NULL|""|'')?\s*:(?:\s|$)` (multiline),
 * tested from each `:` instead of from every position: a colon followed by
 * space or the end, and before it (past any space) either nothing that
 * could be a key or one of the null words standing where a key may start.
 */
function hasEmptyOrNullKey(text: string): boolean {
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) {
    if (i + 1 < text.length && !isSpace(text[i + 1])) continue;
    if (keyMayStartAt(text, i)) return true;
    let end = i;
    while (end > 0 && isSpace(text[end - 1])) end--;
    if (!NULL_KEY_ENDINGS.has(text[end - 1])) continue;
    for (const word of NULL_KEY_WORDS) {
      const start = end - word.length;
      if (
        start >= 0 &&
        text.startsWith(word, start) &&
        keyMayStartAt(text, start)
      ) {
        return true;
      }
    }
  }
  return false;
}

/**
 * `(?:^|[\s\[{,])\?(?:\s|$)` (multiline), tested from each `?`: a question
 * mark standing alone where a key may start. Most specs have a `?` only
 * inside URLs and sentences.
 */
function hasExplicitKey(text: string): boolean {
  for (let i = text.indexOf('?'); i !== -1; i = text.indexOf('?', i + 1)) {
    if (
      (i + 1 === text.length || isSpace(text[i + 1])) &&
      keyMayStartAt(text, i)
    ) {
      return true;
    }
  }
  return false;
}

/** `^[^\n]{1025}` (multiline): a run of more than MAX_LINE characters without `\n`. */
function hasLongLine(text: string): boolean {
  let start = 0;
  for (;;) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    if (end - start > MAX_LINE) return true;
    if (newline === -1) return false;
    start = newline + 1;
  }
}
