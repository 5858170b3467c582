/*
 * Reading a spec file together with the files that belong to it, wherever
 * the files live. The rule for which files belong is written here once and
 * used by the catalog processor, the scaffolder actions, the CLI and the
 * example mesh:
 *
 * - an ODPS product's datasets come from ODCS contracts. When the product
 *   file is a YAML stream (`datamesh convert --to odps` writes one), the
 *   documents after the product are its contracts. Otherwise they are the
 *   files next to it whose names match CONTRACT_FILE_PATTERN (any case),
 *   read in name order.
 * - OAM specs and native entities have no companion files.
 *
 * Where the files come from is the caller's: an `io` that reads a file's
 * text and lists the files next to one (local disk, a Backstage URL reader,
 * or a map in memory). With a synchronous io the result is returned
 * directly, with an asynchronous one as a promise; the steps are the same.
 */
import { parseAllDocuments } from 'yaml';
import { SourceDocument, type SpecIssue } from './issues';
import {
  type ReadOptions,
  type ReadResult,
  type SpecFormat,
  detectSpecFormat,
  isContractFile,
  readDataProductSpec,
} from './read';

/**
 * Where spec files are read from, for readSpecFiles. Paths are whatever the
 * io understands (file paths, URLs, keys of a map); they are passed back
 * unchanged and name the files in issues.
 * @public
 */
export interface SpecFileIO {
  /** The text of a file; rejects when it cannot be read. */
  readText(file: string): Promise<string>;
  /**
   * The files in the same directory as `file`, as paths the io can read.
   * An io that cannot list a directory returns none (and may log why).
   */
  listSiblings(file: string): Promise<string[]>;
}

/** SpecFileIO for sources that answer at once (local disk, memory). @public */
export interface SpecFileSyncIO {
  readText(file: string): string;
  listSiblings(file: string): string[];
}

/** @public */
export interface ReadSpecFilesOptions {
  /** The format, when the caller knows it; detected otherwise. */
  format?: SpecFormat;
}

/** A spec file read with its companions. @public */
export interface SpecFilesResult extends ReadResult {
  file: string;
  /** The contract files read beside an ODPS product, in the order read. */
  contractFiles: string[];
}

type Step = { read: string } | { list: string };
type Steps = Generator<Step, SpecFilesResult, unknown>;

/** `---` or `...` on a line of its own after the start: maybe several documents. */
const DOCUMENT_MARKER = /\n(---|\.\.\.)(\s|$)/;

/**
 * The text of one document of a YAML stream, everything before it blanked
 * character by character, so that lines and columns in issues are those of
 * the whole file.
 */
function documentText(text: string, start: number, end: number): string {
  return text.slice(0, start).replace(/[^\n]/g, ' ') + text.slice(start, end);
}

/** An ODPS product followed by its contracts in one YAML stream, if `text` is one. */
function productStream(
  text: string,
  file: string,
  format: SpecFormat | undefined,
): { product: string; contracts: ReadOptions['contracts'] } | undefined {
  if (!DOCUMENT_MARKER.test(text)) return undefined;
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length < 2) return undefined;
  if (docs.some(d => d.errors.length > 0)) return undefined;
  const [first, ...rest] = docs;
  if ((format ?? detectSpecFormat(first.toJS(), file)) !== 'odps')
    return undefined;
  return {
    product: documentText(text, first.range[0], first.range[2]),
    contracts: rest.map(d => ({
      text: documentText(text, d.range[0], d.range[2]),
      file,
    })),
  };
}

function* specFileSteps(file: string, options: ReadSpecFilesOptions): Steps {
  const text = (yield { read: file }) as string;
  const { format } = options;

  const stream = productStream(text, file, format);
  if (stream) {
    return {
      file,
      contractFiles: [],
      ...readDataProductSpec(stream.product, {
        file,
        format: 'odps',
        contracts: stream.contracts,
      }),
    };
  }

  const parsed = format ? undefined : new SourceDocument(text, file);
  const detected = format ?? detectSpecFormat(parsed?.value, file);
  const contracts: { text: string; file: string }[] = [];
  const unreadable: SpecIssue[] = [];
  if (detected === 'odps') {
    const siblings = (yield { list: file }) as string[];
    const names = siblings
      .filter(s => s !== file && isContractFile(s))
      .sort((a, b) => (a < b ? -1 : Number(a > b)));
    for (const contractFile of names) {
      try {
        const contractText = (yield { read: contractFile }) as string;
        contracts.push({ file: contractFile, text: contractText });
      } catch (error) {
        unreadable.push({
          severity: 'error',
          file: contractFile,
          path: '(document)',
          message: `the contract could not be read: ${
            (error as Error)?.message ?? String(error)
          }`,
        });
      }
    }
  }
  // without a format from the caller, the reader detects it (and says
  // "not a data product spec" when it cannot)
  const result = readDataProductSpec(text, { file, format, contracts }, parsed);
  return {
    file,
    contractFiles: contracts.map(c => c.file),
    ...result,
    ...(unreadable.length
      ? { entity: undefined, issues: [...unreadable, ...result.issues] }
      : {}),
  };
}

function isPromise<T>(value: unknown): value is Promise<T> {
  return typeof (value as Promise<unknown> | undefined)?.then === 'function';
}

type Answer = { value: unknown } | { error: unknown };

/** Runs one step; a failure is handed back to the steps, which decide. */
function perform(
  io: SpecFileIO | SpecFileSyncIO,
  step: Step,
): Answer | Promise<Answer> {
  let answer: unknown;
  try {
    answer =
      'read' in step ? io.readText(step.read) : io.listSiblings(step.list);
  } catch (error) {
    return { error };
  }
  return isPromise<unknown>(answer)
    ? answer.then(
        value => ({ value }),
        error => ({ error }),
      )
    : { value: answer };
}

function resume(steps: Steps, answer: Answer) {
  return 'error' in answer
    ? steps.throw(answer.error)
    : steps.next(answer.value);
}

async function finishAsync(
  steps: Steps,
  io: SpecFileIO | SpecFileSyncIO,
  pending: Promise<Answer>,
): Promise<SpecFilesResult> {
  let next = resume(steps, await pending);
  while (!next.done) next = resume(steps, await perform(io, next.value));
  return next.value;
}

/**
 * Read the spec `file` and the files that belong to it (the ODCS contracts
 * of an ODPS product) through `io`, into the canonical entity with every
 * issue located in its file. Only the spec file itself failing to read
 * throws (or rejects), with the io's error; a contract that cannot be read
 * is an error issue of that contract, and every problem of content is an
 * issue too.
 * @public
 */
export function readSpecFiles(
  file: string,
  io: SpecFileSyncIO,
  options?: ReadSpecFilesOptions,
): SpecFilesResult;
/** @public */
export function readSpecFiles(
  file: string,
  io: SpecFileIO,
  options?: ReadSpecFilesOptions,
): Promise<SpecFilesResult>;
export function readSpecFiles(
  file: string,
  io: SpecFileIO | SpecFileSyncIO,
  options: ReadSpecFilesOptions = {},
): SpecFilesResult | Promise<SpecFilesResult> {
  const steps = specFileSteps(file, options);
  let next = steps.next();
  while (!next.done) {
    const answer = perform(io, next.value);
    // from the first asynchronous answer on, the rest runs asynchronously
    if (isPromise<Answer>(answer)) return finishAsync(steps, io, answer);
    next = resume(steps, answer);
  }
  return next.value;
}
