import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { ProductLifecycle } from '@datamesh/plugin-data-mesh-common';
import type { Z } from './infraInputs';

/**
 * `datamesh:product:deprecate` — records a product's deprecation through
 * the data-mesh backend (`POST /lifecycle/{namespace}/{name}/deprecation`)
 * on behalf of the user who runs the template, so the portal's permission
 * policy decides (owners and admins only) and the backend notifies the
 * consumers holding grants.
 * @public
 */
export function createProductDeprecateAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
  fetch?: typeof fetch;
}) {
  const send = options.fetch ?? fetch;
  return createTemplateAction({
    id: 'datamesh:product:deprecate',
    description:
      'Deprecates a data product: retirement date, optional successor; consumers holding grants are notified and new access requests refused',
    schema: {
      input: {
        product: (z: Z) =>
          z.string({ description: 'Entity ref of the DataProduct' }),
        retireAt: (z: Z) =>
          z.string({
            description: 'ISO date on or after which it may be retired',
          }),
        successor: (z: Z) =>
          z
            .string({ description: 'Entity ref of the product replacing it' })
            .optional(),
        reason: (z: Z) => z.string().max(2000).optional(),
        acceptNewRequests: (z: Z) =>
          z
            .boolean({
              description: 'Keep accepting new access requests. Default false',
            })
            .optional(),
      },
      output: {
        state: (z: Z) => z.string(),
        retireAt: (z: Z) => z.string().optional(),
        successor: (z: Z) => z.string().optional(),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      let ref;
      try {
        ref = parseEntityRef(input.product, {
          defaultKind: 'dataproduct',
          defaultNamespace: 'default',
        });
      } catch {
        throw new InputError(
          `product: '${input.product}' is not an entity reference`,
        );
      }
      if (ref.kind.toLowerCase() !== 'dataproduct') {
        throw new InputError(`product: ${input.product} is not a DataProduct`);
      }
      const { token } = await options.auth.getPluginRequestToken({
        onBehalfOf: await ctx.getInitiatorCredentials(),
        targetPluginId: 'data-mesh',
      });
      const base = await options.discovery.getBaseUrl('data-mesh');
      const url = `${base}/lifecycle/${encodeURIComponent(
        ref.namespace,
      )}/${encodeURIComponent(ref.name)}/deprecation`;
      const body = {
        retireAt: input.retireAt,
        ...(input.successor ? { successor: input.successor } : {}),
        ...(input.reason ? { reason: input.reason } : {}),
        ...(input.acceptNewRequests !== undefined
          ? { acceptNewRequests: input.acceptNewRequests }
          : {}),
      };
      ctx.logger.info(
        `deprecating ${ref.namespace}/${ref.name}: retires on ${input.retireAt}`,
      );
      const response = await send(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify(body),
      });
      const payload = (await response.json().catch(() => ({}))) as any;
      if (!response.ok) {
        // the backend's own message: 403 not an owner, 400 a bad date, 409 retiring
        throw new Error(
          `deprecation refused (${response.status}): ${
            payload?.error?.message ?? response.statusText
          }`,
        );
      }
      const lifecycle = payload as ProductLifecycle;
      ctx.logger.info(
        `${lifecycle.product} is ${lifecycle.state}${
          lifecycle.successor ? `, successor ${lifecycle.successor}` : ''
        }; consumers holding grants are notified`,
      );
      ctx.output('state', lifecycle.state);
      if (lifecycle.retireAt) ctx.output('retireAt', lifecycle.retireAt);
      if (lifecycle.successor) ctx.output('successor', lifecycle.successor);
    },
  });
}
