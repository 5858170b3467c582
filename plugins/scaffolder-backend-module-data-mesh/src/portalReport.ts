/*
 * Telling the portal's data-mesh backend of an apply a template step made,
 * so the product's audit trail has it (the first one made its roles and
 * schemas). On behalf of the template's user: the backend decides with its
 * permission policy, as for an apply from the portal.
 */
import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import type { InfrastructureApplyReport } from '@datamesh/plugin-data-mesh-common';
import { sendApplyReport } from '@datamesh/plugin-data-mesh-node';

/** Where the data-mesh backend is, and how to call it. */
export interface PortalConnection {
  auth: AuthService;
  discovery: DiscoveryService;
  fetch?: typeof fetch;
}

/**
 * Report `report` of the product, if there is one. Never throws: the
 * warehouse has changed already, so a report the backend refuses or misses
 * is a warning in the task's log (which keeps the statements), not a failed
 * step.
 */
export async function reportApplyToPortal(
  ctx: Pick<ActionContext<any, any>, 'logger' | 'getInitiatorCredentials'>,
  portal: PortalConnection | undefined,
  product: { entityRef: string; namespace: string; name: string },
  report: InfrastructureApplyReport | undefined,
): Promise<void> {
  if (!portal || !report) return;
  try {
    const { token } = await portal.auth.getPluginRequestToken({
      onBehalfOf: await ctx.getInitiatorCredentials(),
      targetPluginId: 'data-mesh',
    });
    const recorded = await sendApplyReport(
      {
        baseUrl: await portal.discovery.getBaseUrl('data-mesh'),
        token,
        fetch: portal.fetch,
      },
      product,
      report,
    );
    ctx.logger.info(
      `Kept in the audit trail of ${recorded.entityRef} as applied by ${recorded.actor}`,
    );
  } catch (e) {
    ctx.logger.warn(
      `This apply is not in the audit trail of ${
        product.entityRef
      }: ${stringifyError(e)}`,
    );
  }
}
