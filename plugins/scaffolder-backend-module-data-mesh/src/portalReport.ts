/*
 * Telling the portal's data-mesh backend of a change a template step made
 * to a product's warehouse objects (an apply, a sandbox made or deleted),
 * so the product's audit trail has it (the first apply made its roles and
 * schemas); and claiming a sandbox's branch there first, so the portal and
 * the step do not change it at once. On behalf of the template's user: the backend decides with its
 * permission policy, as for the same change from the portal.
 */
import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ConflictError, stringifyError } from '@backstage/errors';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import type {
  DataProductEntityV1alpha1,
  InfrastructureChangeReport,
  ReportedChange,
  SandboxChange,
} from '@datamesh/plugin-data-mesh-common';
import {
  type PortalSandboxClaims,
  claimSandboxesInPortal,
  reportedProduct,
  sendChangeReport,
} from '@datamesh/plugin-data-mesh-node';

/** Where the data-mesh backend is, and how to call it. */
export interface PortalConnection {
  auth: AuthService;
  discovery: DiscoveryService;
  fetch?: typeof fetch;
}

/** The data-mesh backend, called on behalf of the task's user. */
async function portalTarget(
  ctx: Pick<ActionContext<any, any>, 'getInitiatorCredentials'>,
  portal: PortalConnection,
) {
  const { token } = await portal.auth.getPluginRequestToken({
    onBehalfOf: await ctx.getInitiatorCredentials(),
    targetPluginId: 'data-mesh',
  });
  return {
    baseUrl: await portal.discovery.getBaseUrl('data-mesh'),
    token,
    fetch: portal.fetch,
  };
}

/**
 * Claims in the portal the branches' sandboxes the step is about to make
 * or drop (on behalf of the task's user), so that no one makes or drops
 * them from the portal meanwhile; `end()` them when done. The caller
 * leaves alone the branches another is changing (`busy`), after waiting
 * for them as long as `wait` says. A portal that cannot be asked does not
 * stop the step: a warning.
 */
export async function claimInPortal(
  ctx: Pick<
    ActionContext<any, any>,
    'logger' | 'getInitiatorCredentials' | 'task'
  >,
  portal: PortalConnection | undefined,
  entity: DataProductEntityV1alpha1,
  branches: string[],
  change: SandboxChange,
  wait: { waitMs?: number; retryMs?: number } = {},
): Promise<PortalSandboxClaims | undefined> {
  if (!portal || branches.length === 0) return undefined;
  let claims: PortalSandboxClaims;
  try {
    claims = await claimSandboxesInPortal(
      await portalTarget(ctx, portal),
      reportedProduct(entity),
      { branches, change, source: 'template', reference: ctx.task.id },
      line => ctx.logger.warn(line),
      wait,
    );
  } catch (e) {
    // no token for the portal: as unreachable
    ctx.logger.warn(
      `Could not claim the sandbox in the portal: ${stringifyError(e)}`,
    );
    return undefined;
  }
  if (claims.unclaimed) ctx.logger.warn(`${claims.unclaimed}; going on`);
  return claims;
}

/** The step's refusal (409) of the branches another is changing. */
export function busyError(claims: PortalSandboxClaims): ConflictError {
  return new ConflictError(claims.busy.map(b => b.message).join('; '));
}

/** What every report of a task's step says: the task, the stage, the declared owner. */
export function templateChange(
  ctx: Pick<ActionContext<any, any>, 'task'>,
  entity: DataProductEntityV1alpha1,
  stage: string,
): ReportedChange {
  return {
    source: 'template',
    stage,
    reference: ctx.task.id,
    ...(entity.spec.owner ? { owner: entity.spec.owner } : {}),
  };
}

/**
 * Report what the step changed in the product's warehouse objects, if
 * anything. Never throws: the warehouse has changed already, so a report
 * the backend refuses or misses is a warning in the task's log (which
 * keeps what was done), not a failed step.
 */
export async function reportToPortal(
  ctx: Pick<ActionContext<any, any>, 'logger' | 'getInitiatorCredentials'>,
  portal: PortalConnection | undefined,
  entity: DataProductEntityV1alpha1,
  report: InfrastructureChangeReport | undefined,
): Promise<void> {
  if (!portal || !report) return;
  const product = reportedProduct(entity);
  try {
    const recorded = await sendChangeReport(
      await portalTarget(ctx, portal),
      product,
      report,
    );
    ctx.logger.info(
      `Kept in the audit trail of ${recorded.entityRef} (${recorded.action} by ${recorded.actor})`,
    );
  } catch (e) {
    ctx.logger.warn(
      `Not in the audit trail of ${product.namespace}/${product.name} (${
        report.action
      }): ${stringifyError(e)}`,
    );
  }
}
