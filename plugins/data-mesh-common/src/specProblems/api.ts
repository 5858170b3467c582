/*
 * Spec problems: the located problems of spec files the catalog could not
 * ingest, as the portal shows them, and the "Check a spec" API that reads a
 * pasted or linked spec with the same engine as `datamesh check`.
 *
 * The catalog keeps a processing error as a serialised Error (own
 * enumerable properties survive), so the catalog module puts the located
 * issue itself on the error under SPEC_PROBLEM_ERROR_FIELD: the backend then
 * lists file, path, line and owner without parsing messages back.
 */
import type { GovernanceReport } from '../governance/types';
import type { SpecIssue } from '../issues';
import type { DataProductEntityV1alpha1 } from '../model';
import type { SpecFormat } from '../read';

/**
 * The property of a catalog processing error that holds its structured
 * {@link SpecProblemErrorData}.
 * @public
 */
export const SPEC_PROBLEM_ERROR_FIELD = 'dataMeshSpecProblem';

/** What a spec processing error carries besides its message. @public */
export interface SpecProblemErrorData {
  /** The spec file being read (the issue may be in a contract beside it). */
  specFile: string;
  issue: SpecIssue;
  /** The product's owner as far as the broken spec names it (entity ref). */
  owner?: string;
}

const str = (v: unknown): v is string => typeof v === 'string';
const int = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v > 0;

/**
 * The structured spec problem of a (serialised) catalog processing error;
 * undefined for errors of other processors or malformed data, which are
 * never trusted as-is: every field is checked.
 * @public
 */
export function specProblemOfError(
  error: unknown,
): SpecProblemErrorData | undefined {
  const data = (error as Record<string, unknown> | null | undefined)?.[
    SPEC_PROBLEM_ERROR_FIELD
  ] as Record<string, unknown> | undefined;
  const issue = data?.issue as Record<string, unknown> | undefined;
  if (!str(data?.specFile) || !issue) return undefined;
  if (!str(issue.path) || !str(issue.message)) return undefined;
  const severity = issue.severity === 'warning' ? 'warning' : 'error';
  return {
    specFile: data!.specFile as string,
    issue: {
      severity,
      path: issue.path,
      message: issue.message,
      ...(str(issue.file) ? { file: issue.file } : {}),
      ...(int(issue.line) ? { line: issue.line } : {}),
      ...(int(issue.column) ? { column: issue.column } : {}),
    },
    ...(str(data!.owner) ? { owner: data!.owner } : {}),
  };
}

/** One spec file the catalog could not ingest, with its located problems. @public */
export interface SpecProblem {
  /** The spec file (path or URL) as the catalog read it. */
  file: string;
  /** The catalog entity the errors are attached to (usually a Location). */
  entityRef: string;
  /** Entity ref of the owner, when the broken spec still names one. */
  owner?: string;
  issues: SpecIssue[];
}

/** `GET /spec-problems`. @public */
export interface SpecProblemsResponse {
  items: SpecProblem[];
  /** Failing spec files in all (before `mine` or `owner` narrowed the list). */
  total: number;
  /** When the catalog was read (ISO 8601); the list is at most a few seconds old. */
  checkedAt: string;
  /**
   * False when the catalog's unprocessed-entities module did not answer:
   * then only specs that once read well and broke since are listed.
   */
  unprocessedSource: boolean;
}

/** `POST /specs/check`: the spec text, or a URL the backend may read. @public */
export interface SpecCheckRequest {
  yaml?: string;
  url?: string;
  format?: SpecFormat;
  /** The stage the governance policies are judged at. */
  stage?: string;
}

/** The plan preview of a checked spec: what provisioning it would do. @public */
export interface SpecCheckPlan {
  /** `not-provisioned`, `drift`, `in-sync`, `conflict` or `invalid`. */
  status?: string;
  /** One line per step (renderPlan). */
  lines: string[];
  steps: number;
  destructive: number;
  issues: SpecIssue[];
  /** Why there is no plan (the warehouse could not be asked). */
  error?: string;
}

/** `POST /specs/check`: nothing is written anywhere. @public */
export interface SpecCheckResponse {
  /** True when the spec reads without errors and no governance rule fails. */
  ok: boolean;
  /** What was read: `pasted` or the URL. */
  file: string;
  format?: SpecFormat;
  issues: SpecIssue[];
  /** The entity the catalog would create; absent when the spec has errors. */
  entity?: DataProductEntityV1alpha1;
  governance?: GovernanceReport & {
    /** Problems of the platform's rules themselves. */
    ruleProblems: SpecIssue[];
  };
  plan?: SpecCheckPlan;
}
