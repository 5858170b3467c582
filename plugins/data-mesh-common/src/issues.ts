/*
 * Errors are values: every reader returns the problems it found, each located
 * in the author's own file (path inside the document, line and column), so a
 * broken spec is reported, not thrown, and never stops other work.
 */
import { Document, LineCounter, isNode, parseDocument } from 'yaml';

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
  const path = issue.path && issue.path !== '(document)' ? `${issue.path}: ` : '';
  return `${file}${path}${issue.message}${where}`;
}

/**
 * A parsed YAML (or JSON) document that remembers where every node came from,
 * so readers can report problems by the author's line numbers.
 * @public
 */
export class SourceDocument {
  readonly file?: string;
  readonly issues: SpecIssue[] = [];
  private readonly doc?: Document.Parsed;
  private readonly lineCounter = new LineCounter();
  private readonly data: unknown;

  constructor(text: string, file?: string) {
    this.file = file;
    const doc = parseDocument(text, {
      lineCounter: this.lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
    });
    for (const err of doc.errors) {
      const pos = this.lineCounter.linePos(err.pos[0]);
      this.issues.push({
        severity: 'error',
        file,
        path: '(document)',
        line: pos.line,
        column: pos.col,
        message: `invalid YAML: ${firstLine(err.message)}`,
      });
    }
    if (doc.errors.length === 0) {
      this.doc = doc;
      this.data = doc.toJS({ maxAliasCount: 100 });
    }
  }

  /** The plain value of the document, or undefined if it did not parse. */
  get value(): unknown {
    return this.data;
  }

  /** True when the YAML itself was well-formed. */
  get parsed(): boolean {
    return this.doc !== undefined;
  }

  /**
   * Line and column of the node at `path`; when the path does not exist
   * (a missing field), the nearest existing ancestor, which is where the
   * author has to add it.
   */
  locate(path: DocumentPath): { line: number; column: number } | undefined {
    if (!this.doc) return undefined;
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const pos = this.lineCounter.linePos(node.range[0]);
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
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}
