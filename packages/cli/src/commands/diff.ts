/*
 * `datamesh diff <old> <new>`: the classified changes between two versions
 * of a product, in any of the three formats, and the output shared with
 * `datamesh check` (text, JSON, GitHub annotations).
 */
import fs from 'node:fs';
import {
  type ChangeLocation,
  type DataProductEntityV1alpha1,
  type SpecChange,
  type SpecFilesResult,
  type SpecLocator,
  type VersionBumpVerdict,
  classifyChanges,
  specLocator,
  specVersion,
  versionBumpRequired,
} from '@datamesh/plugin-data-mesh-common';
import { type Io, EXIT_FAILED, EXIT_OK, reportIssues } from '../io';
import { loadSpecFile } from '../specs';

/** @public */
export const OUTPUT_FORMATS = ['text', 'json', 'github'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** One version of a product as read, with a locator into its files. */
export interface ProductVersionRead {
  /** How messages name this version, e.g. `origin/main:data_product_spec.yml`. */
  label: string;
  entity?: DataProductEntityV1alpha1;
  locate?: SpecLocator;
  result: SpecFilesResult;
}

/** The located entity of a spec file, read with `readText` (disk or git). */
export function locatedVersion(
  label: string,
  result: SpecFilesResult,
  readText: (file: string) => string,
): ProductVersionRead {
  if (!result.entity) return { label, result };
  return {
    label,
    result,
    entity: result.entity,
    locate: specLocator(
      result.entity,
      { text: readText(result.file), file: result.file },
      result.contractFiles.map(c => ({ text: readText(c), file: c })),
    ),
  };
}

/** A spec file on disk, read with its contracts. */
export function readVersionFromDisk(file: string): ProductVersionRead {
  return locatedVersion(file, loadSpecFile(file), f =>
    fs.readFileSync(f, 'utf8'),
  );
}

/**
 * One result of `datamesh check` or `diff`. Check's sections (the
 * breaking-change gate now, governance policies next) all produce these.
 */
export interface Finding {
  /** `error` fails the check; `warning` and `notice` inform. */
  level: 'error' | 'warning' | 'notice';
  code: string;
  message: string;
  location?: ChangeLocation;
  /** The classified change, for findings of the breaking-change gate. */
  change?: SpecChange;
}

/** The changes as findings: breaking ones are errors unless the version allows them. */
export function changeFindings(
  changes: SpecChange[],
  verdict: VersionBumpVerdict | undefined,
): Finding[] {
  return changes.map(change => {
    let level: Finding['level'] = 'notice';
    if (change.kind === 'breaking') level = verdict?.ok ? 'warning' : 'error';
    return {
      level,
      code: change.code,
      message: change.message,
      location: change.location,
      change,
    };
  });
}

export function where(location: ChangeLocation | undefined): string {
  if (!location?.file) return '';
  return location.line ? `${location.file}:${location.line}` : location.file;
}

// GitHub workflow commands: data and property values are percent-escaped
// (docs: "Workflow commands for GitHub Actions", toolkit's command.ts)
const escapeData = (s: string) =>
  s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) =>
  escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * A GitHub annotation for a finding. GitHub shows annotations on files of
 * the checked-out tree only, so a finding located in an old version (a
 * removal, read at a git ref) is put on `file` without a line, and says
 * where it was.
 */
export function githubAnnotation(finding: Finding, file: string): string {
  const loc = finding.location;
  const onDisk =
    loc?.file && fs.existsSync(loc.file) && !loc.file.includes(':');
  const props = onDisk
    ? [
        `file=${escapeProperty(loc!.file!)}`,
        ...(loc!.line ? [`line=${loc!.line}`] : []),
      ]
    : [`file=${escapeProperty(file)}`];
  props.push(`title=${escapeProperty(finding.code)}`);
  const was = !onDisk && loc?.file ? ` (was at ${where(loc)})` : '';
  return `::${finding.level} ${props.join(',')}::${escapeData(
    finding.message + was,
  )}`;
}

/** Counts per kind: `2 breaking, 1 non-breaking, 3 info`. */
export function changeSummary(changes: SpecChange[]): string {
  if (changes.length === 0) return 'no changes';
  const count = (kind: SpecChange['kind']) =>
    changes.filter(c => c.kind === kind).length;
  return `${count('breaking')} breaking, ${count(
    'non-breaking',
  )} non-breaking, ${count('info')} info`;
}

/** The version verdict, or why there is none (a version that is not semver). */
export function versionVerdict(
  changes: SpecChange[],
  before: ProductVersionRead,
  after: ProductVersionRead,
): { verdict?: VersionBumpVerdict; error?: string } {
  try {
    return {
      verdict: versionBumpRequired(
        changes,
        specVersion(before.entity!),
        specVersion(after.entity!),
      ),
    };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/**
 * `datamesh diff <old> <new>`: every change, located and explained; exit 0
 * (1 only when a spec cannot be read).
 */
export async function diffCommand(
  oldFile: string,
  newFile: string,
  options: { format?: OutputFormat },
  io: Io,
): Promise<number> {
  const before = readVersionFromDisk(oldFile);
  const after = readVersionFromDisk(newFile);
  reportIssues(io, [...before.result.issues, ...after.result.issues]);
  if (!before.entity || !after.entity) return EXIT_FAILED;
  const changes = classifyChanges(before.entity, after.entity, {
    beforeLocate: before.locate,
    afterLocate: after.locate,
  });
  const { verdict, error } = versionVerdict(changes, before, after);
  const findings = changeFindings(changes, verdict);
  const format = options.format ?? 'text';
  if (format === 'json') {
    io.out(
      JSON.stringify(
        {
          before: { file: oldFile, version: specVersion(before.entity) },
          after: { file: newFile, version: specVersion(after.entity) },
          changes,
          version: verdict ?? { ok: false, error },
        },
        null,
        2,
      ),
    );
    return EXIT_OK;
  }
  for (const finding of findings) {
    io.out(
      format === 'github'
        ? githubAnnotation(finding, newFile)
        : textLine(finding),
    );
  }
  io.out(`${changeSummary(changes)}; ${verdict?.message ?? error}`);
  return EXIT_OK;
}

/** `file:line: breaking column-removed: ...`, as compilers write. */
export function textLine(finding: Finding): string {
  const at = where(finding.location);
  const kind = finding.change?.kind ?? finding.level;
  return `${at ? `${at}: ` : ''}${kind} ${finding.code}: ${finding.message}`;
}
