import fs from 'node:fs';
import path from 'node:path';
import { needsFullParse } from './needsFullParse';

/**
 * The check as it was written before, one expression of seven alternatives:
 * the reference the faster function must agree with on every text.
 */
const COMBINED = new RegExp(
  [
    String.raw`(?:^|[\s\[\]{},])(?:[&*]\S|!)`,
    String.raw`^%`,
    String.raw`(?:^|[\s\[{,])\?(?:\s|$)`,
    String.raw`[\]}]\s*:(?:\s|$)`,
    String.raw`(?:^|[\s\[{,])(?:~|null|Null|NULL|""|'')?\s*:(?:\s|$)`,
    String.raw`^[^\n]{1025}`,
    String.raw`\t`,
  ].join('|'),
  'm',
);

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    if (e.isDirectory()) return yamlFiles(path.join(dir, e.name));
    return /\.(ya?ml|json)$/.test(e.name) ? [path.join(dir, e.name)] : [];
  });
}

/** A small deterministic generator, so a failure can be reproduced. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('needsFullParse', () => {
  it.each([
    ['plain spec', 'name: a\nlist:\n  - x: 1\n', false],
    ['anchor', 'a: &x 1\n', true],
    ['alias', 'b: *x\n', true],
    ['tag', 'a: !!str 1\n', true],
    ['star inside a word', 'a: b*c\n', false],
    ['directive', '%YAML 1.1\n---\na: 1\n', true],
    ['percent inside a value', 'a: 50%\n', false],
    ['explicit key', '? a\n: b\n', true],
    ['explicit key, value on the same line', '? a\n', true],
    ['question inside a value', 'a: why?\n', false],
    ['flow collection key', '[a, b]: c\n', true],
    ['flow value', 'a: [b, c]\n', false],
    ['empty key', ': x\n', true],
    ['null key', '~: x\n', true],
    ['null key after space', 'a: {null : x}\n', true],
    ['quoted empty key', "'': x\n", true],
    ['null as a value', 'a: null\n', false],
    ['key ending in null', 'nonnull: x\n', false],
    ['colon inside a url', 'url: https://x.org/a:b\n', false],
    ['line of 1024 characters', `a: ${'x'.repeat(1021)}\n`, false],
    ['line of 1025 characters', `a: ${'x'.repeat(1022)}\n`, true],
    ['long last line without newline', `a: ${'x'.repeat(1022)}`, true],
    ['tab', 'a:\t1\n', true],
  ])('%s', (_name, text, expected) => {
    expect(COMBINED.test(text)).toBe(expected);
    expect(needsFullParse(text)).toBe(expected);
  });

  it('agrees with the combined expression on every example and fixture file', () => {
    const files = [
      ...yamlFiles(path.resolve(__dirname, '../../../examples')),
      ...yamlFiles(path.resolve(__dirname, 'formats/__fixtures__')),
    ];
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      expect([file, needsFullParse(text)]).toEqual([file, COMBINED.test(text)]);
    }
  });

  it('agrees with the combined expression on random texts of YAML indicators', () => {
    // Short texts over the characters and words the checks look at, so that
    // every check's edges (start of text, line breaks of every kind, space
    // before and after the colon) come up many times.
    const pieces = [
      ':',
      ': ',
      ' :',
      'a',
      'key',
      '~',
      'null',
      'Null',
      'NULL',
      'nul',
      '""',
      "''",
      '"',
      "'",
      ' ',
      '  ',
      '\n',
      '\r\n',
      '\r',
      '\u2028',
      '\u00a0',
      '\t',
      '[',
      ']',
      '{',
      '}',
      ',',
      '?',
      '? ',
      '%',
      '&',
      '&a',
      '*',
      '*a',
      '!',
      '#',
      '-',
      '- ',
      '.',
    ];
    const next = random(7);
    let full = 0;
    for (let n = 0; n < 20000; n++) {
      let text = '';
      const length = 1 + Math.floor(next() * 12);
      for (let k = 0; k < length; k++) {
        text += pieces[Math.floor(next() * pieces.length)];
      }
      const expected = COMBINED.test(text);
      if (needsFullParse(text) !== expected) {
        throw new Error(
          `disagrees on ${JSON.stringify(text)}: expected ${expected}`,
        );
      }
      if (expected) full++;
    }
    // both answers occur often, or the comparison says little
    expect(full).toBeGreaterThan(2000);
    expect(full).toBeLessThan(18000);
  });

  it('agrees on long lines around the limit', () => {
    for (const length of [1023, 1024, 1025, 1026, 2100]) {
      for (const breaker of ['\n', '\r', '\r\n', '\u2028']) {
        const text = `a: b${breaker}${'x'.repeat(length)}${breaker}c: d`;
        expect([length, breaker, needsFullParse(text)]).toEqual([
          length,
          breaker,
          COMBINED.test(text),
        ]);
      }
    }
  });
});
