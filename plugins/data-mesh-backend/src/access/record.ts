/*
 * Recording access agreed outside the portal: a team adopting the portal
 * has consumers that already read its products (grants made by hand, a
 * ticket, a spreadsheet). Its owners (or an admin) record each one: it is
 * stored as a request approved by them, granted through a role of its own,
 * and from then on it is what any other request is — listed, warned
 * before it expires, extended, revoked, counted as a reader. The grants
 * made by hand can then be dropped as unexplained by the access drift
 * repair. The example mesh records its lineage this way (as the system).
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  type AccessAgreementRecordBody,
  type AccessRequest,
  dataMeshAccessRequestDecidePermission,
} from '@datamesh/plugin-data-mesh-common';
import { authorizeOnDataProduct } from '../permissions';
import { newRequest, portTerms, storeRequest } from './create';
import { afterApproval, approvalPatch } from './decide';
import { fullRef, lower, requireUser, resolveConsumer } from './parties';
import { TRANSITIONS } from './stateMachine';
import { type AccessContext, getRequest, raced } from './transition';
import { accessRequestView } from './views';

/** Who records: a signed-in owner or admin, or the backend itself (a module). */
export type AgreementRecorder = BackstageCredentials | 'system';

/** `requestedBy` as stored: a user or a group (the team that asked), full and lower-case. */
function requesterRef(ref: string): string {
  const full = fullRef(ref, 'user', 'requestedBy');
  const { kind } = parseEntityRef(full);
  if (kind !== 'user' && kind !== 'group') {
    throw new InputError(`requestedBy: '${ref}' is neither a user nor a group`);
  }
  return full;
}

/**
 * Record an access agreement made outside the portal: stored approved by
 * the recorder and granted; 201 with the request. Owners of the product
 * or admins (the decide permission; the port's approvers decide requests,
 * they do not vouch for agreements the owners made). The consumer is any
 * group or data product of the catalog; nobody is notified (the consumer
 * reads already), its readers' notices start now.
 */
export async function recordAgreement(
  ctx: AccessContext,
  body: AccessAgreementRecordBody,
  recorder: AgreementRecorder,
): Promise<AccessRequest> {
  const productRef = fullRef(body.product, 'dataproduct', 'product');
  let by = 'system';
  if (recorder !== 'system') {
    const user = requireUser(recorder, 'record access');
    by = lower(user.principal.userEntityRef);
    await authorizeOnDataProduct(
      ctx.permissions,
      dataMeshAccessRequestDecidePermission,
      productRef,
      recorder,
      () =>
        `you may not record access to ${productRef}: only its owners or an admin may`,
    );
  }
  const terms = await portTerms(ctx, body);
  const { consumer, grantee, team } = await resolveConsumer(
    ctx,
    body.consumer,
    terms.product,
  );
  // who asked, as far as the recorder knows: by default themselves, or the
  // consumer's team when the system records
  let requester = by === 'system' ? team || consumer : by;
  if (body.requestedBy) requester = requesterRef(body.requestedBy);
  const record = newRequest(ctx, terms, {
    consumer,
    grantee,
    requester,
    purpose: body.purpose,
    pii: body.pii ?? false,
  });
  await storeRequest(ctx, record);
  const now = ctx.clock.now();
  const approved = await ctx.store.transition(record.id, {
    ...TRANSITIONS.approve,
    patch: approvalPatch(by, now, record.durationMs),
    history: {
      at: now,
      actor: by,
      action: 'approve',
      comment: `recorded: agreed outside the portal${
        body.comment ? ` (${body.comment})` : ''
      }`,
    },
  });
  if (!approved) throw raced(record.id);
  await afterApproval(ctx, record.id);
  ctx.logger.info(
    `${by} recorded access to ${productRef} ${record.outputPort} for ${consumer} (${record.id})`,
  );
  return accessRequestView(await getRequest(ctx, record.id));
}
