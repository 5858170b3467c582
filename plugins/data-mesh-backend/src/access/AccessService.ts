/*
 * The access-request use cases behind the REST API, one file each:
 * request (create.ts), decide (decide.ts: approve/reject a request or its
 * extension), revoke (revoke.ts), extend (extend.ts); the expiry sweep and
 * warehouse retries run on the scheduler (expirySweep.ts, warehouseSync.ts).
 * What every transition does — load, caller rule, authorise, check state,
 * conditional write with history, warehouse, notify — is transition.ts.
 * Who may decide is the permission framework's answer (the portal's policy:
 * owners of the product, or admins), and the approvers a port's ODCS roles
 * name (approvers.ts); this file adds the filtered list.
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createConditionTransformer } from '@backstage/plugin-permission-node';
import {
  type AccessRequest,
  type AccessRequestActionBody,
  type AccessRequestCreateBody,
  type AccessRequestState,
  dataMeshAccessRequestDecidePermission,
} from '@datamesh/plugin-data-mesh-common';
import { dataProductPermissionResourceRef } from '@datamesh/plugin-data-mesh-node';
import { whereDataProductCriteria } from '../permissions';
import { createRequest } from './create';
import { approve, reject } from './decide';
import { extend } from './extend';
import { portsApprovedBy } from './approvers';
import { type UserCredentials, fullRef, isUser, lower } from './parties';
import { revoke } from './revoke';
import type { AccessContext, AccessServiceOptions } from './transition';
import { accessRequestView } from './views';
import { WarehouseSync } from './warehouseSync';

export type { AccessServiceOptions } from './transition';

/** Filters of `GET /access-requests`. @public */
export interface AccessRequestQuery {
  product?: string;
  consumer?: string;
  state?: AccessRequestState;
  mine?: boolean;
}

/** The access-request use cases. @public */
export class AccessService {
  private readonly ctx: AccessContext;

  constructor(options: AccessServiceOptions) {
    this.ctx = { ...options, warehouse: new WarehouseSync(options) };
  }

  /** Ask for access to a product's output port; 201 with the request. */
  create(body: AccessRequestCreateBody, credentials: BackstageCredentials) {
    return createRequest(this.ctx, body, credentials);
  }

  /** Approve a pending request, or the pending extension of a granted one. */
  approve(
    id: string,
    body: AccessRequestActionBody,
    credentials: BackstageCredentials,
  ) {
    return approve(this.ctx, id, body, credentials);
  }

  /** Reject a pending request, or the pending extension of a granted one. */
  reject(
    id: string,
    body: AccessRequestActionBody,
    credentials: BackstageCredentials,
  ) {
    return reject(this.ctx, id, body, credentials);
  }

  /** Take back an approved or active access now. */
  revoke(
    id: string,
    body: AccessRequestActionBody,
    credentials: BackstageCredentials,
  ) {
    return revoke(this.ctx, id, body, credentials);
  }

  /** The requester asks for a later expiry; owners decide with approve/reject. */
  extend(
    id: string,
    body: AccessRequestActionBody,
    credentials: BackstageCredentials,
  ) {
    return extend(this.ctx, id, body, credentials);
  }

  /**
   * Requests the caller may see, filtered in the database: their own plus,
   * through the policy's decision on deciding, those of products they own
   * (all of them for an admin).
   */
  async list(
    query: AccessRequestQuery,
    credentials: BackstageCredentials,
  ): Promise<AccessRequest[]> {
    const { permissions, permissionsRegistry, store } = this.ctx;
    const me = isUser(credentials)
      ? lower(credentials.principal.userEntityRef)
      : undefined;
    if (query.mine && !me) throw new InputError('mine: needs user credentials');
    const [decision] = await permissions.authorizeConditional(
      [{ permission: dataMeshAccessRequestDecidePermission }],
      { credentials },
    );
    const product = query.product
      ? fullRef(query.product, 'dataproduct', 'product')
      : undefined;
    // the port's approvers see its requests on the product's Access tab
    const approved =
      product && me && decision.result !== AuthorizeResult.ALLOW
        ? await portsApprovedBy(
            this.ctx,
            product,
            credentials as UserCredentials,
          )
        : [];
    const transform = createConditionTransformer(
      permissionsRegistry.getPermissionRuleset(
        dataProductPermissionResourceRef,
      ),
    );
    const records = await store.list({
      product,
      consumer: query.consumer
        ? fullRef(query.consumer, 'group', 'consumer')
        : undefined,
      state: query.state,
      requester: query.mine ? me : undefined,
      visible: q => {
        if (decision.result === AuthorizeResult.ALLOW) return;
        q.where(inner => {
          if (me) inner.orWhere('requester', me);
          else inner.whereRaw('1 = 0');
          if (approved.length > 0) {
            inner.orWhere(ports =>
              ports.where('product', product!).whereIn('output_port', approved),
            );
          }
          if (decision.result === AuthorizeResult.CONDITIONAL) {
            inner.orWhere(owned =>
              whereDataProductCriteria(
                owned,
                transform(decision.conditions),
                'owner',
              ),
            );
          }
        });
      },
    });
    return records.map(accessRequestView);
  }
}
