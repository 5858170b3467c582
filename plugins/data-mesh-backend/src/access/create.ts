/*
 * Requesting: a signed-in user with the create permission asks for access
 * to a product's output port on behalf of a consumer they belong to. The
 * port's policy bounds the duration and PII; it may approve non-PII
 * requests within the product's domain (or from anyone) at once, which
 * grants like an owner's approval does. A non-PII request of the product's
 * own team (its group, or a product it owns) is approved at once too: the
 * team would be asking itself. On a port whose contract names second-level
 * approvers, such an approval stands for the first level only: the request
 * waits for the second.
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  type AccessRequest,
  type AccessRequestCreateBody,
  type DataProductEntityV1alpha1,
  type OutputPort,
  coveringRequest,
} from '@datamesh/plugin-data-mesh-common';
import { randomBytes } from 'node:crypto';
import type { AccessRequestRecord } from './AccessRequestStore';
import { afterApproval, approvalPatch } from './decide';
import {
  claimsOf,
  fullRef,
  loadProduct,
  lower,
  requireUser,
  resolveConsumer,
} from './parties';
import {
  autoApproves,
  durationWithin,
  portAccessPolicy,
  portApproverLevels,
  readRoleOf,
  requestRoleName,
} from './policy';
import { TRANSITIONS } from './stateMachine';
import {
  type AccessContext,
  authorizeRequesting,
  getRequest,
  notify,
} from './transition';
import { accessRequestView } from './views';

/** What a request for a port is made of, before who asks is known. */
export interface PortTerms {
  productRef: string;
  product: DataProductEntityV1alpha1;
  port: OutputPort;
  policy: ReturnType<typeof portAccessPolicy>;
  durationMs: number;
}

/**
 * The product and port asked for, the port's policy, and the duration
 * within its bounds: 404 for an unknown product or port, 400 naming the
 * field for personal data a port never grants or a duration too long.
 */
export async function portTerms(
  ctx: AccessContext,
  body: Pick<
    AccessRequestCreateBody,
    'product' | 'outputPort' | 'pii' | 'duration'
  >,
): Promise<PortTerms> {
  const { settings } = ctx;
  const productRef = fullRef(body.product, 'dataproduct', 'product');
  const product = await loadProduct(ctx, productRef);
  if (!product)
    throw new NotFoundError(`product: no data product ${productRef}`);
  const port = product.spec.outputPorts?.find(p => p.name === body.outputPort);
  if (!port) {
    throw new NotFoundError(
      `outputPort: ${productRef} has no output port '${body.outputPort}'`,
    );
  }
  const policy = portAccessPolicy(port);
  if (body.pii && policy.pii === 'deny') {
    throw new InputError(`pii: port '${port.name}' never grants personal data`);
  }
  const maxMs = Math.min(
    policy.maxDurationMs ?? Infinity,
    settings.maxDurationMs,
  );
  const durationMs =
    body.duration === undefined
      ? Math.min(policy.defaultDurationMs ?? settings.defaultDurationMs, maxMs)
      : durationWithin(body.duration, maxMs);
  return { productRef, product, port, policy, durationMs };
}

/** A new pending request of `consumer` for the port, not yet stored. */
export function newRequest(
  ctx: AccessContext,
  terms: PortTerms,
  asked: {
    consumer: string;
    grantee: string;
    requester: string;
    purpose: string;
    pii: boolean;
  },
): Omit<AccessRequestRecord, 'history' | 'warnedAt'> {
  const { product, productRef, port, durationMs } = terms;
  const id = randomBytes(8).toString('hex');
  // with PII, the role that reads PII columns in clear; else they are masked
  const read = readRoleOf(product, ctx.platform, asked.pii, 'product');
  return {
    id,
    product: productRef,
    owner: product.spec.owner
      ? fullRef(product.spec.owner, 'group', 'owner')
      : undefined,
    outputPort: port.name,
    ...asked,
    pii: read.pii,
    state: 'pending',
    durationMs,
    requestedAt: ctx.clock.now(),
    providerRole: read.role,
    role: requestRoleName(ctx.settings.naming.requestRole, ctx.platform, id),
  };
}

/**
 * Store a new request unless an open one of its consumer already gives
 * what it asks (409 naming it). Checked and stored as one step: of two
 * identical requests at the same instant (two replicas, a double submit)
 * the second is refused.
 */
export async function storeRequest(
  ctx: AccessContext,
  record: Omit<AccessRequestRecord, 'history' | 'warnedAt'>,
): Promise<void> {
  const { consumer, pii, outputPort, product } = record;
  const covering = await ctx.store.insertUnless(
    record,
    {
      at: record.requestedAt,
      actor: record.requester,
      action: 'request',
      state: 'pending',
      comment: record.purpose,
    },
    open => coveringRequest(open, { consumer, pii }),
  );
  if (covering) {
    throw new ConflictError(
      `consumer: ${consumer} ${
        covering.state === 'pending' ? 'has already asked for' : 'already reads'
      } port '${outputPort}' of ${product}${
        covering.pii ? ' with personal data' : ''
      } (request ${covering.id}); ${
        covering.state === 'pending'
          ? 'wait for its decision or withdraw it'
          : 'ask to extend it instead'
      }`,
    );
  }
}

/** Ask for access to a product's output port; 201 with the request. */
export async function createRequest(
  ctx: AccessContext,
  body: AccessRequestCreateBody,
  credentials: BackstageCredentials,
): Promise<AccessRequest> {
  const caller = requireUser(credentials, 'request access');
  await authorizeRequesting(ctx, credentials, 'request access');
  const terms = await portTerms(ctx, body);
  const { productRef, product, port, policy, durationMs } = terms;
  const claims = await claimsOf(ctx.userInfo, caller);
  const { consumer, grantee, sameDomain, sameTeam } = await resolveConsumer(
    ctx,
    body.consumer,
    product,
    claims,
  );
  const record = newRequest(ctx, terms, {
    consumer,
    grantee,
    requester: lower(caller.principal.userEntityRef),
    purpose: body.purpose,
    pii: body.pii ?? false,
  });
  const { id } = record;
  await storeRequest(ctx, record);
  const levels = portApproverLevels(port);
  if (autoApproves(policy, { pii: record.pii, sameDomain, sameTeam })) {
    const now = ctx.clock.now();
    const comment = sameTeam
      ? `auto-approved: ${consumer} is of the product's own team, and asks for no personal data`
      : `auto-approved: the port's policy approves non-PII requests${
          policy.autoApprove === 'any' ? '' : ' within the domain'
        }`;
    if (levels.second.length > 0) {
      // the policy stands for the first level; the second-level approvers
      // the contract names still decide
      await ctx.store.update(id, {
        states: ['pending'],
        unapproved: true,
        patch: { firstApproval: { by: 'system', at: now } },
        history: {
          at: now,
          actor: 'system',
          action: 'approve-first',
          comment: `${comment}; the port's second-level approvers decide`,
        },
      });
      const stored = await getRequest(ctx, id);
      await notify(ctx, n => n.awaitsSecondApproval(stored, levels.second));
    } else {
      await ctx.store.transition(id, {
        ...TRANSITIONS.approve,
        patch: approvalPatch('system', now, durationMs),
        history: { at: now, actor: 'system', action: 'approve', comment },
      });
      await afterApproval(ctx, id);
    }
  } else {
    // the first level decides first (the second is told after it)
    await notify(ctx, n =>
      n.requested(record as AccessRequestRecord, false, levels.first),
    );
  }
  ctx.logger.info(
    `${record.requester} requested ${productRef} ${port.name} for ${consumer} (${id})`,
  );
  return accessRequestView(await getRequest(ctx, id));
}
