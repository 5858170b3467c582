/*
 * `datamesh check <spec> --against <git-ref|file>`: the gate a product
 * repository's CI runs on a pull request. The spec must be valid, and a
 * breaking change against the earlier version (at a git ref, with the ODCS
 * contracts beside it at that ref, or in a file) needs a major version bump.
 *
 * The check is a list of sections, each a producer of findings with its own
 * verdict; the breaking-change gate is the first. Another section (the
 * governance policies) is added to CHECK_SECTIONS without touching the
 * output or the exit code.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  type SpecFileSyncIO,
  classifyChanges,
  readSpecFiles,
  specVersion,
} from '@datamesh/plugin-data-mesh-common';
import { type Io, EXIT_FAILED, EXIT_OK, reportIssues } from '../io';
import {
  type Finding,
  type OutputFormat,
  type ProductVersionRead,
  changeFindings,
  changeSummary,
  githubAnnotation,
  locatedVersion,
  readVersionFromDisk,
  textLine,
  versionVerdict,
} from './diff';
import { governanceSection } from './governance';

/** What every check section sees: the spec as it is now, and as it was. */
export interface CheckInput {
  specFile: string;
  /** The spec now (valid: sections only run on a valid spec). */
  current: ProductVersionRead;
  /** The spec at `--against`; undefined when it did not exist there. */
  previous?: ProductVersionRead;
  against: string;
  /** `--stage`: the stage policies are judged at. */
  stage?: string;
  /** `--config`: app-config files (governance rules, default stage). */
  config?: string[];
}

/** The result of one section of the check. */
export interface CheckSection {
  /** Short name, e.g. `changes`. */
  name: string;
  findings: Finding[];
  /** True when this section fails the check (exit 1). */
  failed: boolean;
  /** One line: what was found and decided. */
  summary: string;
  /** Extra data for --format json. */
  details?: Record<string, unknown>;
}

export type CheckSectionProducer = (
  input: CheckInput,
) => CheckSection | Promise<CheckSection>;

/** The breaking-change gate as a check section. */
export function breakingChangeSection(input: CheckInput): CheckSection {
  const { current, previous, against } = input;
  if (!previous) {
    return {
      name: 'changes',
      findings: [],
      failed: false,
      summary: `no earlier version at ${against}: nothing to compare`,
    };
  }
  if (!previous.entity) {
    // failing here would block the very change that repairs the spec
    return {
      name: 'changes',
      findings: [],
      failed: false,
      summary: `the spec at ${against} is not valid, so there is nothing to classify against (its problems are listed above)`,
    };
  }
  const changes = classifyChanges(previous.entity, current.entity!, {
    beforeLocate: previous.locate,
    afterLocate: current.locate,
  });
  const { verdict, error } = versionVerdict(changes, previous, current);
  return {
    name: 'changes',
    findings: changeFindings(changes, verdict),
    failed: !verdict?.ok,
    summary: `${changeSummary(changes)} against ${against}; ${
      verdict?.message ?? error
    }`,
    details: {
      before: { version: specVersion(previous.entity) },
      after: { version: specVersion(current.entity!) },
      changes,
      version: verdict ?? { ok: false, error },
    },
  };
}

/** The sections `datamesh check` runs, in order. */
export const CHECK_SECTIONS: CheckSectionProducer[] = [
  breakingChangeSection,
  governanceSection,
];

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Files at a git ref, named `<ref>:<path>` (a ref cannot contain `:`), with
 * paths relative to the spec's directory as given on the command line.
 */
function gitRefFiles(ref: string, cwd: string): SpecFileSyncIO {
  const split = (name: string) => {
    const at = name.indexOf(':');
    return { file: name.slice(at + 1) };
  };
  return {
    readText: name => {
      const { file } = split(name);
      // `<ref>:./<path>` is relative to the working directory given to git
      return git(
        ['show', `${ref}:./${path.relative(cwd, path.resolve(file))}`],
        cwd,
      );
    },
    listSiblings: name => {
      const dir = path.dirname(split(name).file);
      const listing = git(
        [
          'ls-tree',
          '--name-only',
          ref,
          '--',
          `${path.relative(cwd, path.resolve(dir)) || '.'}/`,
        ],
        cwd,
      );
      return listing
        .split('\n')
        .filter(Boolean)
        .map(p => `${ref}:${path.join(dir, path.basename(p))}`);
    },
  };
}

/** The spec at a git ref; undefined when the ref has no such file. */
function readVersionAtRef(
  specFile: string,
  ref: string,
): ProductVersionRead | undefined {
  const cwd = process.cwd();
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
  } catch {
    throw new Error(`'${ref}' is neither a file nor a git commit or branch`);
  }
  const io = gitRefFiles(ref, cwd);
  const label = `${ref}:${specFile}`;
  let text: string;
  try {
    text = io.readText(label);
  } catch {
    return undefined; // a product new in this change
  }
  const result = readSpecFiles(label, {
    readText: name => (name === label ? text : io.readText(name)),
    listSiblings: io.listSiblings,
  });
  return locatedVersion(label, result, name =>
    name === label ? text : io.readText(name),
  );
}

function render(
  sections: CheckSection[],
  specFile: string,
  format: OutputFormat,
  io: Io,
) {
  if (format === 'json') {
    io.out(
      JSON.stringify(
        {
          spec: specFile,
          ok: !sections.some(s => s.failed),
          sections: sections.map(s => ({
            name: s.name,
            ok: !s.failed,
            summary: s.summary,
            findings: s.findings.map(({ change: _c, ...f }) => f),
            ...s.details,
          })),
        },
        null,
        2,
      ),
    );
    return;
  }
  for (const section of sections) {
    for (const finding of section.findings) {
      io.out(
        format === 'github'
          ? githubAnnotation(finding, specFile)
          : textLine(finding),
      );
    }
    const summary = `${section.name}: ${section.failed ? 'FAILED' : 'ok'}: ${
      section.summary
    }`;
    io.out(
      format === 'github' && section.failed
        ? githubAnnotation(
            {
              level: 'error',
              code: `${section.name} check failed`,
              message: section.summary,
            },
            specFile,
          )
        : summary,
    );
  }
}

/** `datamesh check <spec> --against <git-ref|file>`. */
export async function checkCommand(
  specFile: string,
  options: {
    against: string;
    format?: OutputFormat;
    stage?: string;
    config?: string[];
  },
  io: Io,
): Promise<number> {
  const format = options.format ?? 'text';
  const current = readVersionFromDisk(specFile);
  reportIssues(io, current.result.issues);
  if (!current.entity) {
    if (format === 'github') {
      for (const issue of current.result.issues.filter(
        i => i.severity === 'error',
      )) {
        io.out(
          githubAnnotation(
            {
              level: 'error',
              code: 'invalid spec',
              message: issue.message,
              location: { file: issue.file, line: issue.line },
            },
            specFile,
          ),
        );
      }
    }
    io.err(`${specFile} is not a valid spec`);
    return EXIT_FAILED;
  }
  let previous: ProductVersionRead | undefined;
  try {
    previous = fs.existsSync(options.against)
      ? readVersionFromDisk(options.against)
      : readVersionAtRef(specFile, options.against);
  } catch (e) {
    io.err((e as Error).message);
    return EXIT_FAILED;
  }
  if (previous) reportIssues(io, previous.result.issues);
  const input: CheckInput = {
    specFile,
    current,
    previous,
    against: options.against,
    stage: options.stage,
    config: options.config,
  };
  let sections: CheckSection[];
  try {
    sections = await Promise.all(CHECK_SECTIONS.map(produce => produce(input)));
  } catch (e) {
    io.err((e as Error).message); // e.g. an app-config file that cannot be read
    return EXIT_FAILED;
  }
  render(sections, specFile, format, io);
  return sections.some(s => s.failed) ? EXIT_FAILED : EXIT_OK;
}
