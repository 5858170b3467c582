/*
 * Errors are values: every reader returns the problems it found, each located
 * in the author's own file (path inside the document, line and column), so a
 * broken spec is reported, not thrown, and never stops other work.
 */
import { FAILSAFE_SCHEMA, Type, load as loadFast } from 'js-yaml';
import { Document, LineCounter, isNode, parseDocument } from 'yaml';
import { needsFullParse } from './needsFullParse';

/** A path inside a document, e.g. `['components', 3, 'properties', 'dimension']`. @public */
export type DocumentPath = ReadonlyArray<string | number>;

/** @public */
export interface SpecIssue {
  severity: 'error' | 'warning';
  /** The file the problem is in, when known (location target or path on disk). */
  file?: string;
  /** Dotted path inside the document, e.g. `components[3].properties.dimension`. */
  path: string;
  /** 1-based line and column of the offending node, when the source is YAML text. */
  line?: number;
  column?: number;
  message: string;
}

/** `['components', 3, 'properties', 'dimension']` → `components[3].properties.dimension`. @public */
export function formatPath(path: DocumentPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out || '(document)';
}

/**
 * One line a spec author understands:
 * `data_product_spec.yml: components[3].properties.dimension: 'Vibes' is not one of … (line 19)`.
 * @public
 */
export function formatIssue(issue: SpecIssue): string {
  const where = issue.line
    ? ` (line ${issue.line}${issue.column ? `, column ${issue.column}` : ''})`
    : '';
  const file = issue.file ? `${issue.file}: ` : '';
  const path =
    issue.path && issue.path !== '(document)' ? `${issue.path}: ` : '';
  return `${file}${path}${issue.message}${where}`;
}

/**
 * A parsed YAML (or JSON) document that remembers where every node came from,
 * so readers can report problems by the author's line numbers.
 *
 * The plain value comes from js-yaml, about 13× faster than `yaml` on our spec
 * files; the `yaml` Document, which knows line and column, is only built when
 * an issue has to be located. Text js-yaml rejects, or that uses YAML features
 * where the two libraries could disagree (anchors and aliases, tags,
 * directives, complex keys), goes through `yaml` alone, so errors keep their
 * messages and positions and the alias limit still applies.
 * @public
 */
export class SourceDocument {
  readonly file?: string;
  readonly issues: SpecIssue[] = [];
  private readonly text: string;
  private readonly ok: boolean;
  private readonly data: unknown;
  private located?: { doc: Document.Parsed; lineCounter: LineCounter };

  constructor(text: string, file?: string) {
    this.file = file;
    this.text = text;
    const fast = fastValue(text);
    if (fast.ok) {
      this.ok = true;
      this.data = fast.value;
      return;
    }
    const { doc, lineCounter } = this.parseWithPositions();
    for (const err of doc.errors) {
      const pos = lineCounter.linePos(err.pos[0]);
      this.issues.push({
        severity: 'error',
        file,
        path: '(document)',
        line: pos.line,
        column: pos.col,
        message: `invalid YAML: ${firstLine(err.message)}`,
      });
    }
    this.ok = doc.errors.length === 0;
    if (this.ok) this.data = doc.toJS({ maxAliasCount: 100 });
  }

  /** The plain value of the document, or undefined if it did not parse. */
  get value(): unknown {
    return this.data;
  }

  /** True when the YAML itself was well-formed. */
  get parsed(): boolean {
    return this.ok;
  }

  /**
   * Line and column of the node at `path`; when the path does not exist
   * (a missing field), the nearest existing ancestor, which is where the
   * author has to add it.
   */
  locate(path: DocumentPath): { line: number; column: number } | undefined {
    if (!this.ok) return undefined;
    const { doc, lineCounter } = this.parseWithPositions();
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return undefined;
  }

  /** Build an issue located at `path`. */
  issue(
    path: DocumentPath,
    message: string,
    severity: SpecIssue['severity'] = 'error',
  ): SpecIssue {
    const pos = this.locate(path);
    return {
      severity,
      file: this.file,
      path: formatPath(path),
      line: pos?.line,
      column: pos?.column,
      message,
    };
  }

  /** Record an issue located at `path`. */
  report(
    path: DocumentPath,
    message: string,
    severity: SpecIssue['severity'] = 'error',
  ): void {
    this.issues.push(this.issue(path, message, severity));
  }

  /** True once the `yaml` Document has been built (tests check it stays lazy). */
  get positionsBuilt(): boolean {
    return this.located !== undefined;
  }

  private parseWithPositions(): {
    doc: Document.Parsed;
    lineCounter: LineCounter;
  } {
    if (!this.located) {
      const lineCounter = new LineCounter();
      const doc = parseDocument(this.text, {
        lineCounter,
        prettyErrors: false,
        uniqueKeys: true,
      });
      this.located = { doc, lineCounter };
    }
    return this.located;
  }
}

/*
 * js-yaml's own CORE_SCHEMA is not quite `yaml`'s YAML 1.2 core schema: it
 * also reads 0b101 as a number and allows signs on hex and octal (-0x1F), it
 * keeps `+.5` a string and turns `-0` into 0. So the scalars are
 * resolved here with the regular expressions and conversions of `yaml`'s
 * core schema (yaml/dist/schema/core), making the two values identical.
 */
const coreNull = new Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (s: string) => /^(?:~|[Nn]ull|NULL)?$/.test(s),
  construct: () => null,
});
const coreBool = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (s: string) => /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s),
  construct: (s: string) => s[0] === 't' || s[0] === 'T',
});
const coreInt = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (s: string) =>
    /^0o[0-7]+$/.test(s) ||
    /^[-+]?[0-9]+$/.test(s) ||
    /^0x[0-9a-fA-F]+$/.test(s),
  construct: (s: string) => {
    if (s.startsWith('0o')) return parseInt(s.substring(2), 8);
    if (s.startsWith('0x')) return parseInt(s.substring(2), 16);
    return parseInt(s, 10);
  },
});
const coreFloat = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (s: string) =>
    /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s) ||
    /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) ||
    /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s),
  construct: (s: string) => {
    if (/^\.nan$/i.test(s)) return NaN;
    if (/^[-+]?\.inf$/i.test(s)) {
      return s[0] === '-' ? -Infinity : Infinity;
    }
    return parseFloat(s);
  },
});
const CORE_1_2 = FAILSAFE_SCHEMA.extend({
  implicit: [coreNull, coreBool, coreInt, coreFloat],
});

function fastValue(text: string): { ok: boolean; value?: unknown } {
  if (needsFullParse(text)) return { ok: false };
  try {
    const value = loadFast(text, { schema: CORE_1_2 });
    // `yaml` gives null for an empty document, js-yaml undefined.
    return { ok: true, value: value === undefined ? null : value };
  } catch {
    return { ok: false };
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}
