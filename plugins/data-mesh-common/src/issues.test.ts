/*
 * SourceDocument reads values with js-yaml and builds the `yaml` Document
 * (which knows positions) only on demand. These tests hold it to the old
 * behaviour: the value `yaml` itself gives, the same errors at the same
 * places, and the Document built only when something is located.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { SourceDocument } from './issues';

/** What `yaml` alone gives: undefined when the text has errors. */
function yamlValue(text: string): { parsed: boolean; value?: unknown } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) return { parsed: false };
  return { parsed: true, value: doc.toJS({ maxAliasCount: 100 }) };
}

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    if (e.isDirectory()) return yamlFiles(path.join(dir, e.name));
    return /\.(ya?ml|json)$/.test(e.name) ? [path.join(dir, e.name)] : [];
  });
}

const EXAMPLES = path.resolve(__dirname, '../../../examples');
const FIXTURES = path.resolve(__dirname, 'formats/__fixtures__');
const isSpecOrContract = (file: string) =>
  /(^|[/\\])(data_product_spec\.ya?ml|catalog-info\.yaml|[^/\\]+\.od[cp]s\.ya?ml)$/.test(
    file,
  );
const files = [...yamlFiles(EXAMPLES), ...yamlFiles(FIXTURES)];
const named = (list: string[]) =>
  list.map(f => [path.relative(EXAMPLES, f), f]);
// Specs and contracts, read by the readers; the other files (org, Location)
// may fall back to `yaml`: `*.odps.yaml` in a comment of locations.yaml looks
// like an alias to the conservative check.
const specs = files.filter(isSpecOrContract);
const others = files.filter(f => !isSpecOrContract(f));

describe('SourceDocument values', () => {
  it('finds the example and fixture files', () => {
    expect(specs.length).toBeGreaterThan(20);
  });

  it.each(named(specs))(
    '%s: same value as yaml, through js-yaml',
    (_name, file) => {
      const text = fs.readFileSync(file, 'utf8');
      const expected = yamlValue(text);
      const doc = new SourceDocument(text, file);
      expect(expected.parsed).toBe(true);
      expect(doc.parsed).toBe(true);
      expect(doc.value).toEqual(expected.value);
      // the fast path was taken, or the comparison says nothing about js-yaml
      expect(doc.positionsBuilt).toBe(false);
    },
  );

  it.each(named(others))('%s: same value as yaml', (_name, file) => {
    const text = fs.readFileSync(file, 'utf8');
    const expected = yamlValue(text);
    const doc = new SourceDocument(text, file);
    expect(doc.parsed).toBe(expected.parsed);
    expect(doc.value).toEqual(expected.value);
  });

  // Where js-yaml's CORE_SCHEMA and yaml's core schema disagree, and the
  // usual YAML 1.1 traps (yes/no, timestamps, sexagesimal, merge keys).
  const scalars = [
    '0b101',
    '-0x1F',
    '+0o7',
    '0x1F',
    '0o17',
    '+.5',
    '-.5',
    '.5',
    '-0',
    '+0',
    '012',
    '00',
    '1_000',
    '1e400',
    '99999999999999999999',
    '.inf',
    '-.Inf',
    '+.INF',
    '.NaN',
    '.nan',
    '1.',
    '1.0',
    '-0.0',
    '1e3',
    '1E-3',
    '+1e+3',
    '+12',
    '~',
    'null',
    'Null',
    'NULL',
    'nULL',
    'true',
    'True',
    'TRUE',
    'tRUE',
    'False',
    'yes',
    'no',
    'on',
    'off',
    'y',
    'n',
    '2024-01-01',
    '2024-01-01T10:00:00Z',
    '12:30',
    '1:20:30',
    '"1"',
    "'true'",
    "''",
  ];
  it.each(scalars)('scalar %s: same value as yaml', scalar => {
    const text = `v: ${scalar}\nlist: [${scalar}]\n`;
    const doc = new SourceDocument(text);
    expect(doc.positionsBuilt).toBe(false);
    expect(doc.value).toEqual(yamlValue(text).value);
  });

  it.each([
    [
      'block scalars',
      'k: |\n  a\n   b\n\n  c\n\n\nm: >-\n  x\n  y\n\n  z\nn: |+\n  keep\n\n',
    ],
    ['escapes', "k: \"\\u00e9 \\x41 \\t \\n\"\nq: 'it''s'\n"],
    ['merge key is a plain key in YAML 1.2', '<<: {a: 1}\nb: 2\n'],
    ['__proto__ is an own key', '__proto__: 1\nconstructor: 2\n'],
    ['empty document', ''],
    ['comments only', '# nothing\n'],
    ['JSON', '{"a": 1, "b": [true, null, 1.5e3, "x"]}'],
    ['CRLF and BOM', '\ufeffa: 1\r\nb: [x, y]\r\n'],
  ])('%s: same value as yaml', (_name, text) => {
    const doc = new SourceDocument(text);
    expect(doc.positionsBuilt).toBe(false);
    expect(doc.value).toEqual(yamlValue(text).value);
  });

  it.each([
    ['anchors and aliases', 'a: &x {b: 1}\nc: *x\n'],
    ['tags', 'a: !!str 1\nb: !custom x\n'],
    ['%YAML 1.1 directive', '%YAML 1.1\n---\na: yes\nb: 2001-12-14\n'],
    ['null key', '~: x\n'],
    ['collection key', '[a, b]: c\n'],
  ])('%s: read by yaml alone, same value', (_name, text) => {
    const doc = new SourceDocument(text);
    expect(doc.positionsBuilt).toBe(true);
    expect(doc.value).toEqual(yamlValue(text).value);
  });

  it('keeps the alias limit', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefg'.split('').map((k, i) => {
        const prev = 'abcdefg'[i];
        return `${k}: &${k} [${Array(10).fill(`*${prev}`).join(', ')}]`;
      }),
    ].join('\n');
    expect(() => new SourceDocument(bomb)).toThrow(/alias/i);
  });
});

describe('SourceDocument errors', () => {
  it('reports bad YAML where yaml does', () => {
    const doc = new SourceDocument(
      'apiVersion: v1\nspec:\n  items: [1, 2\n',
      'f.yml',
    );
    expect(doc.parsed).toBe(false);
    expect(doc.value).toBeUndefined();
    expect(doc.issues).toEqual([
      {
        severity: 'error',
        file: 'f.yml',
        path: '(document)',
        line: 4,
        column: 1,
        message:
          'invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
      },
    ]);
  });

  it('reports an unterminated string where yaml does', () => {
    const doc = new SourceDocument('name: "open\n', 'f.yml');
    expect(doc.issues).toEqual([
      expect.objectContaining({
        line: 2,
        column: 1,
        message: 'invalid YAML: Missing closing "quote',
      }),
    ]);
  });

  it('reports a duplicate key at the duplicate', () => {
    const doc = new SourceDocument(
      'name: a\nspec:\n  owner: x\n  owner: y\n',
      'f.yml',
    );
    expect(doc.parsed).toBe(false);
    expect(doc.issues).toEqual([
      {
        severity: 'error',
        file: 'f.yml',
        path: '(document)',
        line: 4,
        column: 3,
        message: 'invalid YAML: Map keys must be unique',
      },
    ]);
    expect(doc.locate(['spec', 'owner'])).toBeUndefined();
  });
});

describe('SourceDocument positions', () => {
  const text = 'a:\n  b:\n    - x\n    - y: 1\n';

  it('builds the yaml Document only when a position is asked for', () => {
    const doc = new SourceDocument(text, 'f.yml');
    expect(doc.value).toEqual({ a: { b: ['x', { y: 1 }] } });
    expect(doc.parsed).toBe(true);
    expect(doc.issues).toEqual([]);
    expect(doc.positionsBuilt).toBe(false);

    expect(doc.locate(['a', 'b', 1, 'y'])).toEqual({ line: 4, column: 10 });
    expect(doc.positionsBuilt).toBe(true);
    // the nearest existing ancestor of a missing field
    expect(doc.locate(['a', 'missing'])).toEqual({ line: 2, column: 3 });
  });

  it('locates issues and reports', () => {
    const doc = new SourceDocument(text, 'f.yml');
    expect(doc.issue(['a', 'b', 0], 'bad')).toEqual({
      severity: 'error',
      file: 'f.yml',
      path: 'a.b[0]',
      line: 3,
      column: 7,
      message: 'bad',
    });
    const other = new SourceDocument(text, 'f.yml');
    other.report(['a'], 'warn me', 'warning');
    expect(other.positionsBuilt).toBe(true);
    expect(other.issues).toEqual([
      {
        severity: 'warning',
        file: 'f.yml',
        path: 'a',
        line: 2,
        column: 3,
        message: 'warn me',
      },
    ]);
  });
});
