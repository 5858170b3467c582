/*
 * A branch's sandbox changed by one hand at a time. Making a sandbox copies
 * the product's schemas (a while on PostgreSQL), and a second creation with
 * `replace`, or a deletion, of the same branch meanwhile would break the copy
 * under way. The portal claims the branch across its replicas while it
 * changes a sandbox; a pipeline or a template step changing one outside the
 * portal claims it the same way (`POST
 * /products/{namespace}/{name}/sandbox-claims`), so each refuses the others.
 */
import {
  type InfrastructureChangeSource,
  CHANGE_SOURCE_WORDS,
} from './reports';

/** What a claim is for: making the branch's sandbox or dropping it. @public */
export type SandboxChange = 'create' | 'delete';

/** Every {@link SandboxChange}. @public */
export const SANDBOX_CHANGES: readonly SandboxChange[] = ['create', 'delete'];

/** `POST /api/data-mesh/products/{namespace}/{name}/sandbox-claims`. @public */
export interface SandboxClaimBody {
  /** The branch, or its suffix as the product's sandboxes list it. */
  branch: string;
  change: SandboxChange;
  /** Where the change runs. */
  source: InfrastructureChangeSource;
  /** A scaffolder task id, a CI run's URL: shown to whom the claim stops. */
  reference?: string;
}

/**
 * A claim held: kept while its holder refreshes it (`PUT
 * …/sandbox-claims/{id}`) at least every `refreshWithinSeconds`, ended by
 * `DELETE …/sandbox-claims/{id}`. One not refreshed for a few minutes is a
 * holder that stopped: another may take the branch.
 * @public
 */
export interface SandboxClaim {
  id: string;
  entityRef: string;
  /** The branch's suffix. */
  branch: string;
  change: SandboxChange;
  /** Who holds it (the caller). */
  by: string;
  /** ISO time it was taken. */
  since: string;
  refreshWithinSeconds: number;
}

/**
 * A branch's sandbox being changed, as the product's infrastructure lists
 * it and as a refused claim names it.
 * @public
 */
export interface InfrastructureSandboxInProgress {
  /** The branch's suffix, as in `InfrastructureSandbox.branch`. */
  branch: string;
  /** Made (the portal or a pipeline copying it) or dropped. */
  change: SandboxChange;
  /** Who asked for it (user or service entity ref). */
  requestedBy: string;
  /** ISO time the change started. */
  startedAt: string;
  /** Outside the portal: where it runs. Absent: the portal itself. */
  source?: InfrastructureChangeSource;
  /** The run's pointer, as reported (a task id, a CI run's URL). */
  reference?: string;
}

/**
 * Why a branch's sandbox may not be changed now, in the words every refusal
 * uses (the portal's routes, the CLI, the template's steps).
 * @public
 */
export function sandboxBusyWords(
  entityRef: string,
  busy: InfrastructureSandboxInProgress,
): string {
  const where = busy.source ? ` ${CHANGE_SOURCE_WORDS[busy.source]}` : '';
  return `the sandbox of ${busy.branch} of ${entityRef} is being ${
    busy.change === 'create' ? 'made' : 'deleted'
  }${where} (asked by ${busy.requestedBy} at ${busy.startedAt}${
    busy.reference ? `, ${busy.reference}` : ''
  }): run again once it is done`;
}
