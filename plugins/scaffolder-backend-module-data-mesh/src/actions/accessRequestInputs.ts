import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  type AccessRequest,
  type AccessRequestListResponse,
  coveringRequest,
  inputAccessAsks,
} from '@datamesh/plugin-data-mesh-common';
import { loadProduct } from '../spec';
import { examples } from './accessRequestInputs.examples';
import { type Z, infraInputs } from './infraInputs';

/** What became of the request for one input port. */
export interface InputAccessOutcome {
  product: string;
  outputPort: string;
  /**
   * `requested` (waiting for the upstream owners), `approved`/`active`
   * (granted, e.g. by the port's auto-approval), `already-open` (an open
   * request or grant of the product covers it: nothing sent), `refused`
   * (the backend said why), `not-asked` (the product did not reach the
   * catalog in time).
   */
  outcome:
    | 'requested'
    | 'approved'
    | 'active'
    | 'already-open'
    | 'refused'
    | 'not-asked';
  id?: string;
  message?: string;
}

const DEFAULT_CATALOG_WAIT_S = 60;

/**
 * `datamesh:access:request-inputs` — asks, on behalf of the new product,
 * for access to the upstream output port of each of its `data-product`
 * input ports (POST /access-requests of the data-mesh backend, as the user
 * who runs the template, so the port's policy and the upstream owners
 * decide: nothing is granted behind their back). Without it, a product
 * created with inputs would have lineage but a pipeline that cannot read
 * them. The product must be in the catalog first (the request names it as
 * consumer, its service role is the grantee): the action waits for it.
 * A refusal of one port, or a product the catalog has not read in time, is
 * reported (the step still succeeds: the product exists, and its owners ask
 * from its page); a backend that fails or cannot be reached fails the step.
 * @public
 */
export function createAccessRequestInputsAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
  catalog: CatalogService;
  fetch?: typeof fetch;
  /** Between catalog lookups while waiting for the product. */
  pollMs?: number;
}) {
  const send = options.fetch ?? fetch;
  return createTemplateAction({
    id: 'datamesh:access:request-inputs',
    description:
      "Requests access for the workspace data product to the upstream output port of each of its data-product input ports, on behalf of the template's user",
    examples,
    schema: {
      input: {
        path: infraInputs.path,
        purpose: (z: Z) =>
          z
            .string()
            .min(1)
            .max(2000)
            .optional()
            .describe(
              "Why the product reads its inputs. Default, per input port: 'Input of <product title>' and the port's description",
            ),
        pii: (z: Z) =>
          z
            .boolean({
              description:
                'Ask for personal data in clear on every input. Default: only on the input ports whose spec says personalDataInClear; other personal-data columns read masked',
            })
            .optional(),
        duration: (z: Z) =>
          z
            .string()
            .max(32)
            .optional()
            .describe(
              "How long each grant lasts, e.g. 365d: within each port's maximum (a pipeline's inputs should not lapse unnoticed; owners are warned before the end). Default: each port's default",
            ),
        catalogWaitSeconds: (z: Z) =>
          z
            .number()
            .int()
            .min(0)
            .max(600)
            .optional()
            .describe(
              `How long to wait for the product to appear in the catalog. Default ${DEFAULT_CATALOG_WAIT_S}`,
            ),
      },
      output: {
        requests: (z: Z) =>
          z.array(
            z.object({
              product: z.string(),
              outputPort: z.string(),
              outcome: z.enum([
                'requested',
                'approved',
                'active',
                'already-open',
                'refused',
                'not-asked',
              ]),
              id: z.string().optional(),
              message: z.string().optional(),
            }),
          ),
        pending: (z: Z) =>
          z.number().describe('Requests waiting for the upstream owners'),
      },
    },
    async handler(ctx) {
      const entity = await loadProduct(
        ctx.workspacePath,
        ctx.input.path,
        ctx.logger,
      );
      const consumer = stringifyEntityRef(entity).toLowerCase();
      // each input's purpose and personal data as the spec says them
      const asks = inputAccessAsks(entity);
      const inputs = asks.map(a => ({
        product: a.product,
        outputPort: a.outputPort,
      }));
      if (inputs.length === 0) {
        ctx.logger.info(`${consumer} reads no other data product`);
        ctx.output('requests', []);
        ctx.output('pending', 0);
        return;
      }
      const waitMs =
        (ctx.input.catalogWaitSeconds ?? DEFAULT_CATALOG_WAIT_S) * 1000;
      const inCatalog = await waitForCatalog(
        options.catalog,
        consumer,
        await options.auth.getOwnServiceCredentials(),
        waitMs,
        options.pollMs ?? 1000,
      );
      if (!inCatalog) {
        // the product is made and registered: a slow catalog (a git host's
        // first read) is no reason to fail the task that made it
        const message = `${consumer} is not in the catalog after ${Math.round(
          waitMs / 1000,
        )} s: ask from its page (Input ports) once it is`;
        ctx.logger.warn(message);
        ctx.output(
          'requests',
          inputs.map(input => ({ ...input, outcome: 'not-asked', message })),
        );
        ctx.output('pending', 0);
        return;
      }
      const { token } = await options.auth.getPluginRequestToken({
        onBehalfOf: await ctx.getInitiatorCredentials(),
        targetPluginId: 'data-mesh',
      });
      const url = `${await options.discovery.getBaseUrl(
        'data-mesh',
      )}/access-requests`;
      const headers = {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
      };
      // what the product has asked for already (a step run again): the
      // backend's own rule says which of those covers an input
      const asked = await send(
        `${url}?ours=true&consumer=${encodeURIComponent(consumer)}`,
        { headers },
      );
      if (!asked.ok) {
        throw new Error(
          `the data-mesh backend did not list the requests of ${consumer} (${asked.status})`,
        );
      }
      const open = ((await asked.json()) as AccessRequestListResponse).items;

      const requests: InputAccessOutcome[] = [];
      for (const ask of asks) {
        const input = { product: ask.product, outputPort: ask.outputPort };
        const pii = ctx.input.pii === true || ask.pii;
        const purpose = ctx.input.purpose ?? ask.purpose;
        const what = `${input.product} port '${input.outputPort}'`;
        const covering = coveringRequest(
          open.filter(
            r =>
              r.product === input.product && r.outputPort === input.outputPort,
          ),
          { consumer, pii },
        );
        if (covering) {
          requests.push({
            ...input,
            outcome: 'already-open',
            id: covering.id,
            message: `request ${covering.id} is ${covering.state}`,
          });
          ctx.logger.info(
            `${what}: asked already (${covering.id}, ${covering.state})`,
          );
          continue;
        }
        const response = await send(url, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            ...input,
            consumer,
            purpose,
            ...(pii ? { pii: true } : {}),
            ...(ctx.input.duration ? { duration: ctx.input.duration } : {}),
          }),
        });
        const payload = (await response.json().catch(() => ({}))) as any;
        if (response.ok) {
          const request = payload as AccessRequest;
          const outcome =
            request.state === 'pending'
              ? 'requested'
              : (request.state as 'approved' | 'active');
          requests.push({ ...input, outcome, id: request.id });
          // a second input port on the same upstream port is covered by it
          open.push(request);
          ctx.logger.info(
            outcome === 'requested'
              ? `${what}: requested (${request.id}); its owners decide`
              : `${what}: ${outcome} at once (${request.id}: ${
                  // why: the port's policy, or the team's own product
                  request.history?.find(h => h.action === 'approve')?.comment ??
                  'approved'
                })`,
          );
        } else if (response.status >= 400 && response.status < 500) {
          // the backend's own words: not an owner of the product, a port
          // gone, a deprecated product, an open request already...
          const message = payload?.error?.message ?? response.statusText;
          requests.push({ ...input, outcome: 'refused', message });
          ctx.logger.warn(
            `${what}: not requested (${response.status}): ${message}`,
          );
        } else {
          throw new Error(
            `the data-mesh backend failed to take the request for ${what} (${
              response.status
            }): ${payload?.error?.message ?? response.statusText}`,
          );
        }
      }
      ctx.output('requests', requests);
      ctx.output(
        'pending',
        requests.filter(r => r.outcome === 'requested').length,
      );
    },
  });
}

/**
 * Polls the catalog until `ref` is there (registration is processed
 * asynchronously); false when it is not within `waitMs`.
 */
async function waitForCatalog(
  catalog: CatalogService,
  ref: string,
  credentials: BackstageCredentials,
  waitMs: number,
  pollMs: number,
): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await catalog.getEntityByRef(ref, { credentials })) return true;
    if (Date.now() >= deadline) return false;
    await new Promise(r => setTimeout(r, pollMs));
  }
}
