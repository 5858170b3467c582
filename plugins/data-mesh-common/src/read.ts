/*
 * One entry point for every spec format: detect the format, read it into
 * the canonical model, check the result, and hand back the entity together
 * with every problem found, each located in the author's file.
 */
import { DataProductEntityV1alpha1 } from './model';
import { SourceDocument, SpecIssue } from './issues';
import { ANNOTATION_SPEC_FORMAT, validateDataProductEntity } from './entity';
import { readOam, repairOamText } from './formats/oam';
import { readEntity } from './formats/entity';
import { readOdps } from './formats/odps';

/** The spec formats read into the canonical model. @public */
export type SpecFormat = 'oam' | 'odps' | 'entity';

/** @public */
export const SPEC_FORMATS: readonly SpecFormat[] = ['oam', 'odps', 'entity'];

/** @public */
export interface ReadOptions {
  /** Where the text came from (a path or URL); named in every issue. */
  file?: string;
  /** The format, when the caller knows it; detected otherwise. */
  format?: SpecFormat;
  /** ODCS contracts that accompany an ODPS product file. */
  contracts?: { text: string; file?: string }[];
}

/**
 * The outcome of reading a spec: the entity, present exactly when there is
 * no error-severity issue, and all issues (errors and warnings).
 * @public
 */
export interface ReadResult {
  format?: SpecFormat;
  entity?: DataProductEntityV1alpha1;
  /**
   * The entity as far as it could be read when there are errors: only for
   * naming a broken spec's owner in problem reports, never to be ingested.
   */
  draft?: DataProductEntityV1alpha1;
  issues: SpecIssue[];
}

function basename(path: string): string {
  const clean = path.replace(/[?#].*$/, '');
  return clean.slice(
    Math.max(clean.lastIndexOf('/'), clean.lastIndexOf('\\')) + 1,
  );
}

/**
 * True for the file names the catalog reads as data product specs:
 * `data_product_spec.yml` / `.yaml`, and `*.odps.yaml` / `.yml` / `.json`.
 * Works on paths and URLs.
 * @public
 */
export function isDataProductSpecFile(path: string): boolean {
  const name = basename(path).toLowerCase();
  return (
    name === 'data_product_spec.yml' ||
    name === 'data_product_spec.yaml' ||
    /^.+\.odps\.(ya?ml|json)$/.test(name)
  );
}

/**
 * The ODCS contract files that accompany an ODPS product in its directory:
 * `*.odcs.yaml`, `*.odcs.yml` or `*.odcs.json`, in any case (like
 * isDataProductSpecFile, so that a file system or repository that keeps
 * upper-case names is read the same everywhere).
 * @public
 */
export const CONTRACT_FILE_PATTERN = /^.+\.odcs\.(ya?ml|json)$/i;

/**
 * True for an ODCS contract file name (see CONTRACT_FILE_PATTERN); works on
 * paths and URLs.
 * @public
 */
export function isContractFile(path: string): boolean {
  return CONTRACT_FILE_PATTERN.test(basename(path));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Which format a parsed document is in: by its `apiVersion` and shape
 * first, then by the file name; undefined when neither tells.
 * @public
 */
export function detectSpecFormat(
  value: unknown,
  file?: string,
): SpecFormat | undefined {
  if (isRecord(value)) {
    const apiVersion =
      typeof value.apiVersion === 'string' ? value.apiVersion : '';
    if (apiVersion.startsWith('datamesh.dev/')) return 'entity';
    if (apiVersion.startsWith('core.oam.dev/')) return 'oam';
    if (
      Array.isArray(value.components) ||
      (isRecord(value.spec) && Array.isArray(value.spec.components))
    ) {
      return 'oam';
    }
    // ODPS versions are bare semver tags: v0.9.0, v1.0.0, v1.1.0
    if (
      /^v?\d+\.\d+(\.\d+)?$/.test(apiVersion) &&
      value.kind === 'DataProduct'
    ) {
      return 'odps';
    }
  }
  if (
    Array.isArray(value) &&
    value.some(c => isRecord(c) && 'type' in c && 'name' in c)
  ) {
    return 'oam';
  }
  if (file) {
    const name = basename(file).toLowerCase();
    if (/\.odps\.(ya?ml|json)$/.test(name)) return 'odps';
    if (/^data_product_spec\.ya?ml$/.test(name)) return 'oam';
  }
  return undefined;
}

/** `a.b[0]` is `a.b` or inside it. */
function within(path: string, ancestor: string): boolean {
  return (
    path === ancestor ||
    path.startsWith(`${ancestor}.`) ||
    path.startsWith(`${ancestor}[`)
  );
}

/**
 * Read a data product spec in any supported format into the canonical
 * DataProduct entity. `parsed`, when given, is `text` already parsed (as
 * `new SourceDocument(text, options.file)`).
 * @public
 */
export function readDataProductSpec(
  text: string,
  options: ReadOptions = {},
  parsed?: SourceDocument,
): ReadResult {
  const { file } = options;
  // a caller that had to parse the text first (readSpecFiles, to know the
  // format) hands the parse over rather than have it done twice
  let source = parsed ?? new SourceDocument(text, file);
  const notes: SpecIssue[] = [];

  if (!source.parsed && (options.format ?? 'oam') === 'oam') {
    // the seed article's own example writes the components as a top-level
    // list after apiVersion/kind; read it, but say how to write it properly
    const repaired = repairOamText(text);
    if (repaired !== undefined) {
      const second = new SourceDocument(repaired, file);
      if (second.parsed && detectSpecFormat(second.value, file) === 'oam') {
        source = second;
        notes.push(
          source.issue(
            ['components', 0],
            'the components are a list directly after apiVersion and kind, which is not valid YAML; read as if they were under components: (add that line to fix this)',
            'warning',
          ),
        );
      }
    }
  }

  const format = options.format ?? detectSpecFormat(source.value, file);
  if (!source.parsed) {
    return { format, issues: [...notes, ...source.issues] };
  }
  if (!format) {
    source.report(
      [],
      'not a data product spec: expected apiVersion datamesh.dev/v1alpha1 (entity), core.oam.dev/... with components (OAM), or an ODPS apiVersion such as v1.1.0 with kind DataProduct',
    );
    return { issues: source.issues };
  }

  const contracts = (options.contracts ?? []).map(
    c => new SourceDocument(c.text, c.file),
  );
  let entity: DataProductEntityV1alpha1 | undefined;
  if (format === 'oam') entity = readOam(source);
  else if (format === 'entity') entity = readEntity(source);
  else entity = readOdps(source, { contracts });

  const readerIssues = [
    ...notes,
    ...source.issues,
    ...contracts.flatMap(c => c.issues),
  ];
  const issues = [...readerIssues];
  if (entity) {
    entity.metadata.annotations = {
      ...entity.metadata.annotations,
      [ANNOTATION_SPEC_FORMAT]: format,
    };
    // A reader that already complained about a place has said what is
    // wrong there; the entity check would only repeat it in other words.
    const reported = readerIssues
      .filter(i => i.severity === 'error' && i.file === file)
      .map(i => i.path);
    for (const issue of validateDataProductEntity(entity, source)) {
      if (!reported.some(r => within(r, issue.path))) issues.push(issue);
    }
  }
  const failed = issues.some(i => i.severity === 'error');
  return failed
    ? { format, issues, ...(entity ? { draft: entity } : {}) }
    : { format, entity, issues };
}
