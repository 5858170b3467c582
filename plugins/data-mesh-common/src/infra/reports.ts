/*
 * Changes of a product's warehouse objects made outside the portal — an
 * apply, a sandbox made or deleted, by a template's step or the CLI in a
 * pipeline — as they are reported to the data-mesh backend (`POST
 * /products/{namespace}/{name}/infrastructure/reports`) and kept in the
 * product's audit trail.
 */
import type {
  INFRASTRUCTURE_APPLY_AUDIT_ACTION,
  SANDBOX_CREATE_AUDIT_ACTION,
  SANDBOX_DELETE_AUDIT_ACTION,
} from './api';

/**
 * Where a change of a product's warehouse objects outside the portal ran:
 * a template's step (`template`: `datamesh:infra:apply`,
 * `datamesh:sandbox:create|delete`) or the CLI in a pipeline (`cli`).
 * @public
 */
export type InfrastructureChangeSource = 'template' | 'cli';

/** Where a change ran, in the words of the audit trail and of refusals. @public */
export const CHANGE_SOURCE_WORDS: Record<InfrastructureChangeSource, string> = {
  cli: 'by the datamesh CLI',
  template: 'by a template',
};

/** Every {@link InfrastructureChangeSource}. @public */
export const INFRASTRUCTURE_CHANGE_SOURCES: readonly InfrastructureChangeSource[] =
  ['template', 'cli'];

/**
 * What an audit entry of a change made outside the portal adds to its
 * detail, and the stage it was made in.
 * @public
 */
export type ReportedChangeDetail = {
  /** The deployment stage (`dev`, `prod`, …), when known. */
  stage?: string;
  /** Set when the change ran outside the portal and was reported to it. */
  source?: InfrastructureChangeSource;
  /** The reporter's pointer to the run: a scaffolder task id, a CI run's URL. */
  reference?: string;
  /**
   * Reported before the product was in the catalog: the owner its spec
   * declared then, whose member reported it.
   */
  declaredOwner?: string;
};

/** What every report of a change made outside the portal says. @public */
export interface ReportedChange {
  source: InfrastructureChangeSource;
  stage?: string;
  /** A scaffolder task id, a CI run's URL: where the run can be looked up. */
  reference?: string;
  /**
   * The owner the product's spec declares (`group:default/sales`). Used only
   * while the product is not in the catalog yet (a template applies before it
   * registers the product): the caller must then be one of its owners.
   */
  owner?: string;
}

/** An apply made outside the portal. @public */
export interface InfrastructureApplyReport extends ReportedChange {
  action: typeof INFRASTRUCTURE_APPLY_AUDIT_ACTION;
  /** Every statement sent, in order (at most 5,000). */
  statements: string[];
  allowDestructive: boolean;
  /** The warehouse's refusal that stopped the apply, if any. */
  error?: string;
}

/** A sandbox made outside the portal. @public */
export interface SandboxCreateReport extends ReportedChange {
  action: typeof SANDBOX_CREATE_AUDIT_ACTION;
  /** The branch's suffix, as in the schema names. */
  branch: string;
  /** Qualified names of the schemas made (or meant to be, when `error`). */
  schemas: string[];
  method?: 'zero-copy' | 'copy';
  /** The branch's existing schemas dropped first. */
  replaced?: string[];
  error?: string;
}

/** A sandbox deleted outside the portal. @public */
export interface SandboxDeleteReport extends ReportedChange {
  action: typeof SANDBOX_DELETE_AUDIT_ACTION;
  /** The branch's suffix, as in the schema names. */
  branch: string;
  /** Qualified names of the schemas dropped. */
  dropped: string[];
  error?: string;
}

/**
 * `POST /api/data-mesh/products/{namespace}/{name}/infrastructure/reports`:
 * a change of the product's warehouse objects made outside the portal — an
 * apply, a sandbox made or deleted, by a template's step or the CLI in a
 * pipeline — reported so that the product's audit trail has every change,
 * not only the portal's. Report only what sent something or failed.
 * @public
 */
export type InfrastructureChangeReport =
  | InfrastructureApplyReport
  | SandboxCreateReport
  | SandboxDeleteReport;

/** The audit entry a report became. @public */
export interface InfrastructureChangeReportResponse {
  entityRef: string;
  action: InfrastructureChangeReport['action'];
  /** ISO time it was recorded. */
  at: string;
  /** Who it is recorded as: the caller (`user:default/aisha`, `service:external:ci`). */
  actor: string;
}

/**
 * A report's `reference` as a link, when it is a web address (a CI run's):
 * a reporter's text is not trusted, so anything else (a task id, a
 * `javascript:` address) stays words.
 * @public
 */
export function referenceLink(
  reference: string | undefined,
): string | undefined {
  if (!reference) return undefined;
  try {
    const url = new URL(reference);
    return url.protocol === 'https:' || url.protocol === 'http:'
      ? url.toString()
      : undefined;
  } catch {
    return undefined;
  }
}
