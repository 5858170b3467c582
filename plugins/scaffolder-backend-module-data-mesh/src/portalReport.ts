/*
 * Telling the portal's data-mesh backend of a change a template step made
 * to a product's warehouse objects (an apply, a sandbox made or deleted),
 * so the product's audit trail has it (the first apply made its roles and
 * schemas). On behalf of the template's user: the backend decides with its
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
} from '@datamesh/plugin-data-mesh-common';
import {
  portalCopyingWords,
  reportedProduct,
  sandboxesInProgressInPortal,
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
 * Stops the step (409) when the portal is copying a sandbox it would make
 * or drop (`branch`, or any with `undefined`): the two would break each
 * other. A portal that cannot answer does not stop it: a warning.
 */
export async function refuseWhilePortalCopies(
  ctx: Pick<ActionContext<any, any>, 'logger' | 'getInitiatorCredentials'>,
  portal: PortalConnection | undefined,
  entity: DataProductEntityV1alpha1,
  branch: string | undefined,
): Promise<void> {
  if (!portal) return;
  const product = reportedProduct(entity);
  let copying;
  try {
    copying = (
      await sandboxesInProgressInPortal(
        await portalTarget(ctx, portal),
        product,
      )
    ).filter(s => branch === undefined || s.branch === branch);
  } catch (e) {
    ctx.logger.warn(
      `Could not ask the portal whether it is making this sandbox: ${stringifyError(
        e,
      )}`,
    );
    return;
  }
  if (copying.length > 0) {
    throw new ConflictError(copying.map(portalCopyingWords).join('; '));
  }
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
