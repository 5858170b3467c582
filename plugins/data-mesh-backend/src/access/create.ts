/*
 * Requesting: a signed-in user with the create permission asks for access
 * to a product's output port on behalf of a consumer they belong to. The
 * port's policy bounds the duration and PII; it may approve non-PII
 * requests within the product's domain (or from anyone) at once, which
 * grants like an owner's approval does. A non-PII request of the product's
 * own team (its group, or a product it owns) is approved at once too: the
 * team would be asking itself.
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  type AccessRequest,
  type AccessRequestCreateBody,
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
  portApprovers,
  providerRoleOf,
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

/** Ask for access to a product's output port; 201 with the request. */
export async function createRequest(
  ctx: AccessContext,
  body: AccessRequestCreateBody,
  credentials: BackstageCredentials,
): Promise<AccessRequest> {
  const { store, settings, platform, clock } = ctx;
  const caller = requireUser(credentials, 'request access');
  await authorizeRequesting(ctx, credentials, 'request access');
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

  const claims = await claimsOf(ctx.userInfo, caller);
  const { consumer, grantee, sameDomain, sameTeam } = await resolveConsumer(
    ctx,
    body.consumer,
    claims,
    product,
  );
  const pii = body.pii ?? false;
  const id = randomBytes(8).toString('hex');
  const now = clock.now();
  const record: Omit<AccessRequestRecord, 'history' | 'warnedAt'> = {
    id,
    product: productRef,
    owner: product.spec.owner
      ? fullRef(product.spec.owner, 'group', 'owner')
      : undefined,
    outputPort: port.name,
    consumer,
    requester: lower(caller.principal.userEntityRef),
    purpose: body.purpose,
    pii,
    state: 'pending',
    durationMs,
    requestedAt: now,
    grantee,
    // with PII, the role that reads PII columns in clear; else they are masked
    providerRole: providerRoleOf(product, platform, pii, 'product'),
    role: requestRoleName(settings.naming.requestRole, platform, id),
  };
  // checked and stored as one step: of two identical requests at the same
  // instant (two replicas, a double submit) the second is refused
  const covering = await store.insertUnless(
    record,
    {
      at: now,
      actor: record.requester,
      action: 'request',
      state: 'pending',
      comment: body.purpose,
    },
    open => coveringRequest(open, { consumer, pii }),
  );
  if (covering) {
    throw new ConflictError(
      `consumer: ${consumer} ${
        covering.state === 'pending' ? 'has already asked for' : 'already reads'
      } port '${port.name}' of ${productRef}${
        covering.pii ? ' with personal data' : ''
      } (request ${covering.id}); ${
        covering.state === 'pending'
          ? 'wait for its decision or withdraw it'
          : 'ask to extend it instead'
      }`,
    );
  }
  if (autoApproves(policy, { pii: record.pii, sameDomain, sameTeam })) {
    await store.transition(id, {
      ...TRANSITIONS.approve,
      patch: approvalPatch('system', now, durationMs),
      history: {
        at: now,
        actor: 'system',
        action: 'approve',
        comment: sameTeam
          ? `auto-approved: ${consumer} is of the product's own team, and asks for no personal data`
          : `auto-approved: the port's policy approves non-PII requests${
              policy.autoApprove === 'any' ? '' : ' within the domain'
            }`,
      },
    });
    await afterApproval(ctx, id);
  } else {
    await notify(ctx, n =>
      n.requested(record as AccessRequestRecord, false, portApprovers(port)),
    );
  }
  ctx.logger.info(
    `${record.requester} requested ${productRef} ${port.name} for ${consumer} (${id})`,
  );
  return accessRequestView(await getRequest(ctx, id));
}
