import { type SpecIssue, formatIssue } from '@datamesh/plugin-data-mesh-common';

/** Where a command writes: results to `out`, problems and progress notes to `err`. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** The process's own streams. */
export const processIo: Io = {
  out: line => process.stdout.write(`${line}\n`),
  err: line => process.stderr.write(`${line}\n`),
};

/** Exit codes: 0 ok, 1 invalid input or a failed apply. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
/** `plan --detailed-exitcode`: the plan has changes. */
export const EXIT_CHANGES = 2;

/**
 * One line per issue; errors as `formatIssue` writes them, warnings marked
 * as such so that a reader can tell which ones failed the run.
 */
export function reportIssues(io: Io, issues: SpecIssue[]): void {
  for (const issue of issues) {
    io.err(
      issue.severity === 'warning'
        ? `warning: ${formatIssue(issue)}`
        : formatIssue(issue),
    );
  }
}

/** True when any issue is an error. */
export function hasErrors(issues: SpecIssue[]): boolean {
  return issues.some(i => i.severity === 'error');
}
